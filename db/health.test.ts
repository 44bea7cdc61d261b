import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../tests/support/temp-dir';
import { AuditLog } from './audit-log';
import { BlobStore } from './blob-store';
import { checkHealth } from './health';
import { openDatabase } from './open';

function setup() {
  const dir = tempDir();
  const { db } = openDatabase(path.join(dir, 'dangan.db'));
  const blobs = new BlobStore(path.join(dir, 'blobs'));
  const add = (s: string) => {
    const put = blobs.put(new TextEncoder().encode(s));
    db.prepare("INSERT INTO blobs VALUES (?, NULL, ?, 'image/png', 't')").run(put.sha256, put.size);
    return put.sha256;
  };
  return { db, blobs, add };
}

describe('checkHealth', () => {
  it('reports a healthy database', () => {
    const { db, blobs, add } = setup();
    add('a');
    add('b');
    new AuditLog(db).append({ action: 'x', outcome: 'ok' });
    const r = checkHealth(db, blobs, { blobSample: 'all' });
    expect(r).toMatchObject({
      ok: true,
      integrity: ['ok'],
      foreignKeys: [],
      audit: { ok: true, checked: 1 },
    });
    expect(r.blobs).toEqual({ total: 2, checked: 2, problems: [] });
    db.close();
  });

  it('finds missing and corrupt blobs', () => {
    const { db, blobs, add } = setup();
    const gone = add('gone');
    const rotten = add('rotten');
    add('fine');
    fs.rmSync(blobs.pathOf(gone));
    fs.writeFileSync(blobs.pathOf(rotten), 'changed');
    const r = checkHealth(db, blobs, { blobSample: 'all' });
    expect(r.ok).toBe(false);
    expect(r.blobs.problems.map((p) => [p.sha256, p.status]).sort()).toEqual(
      [
        [gone, 'missing'],
        [rotten, 'corrupt'],
      ].sort(),
    );
    db.close();
  });

  it('samples the requested number of distinct blobs', () => {
    const { db, blobs, add } = setup();
    for (let i = 0; i < 20; i++) add(`blob ${i}`);
    const r = checkHealth(db, blobs, { blobSample: 5 });
    expect(r.blobs).toMatchObject({ total: 20, checked: 5 });
    db.close();
  });

  it('finds foreign-key violations and a broken audit chain', () => {
    const { db, blobs } = setup();
    const log = new AuditLog(db);
    log.append({ action: 'a', outcome: 'ok' });
    log.append({ action: 'b', outcome: 'ok' });
    db.pragma('foreign_keys = OFF');
    db.prepare("INSERT INTO user_roles VALUES (99, 'qa')").run();
    db.exec('DROP TRIGGER audit_log_no_update');
    db.prepare("UPDATE audit_log SET action = 'forged' WHERE seq = 1").run();
    const r = checkHealth(db, blobs);
    expect(r.ok).toBe(false);
    expect(r.foreignKeys).toEqual([
      { table: 'user_roles', rowid: expect.any(Number) as number, parent: 'users', fkid: 0 },
    ]);
    expect(r.audit).toMatchObject({ ok: false, seq: 1, problem: 'hash-mismatch' });
    db.close();
  });
});
