import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRepos, type Repos } from '../../db/repos';
import { pageImage } from '../../native/folder/fixtures';
import { runCli } from '../../tests/support/cli';
import { CLI_OPERATOR, addUser, captureData } from '../../tests/support/capture-data';
import { OPERATOR, seedVolume } from '../../tests/support/repos';
import { tempDir } from '../../tests/support/temp-dir';
import { openDataDir } from '../../workstation/data-dir';
import { takeEngineLock } from '../../workstation/engine-lock';
import { EXIT } from '../exit-codes';
import type { Io } from '../output';
import { scanCommand } from './capture';

// What a newcomer found in `dangan scan` / `dangan import`: any name accepted as the operator, a volume
// marked scanned silently reopened, no word of the data folder used, pages without a batch, the same
// demo pages every run. Each through the CLI as typed, against a real data folder.

async function withRepos<T>(dataDir: string, f: (repos: Repos) => T | Promise<T>): Promise<T> {
  const data = openDataDir(dataDir);
  try {
    return await f(createRepos(data.db));
  } finally {
    data.close();
  }
}

/** Everything a capture command could write: row counts and the volume's state. */
function snapshot(dataDir: string): Record<string, unknown> {
  const data = openDataDir(dataDir);
  try {
    const count = (table: string) => data.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get();
    return {
      ...Object.fromEntries(
        ['audit_log', 'batches', 'pages', 'blobs', 'jobs', 'imported_files'].map((t) => [t, count(t)]),
      ),
      state: createRepos(data.db).volumes.get(1).state,
    };
  } finally {
    data.close();
  }
}

const scanArgs = (dataDir: string, volume: string) =>
  [
    'scan',
    '--data',
    dataDir,
    '--device',
    'demo',
    '--volume',
    volume,
    '--pages',
    '1',
    '--dpi',
    '100',
  ] as const;

const importArgs = (dataDir: string, folder: string, volume: string) =>
  ['import', folder, '--data', dataDir, '--volume', volume] as const;

describe('who may scan or import from the CLI', () => {
  it('refuses an unknown, disabled, locked or non-operator user before writing anything', async () => {
    const { dataDir, archiveNo } = await captureData();
    const folder = tempDir();
    fs.writeFileSync(path.join(folder, '1.png'), await pageImage('png', 1));
    await withRepos(dataDir, async (repos) => {
      await addUser(repos, 'qa-li', ['qa']);
      repos.users.disable(await addUser(repos, 'op-gone', ['operator']), OPERATOR);
      await addUser(repos, 'op-locked', ['operator']);
      for (let i = 0; i < 5; i++) await repos.users.authenticate('op-locked', 'wrong').catch(() => null);
    });
    const before = snapshot(dataDir);
    const cases: [string, RegExp][] = [
      ['nobody', /\[capture\.operator-unknown\]: 没有用户名为“nobody”的用户.* \/ No user named "nobody"/],
      ['op-gone', /\[capture\.operator-disabled\]: 用户 op-gone 已停用.* \/ User op-gone is disabled/],
      ['op-locked', /\[capture\.operator-locked\]: 用户 op-locked 因多次登录失败被锁定.* \/ .* locked/],
      [
        'qa-li',
        /\[capture\.operator-role\]: 用户 qa-li（质检员）没有扫描员角色.* \/ User qa-li \(QA inspector\) does not hold the scan operator role/,
      ],
    ];
    for (const [name, message] of cases) {
      const scan = await runCli(...scanArgs(dataDir, archiveNo), '--as', name);
      expect(scan.code, name).toBe(EXIT.finding);
      expect(scan.err).toMatch(message);
      expect(scan.out).not.toMatch(/已保存 saved/);
      const imported = await runCli(...importArgs(dataDir, folder, archiveNo), '--as', name);
      expect(imported.code, name).toBe(EXIT.finding);
      expect(imported.err).toMatch(message);
    }
    expect(snapshot(dataDir)).toEqual(before);
  }, 120_000);

  it('refuses scan, import and a second start while the app holds the folder, writing nothing', async () => {
    const { dataDir, archiveNo } = await captureData();
    const folder = tempDir();
    fs.writeFileSync(path.join(folder, '1.png'), await pageImage('png', 1));
    const before = snapshot(dataDir);
    const app = takeEngineLock(dataDir); // what `dangan start` and the Electron engine process hold
    try {
      const inUse =
        /\[data\.in-use\]: 数据目录正由运行中的工作站使用.* \/ The data folder .* is in use by a running workstation/;
      const scan = await runCli(...scanArgs(dataDir, archiveNo), '--as', CLI_OPERATOR);
      expect(scan.code).toBe(EXIT.finding);
      expect(scan.err).toMatch(inUse);
      const imported = await runCli(...importArgs(dataDir, folder, archiveNo), '--as', CLI_OPERATOR);
      expect(imported.code).toBe(EXIT.finding);
      expect(imported.err).toMatch(inUse);
      const second = await runCli('start', '--data', dataDir, '--check');
      expect(second.code).toBe(EXIT.finding);
      expect(second.err).toMatch(inUse);
      expect(snapshot(dataDir)).toEqual(before);
    } finally {
      app.release();
    }
    // Once the app has gone, the same scan goes through.
    const after = await runCli(...scanArgs(dataDir, archiveNo), '--as', CLI_OPERATOR, '--seed', '1');
    expect(after.code).toBe(EXIT.ok);
  }, 120_000);

  it('without --as takes the login name only when such a user may scan', async () => {
    const login = os.userInfo().username;
    const { dataDir, archiveNo } = await captureData();
    const refused = await runCli(...scanArgs(dataDir, archiveNo), '--seed', '1');
    expect(refused.code).toBe(EXIT.finding);
    expect(refused.err).toContain(
      `[capture.operator-unknown]: 未指定扫描员：本机登录名“${login}”不是本工作站的用户。请用 --as <用户名> 指明扫描员`,
    );
    expect(refused.err).toContain('name the operator with --as <username>');

    await withRepos(dataDir, (repos) => addUser(repos, login, ['operator']));
    const taken = await runCli(...scanArgs(dataDir, archiveNo), '--seed', '1');
    expect(taken.code, taken.err).toBe(EXIT.ok);
    await withRepos(dataDir, (repos) => {
      const moved = [...repos.audit.records()].find((r) => r.action === 'volume.transition');
      expect(moved).toMatchObject({ username: login, details: { from: 'registered', to: 'scanning' } });
    });
  }, 60_000);
});

