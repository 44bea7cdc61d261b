import { isCalendarDate8 } from '../calendar-date';
import { text } from '../text';
import { documentTypeByCode } from '../vocabulary';
import { issue, type CatalogueIssue } from './issues';

/** What the rules need to know of a page: its position and the machine's flags. */
export interface CataloguePage {
  /** 1-based position among the volume's live pages. */
  readonly seq: number;
  readonly isBlank: boolean;
  readonly isSeparator: boolean;
}

/** A document as the cataloguer describes it (fields may still be missing in a draft). */
export interface DocumentDraft {
  readonly typeCode: string;
  readonly title: string;
  /** YYYYMMDD. */
  readonly docDate?: string | null;
  readonly responsible?: string | null;
  readonly firstPage: number;
  readonly lastPage: number;
}

export interface CatalogueInput {
  readonly volumeType: string;
  readonly pages: readonly CataloguePage[];
  readonly documents: readonly DocumentDraft[];
  /** The page count written on the folder / in the register (null: not declared). */
  readonly declaredPages: number | null;
  /** Why the counted pages differ from the declared count, when they do. */
  readonly pageCountReason?: string | null;
}

/**
 * Document types whose responsible party (责任者) DA/T 18 requires: documents issued by a body — a
 * resolution names the meeting's organ, a notice or decision the authority that issued it. Forms filled
 * in by the applicant (申请书, 身份证明 …) carry the enterprise as author and need not repeat it.
 */
export const RESPONSIBLE_REQUIRED: ReadonlySet<string> = new Set([
  'SHR',
  'BDR',
  'NAM',
  'PRE',
  'MIG',
  'PEN',
  'TAX',
  'NOT',
  'LIC',
]);

/** A page that carries content: neither blank nor a separator sheet. These are the pages that count. */
export function isContentPage(p: CataloguePage): boolean {
  return !p.isBlank && !p.isSeparator;
}

/** The pages that count towards the volume's page total (content pages). */
export function countedPages(pages: readonly CataloguePage[]): number {
  return pages.filter(isContentPage).length;
}

/**
 * 页号: content pages are numbered 1..n in volume order; blank pages and separator sheets get none.
 * Returns the number for each position (index = seq − 1).
 */
export function assignPageNumbers(pages: readonly CataloguePage[]): (number | null)[] {
  let n = 0;
  return [...pages].sort((a, b) => a.seq - b.seq).map((p) => (isContentPage(p) ? ++n : null));
}

/**
 * The cataloguing rules (DA/T 18 and the workstation's own): documents lie in order, do not overlap and
 * stay inside the volume; every content page is in exactly one document (blank pages and separator
 * sheets may stay outside); the declared page count equals the counted pages or a reason is recorded;
 * each document has a known type, a title, a real date YYYYMMDD, a page range, and a responsible party
 * where its type needs one. Returns every finding, errors first, each naming its page or document.
 */
