import type { Database, Statement } from 'better-sqlite3';
import type { Json } from '../../core/canonical-json';
import type { FindingTarget } from '../../core/contracts/api-maintenance';

type BlobPage = Extract<FindingTarget, { kind: 'blob' }>['pages'][number];

/** What a check finding names: its entity and the facts its SQL gave (core/checks/finding.ts). */
export interface FindingRef {
  readonly entityType: string;
  readonly entityId: string;
  readonly details: Readonly<Record<string, Json>>;
}

interface PageRow {
  id: number;
  volume_id: number;
  seq: number;
  deleted: number;
  archive_no: string | null;
}

/** Pages shown with a stored image; the count says how many there are in all. */
const BLOB_PAGES_SHOWN = 20;

/**
 * Resolves a check finding to the record the 系统维护 screen opens: the volume (with the page or
 * document concerned), the enterprise, or the image with the pages that use it. Each lookup is one
 * indexed probe, so resolving the few hundred findings a screen shows costs nothing beside the checks.
 */
export class FindingTargets {
  private readonly page: Statement<{ id: number }, PageRow>;
  private readonly pageAt: Statement<{ volumeId: number; seq: number }, { id: number }>;
  private readonly document: Statement<
    { id: number },
    { volume_id: number; seq: number; first_page: number; archive_no: string | null }
  >;
  private readonly transformPage: Statement<{ id: number }, { page_id: number }>;
  private readonly volume: Statement<{ id: number }, { id: number; archive_no: string }>;
  private readonly enterprise: Statement<
    { id: number },
    { id: number; name: string; uscc: string | null; reg_no: string | null }
  >;
  private readonly blob: Statement<{ sha: string }, { size: number }>;
  private readonly blobPages: Statement<{ sha: string; limit: number }, PageRow & { use: BlobPage['use'] }>;
  private readonly blobPageCount: Statement<{ sha: string }, { n: number }>;

  constructor(db: Database) {
    this.page = db.prepare(
      `SELECT p.id, p.volume_id, p.seq, p.deleted_at IS NOT NULL AS deleted, v.archive_no
       FROM pages p LEFT JOIN volumes v ON v.id = p.volume_id WHERE p.id = @id`,
    );
    this.pageAt = db.prepare(
      'SELECT id FROM pages WHERE volume_id = @volumeId AND seq = @seq AND deleted_at IS NULL',
    );
    this.document = db.prepare(
      `SELECT d.volume_id, d.seq, d.first_page, v.archive_no
       FROM documents d LEFT JOIN volumes v ON v.id = d.volume_id WHERE d.id = @id`,
    );
    this.transformPage = db.prepare('SELECT page_id FROM page_transforms WHERE id = @id');
    this.volume = db.prepare('SELECT id, archive_no FROM volumes WHERE id = @id');
    this.enterprise = db.prepare('SELECT id, name, uscc, reg_no FROM enterprises WHERE id = @id');
    this.blob = db.prepare('SELECT size FROM blobs WHERE sha256 = @sha');
    // Every column that names a page's image (migrations 2 and 4); each has an index.
    const uses = `
      SELECT id AS page_id, 'original' AS use FROM pages WHERE blob_sha256 = @sha
      UNION SELECT page_id, 'master' FROM page_processing WHERE master_sha256 = @sha
      UNION SELECT page_id, 'thumbnail' FROM page_processing WHERE thumb_sha256 = @sha
      UNION SELECT page_id, 'transform' FROM page_transforms WHERE result_sha256 = @sha`;
    this.blobPages = db.prepare(
      `SELECT p.id, p.volume_id, p.seq, p.deleted_at IS NOT NULL AS deleted, v.archive_no, u.use
       FROM (${uses}) u JOIN pages p ON p.id = u.page_id LEFT JOIN volumes v ON v.id = p.volume_id
       ORDER BY p.deleted_at IS NOT NULL, p.volume_id, p.seq, u.use LIMIT @limit`,
    );
    this.blobPageCount = db.prepare(`SELECT count(*) AS n FROM (${uses})`);
  }

