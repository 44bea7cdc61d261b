import { describe, expect, it } from 'vitest';
import { dbAtVersion, upgrade } from '../../tests/support/db-at-version';
import { AuditLog } from '../audit-log';

describe('migration 0002 catalogue', () => {
  it('upgrades a version-1 database holding users and audit records without touching them', () => {
    const { db, file } = dbAtVersion(1);
    db.prepare(
      "INSERT INTO users (id, username, display_name, password_hash, password_changed_at, created_at) VALUES (1, 'li', '李', 'h', 't', 't')",
    ).run();
    db.prepare("INSERT INTO user_roles VALUES (1, 'operator')").run();
    const log = new AuditLog(db);
    log.append({
      action: 'user.create',
      userId: 1,
      username: 'li',
      outcome: 'ok',
      details: { 角色: 'operator' },
    });
    db.close();

    const next = upgrade(file);
    expect(next.prepare('SELECT username, display_name FROM users').all()).toEqual([
      { username: 'li', display_name: '李' },
    ]);
    expect(new AuditLog(next).verify()).toMatchObject({ ok: true, checked: 1 });

    // The new tables work and reference the old ones.
    const t = '2026-01-01T00:00:00.000Z';
    next
      .prepare(
        "INSERT INTO enterprises (id, uscc, name, bureau_code, created_at, updated_at) VALUES (1, '91350200776049653A', '厦门某公司', '350200', ?, ?)",
      )
      .run(t, t);
    next
      .prepare(
        "INSERT INTO volumes (id, uid, enterprise_id, archive_no, volume_type, year, bureau_code, state, created_by, created_at, updated_at) VALUES (1, 'u1', 1, '350200-2024-SL-000001', 'SL', 2024, '350200', 'registered', 1, ?, ?)",
      )
      .run(t, t);
    next.prepare("INSERT INTO blobs VALUES (?, NULL, 10, 'image/jpeg', ?)").run('a'.repeat(64), t);
    next
      .prepare('INSERT INTO pages (volume_id, seq, blob_sha256, captured_at) VALUES (1, 1, ?, ?)')
      .run('a'.repeat(64), t);
    expect(() =>
      next
        .prepare('INSERT INTO pages (volume_id, seq, blob_sha256, captured_at) VALUES (1, 1, ?, ?)')
        .run('a'.repeat(64), t),
    ).toThrow(/UNIQUE/);
    expect(() => next.prepare("UPDATE volumes SET state = 'lost' WHERE id = 1").run()).toThrow(/CHECK/);
    next.close();
  });

  it('an enterprise needs a USCC or a 注册号, each of the right length', () => {
    const { db } = dbAtVersion(2);
    const add = db.prepare(
      "INSERT INTO enterprises (uscc, reg_no, name, bureau_code, created_at, updated_at) VALUES (?, ?, 'n', '350200', 't', 't')",
    );
    expect(() => add.run(null, null)).toThrow(/CHECK/);
    expect(() => add.run('123', null)).toThrow(/CHECK/);
    expect(add.run(null, '110108000000016').changes).toBe(1);
    db.close();
  });
});
