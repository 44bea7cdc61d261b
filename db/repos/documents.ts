import type { Database, Statement } from 'better-sqlite3';
import { DomainError } from '../../core/errors';
import { FIELD_LIMITS, normalizeField } from '../../core/normalize';
import { text } from '../../core/text';
import { documentTypeByCode } from '../../core/vocabulary';
import type { AuditLog } from '../audit-log';
import { actorFields, systemClock, type Actor, type Clock } from './actor';
import type { DocumentDraft } from '../../core/cataloguing/rules';
import { isCalendarDate8 } from '../../core/calendar-date';
import { volumeNotFound } from './volumes';

/** One 文件 of a volume as the cataloguer describes it (core's draft shape). Pages are positions among the live pages. */
export type DocumentInput = DocumentDraft;

export interface CataloguedDocument {
  readonly id: number;
  readonly volumeId: number;
  readonly seq: number;
  readonly typeCode: string;
  readonly title: string;
  readonly docDate: string | null;
  readonly responsible: string | null;
  readonly firstPage: number;
  readonly lastPage: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

interface DocumentRow {
  id: number;
  volume_id: number;
  seq: number;
  type_code: string;
  title: string;
  doc_date: string | null;
  responsible: string | null;
  first_page: number;
  last_page: number;
  created_at: string;
  updated_at: string;
}

const TITLE = { ...FIELD_LIMITS.title, required: true } as const;

function fault(
  code: string,
  index: number,
  zh: string,
  en: string,
  details: Record<string, unknown> = {},
): DomainError {
  return new DomainError(code, text(`第 ${index + 1} 件：${zh}`, `Document ${index + 1}: ${en}`), {
    index,
    ...details,
  });
}

/**
 * The catalogue (著录) of a volume: its documents, saved as a whole. Only the structural rules are
 * checked here (known type, title, real date, page ranges inside the volume, in order without overlaps,
 * no content page left between two documents); the full rules are core/cataloguing/rules.ts, which
 * workstation/cataloguing applies before saving.
 */
export class DocumentsRepo {
  private readonly volumeExists: Statement<{ id: number }, { id: number }>;
  private readonly livePages: Statement<{ volumeId: number }, PageFlagRow>;
  private readonly deleteAll: Statement<{ volumeId: number }>;
  private readonly insert: Statement<Omit<DocumentRow, 'id'>>;
  private readonly ofVolume: Statement<{ volumeId: number }, DocumentRow>;

  constructor(
    private readonly db: Database,
    private readonly audit: AuditLog,
    private readonly now: Clock = systemClock,
  ) {
    this.volumeExists = db.prepare('SELECT id FROM volumes WHERE id = @id');
    this.livePages = db.prepare(
      'SELECT is_blank, is_separator FROM pages WHERE volume_id = @volumeId AND deleted_at IS NULL ORDER BY seq',
    );
    this.deleteAll = db.prepare('DELETE FROM documents WHERE volume_id = @volumeId');
    this.insert = db.prepare(
      `INSERT INTO documents (volume_id, seq, type_code, title, doc_date, responsible, first_page, last_page, created_at, updated_at)
       VALUES (@volume_id, @seq, @type_code, @title, @doc_date, @responsible, @first_page, @last_page, @created_at, @updated_at)`,
    );
    this.ofVolume = db.prepare('SELECT * FROM documents WHERE volume_id = @volumeId ORDER BY seq');
  }

  /**
   * The cataloguing save: replaces the volume's documents with `docs`, in one transaction. With `draft`,
   * half-done work is stored too (no type or title yet, pages not yet in any document): only what the
   * table cannot hold or the screens cannot show is refused (ranges outside the volume, out of order or
   * overlapping, an unreal date). The full rules are checked when the catalogue is finished.
   */
  replaceAll(
    volumeId: number,
    docs: readonly DocumentInput[],
    actor: Actor,
    options: { readonly draft?: boolean } = {},
  ): CataloguedDocument[] {
    return this.db.transaction(() => {
      if (!this.volumeExists.get({ id: volumeId })) throw volumeNotFound(volumeId);
      const rows = checkDocuments(docs, this.livePages.all({ volumeId }), options.draft === true);
      const at = this.now().toISOString();
      this.deleteAll.run({ volumeId });
      rows.forEach((r, i) =>
        this.insert.run({ ...r, volume_id: volumeId, seq: i + 1, created_at: at, updated_at: at }),
      );
      this.audit.append({
        ...actorFields(actor),
        action: 'document.replace-all',
        objectType: 'volume',
        objectId: volumeId,
        outcome: 'ok',
        details: {
          count: rows.length,
          documents: rows.map((r) => ({
            type: r.type_code,
            title: r.title,
            pages: [r.first_page, r.last_page],
          })),
        },
      });
      return this.list(volumeId);
    })();
  }

