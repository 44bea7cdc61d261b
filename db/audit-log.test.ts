import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../tests/support/temp-dir';
import { AuditLog, GENESIS_HASH } from './audit-log';
import { openDatabase } from './open';

function setup() {
  const { db } = openDatabase(path.join(tempDir(), 'dangan.db'));
  let t = Date.parse('2026-01-01T00:00:00Z');
  const log = new AuditLog(db, () => new Date((t += 1000)));
  return { db, log };
}

describe('AuditLog', () => {
  it('chains records: each holds the previous hash, the first the genesis hash', () => {
    const { db, log } = setup();
    const a = log.append({ action: 'user.login', username: 'wang', userId: null, outcome: 'ok' });
    const b = log.append({
      action: 'volume.transition',
      objectType: 'volume',
      objectId: 7,
      outcome: 'ok',
      details: { from: 'scanned', to: 'catalogued' },
    });
    expect(a.prevHash).toBe(GENESIS_HASH);
    expect(b.prevHash).toBe(a.hash);
    expect(b.objectId).toBe('7');
    expect([...log.records()].map((r) => r.seq)).toEqual([1, 2]);
    expect(log.verify()).toEqual({ ok: true, checked: 2, lastHash: b.hash });
    db.close();
  });

  it('is append-only through SQLite', () => {
    const { db, log } = setup();
    log.append({ action: 'x', outcome: 'ok' });
    expect(() => db.prepare("UPDATE audit_log SET action = 'y'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    db.close();
  });

  it('detects an edited record even when the triggers were removed', () => {
    const { db, log } = setup();
    for (let i = 0; i < 5; i++) log.append({ action: `a${i}`, outcome: 'ok', details: { i } });
    db.exec('DROP TRIGGER audit_log_no_update');
    db.prepare(`UPDATE audit_log SET details = '{"i":99}' WHERE seq = 3`).run();
    expect(log.verify()).toEqual({ ok: false, checked: 2, seq: 3, problem: 'hash-mismatch' });
    db.close();
  });

  it('detects a record re-hashed to hide an edit (the next link breaks) and a deleted record', () => {
    const { db, log } = setup();
    for (let i = 0; i < 5; i++) log.append({ action: `a${i}`, outcome: 'ok' });
    db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete');
    db.prepare(`UPDATE audit_log SET hash = '${'f'.repeat(64)}' WHERE seq = 2`).run();
    const edited = log.verify();
    expect(edited.ok).toBe(false);
    db.prepare('DELETE FROM audit_log WHERE seq = 4').run();
    db.prepare(
      `UPDATE audit_log SET hash = (SELECT prev_hash FROM audit_log WHERE seq = 3) WHERE seq = 2`,
    ).run();
    expect(log.verify()).toMatchObject({ ok: false, seq: 5, problem: 'sequence-gap' });
    db.close();
  });

  it('an append inside a transaction that fails is rolled back with it', () => {
    const { db, log } = setup();
    log.append({ action: 'before', outcome: 'ok' });
    expect(() =>
      db.transaction(() => {
        log.append({ action: 'doomed', outcome: 'ok' });
        throw new Error('the action failed');
      })(),
    ).toThrow('the action failed');
    expect([...log.records()].map((r) => r.action)).toEqual(['before']);
    expect(log.verify().ok).toBe(true);
    db.close();
  });

  it('keeps Chinese details intact', () => {
    const { db, log } = setup();
    log.append({ action: 'volume.register', outcome: 'ok', details: { reason: '迁入企业，已在厦门数字化' } });
    expect([...log.records()][0]?.details).toEqual({ reason: '迁入企业，已在厦门数字化' });
    expect(log.verify().ok).toBe(true);
    db.close();
  });
});
