import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../db/migrations';
import { runCli as run } from '../../tests/support/cli';
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

describe('commands on a data folder they cannot use say so in both languages', () => {
  it.each(COMMANDS.map((c) => [c.join(' '), c] as const))(
    '%s: a missing folder, a file, a folder of other things, a dangan.db that is not SQLite',
    async (_, args) => {
      const missing = path.join(tempDir(), 'no-such-folder');
      expectClearError(await runWith(args, missing), '数据目录不存在', `No data folder at ${missing}`);
      expect(fs.existsSync(missing)).toBe(false); // nothing made where a typo pointed

      const other = tempDir();
      fs.writeFileSync(path.join(other, 'notes.txt'), 'not archive data');
      expectClearError(await runWith(args, other), '找不到数据库', 'is not a Dangan data folder');
      expect(fs.readdirSync(other)).toEqual(['notes.txt']);

      const file = path.join(tempDir(), 'a-file');
      fs.writeFileSync(file, 'x');
      expectClearError(await runWith(args, file), '这是一个文件，不是目录', 'it is a file, not a folder');

      const garbage = tempDir();
      fs.writeFileSync(path.join(garbage, 'dangan.db'), 'hello, not a database');
      expectClearError(await runWith(args, garbage), '不是 SQLite 数据库', 'is not an SQLite database');
    },
  );

  it.each(COMMANDS.map((c) => [c.join(' '), c] as const))(
    '%s: a database of a newer version is refused untouched; another program’s database too',
    async (_, args) => {
      const dir = path.join(tempDir(), 'data');
      expect((await run('start', '--check', '--data', dir)).code).toBe(0);
      const file = path.join(dir, 'dangan.db');
      const newer = (MIGRATIONS.at(-1)?.version ?? 0) + 1;
      const db = new Database(file);
      db.pragma(`user_version = ${newer}`);
      db.close();
      const before = fs.readFileSync(file);
      expectClearError(
        await runWith(args, dir),
        `数据库为第 ${newer} 版`,
        `is version ${newer}; this program supports up to ${newer - 1}: upgrade the program`,
      );
      expect(fs.readFileSync(file).equals(before)).toBe(true);

      const foreign = tempDir();
      const other = new Database(path.join(foreign, 'dangan.db'));
      other.exec('CREATE TABLE recipes (name TEXT)');
      other.close();
      expectClearError(await runWith(args, foreign), '是其他程序的数据库', 'belongs to another program');
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
