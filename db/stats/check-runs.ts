import type { CheckReport } from '../../core/checks/finding';
import type { Db } from '../open';

/**
 * Records one check run in check_runs (the trend in the monthly statistics), for callers that run the
 * categories in steps (the 系统维护 screen, to show progress) and so ask runChecks not to record each.
 * Same shape as runChecks' own record: categories run, count per category, error findings.
 */
export function recordCheckRun(db: Db, startedAt: Date, report: CheckReport, finishedAt = new Date()): void {
  const counts = Object.fromEntries(report.categories.map((c) => [c.id, c.count]));
  const errors = report.categories.reduce(
    (n, c) => n + c.findings.filter((f) => f.severity === 'error').length,
    0,
  );
  db.prepare(
    'INSERT INTO check_runs (started_at, finished_at, categories, counts, errors) VALUES (?, ?, ?, ?, ?)',
  ).run(
    startedAt.toISOString(),
    finishedAt.toISOString(),
    JSON.stringify(report.categories.map((c) => c.id)),
    JSON.stringify(counts),
    errors,
  );
}
