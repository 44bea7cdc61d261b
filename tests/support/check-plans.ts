import type Database from 'better-sqlite3';
import { expect } from 'vitest';
import type { CheckId } from '../../core/checks/categories';
import { expandMacros } from '../../db/checks/check-inputs';
import { registerCheckFunctions } from '../../db/checks/functions';

/**
 * The query plan of the check statement (of `sql`) that contains `marker`, as SQLite would run it on
 * `db` (macros expanded, the check functions registered; the temp inputs it names must exist).
 */
export function checkPlan(
  db: Database.Database,
  sql: Readonly<Record<CheckId, readonly string[]>>,
  marker: string,
): string[] {
  registerCheckFunctions(db);
  const statement = Object.values(sql)
    .flat()
    .find((s) => s.includes(marker));
  expect(statement).toBeDefined();
  const expanded = expandMacros(statement ?? '', { dpiFloor: 200 });
  const params = Object.fromEntries(
    ['volumeTypes', 'bureaus', 'documentTypes']
      .filter((p) => expanded.includes(`@${p}`))
      .map((p) => [p, '[]']),
  );
  return (db.prepare(`EXPLAIN QUERY PLAN ${expanded}`).all(params) as { detail: string }[]).map(
    (r) => r.detail,
  );
}

/** The passes over a whole catalogue table in a plan (SCAN without an index; CTEs and temp results are fine). */
export function tablePasses(plan: readonly string[]): string[] {
  return plan.filter((d) => /^SCAN (e|d|v|volumes|enterprises|documents)$/.test(d));
}

/**
 * The candidate checks read their partial indexes and the coded values' indexes (workstation
 * migration 12, store migration 3: `prefix` '' or 'store_'), never a whole table.
 */
export function expectCandidatesFromIndexes(
  db: Database.Database,
  sql: Readonly<Record<CheckId, readonly string[]>>,
  prefix: string,
): void {
  const plan = (marker: string) => checkPlan(db, sql, marker);
  const expectIndexes = (details: readonly string[], names: readonly string[]) => {
    for (const name of names) expect(details.join('\n')).toContain(`${prefix}${name}`);
  };
  const freeText = plan('index-error.dirty-text');
  expectIndexes(freeText, [
    'enterprises_name_suspect',
    'documents_title_suspect',
    'documents_responsible_suspect',
    ...(prefix === '' ? ['volumes_reason_suspect'] : []),
  ]);
  expect(tablePasses(freeText)).toEqual([]);
  expectIndexes(plan("'index-error.unnormalised-code', 'enterprise'"), [
    'enterprises_uscc_suspect',
    'enterprises_regno_suspect',
  ]);
  for (const marker of ["'index-error.unnormalised-code', 'volume'", 'dup-archive-no.same']) {
    expectIndexes(plan(marker), ['volumes_archive_no_suspect']);
    expect(tablePasses(plan(marker))).toEqual([]);
  }
  const coded = plan('index-error.invalid-value');
  expectIndexes(coded, ['volumes_type', 'volumes_bureau', 'enterprises_bureau', 'documents_type']);
  expect(tablePasses(coded)).toEqual([]);
}