  resolve(f: FindingRef): FindingTarget | null {
    // An orphan row (redundant-data names its missing parent): what holds it is gone, so no screen
    // shows it — a volume without its enterprise included.
    if ('parentId' in f.details) return null;
    const id = Number(f.entityId);
    switch (f.entityType) {
      case 'page':
        return this.pageTarget(id);
      case 'transform': {
        const t = this.transformPage.get({ id });
        return t ? this.pageTarget(t.page_id) : null;
      }
      case 'document':
        return this.documentTarget(id);
      case 'volume':
        return this.volumeTarget(id, f.details);
      case 'enterprise': {
        const e = this.enterprise.get({ id });
        return e ? { kind: 'enterprise', enterpriseId: e.id, code: e.uscc ?? e.reg_no, name: e.name } : null;
      }
      case 'blob':
        return this.blobTarget(f.entityId);
      case 'roster':
        return { kind: 'code', code: f.entityId };
      default:
        return null;
    }
  }

  /** A page in its volume; a deleted page opens its volume (it is no longer shown there). */
  private pageTarget(pageId: number): FindingTarget | null {
    const p = this.page.get({ id: pageId });
    if (p === undefined || p.archive_no === null) return null; // no such page, or its volume is gone (an orphan row)
    const live = p.deleted === 0;
    return volumeAt(p.volume_id, p.archive_no, live ? p.id : null, live ? p.seq : null, null);
  }

  private documentTarget(documentId: number): FindingTarget | null {
    const d = this.document.get({ id: documentId });
    if (d === undefined || d.archive_no === null) return null;
    const first = this.pageAt.get({ volumeId: d.volume_id, seq: d.first_page });
    return volumeAt(d.volume_id, d.archive_no, first?.id ?? null, first ? d.first_page : null, d.seq);
  }

  /** A volume finding names its pages in its details when it concerns some: the first is shown. */
  private volumeTarget(volumeId: number, details: FindingRef['details']): FindingTarget | null {
    const v = this.volume.get({ id: volumeId });
    if (!v) return null;
    const documentId = firstId(details, ['documentId', 'documentIds', 'documents']);
    if (documentId !== null) {
      const d = this.documentTarget(documentId);
      if (d?.kind === 'volume' && d.volumeId === volumeId) return d;
    }
    const pageId = firstId(details, ['pageId', 'pageIds', 'pages']);
    const p = pageId === null ? undefined : this.page.get({ id: pageId });
    if (p && p.volume_id === volumeId && p.deleted === 0)
      return volumeAt(v.id, v.archive_no, p.id, p.seq, null);
    return volumeAt(v.id, v.archive_no, null, null, null);
  }

  private blobTarget(sha256: string): FindingTarget {
    const pages = this.blobPages.all({ sha: sha256, limit: BLOB_PAGES_SHOWN }).map(
      (p): BlobPage => ({
        pageId: p.id,
        volumeId: p.volume_id,
        archiveNo: p.archive_no,
        seq: p.seq,
        use: p.use,
        deleted: p.deleted !== 0,
      }),
    );
    return {
      kind: 'blob',
      sha256,
      size: this.blob.get({ sha: sha256 })?.size ?? null,
      pages,
      pageCount: this.blobPageCount.get({ sha: sha256 })?.n ?? 0,
    };
  }
}

function volumeAt(
  volumeId: number,
  archiveNo: string,
  pageId: number | null,
  seq: number | null,
  documentSeq: number | null,
): FindingTarget {
  return { kind: 'volume', volumeId, archiveNo, pageId, seq, documentSeq };
}

/**
 * The first id a finding's details give: `pageId` (a number) or the first of `pageIds`/`pages` (lists;
 * a plain number under `pages` is a count, not an id).
 */
function firstId(details: FindingRef['details'], keys: readonly string[]): number | null {
  for (const key of keys) {
    const v = details[key];
    const first: Json | undefined = key.endsWith('s')
      ? Array.isArray(v)
        ? (v as readonly Json[])[0]
        : undefined
      : v;
    if (typeof first === 'number' && Number.isInteger(first)) return first;
  }
  return null;
}
