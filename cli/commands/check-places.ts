import type { Database } from 'better-sqlite3';
import type { CheckReport } from '../../core/checks/finding';
import { visibleValue } from '../../core/checks/kinds';
import { text, type Text } from '../../core/text';
import { FindingTargets } from '../../db/repos/finding-targets';

/** Volumes and pages named for an image: the rest are counted. */
const PAGES_NAMED = 5;

/**
 * Where each image (blob) a finding names is used — "350200-2019-SL-000003 第 2 页" — so the text
 * output and the workbook say which page to rescan, as the screen's image dialog does. Keyed by digest.
 * A store's schema has no page processing tables and keeps pages per version: looked up its own way.
 */
export function blobPlaces(db: Database, report: CheckReport): Map<string, Text> {
  const digests = new Set(
    report.categories.flatMap((c) =>
      c.findings.filter((f) => f.entityType === 'blob').map((f) => f.entityId),
    ),
  );
  const places = new Map<string, Text>();
  if (digests.size === 0) return places;
  const lookup = targetsOf(db);
  for (const sha256 of digests) {
    const pages = lookup(sha256);
    if (pages === null) continue;
    const named = pages.pages.slice(0, PAGES_NAMED);
    const more = pages.count - named.length;
    places.set(
      sha256,
      pages.count === 0
        ? text('没有页面使用此图像', 'used by no page')
        : text(
            `用于 ${named.map((p) => `${visibleValue(p.archiveNo)} 第 ${p.seq} 页`).join('、')}${more > 0 ? ` 等 ${pages.count} 处` : ''}`,
            `used by ${named.map((p) => `${visibleValue(p.archiveNo)} page ${p.seq}`).join(', ')}${more > 0 ? ` and ${more} more` : ''}`,
          ),
    );
  }
  return places;
}

type Lookup = (sha256: string) => { pages: { archiveNo: string; seq: number }[]; count: number } | null;

function targetsOf(db: Database): Lookup {
  try {
    const targets = new FindingTargets(db);
    return (sha256) => {
      const t = targets.resolve({ entityType: 'blob', entityId: sha256, details: {} });
      if (t?.kind !== 'blob') return null;
      const pages = t.pages
        .filter((p) => !p.deleted && p.archiveNo !== null)
        .map((p) => ({ archiveNo: p.archiveNo ?? '', seq: p.seq }));
      return { pages, count: t.pageCount };
    };
  } catch {
    // A store database: pages belong to a volume's versions and name their image directly.
    const stmt = db.prepare(
      `SELECT v.archive_no AS archiveNo, p.seq FROM pages p
       JOIN volume_versions vv ON vv.id = p.version_id JOIN volumes v ON v.id = vv.volume_id
       WHERE p.blob_sha256 = ? ORDER BY v.id, vv.version, p.seq`,
    );
    return (sha256) => {
      const pages = stmt.all(sha256) as { archiveNo: string; seq: number }[];
      return { pages, count: pages.length };
    };
  }
}
