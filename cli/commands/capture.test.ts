import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../db/digest';
import { createRepos } from '../../db/repos';
import { DemoDriver } from '../../native/demo/demo-driver';
import { FolderDriver } from '../../native/folder/driver';
import { pageImage } from '../../native/folder/fixtures';
import { CLI_OPERATOR, captureData } from '../../tests/support/capture-data';
import { verifyVolume } from '../../tests/support/volume-states';
import { tempDir } from '../../tests/support/temp-dir';
import { openDataDir } from '../../workstation/data-dir';
import { EXIT } from '../exit-codes';
import type { Io } from '../output';
import { devicesCommand, importCommand, scanCommand } from './capture';

function captureIo(): Io & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

describe('capture commands', () => {
  it('devices always lists the demo scanner, also as JSON', async () => {
    const io = captureIo();
    expect(await devicesCommand({ json: true, drivers: [] }, io)).toBe(EXIT.ok);
    const parsed = JSON.parse(io.lines.join('\n')) as { devices: { id: string }[] };
    expect(parsed.devices).toEqual([
      expect.objectContaining({ id: 'demo', displayName: { zh: '演示扫描仪', en: 'Demo scanner' } }),
    ]);
    const text = captureIo();
    await devicesCommand({ json: false, drivers: [new DemoDriver()] }, text);
    expect(text.lines[0]).toBe('demo\t演示扫描仪 / Demo scanner\t内置 built-in');
    // A device's own name (here a scan folder's, as configured) is printed as it is, once.
    const dir = tempDir();
    const named = captureIo();
    await devicesCommand(
      { json: false, drivers: [new FolderDriver({ folders: [{ name: 'Fujitsu fi-7160', path: dir }] })] },
      named,
    );
    expect(named.lines[0]).toBe(`folder:${dir}\tFujitsu fi-7160\t${dir}`);
    expect(text.lines.join('\n')).toMatch(/未找到扫描仪.*no scanner found/);
  });

  it('scan from the demo device saves every page, says so per page, and summarises processing', async () => {
    const { dataDir, archiveNo } = await captureData();
    const io = captureIo();
    const code = await scanCommand(
      {
        dataDir,
        device: 'demo',
        volume: archiveNo,
        source: 'duplex',
        dpi: 100,
        mode: 'gray',
        pages: 4,
        seed: 1,
        threads: 1,
        as: CLI_OPERATOR,
        drivers: [],
      },
      io,
    );
    expect(code).toBe(EXIT.ok);
    expect(io.lines.filter((l) => l.startsWith('已保存 saved'))).toHaveLength(4);
    expect(io.lines.at(-1)).toMatch(/processed: 4 pages, 2 blank/);
    expect(io.errors.join('\n')).toMatch(/100 dpi is below the DA\/T 31 floor/);
    const data = openDataDir(dataDir);
    expect(createRepos(data.db).pages.list(1)).toHaveLength(4);
    data.close();
  });

  it('devices lists a configured folder; scan takes its files as pages and starts the volume', async () => {
    const folder = tempDir();
    const png = await pageImage('png', 10);
    const jpeg = await pageImage('jpeg', 9);
    fs.writeFileSync(path.join(folder, 'p10.png'), png);
    fs.writeFileSync(path.join(folder, 'p9.jpg'), jpeg);
    const drivers = [new FolderDriver({ folders: [{ path: folder, name: 'Kodak 输出' }] })];
    const list = captureIo();
    await devicesCommand({ json: false, drivers }, list);
    expect(list.lines[0]).toBe(`folder:${folder}\tKodak 输出\t${folder}`);

    const { dataDir, archiveNo } = await captureData();
    const io = captureIo();
    const code = await scanCommand(
      {
        dataDir,
        device: `folder:${folder}`,
        volume: archiveNo,
        source: 'feeder',
        dpi: 300,
        mode: 'gray',
        threads: 1,
        as: CLI_OPERATOR,
        drivers,
      },
      io,
    );
    expect(code).toBe(EXIT.ok);
    const data = openDataDir(dataDir);
    const repos = createRepos(data.db);
    // Natural order (p9 before p10), each file's bytes kept as they were.
    expect(repos.pages.list(1).map((p) => p.blobSha256)).toEqual([sha256Hex(jpeg), sha256Hex(png)]);
    expect(repos.volumes.get(1).state).toBe('scanning');
    expect([...repos.audit.records()].at(-1)).toMatchObject({ username: CLI_OPERATOR });
    data.close();
  });

  it('scan into a verified volume is refused in both languages and takes nothing', async () => {
    const { dataDir, archiveNo } = await captureData();
    const data = openDataDir(dataDir);
    const repos = createRepos(data.db);
    verifyVolume(repos, 1);
    data.close();
    const io = captureIo();
    const options = {
      dataDir,
      device: 'demo',
      volume: archiveNo,
      source: 'feeder',
      dpi: 300,
      as: CLI_OPERATOR,
    } as const;
    expect(await scanCommand({ ...options, mode: 'gray', pages: 2, threads: 0, drivers: [] }, io)).toBe(
      EXIT.finding,
    );
    expect(io.errors.join('\n')).toMatch(
      /\[capture\.volume-state\]: 案卷 .*已校核.* \/ Volume .* is verified/,
    );
    expect(io.lines.filter((l) => l.startsWith('已保存 saved'))).toEqual([]);

    // Import keeps the same rule, refused before any file is read: nothing is taken.
    const folder = tempDir();
    fs.writeFileSync(path.join(folder, '1.jpg'), await pageImage('jpeg', 1));
    const imported = captureIo();
    expect(
      await importCommand(
        { dataDir, folder, volume: archiveNo, watch: false, threads: 0, as: CLI_OPERATOR },
        imported,
      ),
    ).toBe(EXIT.finding);
    expect(imported.errors.join('\n')).toMatch(/\[capture\.volume-state\]: 案卷 .*已校核/);
    expect(imported.lines.filter((l) => l.startsWith('已导入 imported'))).toEqual([]);
  });

  it('scan of an unknown volume or device fails with a clear error', async () => {
    const { dataDir } = await captureData();
    const io = captureIo();
    expect(
      await scanCommand(
        {
          dataDir,
          device: 'demo',
          volume: '350200-1999-SL-999999',
          source: 'feeder',
          dpi: 300,
          mode: 'gray',
          pages: 1,
          threads: 0,
          as: CLI_OPERATOR,
          drivers: [],
        },
        io,
      ),
    ).toBe(EXIT.finding);
    expect(io.errors.join('\n')).toMatch(/volume.not-found.*案卷不存在.*No such volume/);
    await expect(
      scanCommand(
        {
          dataDir,
          device: 'twain:x',
          volume: '1',
          source: 'feeder',
          dpi: 300,
          mode: 'gray',
          threads: 0,
          drivers: [],
        },
        captureIo(),
      ),
    ).rejects.toMatchObject({ code: 'scanner.unknown-device' });
  });

  it('import takes the good files, refuses the bad ones by name with a reason in both languages, exits 1', async () => {
    const { dataDir, archiveNo } = await captureData();
    const folder = tempDir();
    fs.writeFileSync(path.join(folder, '1.jpg'), await pageImage('jpeg', 1));
    fs.writeFileSync(path.join(folder, '2.jpg'), Buffer.alloc(0));
    fs.writeFileSync(path.join(folder, '3.png'), await pageImage('png', 3));
    const io = captureIo();
    expect(
      await importCommand(
        { dataDir, folder, volume: archiveNo, watch: false, threads: 1, as: CLI_OPERATOR },
        io,
      ),
    ).toBe(EXIT.finding);
    expect(io.lines.filter((l) => l.startsWith('已导入 imported'))).toHaveLength(2);
    expect(io.errors.join('\n')).toMatch(
      /拒收 refused\t2\.jpg\t\[import\.empty\] 2\.jpg：文件为空.* \/ 2\.jpg: the file is empty/,
    );
    const again = captureIo();
    expect(
      await importCommand(
        { dataDir, folder, volume: archiveNo, watch: false, threads: 0, as: CLI_OPERATOR },
        again,
      ),
    ).toBe(EXIT.finding);
    expect(again.lines.filter((l) => l.startsWith('跳过 skipped'))).toHaveLength(2);
    const data = openDataDir(dataDir);
    expect(createRepos(data.db).volumes.get(1).state).toBe('scanning'); // started by the first file taken
    data.close();
  });
});