  list(volumeId: number): CataloguedDocument[] {
    return this.ofVolume.all({ volumeId }).map(toDocument);
  }
}

interface PageFlagRow {
  is_blank: number;
  is_separator: number;
}

type CheckedRow = Pick<
  DocumentRow,
  'type_code' | 'title' | 'doc_date' | 'responsible' | 'first_page' | 'last_page'
>;

function checkDocuments(
  docs: readonly DocumentInput[],
  pages: readonly PageFlagRow[],
  draft: boolean,
): CheckedRow[] {
  const pageCount = pages.length;
  // Blank pages and separator sheets may lie between documents (a cover sheet, an empty back side).
  const onlyFiller = (from: number, to: number) =>
    pages.slice(from - 1, to).every((p) => p.is_blank === 1 || p.is_separator === 1);
  let previousLast = 0;
  return docs.map((d, i) => {
    if (!draft && documentTypeByCode(d.typeCode) === undefined) {
      throw fault(
        'documents.invalid-type',
        i,
        `未知的文件类型：${d.typeCode}`,
        `unknown document type: ${d.typeCode}`,
        {
          typeCode: d.typeCode,
        },
      );
    }
    const title = normalizeField(draft ? FIELD_LIMITS.title : TITLE, d.title);
    const responsible =
      d.responsible === undefined || d.responsible === null
        ? ''
        : normalizeField(FIELD_LIMITS.responsibleParty, d.responsible);
    const docDate = d.docDate ?? null;
    if (docDate !== null && !isCalendarDate8(docDate)) {
      throw fault(
        'documents.invalid-date',
        i,
        `日期应为真实日期，格式 YYYYMMDD：${docDate}`,
        `the date must be a real date written YYYYMMDD: ${docDate}`,
        {
          docDate,
        },
      );
    }
    const { firstPage, lastPage } = d;
    if (
      !Number.isInteger(firstPage) ||
      !Number.isInteger(lastPage) ||
      firstPage < 1 ||
      lastPage < firstPage ||
      lastPage > pageCount
    ) {
      throw fault(
        'documents.range-outside',
        i,
        `页码范围 ${firstPage}–${lastPage} 无效（本卷共 ${pageCount} 页）`,
        `page range ${firstPage}–${lastPage} is not valid (the volume has ${pageCount} pages)`,
        { firstPage, lastPage, pageCount },
      );
    }
    if (firstPage <= previousLast) {
      throw fault(
        'documents.overlap',
        i,
        `第 ${firstPage} 页已属于前一件`,
        `page ${firstPage} already belongs to the previous document`,
        {
          firstPage,
          previousLast,
        },
      );
    }
    if (!draft && firstPage !== previousLast + 1 && !onlyFiller(previousLast + 1, firstPage - 1)) {
      throw fault(
        'documents.gap',
        i,
        `第 ${previousLast + 1}–${firstPage - 1} 页不属于任何一件`,
        `pages ${previousLast + 1}–${firstPage - 1} belong to no document`,
        { firstPage, previousLast },
      );
    }
    previousLast = lastPage;
    return {
      type_code: d.typeCode,
      title,
      doc_date: docDate,
      responsible: responsible === '' ? null : responsible,
      first_page: firstPage,
      last_page: lastPage,
    };
  });
}

function toDocument(row: DocumentRow): CataloguedDocument {
  return {
    id: row.id,
    volumeId: row.volume_id,
    seq: row.seq,
    typeCode: row.type_code,
    title: row.title,
    docDate: row.doc_date,
    responsible: row.responsible,
    firstPage: row.first_page,
    lastPage: row.last_page,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
