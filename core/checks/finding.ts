import { DomainError } from '../errors';
import { text, type Text } from '../text';
import { CATEGORIES, SEVERITY_RANK, type CheckId, type Severity } from './categories';
import { COLLIDING_FIX, findingKind, type Details, type EntityType } from './kinds';

/** What the SQL of a check returns per fault: the kind, the entity, and facts for the message. */
export interface RawFinding {
  readonly kind: string;
  readonly entityType: EntityType;
  readonly entityId: string;
  readonly details: Details;
}

/**
 * The records a finding is about, for a UI to link to: the entity itself and what holds it (ids of the
 * database the check ran on: a workstation's or a store's). Absent keys are unknown or do not apply.
 */
export interface FindingIds {
  readonly enterpriseId?: number;
  readonly volumeId?: number;
  readonly documentId?: number;
  readonly pageId?: number;
  /** The page's position in its volume (页号). */
  readonly pageSeq?: number;
  readonly transformId?: number;
  /** A blob (image file) by digest. */
  readonly sha256?: string;
  /** A roster entry unknown here, by code. */
  readonly rosterCode?: string;
  /** When a finding names several records (the volumes of a duplicate 档号, the pages of a gap …). */
  readonly enterpriseIds?: readonly number[];
  readonly volumeIds?: readonly number[];
  readonly pageIds?: readonly number[];
}

export interface Finding {
  readonly category: CheckId;
  /** `category.kind`, stable: `page-error.seq-gap`. */
  readonly kind: string;
  readonly severity: Severity;
  readonly entityType: EntityType;
  readonly entityId: string;
  readonly message: Text;
  readonly fix: Text;
  readonly autoFix: boolean;
  readonly details: Details;
  /** What to link to (from the entity and the ids in details). */
  readonly ids: FindingIds;
}

export interface CategoryReport {
  readonly id: CheckId;
  readonly name: string;
  readonly nameEn: string;
  readonly severity: Severity;
  readonly count: number;
  readonly findings: readonly Finding[];
  /** What this run could not check, and why (no roster given, no dpi recorded, ...). */
  readonly notes: readonly Text[];
}

export interface CheckReport {
  readonly categories: readonly CategoryReport[];
}

/** Gives a raw finding its category, severity, message and fix. An unknown kind is a bug in a check. */
export function describeFinding(raw: RawFinding): Finding {
  const kind = findingKind(raw.kind);
  if (kind === undefined) throw new Error(`check returned an unknown finding kind: ${raw.kind}`);
  const collides = raw.details['collides'] === 1 || raw.details['collides'] === true;
  return {
    category: kind.category,
    kind: raw.kind,
    severity: kind.severity,
    entityType: raw.entityType,
    entityId: raw.entityId,
    message: kind.message(raw.details),
    // A code whose normal form another row holds is skipped by the fix: a person merges the two.
    fix: collides ? COLLIDING_FIX : kind.fix,
    autoFix: kind.autoFix && !collides,
    details: raw.details,
    ids: findingIds(raw),
  };
}

const ENTITY_KEY: Readonly<Record<EntityType, keyof FindingIds>> = {
  enterprise: 'enterpriseId',
  volume: 'volumeId',
  document: 'documentId',
  page: 'pageId',
  transform: 'transformId',
  blob: 'sha256',
  roster: 'rosterCode',
};

/** The ids of a finding: its entity, and the `enterpriseId`, `volumeId`, … the check put in details. */
export function findingIds(raw: RawFinding): FindingIds {
  const d = raw.details;
  const num = (key: string) => (typeof d[key] === 'number' ? { [key]: d[key] } : {});
  const nums = (key: string) => {
    const v = d[key];
    return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number') ? { [key]: v } : {};
  };
  const own = ENTITY_KEY[raw.entityType];
  const id = own === 'sha256' || own === 'rosterCode' ? raw.entityId : Number(raw.entityId);
  return {
    ...num('enterpriseId'),
    ...num('volumeId'),
    ...num('documentId'),
    ...num('pageId'),
    ...(typeof d['seq'] === 'number' ? { pageSeq: d['seq'] } : {}),
    ...num('transformId'),
    ...(typeof d['sha256'] === 'string' ? { sha256: d['sha256'] } : {}),
    ...nums('enterpriseIds'),
    ...nums('volumeIds'),
    ...nums('pageIds'),
    [own]: id,
  };
}

/** Assembles per-category reports in the contract's order; findings sorted by severity then entity. */
export function buildReport(
  ids: readonly CheckId[],
  raw: readonly RawFinding[],
  notes: ReadonlyMap<CheckId, readonly Text[]> = new Map(),
): CheckReport {
  const findings = raw.map(describeFinding);
  const categories = CATEGORIES.filter((c) => ids.includes(c.id)).map((c): CategoryReport => {
    const own = findings
      .filter((f) => f.category === c.id)
      .sort(
        (a, b) =>
          SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
          a.kind.localeCompare(b.kind) ||
          a.entityType.localeCompare(b.entityType) ||
          compareIds(a.entityId, b.entityId),
      );
    return {
      id: c.id,
      name: c.name,
      nameEn: c.nameEn,
      severity: c.severity,
      count: own.length,
      findings: own,
      notes: notes.get(c.id) ?? [],
    };
  });
  return { categories };
}

function compareIds(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  return Number.isInteger(na) && Number.isInteger(nb) ? na - nb : a.localeCompare(b);
}

export function hasErrors(report: CheckReport): boolean {
  return report.categories.some((c) => c.findings.some((f) => f.severity === 'error'));
}

/** Parses `--only a,b,c`; unknown ids are a clear error naming the known ones. */
export function parseOnly(value: string, known: readonly CheckId[]): CheckId[] {
  const ids = value
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
  const unknown = ids.filter((id) => !known.includes(id as CheckId));
  if (unknown.length > 0 || ids.length === 0) {
    throw new DomainError(
      'checks.unknown-category',
      text(
        `未知的检错类别：${unknown.join(', ') || '（空）'}；可用：${known.join(', ')}`,
        `Unknown check categories: ${unknown.join(', ') || '(none given)'}; known: ${known.join(', ')}`,
      ),
      { unknown },
    );
  }
  return known.filter((id) => ids.includes(id));
}
