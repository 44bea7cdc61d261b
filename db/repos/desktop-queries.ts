import type { Database, Statement } from 'better-sqlite3';
import type { VolumeState } from '../../core/lifecycle';

export interface StateCount {
  readonly state: VolumeState;
  readonly count: number;
}

export interface DayCounts {
  readonly volumesRegistered: number;
  readonly pagesCaptured: number;
  readonly volumesCatalogued: number;
  readonly volumesVerified: number;
  readonly volumesRejected: number;
}

export interface VolumeListRow {
  readonly id: number;
  readonly enterpriseName: string;
  readonly enterpriseCode: string | null;
}

/**
 * Read-only queries of the desktop UI that the repositories do not offer: figures for the 工作台
 * (workbench): volumes per state, what happened since a given time,
 * and the enterprise shown next to each volume. Counts come from the tables and the audit log, so they
 * need no bookkeeping of their own.
 */
export class DesktopQueries {
  private readonly perState: Statement<[], StateCount>;
  private readonly registeredSince: Statement<{ since: string; userId: number | null }, { n: number }>;
  private readonly pagesSince: Statement<{ since: string }, { n: number }>;
  private readonly transitionsSince: Statement<
    { since: string; to: VolumeState; userId: number | null },
    { n: number }
  >;
  private readonly enterpriseOf: Statement<{ ids: string }, VolumeListRow>;
  private readonly staleScans: Statement<{ before: string }, { id: number; archive_no: string }>;
  private readonly allUserIds: Statement<[], { id: number }>;

  constructor(db: Database) {
    this.perState = db.prepare(
      'SELECT state, count(*) AS count FROM volumes WHERE deleted_at IS NULL GROUP BY state',
    );
    this.registeredSince = db.prepare(
      `SELECT count(*) AS n FROM volumes
       WHERE deleted_at IS NULL AND created_at >= @since AND (@userId IS NULL OR created_by = @userId)`,
    );
    this.pagesSince = db.prepare(
      'SELECT count(*) AS n FROM pages WHERE deleted_at IS NULL AND captured_at >= @since',
    );
    // Volumes, not events: a volume submitted twice in a day (returned by QA, fixed) is one volume catalogued.
    this.transitionsSince = db.prepare(
      `SELECT count(DISTINCT object_id) AS n FROM audit_log
       WHERE action = 'volume.transition' AND outcome = 'ok' AND at >= @since
         AND json_extract(details, '$.to') = @to AND (@userId IS NULL OR user_id = @userId)`,
    );
    this.enterpriseOf = db.prepare(
      `SELECT v.id AS id, e.name AS enterpriseName, coalesce(e.uscc, e.reg_no) AS enterpriseCode
       FROM volumes v JOIN enterprises e ON e.id = v.enterprise_id
       WHERE v.id IN (SELECT value FROM json_each(@ids))`,
    );
    this.staleScans = db.prepare(
      `SELECT id, archive_no FROM volumes
       WHERE deleted_at IS NULL AND state = 'scanning' AND updated_at < @before ORDER BY updated_at LIMIT 20`,
    );
    this.allUserIds = db.prepare('SELECT id FROM users ORDER BY disabled_at IS NOT NULL, username');
  }

  /** Every account, active ones first, by username (用户管理). */
  userIds(): number[] {
    return this.allUserIds.all().map((r) => r.id);
  }

  stateCounts(): StateCount[] {
    return this.perState.all();
  }

  /** What happened since `since` (ISO time); `userId` narrows it to one person's work, null = everyone's. */
  since(since: string, userId: number | null): DayCounts {
    const to = (state: VolumeState) => this.transitionsSince.get({ since, to: state, userId })?.n ?? 0;
    return {
      volumesRegistered: this.registeredSince.get({ since, userId })?.n ?? 0,
      pagesCaptured: this.pagesSince.get({ since })?.n ?? 0,
      volumesCatalogued: to('catalogued'),
      volumesVerified: to('verified'),
      volumesRejected: to('rejected'),
    };
  }

  /** Enterprise name and code for each volume id (one query for a whole list). */
  enterprisesOf(volumeIds: readonly number[]): Map<number, VolumeListRow> {
    const rows = this.enterpriseOf.all({ ids: JSON.stringify(volumeIds) });
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** Volumes left in `scanning` since before `before`: a scan that was probably abandoned. */
  staleScanning(before: string): { id: number; archiveNo: string }[] {
    return this.staleScans.all({ before }).map((r) => ({ id: r.id, archiveNo: r.archive_no }));
  }
}
