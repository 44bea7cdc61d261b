import { describe, expect, it } from 'vitest';
import { dbAtVersion, upgrade } from '../../tests/support/db-at-version';

describe('migration 0007 data health', () => {
  it('upgrades a version-6 database holding a catalogue, keeps it, and adds fixity and run history', () => {
    const { db, file } = dbAtVersion(6);
    const t = '2026-01-01T00:00:00.000Z';
    const sha = 'a'.repeat(64);
    db.prepare(
      "INSERT INTO blobs (sha256, size, media_type, created_at) VALUES (?, 10, 'image/jpeg', ?)",
    ).run(sha, t);
    db.close();

    const next = upgrade(file);
    expect(next.prepare('SELECT sha256 FROM blobs').pluck().all()).toEqual([sha]);
    next
      .prepare(
        "INSERT INTO fixity_state (id, cycle, cursor, cycle_started_at, updated_at) VALUES (1, 1, '', ?, ?)",
      )
      .run(t, t);
    expect(() =>
      next
        .prepare(
          "INSERT INTO fixity_state (id, cycle, cursor, cycle_started_at, updated_at) VALUES (2, 1, '', ?, ?)",
        )
        .run(t, t),
    ).toThrow(/CHECK/); // one cursor
    const result = next.prepare(
      'INSERT INTO fixity_results (sha256, cycle, checked_at, status) VALUES (?, 1, ?, ?)',
    );
    expect(() => result.run(sha, t, 'fine')).toThrow(/CHECK/);
    result.run(sha, t, 'corrupt');
    next
      .prepare(
        "INSERT INTO check_runs (started_at, finished_at, categories, counts, errors) VALUES (?, ?, '[]', '{}', 0)",
      )
      .run(t, t);
    next
      .prepare(
        "INSERT INTO maintenance_runs (kind, started_at, finished_at, outcome, details) VALUES ('backup', ?, ?, 'ok', '{}')",
      )
      .run(t, t);
    expect(next.prepare('SELECT count(*) FROM check_runs').pluck().get()).toBe(1);
    next.close();
  });
});
