import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRepos } from '../../db/repos';
import { pageImage } from '../../native/folder/fixtures';
import { CLI_OPERATOR, captureData } from '../../tests/support/capture-data';
import { tempDir } from '../../tests/support/temp-dir';
import { openDataDir } from '../../workstation/data-dir';
import { EXIT } from '../exit-codes';
import type { Io } from '../output';
import { importCommand } from './capture';

/** Output as it comes, and a wait for a line the watch has not printed yet. */
function liveIo(): Io & { all: () => string; saw: (re: RegExp) => Promise<void> } {
  const lines: string[] = [];
  const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
  return {
    ...io,
    all: () => lines.join('\n'),
    saw: async (re) => {
      await expect.poll(() => lines.join('\n'), { timeout: 15_000, interval: 50 }).toMatch(re);
    },
  };
}

/** What the app does meanwhile: its operator marks the volume 扫描完成 (through its own connection). */
function markScannedInApp(dataDir: string): void {
  const data = openDataDir(dataDir);
  try {
    const repos = createRepos(data.db);
    const op = repos.users.findByUsername(CLI_OPERATOR);
    repos.volumes.transition(1, 'scanned', {
      userId: op?.id ?? null,
      username: CLI_OPERATOR,
      role: 'operator',
    });
  } finally {
    data.close();
  }
}

function volumeNow(dataDir: string) {
  const data = openDataDir(dataDir);
  try {
    const repos = createRepos(data.db);
    const reopened = [...repos.audit.records()].filter(
      (r) =>
        r.action === 'volume.transition' && r.details['from'] === 'scanned' && r.details['to'] === 'scanning',
    );
    return {
      state: repos.volumes.get(1).state,
      pages: repos.pages.list(1).length,
      reopened: reopened.length,
    };
  } finally {
    data.close();
  }
}

/** `dangan import --watch` for as long as `body` runs; files are taken 200 ms after their last write. */
async function watching(
  dataDir: string,
  archiveNo: string,
  reopen: boolean,
  body: (folder: string, io: ReturnType<typeof liveIo>) => Promise<void>,
) {
  const folder = tempDir();
  const io = liveIo();
  let stop: () => void = () => undefined;
  const until = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const run = importCommand(
    {
      dataDir,
      folder,
      volume: archiveNo,
      watch: true,
      reopen,
      until,
      hotFolder: { stabilityMs: 200, pollMs: 50 },
      threads: 1,
      as: CLI_OPERATOR,
    },
    io,
  );
  await io.saw(/正在监视 watching/);
  try {
    await body(folder, io);
  } finally {
    stop();
  }
  return { code: await run, out: io.all(), folder };
}

describe('dangan import --watch and 扫描完成 meanwhile', () => {
  it('leaves a file for a volume finished meanwhile in place, says why in both languages, and goes on watching', async () => {
    const { dataDir, archiveNo } = await captureData();
    const put = async (folder: string, name: string, n: number) => {
      fs.writeFileSync(path.join(folder, name), await pageImage('png', n));
    };
    const { code, out, folder } = await watching(dataDir, archiveNo, false, async (dir, io) => {
      await put(dir, 'p1.png', 1);
      await io.saw(/已导入 imported\tp1\.png/);
      markScannedInApp(dataDir);
      await put(dir, 'p2.png', 2);
      await io.saw(/拒收 refused\tp2\.png\t\[capture\.volume-scanned\]/);
      await put(dir, 'p3.png', 3); // the watch goes on
      await io.saw(/拒收 refused\tp3\.png/);
    });
    expect(out).toMatch(/已扫描完成.*--reopen.*文件未导入，留在文件夹中；继续监视/);
    expect(out).toMatch(
      /is marked scanned.*--reopen.*The file is not imported and stays in the folder; still watching/,
    );
    expect(code).toBe(EXIT.finding);
    // Nothing reopened, nothing lost: the files wait in the folder, unrecorded.
    expect(volumeNow(dataDir)).toEqual({ state: 'scanned', pages: 1, reopened: 0 });
    expect(fs.readdirSync(folder).sort()).toEqual(['p1.png', 'p2.png', 'p3.png']);

    // The operator decides to scan more: the same folder with --reopen takes exactly the waiting files.
    const io = liveIo();
    const again = await importCommand(
      { dataDir, folder, volume: archiveNo, watch: false, reopen: true, threads: 1, as: CLI_OPERATOR },
      io,
    );
    expect(again, io.all()).toBe(EXIT.ok);
    expect(io.all()).toMatch(
      /跳过 skipped\tp1\.png[\s\S]*已导入 imported\tp2\.png[\s\S]*已导入 imported\tp3\.png/,
    );
    expect(volumeNow(dataDir)).toEqual({ state: 'scanning', pages: 3, reopened: 1 });
  }, 60_000);

  it('with --reopen, a volume finished meanwhile goes back to scanning for the next file, said and audited', async () => {
    const { dataDir, archiveNo } = await captureData();
    const { code, out } = await watching(dataDir, archiveNo, true, async (dir, io) => {
      fs.writeFileSync(path.join(dir, 'a.png'), await pageImage('png', 1));
      await io.saw(/已导入 imported\ta\.png/);
      markScannedInApp(dataDir);
      fs.writeFileSync(path.join(dir, 'b.png'), await pageImage('png', 2));
      await io.saw(/已导入 imported\tb\.png/);
    });
    expect(code, out).toBe(EXIT.ok);
    expect(out).toMatch(
      /补扫：案卷 .* 由“已扫描”回到“扫描中”.*scan more: volume .* goes back from scanned to scanning \(audited\)[\s\S]*已导入 imported\tb\.png/,
    );
    expect(volumeNow(dataDir)).toEqual({ state: 'scanning', pages: 2, reopened: 1 });
  }, 60_000);
});
