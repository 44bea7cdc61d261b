import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../tests/support/temp-dir';
import { openStoreDatabase } from './open-store';
import { StoreRepo } from './store-repo';

const USCC = '91350200776049653A';

function setup() {
  const db = openStoreDatabase(path.join(tempDir(), 'store.db'));
  const repo = new StoreRepo(db);
  repo.ensureBureau('350200', '厦门市市场监督管理局');
  const add = db.prepare(
    "INSERT INTO enterprises (uscc, reg_no, name, bureau_code, created_at, updated_at) VALUES (?, ?, ?, '350200', 't', 't')",
  );
  return { db, repo, add };
}

describe('StoreRepo.findEnterprise', () => {
  it("prefers the enterprise whose own code it is over another record's alias", () => {
    const { db, repo, add } = setup();
    // The older record (lower id) carries the code only as an alias; the newer one owns it.
    const old = Number(add.run(null, '350200200000107', '老字号').lastInsertRowid);
    repo.addAlias(old, 'uscc', USCC);
    const owner = Number(add.run(USCC, null, '新公司').lastInsertRowid);
    expect(old).toBeLessThan(owner);
    expect(repo.findEnterprise(USCC)).toBe(owner);
    expect(repo.findEnterprise('350200200000107')).toBe(old);
    db.close();
  });

  it('finds by alias when no record owns the code, and follows a merge', () => {
    const { db, repo, add } = setup();
    const regOnly = Number(add.run(null, '350200200000107', '老字号').lastInsertRowid);
    repo.addAlias(regOnly, 'uscc', USCC);
    expect(repo.findEnterprise(USCC)).toBe(regOnly);
    const into = Number(add.run('91350500798359476R', null, '合并后').lastInsertRowid);
    repo.merge(regOnly, into, '同一企业');
    expect(repo.findEnterprise(USCC)).toBe(into);
    expect(repo.findEnterprise('no such code')).toBeNull();
    expect(repo.findEnterprise(null)).toBeNull();
    db.close();
  });
});
