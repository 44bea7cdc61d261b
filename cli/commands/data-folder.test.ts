import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../db/migrations';
import { STORE_MIGRATIONS } from '../../db/store/migrations';
import { runCli as run } from '../../tests/support/cli';
import { startStoreProcess } from '../../tests/support/store-process';
import { tempDir } from '../../tests/support/temp-dir';

/**
 * Every command that opens a workstation data folder, with the arguments it needs otherwise. `@file`,
 * `@receipts` and `@out` stand for a catalogue file, a receipt file and an output path made by the test.
 */
const COMMANDS: readonly (readonly string[])[] = [
  ['db', 'check'],
  ['maintain'],
  ['backup', '--to', '@out'],
  ['check', '--fixity-runs', '0'],
  ['fix', 'redundant-data', '--dry-run'],
  ['report', 'monthly', '--month', '2026-01'],
  ['enterprise', 'find', '厦门'],
  ['enterprise', 'create', '--name', '厦门测试有限公司'],
  ['volume', 'create', '--enterprise', '1'],
  ['catalogue', 'suggest', '1', '--no-ocr'],
  ['catalogue', 'set', '1', '--file', '@file'],
  ['catalogue', 'finish', '1'],
  ['verify', '1'],
  ['label', 'pdf', '--volume', '1', '-o', '@out'],
  ['bag', 'export', '--volume', '1', '--to', '@out'],
  ['bag', 'receipts', '@receipts'],
  ['store', 'trust', '--key-id', 'k1', '--public-key', 'AAAA'],
];

function jsonFile(content: unknown): string {
  const file = path.join(tempDir(), 'input.json');
  fs.writeFileSync(file, JSON.stringify(content));
  return file;
}

async function runWith(args: readonly string[], dataDir: string) {
  const files: Record<string, string> = {
    '@file': jsonFile([]),
    '@receipts': jsonFile({ format: 'dangan-receipts/1', receipts: [] }),
    '@out': path.join(tempDir(), 'out'),
  };
  return run(...args.map((a) => files[a] ?? a), '--data', dataDir);
}

/** The error line: exit 1, Chinese and English, no stack trace. */
function expectClearError(r: { code: number; err: string }, zh: string, en: string): void {
  expect(r.code).toBe(1);
  expect(r.err).toContain(zh);
  expect(r.err).toContain(en);
  expect(r.err).not.toMatch(/\n\s+at /);
}

/**
 * Folders a command cannot use: one that does not exist, one holding other things (notes.txt), a file,
 * and one whose database file `dbFile` is not SQLite.
 */
function unusableFolders(dbFile: string): { missing: string; other: string; file: string; garbage: string } {
  const missing = path.join(tempDir(), 'no-such-folder');
  const other = tempDir();
  fs.writeFileSync(path.join(other, 'notes.txt'), 'not archive data');
  const file = path.join(tempDir(), 'a-file');
  fs.writeFileSync(file, 'x');
  const garbage = tempDir();
  fs.writeFileSync(path.join(garbage, dbFile), 'hello, not a database');
  return { missing, other, file, garbage };
}

function setVersion(file: string, version: number): void {
  const db = new Database(file);
  db.pragma(`user_version = ${version}`);
  db.close();
}

/**
 * In a folder `made` by its own command: a database one version newer than `migrations` is refused and
 * left untouched; a folder whose database file is another program's is refused and left as it was.
 */
async function expectNewerAndForeignRefused(
  made: string,
  dbFile: string,
  migrations: readonly { version: number }[],
  runIn: (dir: string) => Promise<{ code: number; err: string }>,
): Promise<void> {
  const file = path.join(made, dbFile);
  const newer = (migrations.at(-1)?.version ?? 0) + 1;
  setVersion(file, newer);
  const before = fs.readFileSync(file);
  expectClearError(
    await runIn(made),
    `数据库为第 ${newer} 版`,
    `is version ${newer}; this program supports up to ${newer - 1}: upgrade the program`,
  );
  expect(fs.readFileSync(file).equals(before)).toBe(true);

  const foreign = tempDir();
  const other = new Database(path.join(foreign, dbFile));
  other.exec('CREATE TABLE recipes (name TEXT)');
  other.close();
  expectClearError(await runIn(foreign), '是其他程序的数据库', 'belongs to another program');
  expect(fs.readdirSync(foreign)).toEqual([dbFile]);
}

