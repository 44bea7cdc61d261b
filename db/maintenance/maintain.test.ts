import { describe, expect, it } from 'vitest';
import { faultyCatalogue } from '../../tests/support/faulty-catalogue';
import { maintain, recordMaintenanceRun } from './maintain';

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
});