describe('a volume marked scanned (扫描完成)', () => {
  it('is refused unless --reopen, which says so and is audited as the operator’s', async () => {
    const { dataDir, archiveNo, operatorId } = await captureData();
    await withRepos(dataDir, (repos) => {
      repos.volumes.transition(1, 'scanning', OPERATOR);
      repos.volumes.transition(1, 'scanned', OPERATOR);
    });
    const folder = tempDir();
    fs.writeFileSync(path.join(folder, '1.png'), await pageImage('png', 1));
    const before = snapshot(dataDir);
    const scan = await runCli(...scanArgs(dataDir, archiveNo), '--as', CLI_OPERATOR);
    expect(scan.code).toBe(EXIT.finding);
    expect(scan.err).toMatch(
      /\[capture\.volume-scanned\]: 案卷 350200-2026-SL-000001 已扫描完成.*--reopen.* \/ Volume .* is marked scanned.*add --reopen/,
    );
    const imported = await runCli(...importArgs(dataDir, folder, archiveNo), '--as', CLI_OPERATOR);
    expect(imported.code).toBe(EXIT.finding);
    expect(imported.err).toMatch(/\[capture\.volume-scanned\]/);
    expect(snapshot(dataDir)).toEqual(before);

    const more = await runCli(...scanArgs(dataDir, archiveNo), '--as', CLI_OPERATOR, '--reopen');
    expect(more.code, more.err).toBe(EXIT.ok);
    expect(more.out).toMatch(
      /补扫：案卷 350200-2026-SL-000001 由“已扫描”回到“扫描中”.* \/ scan more: volume .* goes back from scanned to scanning/,
    );
    await withRepos(dataDir, (repos) => {
      expect(repos.volumes.get(1).state).toBe('scanning');
      const moves = [...repos.audit.records()].filter((r) => r.action === 'volume.transition');
      expect(moves.at(-1)).toMatchObject({
        action: 'volume.transition',
        userId: operatorId,
        username: CLI_OPERATOR,
        details: { from: 'scanned', to: 'scanning' },
      });
    });
  }, 60_000);
});