export function validateCatalogue(input: CatalogueInput): CatalogueIssue[] {
  const issues: CatalogueIssue[] = [];
  const pages = [...input.pages].sort((a, b) => a.seq - b.seq);
  const n = pages.length;
  const owner = new Array<number>(n + 1).fill(0);

  input.documents.forEach((d, i) => {
    const doc = i + 1;
    issues.push(...fieldIssues(d, doc, input.volumeType));
    const { firstPage: a, lastPage: b } = d;
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < 1 || b < a || b > n) {
      issues.push(
        issue(
          'error',
          'catalogue.range-invalid',
          text(
            `第 ${doc} 件：页码范围 ${a}–${b} 无效（本卷共 ${n} 页）`,
            `Document ${doc}: page range ${a}–${b} is not valid (the volume has ${n} pages)`,
          ),
          { document: doc },
        ),
      );
      return;
    }
    const previous = input.documents[i - 1];
    if (previous !== undefined && a < previous.firstPage) {
      issues.push(
        issue(
          'error',
          'catalogue.out-of-order',
          text(
            `第 ${doc} 件从第 ${a} 页开始，早于前一件（第 ${previous.firstPage} 页）`,
            `Document ${doc} starts at page ${a}, before the previous document (page ${previous.firstPage})`,
          ),
          { document: doc, page: a },
        ),
      );
    }
    // Overlaps are reported once per pair of documents, at the first shared page.
    const clashes = new Map<number, number[]>();
    for (let p = a; p <= b; p++) {
      const first = owner[p] ?? 0;
      if (first === 0) owner[p] = doc;
      else clashes.set(first, [...(clashes.get(first) ?? []), p]);
    }
    for (const [first, shared] of clashes) {
      const from = shared[0] ?? a;
      const to = shared.at(-1) ?? from;
      issues.push(
        issue(
          'error',
          'catalogue.overlap',
          text(
            `第 ${from}–${to} 页同时属于第 ${first} 件和第 ${doc} 件`,
            `Pages ${from}–${to} belong to both document ${first} and document ${doc}`,
          ),
          { page: from, document: doc },
        ),
      );
    }
    const inside = pages.slice(a - 1, b);
    if (inside.length > 0 && !inside.some(isContentPage)) {
      issues.push(
        issue(
          'error',
          'catalogue.blank-document',
          text(
            `第 ${doc} 件（第 ${a}–${b} 页）只有空白页或分隔页`,
            `Document ${doc} (pages ${a}–${b}) holds only blank or separator pages`,
          ),
          { document: doc, page: a },
        ),
      );
    } else if (inside[0] !== undefined && !isContentPage(inside[0])) {
      issues.push(
        issue(
          'warning',
          'catalogue.starts-blank',
          text(
            `第 ${doc} 件从空白页或分隔页（第 ${a} 页）开始`,
            `Document ${doc} starts on a blank or separator page (page ${a})`,
          ),
          { document: doc, page: a },
        ),
      );
    }
    for (const p of inside) {
      if (p.isSeparator) {
        issues.push(
          issue(
            'warning',
            'catalogue.separator-inside',
            text(
              `第 ${doc} 件中含分隔页（第 ${p.seq} 页）`,
              `Document ${doc} contains a separator sheet (page ${p.seq})`,
            ),
            { document: doc, page: p.seq },
          ),
        );
      }
    }
  });

  for (const p of pages) {
    if (isContentPage(p) && p.seq <= n && (owner[p.seq] ?? 0) === 0) {
      issues.push(
        issue(
          'error',
          'catalogue.page-uncatalogued',
          text(`第 ${p.seq} 页不属于任何一件`, `Page ${p.seq} belongs to no document`),
          { page: p.seq },
        ),
      );
    }
  }

  const counted = countedPages(pages);
  const reason = (input.pageCountReason ?? '').trim();
  if (input.declaredPages === null) {
    issues.push(
      issue(
        'warning',
        'catalogue.pages-undeclared',
        text(
          `案卷未登记页数（实有 ${counted} 页）`,
          `The volume has no declared page count (${counted} pages counted)`,
        ),
      ),
    );
  } else if (input.declaredPages !== counted && reason === '') {
    issues.push(
      issue(
        'error',
        'catalogue.page-count',
        text(
          `登记页数 ${input.declaredPages} 与实有页数 ${counted} 不符，须说明原因`,
          `Declared page count ${input.declaredPages} differs from the ${counted} pages counted; a reason is required`,
        ),
      ),
    );
  }
  if (input.documents.length === 0 && counted > 0) {
    issues.push(
      issue('error', 'catalogue.empty', text('尚未著录任何文件', 'No document has been catalogued yet')),
    );
  }
  return issues.sort((x, y) => (x.severity === y.severity ? 0 : x.severity === 'error' ? -1 : 1));
}

function fieldIssues(d: DocumentDraft, doc: number, volumeType: string): CatalogueIssue[] {
  const out: CatalogueIssue[] = [];
  const where = { document: doc };
  const type = documentTypeByCode(d.typeCode);
  if (type === undefined) {
    out.push(
      issue(
        'error',
        'catalogue.type-unknown',
        text(
          `第 ${doc} 件：文件类型未填或未知（${d.typeCode}）`,
          `Document ${doc}: type missing or unknown (${d.typeCode})`,
        ),
        where,
      ),
    );
  } else if (type.volumeTypes !== undefined && !type.volumeTypes.includes(volumeType)) {
    out.push(
      issue(
        'warning',
        'catalogue.type-unusual',
        text(
          `第 ${doc} 件：“${type.name}”通常不出现在此类案卷中`,
          `Document ${doc}: "${type.nameEn}" does not usually appear in this kind of volume`,
        ),
        where,
      ),
    );
  }
  if (d.title.trim() === '') {
    out.push(
      issue(
        'error',
        'catalogue.title-missing',
        text(`第 ${doc} 件：缺少题名`, `Document ${doc}: the title is missing`),
        where,
      ),
    );
  }
  const date = d.docDate ?? '';
  if (date === '') {
    out.push(
      issue(
        'error',
        'catalogue.date-missing',
        text(`第 ${doc} 件：缺少日期`, `Document ${doc}: the date is missing`),
        where,
      ),
    );
  } else if (!isCalendarDate8(date)) {
    out.push(
      issue(
        'error',
        'catalogue.date-invalid',
        text(
          `第 ${doc} 件：日期应为真实日期，格式 YYYYMMDD（${date}）`,
          `Document ${doc}: the date must be a real date written YYYYMMDD (${date})`,
        ),
        where,
      ),
    );
  }
  if (type !== undefined && RESPONSIBLE_REQUIRED.has(type.code) && (d.responsible ?? '').trim() === '') {
    out.push(
      issue(
        'error',
        'catalogue.responsible-missing',
        text(
          `第 ${doc} 件：“${type.name}”须填写责任者`,
          `Document ${doc}: a "${type.nameEn}" needs its responsible party`,
        ),
        where,
      ),
    );
  }
  return out;
}
