import type { Database, Statement } from 'better-sqlite3';
import { normalizeCode } from '../../core/normalize';
import { systemClock, type Clock } from './actor';

/** One digitized volume as the archive store listed it at the last sync. */
export interface StoreIndexEntry {
  readonly uscc: string | null;
  readonly regNo: string | null;
  readonly enterpriseName: string | null;
  readonly volumeType: string;
  readonly archiveNo: string;
  readonly bureauCode: string;
  readonly year: number | null;
  /** YYYYMMDD. */
  readonly registrationDate: string | null;
  readonly state: string | null;
  /** Which store node holds it (a city bureau, the province). */
  readonly node: string | null;
}

export interface StoreIndexSync {
  readonly syncedAt: string;
  readonly source: string;
  readonly entries: number;
}

interface Row {
  uscc: string | null;
  reg_no: string | null;
  enterprise_name: string | null;
  volume_type: string;
  archive_no: string;
  bureau_code: string;
  year: number | null;
  registration_date: string | null;
  state: string | null;
  node: string | null;
}

/**
 * The store's index of digitized volumes as of the last sync: what the duplicate-digitization guard
 * consults when the store cannot be reached. The store's sync replaces it as a whole.
 */
export class StoreIndexRepo {
  private readonly clear: Statement;
  private readonly insert: Statement<Row>;
  private readonly upsertSync: Statement<{ at: string; source: string; entries: number }>;
  private readonly sync: Statement<[], { synced_at: string; source: string; entries: number }>;
  private readonly byCodes: Statement<{ codes: string; type: string }, Row>;

  constructor(
    private readonly db: Database,
    private readonly now: Clock = systemClock,
  ) {
    this.clear = db.prepare('DELETE FROM store_index');
    this.insert = db.prepare(
      `INSERT OR REPLACE INTO store_index (uscc, reg_no, enterprise_name, volume_type, archive_no, bureau_code, year,
         registration_date, state, node)
       VALUES (@uscc, @reg_no, @enterprise_name, @volume_type, @archive_no, @bureau_code, @year, @registration_date,
         @state, @node)`,
    );
    this.upsertSync = db.prepare(
      `INSERT INTO store_index_sync (id, synced_at, source, entries) VALUES (1, @at, @source, @entries)
       ON CONFLICT (id) DO UPDATE SET synced_at = excluded.synced_at, source = excluded.source, entries = excluded.entries`,
    );
    this.sync = db.prepare('SELECT synced_at, source, entries FROM store_index_sync WHERE id = 1');
    this.byCodes = db.prepare(
      `SELECT * FROM store_index WHERE volume_type = @type
         AND (uscc IN (SELECT value FROM json_each(@codes)) OR reg_no IN (SELECT value FROM json_each(@codes)))
       ORDER BY archive_no`,
    );
  }

  /** Replaces the whole index with what the store listed, in one transaction. */
  replace(entries: readonly StoreIndexEntry[], source: string): StoreIndexSync {
    return this.db.transaction(() => {
      this.clear.run();
      for (const e of entries) {
        this.insert.run({
          uscc: e.uscc === null ? null : normalizeCode(e.uscc),
          reg_no: e.regNo === null ? null : normalizeCode(e.regNo),
          enterprise_name: e.enterpriseName,
          volume_type: e.volumeType,
          archive_no: e.archiveNo,
          bureau_code: e.bureauCode,
          year: e.year,
          registration_date: e.registrationDate,
          state: e.state,
          node: e.node,
        });
      }
      this.upsertSync.run({ at: this.now().toISOString(), source, entries: entries.length });
      const synced = this.lastSync();
      if (synced === null) throw new Error('store_index_sync row missing right after writing it'); // a bug
      return synced;
    })();
  }

  /** When the index was last replaced, or null if it never was. */
  lastSync(): StoreIndexSync | null {
    const row = this.sync.get();
    return row ? { syncedAt: row.synced_at, source: row.source, entries: row.entries } : null;
  }

  /** Volumes of this type whose enterprise has any of `codes` (USCC or 注册号). */
  find(codes: readonly string[], volumeType: string): StoreIndexEntry[] {
    const list = codes.map(normalizeCode).filter((c) => c !== '');
    if (list.length === 0) return [];
    return this.byCodes.all({ codes: JSON.stringify(list), type: volumeType }).map((r) => ({
      uscc: r.uscc,
      regNo: r.reg_no,
      enterpriseName: r.enterprise_name,
      volumeType: r.volume_type,
      archiveNo: r.archive_no,
      bureauCode: r.bureau_code,
      year: r.year,
      registrationDate: r.registration_date,
      state: r.state,
      node: r.node,
    }));
  }
}
