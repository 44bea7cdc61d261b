import { describe, expect, it } from 'vitest';
import { dbAtVersion, upgrade } from '../../tests/support/db-at-version';

describe('migration 0003 work queues', () => {
  it('upgrades a version-2 database holding a catalogue, keeps it, and adds jobs and the outbox', () => {
    const { db, file } = dbAtVersion(2);
    const t = '2026-01-01T00:00:00.000Z';
    db.prepare(
      "INSERT INTO enterprises (id, reg_no, name, bureau_code, created_at, updated_at) VALUES (1, '110108000000016', '老字号', '350100', ?, ?)",
    ).run(t, t);
    db.prepare(
      "INSERT INTO volumes (id, uid, enterprise_id, archive_no, volume_type, year, bureau_code, state, created_at, updated_at) VALUES (1, 'u1', 1, '350100-2003-SL-000001', 'SL', 2003, '350100', 'catalogued', ?, ?)",
    ).run(t, t);
    db.close();

    const next = upgrade(file);
    expect(next.prepare('SELECT archive_no, state FROM volumes').all()).toEqual([
      { archive_no: '350100-2003-SL-000001', state: 'catalogued' },
    ]);
    const enqueue = next.prepare(
      "INSERT INTO outbox (volume_id, kind, state, created_at, updated_at) VALUES (1, 'upload', ?, ?, ?)",
    );
    enqueue.run('queued', t, t);
    expect(() => enqueue.run('failed', t, t)).toThrow(/UNIQUE/); // one live entry per volume and kind
    next.prepare("UPDATE outbox SET state = 'committed'").run();
    expect(enqueue.run('queued', t, t).changes).toBe(1); // history does not block a new send
    next
      .prepare(
        "INSERT INTO jobs (kind, payload, state, run_after, created_at, updated_at) VALUES ('ocr', '{}', 'pending', ?, ?, ?)",
      )
      .run(t, t, t);
    expect(next.prepare('SELECT count(*) FROM jobs').pluck().get()).toBe(1);
    next.close();
  });
});
