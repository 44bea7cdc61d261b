import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { emptyAnIndexOf } from '../../tests/support/damage-index';
import { faultyCatalogue } from '../../tests/support/faulty-catalogue';
import { openDatabase } from '../open';
import { AUDIT_RETENTION_MONTHS_MIN, maintain, recordMaintenanceRun } from './maintain';

describe('maintain', () => {
  it('checks, analyzes, reclaims space past the threshold (full once, then incremental) and cleans by retention', () => {
    const cat = faultyCatalogue({ faults: false, clean: 1 });
    const t = '2025-01-01T00:00:00.000Z';
    cat.db
      .prepare(
        "INSERT INTO jobs (kind, payload, state, run_after, created_at, updated_at) VALUES ('ocr', ?, 'done', ?, ?, ?)",
      )
      .run(JSON.stringify({ pad: 'x'.repeat(100_000) }), t, t, t);
    cat.db
      .prepare(
        "INSERT INTO jobs (kind, payload, state, run_after, created_at, updated_at) VALUES ('ocr', '{}', 'pending', ?, ?, ?)",
      )
      .run(t, t, t);
    const first = maintain(cat.db, { now: cat.clock.now, freeShare: 0.05 });
    expect(first.ok).toBe(true);
    expect(first.removed['jobs']).toBe(1); // the pending job stays
    expect(first.vacuum).toBe('full');
    expect(first.freePagesAfter).toBe(0);
    expect(Number(cat.db.pragma('auto_vacuum', { simple: true }))).toBe(2);
    expect(
      cat.db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").pluck().get(),
    ).toBe(1);

    cat.db
      .prepare(
        "INSERT INTO jobs (kind, payload, state, run_after, created_at, updated_at) VALUES ('ocr', ?, 'done', ?, ?, ?)",
      )
      .run(JSON.stringify({ pad: 'y'.repeat(100_000) }), t, t, t);
    const second = maintain(cat.db, { now: cat.clock.now, freeShare: 0.05 });
    expect(second.vacuum).toBe('incremental');
    expect(second.freePagesAfter).toBe(0);
    expect(maintain(cat.db, { now: cat.clock.now }).vacuum).toBe('none');
    recordMaintenanceRun(cat.db, 'maintain', new Date(), 'ok', { vacuum: second.vacuum });
    expect(cat.db.prepare('SELECT count(*) FROM maintenance_runs').pluck().get()).toBe(1);
  });

  it('reports a broken audit chain and foreign-key problems', () => {
    const cat = faultyCatalogue({ faults: false, clean: 1 });
    cat.db.pragma('foreign_keys = OFF');
    cat.db
      .prepare(
        "INSERT INTO documents (volume_id, seq, type_code, title, first_page, last_page, created_at, updated_at) VALUES (999, 1, 'APP', 'x', 1, 1, 't', 't')",
      )
      .run();
    cat.db.pragma('foreign_keys = ON');
    cat.db.exec('DROP TRIGGER audit_log_no_update');
    cat.db.prepare("UPDATE audit_log SET action = 'forged' WHERE seq = 2").run();
    const r = maintain(cat.db, { now: cat.clock.now });
    expect(r.ok).toBe(false);
    expect(r.foreignKeys).toBe(1);
    expect(r.audit).toMatchObject({ ok: false, seq: 2 });
  });

  it('reports a damaged database file in integrity_check', () => {
    const cat = faultyCatalogue({ faults: false, clean: 2 });
    const file = emptyAnIndexOf(cat.db, 'pages');
    const { db } = openDatabase(file);
    try {
      const r = maintain(db);
      expect(r.ok).toBe(false);
      expect(r.integrity.join('\n')).toMatch(/missing from index|wrong # of entries/);
      expect(r.vacuum).toBe('skipped'); // a damaged file is not rewritten
    } finally {
      db.close();
    }
  });

  it('folds the WAL back into the database file (checkpoint TRUNCATE)', () => {
    const cat = faultyCatalogue({ faults: false, clean: 1 });
    const wal = `${cat.db.name}-wal`;
    cat.db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('x', '1', 't')").run();
    expect(fs.statSync(wal).size).toBeGreaterThan(0);
    const r = maintain(cat.db, { now: cat.clock.now });
    expect(r.checkpoint.busy).toBe(0);
    expect(fs.statSync(wal).size).toBe(0);
  });

  it('removes old sessions and jobs by retention but never an audit record, whatever the setting', () => {
    const cat = faultyCatalogue({ faults: false, clean: 1 });
    const old = '2025-01-01T00:00:00.000Z';
    cat.db
      .prepare(
        "INSERT INTO users (id, username, display_name, password_hash, password_changed_at, created_at) VALUES (90, 'u90', 'u', 'x', ?, ?)",
      )
      .run(old, old);
    const session = cat.db.prepare(
      'INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) VALUES (?, 90, ?, ?, ?)',
    );
    session.run('expired', old, old, old);
    session.run('live', old, old, '2099-01-01T00:00:00.000Z');
    const audit = () => cat.db.prepare('SELECT count(*) FROM audit_log').pluck().get() as number;
    const records = audit();
    expect(records).toBeGreaterThan(0);
    // Ten years on, with no retention at all: operational rows go, the audit log stays whole.
    const later = () => new Date('2036-01-01T00:00:00.000Z');
    const r = maintain(cat.db, { now: later, retentionDays: 0 });
    expect(r.removed['sessions']).toBe(1);
    expect(cat.db.prepare('SELECT token_hash FROM sessions').pluck().all()).toEqual(['live']);
    expect(audit()).toBe(records);
    expect(r.audit).toMatchObject({ ok: true, checked: records });
    // Nor can anything else delete it: the table refuses.
    expect(() => cat.db.prepare('DELETE FROM audit_log').run()).toThrow(/audit/i);
    expect(AUDIT_RETENTION_MONTHS_MIN).toBe(6);
  });
});