describe('commands on a data folder they cannot use say so in both languages', () => {
  it.each(COMMANDS.map((c) => [c.join(' '), c] as const))(
    '%s: a missing folder, a file, a folder of other things, a dangan.db that is not SQLite',
    async (_, args) => {
      const { missing, other, file, garbage } = unusableFolders('dangan.db');
      expectClearError(await runWith(args, missing), '数据目录不存在', `No data folder at ${missing}`);
      expect(fs.existsSync(missing)).toBe(false); // nothing made where a typo pointed

      expectClearError(await runWith(args, other), '找不到数据库', 'is not a Dangan data folder');
      expect(fs.readdirSync(other)).toEqual(['notes.txt']);

      expectClearError(await runWith(args, file), '这是一个文件，不是目录', 'it is a file, not a folder');

      expectClearError(await runWith(args, garbage), '不是 SQLite 数据库', 'is not an SQLite database');
    },
  );

  it.each(COMMANDS.map((c) => [c.join(' '), c] as const))(
    '%s: a database of a newer version is refused untouched; another program’s database too',
    async (_, args) => {
      const dir = path.join(tempDir(), 'data');
      expect((await run('start', '--check', '--data', dir)).code).toBe(0);
      await expectNewerAndForeignRefused(dir, 'dangan.db', MIGRATIONS, (d) => runWith(args, d));
    },
  );

  it('start makes a new data folder, and refuses a newer or foreign one like the rest', async () => {
    const fresh = path.join(tempDir(), 'new', 'data');
    expect((await run('start', '--check', '--data', fresh)).code).toBe(0);
    expect(fs.existsSync(path.join(fresh, 'dangan.db'))).toBe(true);
    const other = tempDir();
    fs.writeFileSync(path.join(other, 'notes.txt'), 'x');
    expectClearError(
      await run('start', '--check', '--data', other),
      '找不到数据库',
      'is not a Dangan data folder',
    );
    expect(fs.existsSync(path.join(other, 'dangan.db'))).toBe(false);
  });
});

/** Every command that opens a store data folder (`--store-data`), with the arguments it needs otherwise. */
const STORE_COMMANDS: readonly (readonly string[])[] = [
  ['store', 'serve', '--listen', '127.0.0.1:0'],
  ['store', 'client', 'add', '--bureau', '350200'],
  ['bag', 'import', '@out'],
  ['check', '--fixity-runs', '0'],
];

async function runWithStore(args: readonly string[], storeDir: string) {
  const out = path.join(tempDir(), 'out');
  return run(...args.map((a) => (a === '@out' ? out : a)), '--store-data', storeDir);
}

/** A store data folder made the one way there is: `dangan store init`. */
async function initStore(dir = path.join(tempDir(), 'store')): Promise<string> {
  const r = await run('store', 'init', '--store-data', dir);
  expect(r.code).toBe(0);
  return dir;
}