describe('what a CLI scan records and says', () => {
  it('names its data folder first, also when the folder is missing', async () => {
    const missing = path.join(tempDir(), 'nowhere');
    const run = await runCli(...scanArgs(missing, '1'), '--as', CLI_OPERATOR);
    expect(run.code).toBe(EXIT.finding);
    expect(run.out.split('\n')[0]).toBe(`数据目录 data folder: ${missing}`);
    expect(run.err).toMatch(/\[data\.missing\]/);
  });

  it('is one batch, with a fresh demo seed it prints; --seed repeats its pages byte for byte', async () => {
    const { dataDir, archiveNo, operatorId } = await captureData();
    const second = await withRepos(
      dataDir,
      (repos) => repos.volumes.get(seedVolume(repos, 2).volumeId).archiveNo,
    );
    const third = await withRepos(
      dataDir,
      (repos) => repos.volumes.get(seedVolume(repos, 3).volumeId).archiveNo,
    );

    const first = await runCli(...scanArgs(dataDir, archiveNo), '--as', CLI_OPERATOR);
    expect(first.code, first.err).toBe(EXIT.ok);
    const lines = first.out.split('\n');
    expect(lines[0]).toBe(`数据目录 data folder: ${dataDir}`);
    const seed = Number(
      /demo seed: (\d+)（用 --seed \1 可重现 \/ repeat with --seed \1）/.exec(first.out)?.[1],
    );
    expect(Number.isInteger(seed)).toBe(true);
    // The demo device scans in colour: without --mode, 自动 as in the scan screen, its pages counted last.
    expect(first.out).toMatch(/processed: 1 page, 0 blank, \d deskewed, 0 separators, 0 failed$/m);
    expect(lines.at(-1)).toMatch(/automatic colour: \d colour, \d grey$/);

    const repeated = await runCli(...scanArgs(dataDir, second), '--as', CLI_OPERATOR, '--seed', String(seed));
    expect(repeated.out).not.toMatch(/demo seed/); // a given seed is not repeated back
    const fresh = await runCli(...scanArgs(dataDir, third), '--as', CLI_OPERATOR);
    expect(fresh.code, fresh.err).toBe(EXIT.ok);

    await withRepos(dataDir, (repos) => {
      const [a, b, c] = [1, 2, 3].map((v) => repos.pages.list(v)[0]);
      expect(b?.blobSha256).toBe(a?.blobSha256);
      expect(c?.blobSha256).not.toBe(a?.blobSha256);
      // Each run its own batch, closed, with operator, device and settings as the app records them.
      expect(a?.batchId).not.toBeNull();
      expect(new Set([a?.batchId, b?.batchId, c?.batchId]).size).toBe(3);
      expect(repos.batches.get(a?.batchId ?? -1)).toMatchObject({
        device: 'demo',
        state: 'closed',
        operatorId,
        profile: { volumeId: 1, source: 'feeder', dpi: 100, mode: 'auto', pages: 1, seed },
      });
    });
  }, 90_000);

  it('stops on Ctrl-C keeping every page it saved; the batch is aborted', async () => {
    const { dataDir, archiveNo } = await captureData();
    let stop = () => undefined as unknown;
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const out: string[] = [];
    const err: string[] = [];
    const io: Io = {
      out: (l) => {
        out.push(l);
        if (l.startsWith('已保存 saved')) stop();
      },
      err: (l) => err.push(l),
    };
    const code = await scanCommand(
      {
        dataDir,
        device: 'demo',
        volume: archiveNo,
        source: 'feeder',
        dpi: 100,
        mode: 'gray',
        pages: 40,
        seed: 3,
        threads: 1,
        as: CLI_OPERATOR,
        stop: stopped,
      },
      io,
    );
    expect(code).toBe(EXIT.finding);
    expect(err.join('\n')).toMatch(/扫描中断 scan stopped \[cancelled\]/);
    const saved = out.filter((l) => l.startsWith('已保存 saved')).length;
    expect(saved).toBeGreaterThan(0);
    expect(saved).toBeLessThan(40);
    await withRepos(dataDir, (repos) => {
      const pages = repos.pages.list(1);
      expect(pages).toHaveLength(saved);
      expect(repos.batches.get(pages[0]?.batchId ?? -1).state).toBe('aborted');
    });
  }, 60_000);
});
