import path from 'node:path';
import { onTestFinished } from 'vitest';
import { openDatabase, type Db } from '../../db/open';
import type { Actor } from '../../db/repos/actor';
import type { Enterprise } from '../../db/repos/enterprises';
import type { StoreIndexEntry } from '../../db/repos/store-index';
import { createRepos, type Repos, type ReposOptions } from '../../db/repos';
import { tempDir } from './temp-dir';

/** A clock that stands still until moved: `advance(ms)`. */
export interface FakeClock {
  readonly now: () => Date;
  advance(ms: number): void;
  set(iso: string): void;
}

export function fakeClock(start = '2026-03-01T08:00:00.000Z'): FakeClock {
  let t = Date.parse(start);
  return {
    now: () => new Date(t),
    advance: (ms) => {
      t += ms;
    },
    set: (iso) => {
      t = Date.parse(iso);
    },
  };
}

/** Repositories over a fresh database file in a temp dir, closed when the test ends. */
export function openTestRepos(options: Omit<ReposOptions, 'now'> = {}): {
  db: Db;
  repos: Repos;
  clock: FakeClock;
  file: string;
} {
  const file = path.join(tempDir(), 'dangan.db');
  const { db } = openDatabase(file);
  const clock = fakeClock();
  const repos = createRepos(db, { ...options, now: clock.now });
  onTestFinished(() => {
    if (db.open) db.close();
  });
  return { db, repos, clock, file };
}

export const OPERATOR: Actor = { userId: null, username: 'op-wang', role: 'operator' };
export const QA: Actor = { userId: null, username: 'qa-li', role: 'qa' };
export const TECHNICIAN: Actor = { userId: null, username: 'tech-chen', role: 'technician' };
export const ADMIN: Actor = { userId: null, username: 'admin-zhao', role: 'admin' };

export const USCC_A = '91350200776049653A';
export const USCC_B = '91350500798359476R';
export const USCC_C = '91350200MA2YJ1XR9G';
export const REG_NO = '110108000000016';

/** An enterprise of the 厦门 bureau (350200) registered by OPERATOR, known by its USCC or 注册号. */
export function xiamenEnterprise(
  repos: Repos,
  code: { readonly uscc: string } | { readonly regNo: string },
  name = '厦门测试有限公司',
): Enterprise {
  return repos.enterprises.create({ ...code, name, bureauCode: '350200' }, OPERATOR);
}

/** An enterprise and a registered volume (350200, 2026, SL, serial 1). */
export function seedVolume(repos: Repos, serial = 1): { enterpriseId: number; volumeId: number } {
  const enterprise = repos.enterprises.findByCode(USCC_A) ?? xiamenEnterprise(repos, { uscc: USCC_A });
  const volume = repos.volumes.create(
    {
      enterpriseId: enterprise.id,
      archiveNo: `350200-2026-SL-${String(serial).padStart(6, '0')}`,
      volumeType: 'SL',
      year: 2026,
      bureauCode: '350200',
    },
    OPERATOR,
  );
  return { enterpriseId: enterprise.id, volumeId: volume.id };
}

/** A volume the store holds (a row of the synced store index): 350100-2019-SL-000007 of USCC_A, archived. */
export function storeEntry(over: Partial<StoreIndexEntry> = {}): StoreIndexEntry {
  return {
    uscc: USCC_A,
    regNo: null,
    enterpriseName: '厦门测试有限公司',
    volumeType: 'SL',
    archiveNo: '350100-2019-SL-000007',
    bureauCode: '350100',
    year: 2019,
    registrationDate: null,
    state: 'archived',
    node: '350100',
    ...over,
  };
}

export { domainError } from './domain-error';