describe('store commands refuse a store data folder they cannot use, as the workstation commands do', () => {
  it.each(STORE_COMMANDS.map((c) => [c.join(' '), c] as const))(
    '%s: a missing folder, an empty one, a folder of other things, a file, a store.db that is not SQLite',
    async (_, args) => {
      const { missing, other, file, garbage } = unusableFolders('store.db');
      expectClearError(
        await runWithStore(args, missing),
        '档案库数据目录不存在',
        `No store data folder at ${missing} (check --store-data; make a new one with dangan store init`,
      );
      expect(fs.existsSync(missing)).toBe(false); // nothing made where a typo pointed

      const empty = tempDir();
      expectClearError(await runWithStore(args, empty), '找不到档案库数据库', 'No store database');
      expect(fs.readdirSync(empty)).toEqual([]);

      expectClearError(
        await runWithStore(args, other),
        '不是档案库数据目录',
        'is not a Dangan store data folder',
      );
      expect(fs.readdirSync(other)).toEqual(['notes.txt']);

      expectClearError(
        await runWithStore(args, file),
        '这是一个文件，不是目录',
        'it is a file, not a folder',
      );

      expectClearError(
        await runWithStore(args, garbage),
        'store.db 不是 SQLite 数据库',
        'is not a Dangan store data folder: store.db is not an SQLite database',
      );
      expect(fs.readdirSync(garbage)).toEqual(['store.db']);
    },
  );

  it.each(STORE_COMMANDS.map((c) => [c.join(' '), c] as const))(
    '%s: a store database of a newer version is refused untouched; another program’s database too',
    async (_, args) => {
      const dir = await initStore();
      await expectNewerAndForeignRefused(dir, 'store.db', STORE_MIGRATIONS, (d) => runWithStore(args, d));
    },
  );

  it('store init makes a store folder (a new path or an empty folder) that store serve then serves', async () => {
    const fresh = path.join(tempDir(), 'new', 'store');
    const made = await run('store', 'init', '--store-data', fresh);
    expect(made.code).toBe(0);
    expect(made.out).toContain(`✓ 已建立档案库数据目录 store data folder made: ${fresh}`);
    const keyLine = /receipt key ([0-9a-f]{16}): /.exec(made.out);
    expect(keyLine).not.toBeNull();
    expect(fs.existsSync(path.join(fresh, 'store.db'))).toBe(true);

    // Again: the folder is kept as it is, with the same receipt key.
    const again = await run('store', 'init', '--store-data', fresh);
    expect(again.code).toBe(0);
    expect(again.out).toContain('= 已是档案库数据目录 already a store data folder');
    expect(again.out).toContain(`receipt key ${keyLine?.[1] ?? '?'}: `);

    // The documented flow: init, a credential, serve (its own process), a lookup with the credential.
    const client = await run('store', 'client', 'add', '--bureau', '350200', '--store-data', fresh, '--json');
    expect(client.code).toBe(0);
    const { clientId, secret } = JSON.parse(client.out) as { clientId: string; secret: string };
    const { url } = await startStoreProcess(fresh);
    const lookup = `${url}/v1/lookup?code=91350200776049653A`;
    expect((await fetch(lookup)).status).toBe(401);
    const found = await fetch(lookup, { headers: { authorization: `Bearer ${clientId}:${secret}` } });
    expect(found.status).toBe(200);
    expect(await found.json()).toEqual({ code: '91350200776049653A', volumes: [] });

    const empty = tempDir();
    expect((await run('store', 'init', '--store-data', empty)).code).toBe(0);
    expect(fs.existsSync(path.join(empty, 'store.db'))).toBe(true);
  });

  it('store init refuses what the other commands refuse, writing nothing', async () => {
    const other = tempDir();
    fs.writeFileSync(path.join(other, 'notes.txt'), 'x');
    expectClearError(
      await run('store', 'init', '--store-data', other),
      '找不到档案库数据库',
      'No store database',
    );
    expect(fs.readdirSync(other)).toEqual(['notes.txt']);

    const file = path.join(tempDir(), 'a-file');
    fs.writeFileSync(file, 'x');
    expectClearError(await run('store', 'init', '--store-data', file), '这是一个文件', 'it is a file');

    const dir = await initStore();
    const newer = (STORE_MIGRATIONS.at(-1)?.version ?? 0) + 1;
    setVersion(path.join(dir, 'store.db'), newer);
    expectClearError(
      await run('store', 'init', '--store-data', dir),
      `第 ${newer} 版`,
      'upgrade the program',
    );
  });

  it('a workstation folder is not a store folder, nor the other way round; $DANGAN_STORE_DATA is checked too', async () => {
    const data = path.join(tempDir(), 'data');
    expect((await run('start', '--check', '--data', data)).code).toBe(0);
    expectClearError(await runWithStore(['store', 'serve'], data), '找不到档案库数据库', 'No store database');
    const store = await initStore();
    expectClearError(await runWith(['db', 'check'], store), '找不到数据库', 'is not a Dangan data folder');

    const missing = path.join(tempDir(), 'typo');
    process.env['DANGAN_STORE_DATA'] = missing;
    try {
      expectClearError(await run('store', 'serve'), '档案库数据目录不存在', 'No store data folder');
    } finally {
      delete process.env['DANGAN_STORE_DATA'];
    }
    expect(fs.existsSync(missing)).toBe(false);
  });
});

describe('an unknown volume or enterprise is named, in both languages', () => {
  it.each([
    [['catalogue', 'suggest', '999', '--no-ocr'], '案卷不存在：999', 'No such volume: 999'],
    [['catalogue', 'set', '999', '--file', '@file'], '案卷不存在：999', 'No such volume: 999'],
    [['catalogue', 'finish', 'no-such'], '案卷不存在：no-such', 'No such volume: no-such'],
    [['verify', '999'], '案卷不存在：999', 'No such volume: 999'],
    [['label', 'pdf', '--volume', '999', '-o', '@out'], '案卷不存在：999', 'No such volume: 999'],
    [['bag', 'export', '--volume', '999', '--to', '@out'], '案卷不存在：999', 'No such volume: 999'],
    [
      ['bag', 'export', '--volume', 'no-such', '--to', '@out'],
      '案卷不存在：no-such',
      'No such volume: no-such',
    ],
    [['volume', 'create', '--enterprise', '999'], '企业记录不存在：999', 'No such enterprise record: 999'],
    [['volume', 'create', '--enterprise', '91350200776049653A'], '找不到企业', 'No enterprise with the code'],
  ])('%j', async (args, zh, en) => {
    const dir = path.join(tempDir(), 'data');
    expect((await run('start', '--check', '--data', dir)).code).toBe(0);
    expectClearError(await runWith(args, dir), zh, en);
  });
});
