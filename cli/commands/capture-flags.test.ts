import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createRepos } from '../../db/repos';
import { CaptureRepo } from '../../db/repos/capture';
import { runCli } from '../../tests/support/cli';
import { CLI_OPERATOR, captureData } from '../../tests/support/capture-data';
import { tempDir } from '../../tests/support/temp-dir';
import { openDataDir } from '../../workstation/data-dir';
import { EXIT } from '../exit-codes';

// The capture commands as typed (issue 3's CLI): every documented flag parsed through `main`, not
// only the command functions the other test calls.
describe('capture commands as typed', () => {
  it('scan --device demo --volume --source --dpi --mode --pages --seed --data: each flag reaches the pages', async () => {
    const { dataDir, archiveNo } = await captureData();
    const scan = ['scan', '--data', dataDir, '--device', 'demo', '--volume', archiveNo, '--as', CLI_OPERATOR];
    const run = await runCli(
      ...scan,
      '--source',
      'duplex',
      '--dpi',
      '150',
      '--mode',
      'lineart',
      '--pages',
      '2',
      '--seed',
      '5',
    );
    expect(run.code, run.err).toBe(EXIT.ok);
    const data = openDataDir(dataDir);
    try {
      const pages = createRepos(data.db).pages.list(1);
      // Duplex: two images, front then back; line art (G4 TIFF) at 150 dpi (under the floor: warned).
      expect(pages.map((p) => [p.side, p.colorMode, p.dpiX])).toEqual([
        ['front', 'bw', 150],
        ['back', 'bw', 150],
      ]);
      const media = data.db.prepare('SELECT media_type FROM blobs WHERE sha256 = ?').pluck();
      expect(pages.map((p) => media.get(p.blobSha256))).toEqual(['image/tiff', 'image/tiff']);
      expect(new CaptureRepo(data.db).processing(pages[0]?.id ?? -1)?.lowDpi).toBe(true);
    } finally {
      data.close();
    }
    expect(run.err).toMatch(/150 dpi is below the DA\/T 31 floor of 200 dpi/);

    // A flag value outside its choices is refused before anything is scanned.
    const bad = await runCli(...scan, '--mode', 'sepia');
    expect(bad.code).not.toBe(EXIT.ok);
    expect(bad.err).toMatch(/sepia/);
  }, 60_000);

  it('import <folder> --volume --data takes the folder’s images in natural order', async () => {
    const { dataDir, archiveNo } = await captureData();
    const folder = tempDir();
    for (const n of [10, 9]) {
      const png = await sharp({
        create: { width: 600, height: 800, channels: 3, background: { r: 250, g: 250 - n, b: 245 } },
      })
        .png()
        .toBuffer();
      fs.writeFileSync(path.join(folder, `p${n}.png`), png);
    }
    const run = await runCli(
      'import',
      folder,
      '--data',
      dataDir,
      '--volume',
      archiveNo,
      '--as',
      CLI_OPERATOR,
    );
    expect(run.code, run.err).toBe(EXIT.ok);
    const data = openDataDir(dataDir);
    try {
      const files = data.db.prepare('SELECT path FROM imported_files ORDER BY id').pluck().all();
      expect(files.map((f) => path.basename(String(f)))).toEqual(['p9.png', 'p10.png']);
    } finally {
      data.close();
    }
  }, 60_000);
});
