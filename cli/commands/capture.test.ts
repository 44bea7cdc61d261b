import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRepos } from '../../db/repos';
import { DemoDriver } from '../../native/demo/demo-driver';
import { pageImage } from '../../native/folder/fixtures';
import { seedVolume } from '../../tests/support/repos';
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

function dataWithVolume(): { dataDir: string; archiveNo: string } {
  const dataDir = tempDir();
  const data = openDataDir(dataDir);
  const repos = createRepos(data.db);
  const { volumeId } = seedVolume(repos);
  const archiveNo = repos.volumes.get(volumeId).archiveNo;
  data.close();
  return { dataDir, archiveNo };
}

describe('capture commands', () => {
  it('devices always lists the demo scanner, also as JSON', async () => {
    const io = captureIo();
    expect(await devicesCommand({ json: true, drivers: [] }, io)).toBe(EXIT.ok);
    const parsed = JSON.parse(io.lines.join('\n')) as { devices: { id: string }[] };
    expect(parsed.devices.map((d) => d.id)).toEqual(['demo']);
    const text = captureIo();
    await devicesCommand({ json: false, drivers: [new DemoDriver()] }, text);
    expect(text.lines.join('\n')).toMatch(/demo\t演示扫描仪/);
    expect(text.lines.join('\n')).toMatch(/未找到扫描仪.*no scanner found/);
  });

  it('scan from the demo device saves every page, says so per page, and summarises processing', async () => {
    const { dataDir, archiveNo } = dataWithVolume();
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
        threads: 1,
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

  it('scan of an unknown volume or device fails with a clear error', async () => {
    const { dataDir } = dataWithVolume();
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
          drivers: [],
        },
        io,
      ),
    ).toBe(EXIT.finding);
    expect(io.errors.join('\n')).toMatch(/案卷不存在.*no such volume/);
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
    const { dataDir, archiveNo } = dataWithVolume();
    const folder = tempDir();
    fs.writeFileSync(path.join(folder, '1.jpg'), await pageImage('jpeg', 1));
    fs.writeFileSync(path.join(folder, '2.jpg'), Buffer.alloc(0));
    fs.writeFileSync(path.join(folder, '3.png'), await pageImage('png', 3));
    const io = captureIo();
    expect(await importCommand({ dataDir, folder, volume: archiveNo, watch: false, threads: 1 }, io)).toBe(
      EXIT.finding,
    );
    expect(io.lines.filter((l) => l.startsWith('已导入 imported'))).toHaveLength(2);
    expect(io.errors.join('\n')).toMatch(
      /拒收 refused\t2\.jpg\t\[import\.empty\] 2\.jpg：文件为空.* \/ 2\.jpg: the file is empty/,
    );
    const again = captureIo();
    expect(await importCommand({ dataDir, folder, volume: archiveNo, watch: false, threads: 0 }, again)).toBe(
      EXIT.finding,
    );
    expect(again.lines.filter((l) => l.startsWith('跳过 skipped'))).toHaveLength(2);
  });
});
