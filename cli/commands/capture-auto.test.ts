import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createRepos } from '../../db/repos';
import { CaptureRepo } from '../../db/repos/capture';
import { runCli } from '../../tests/support/cli';
import { CLI_OPERATOR, captureData } from '../../tests/support/capture-data';
import { openDataDir } from '../../workstation/data-dir';
import { EXIT } from '../exit-codes';

describe('dangan scan --mode auto', () => {
  it('scans in colour and keeps each page colour or grey by its content', async () => {
    const { dataDir, archiveNo } = await captureData();

    // One demo file: 9 sheets, 3 with red (申请书 page 2 and 决议 sealed, the licence).
    const run = await runCli(
      'scan',
      '--data',
      dataDir,
      '--device',
      'demo',
      '--volume',
      archiveNo,
      '--mode',
      'auto',
      '--dpi',
      '200',
      '--pages',
      '9',
      '--seed',
      '1',
      '--as',
      CLI_OPERATOR,
    );
    expect(run.code, run.err).toBe(EXIT.ok);
    expect(run.out).toMatch(/自动彩色：彩色 3 页，灰度 6 页 \/ automatic colour: 3 colour, 6 grey/);

    const data = openDataDir(dataDir);
    try {
      const pages = createRepos(data.db).pages.list(1);
      const capture = new CaptureRepo(data.db);
      const expected = ['gray', 'color', 'gray', 'gray', 'gray', 'color', 'gray', 'gray', 'color'];
      expect(pages.map((p) => p.colorMode)).toEqual(expected);
      for (const [i, p] of pages.entries()) {
        const proc = capture.processing(p.id);
        expect(proc).toMatchObject({ autoColour: true, masterMode: expected[i], profile: 'color' });
        const meta = await sharp(data.blobs.read(proc?.masterSha256 ?? '')).metadata();
        expect(meta.channels).toBe(expected[i] === 'color' ? 3 : 1);
      }
    } finally {
      data.close();
    }
  }, 120_000);

  it('is the default where the device scans in colour, as in the scan screen, and says so', async () => {
    const { dataDir, archiveNo } = await captureData();
    const scan = ['scan', '--data', dataDir, '--device', 'demo', '--volume', archiveNo, '--as', CLI_OPERATOR];
    const run = await runCli(...scan, '--dpi', '200', '--pages', '2', '--seed', '1');
    expect(run.code, run.err).toBe(EXIT.ok);
    expect(run.out).toMatch(
      /色彩模式：自动（彩色\/灰度），缺省.*colour mode: Auto \(colour\/grey\), the default/,
    );
    // Named, the mode is used as it is and nothing is said about a default.
    const grey = await runCli(...scan, '--dpi', '200', '--pages', '1', '--seed', '1', '--mode', 'gray');
    expect(grey.code, grey.err).toBe(EXIT.ok);
    expect(grey.out).not.toMatch(/色彩模式|colour mode/);

    const data = openDataDir(dataDir);
    try {
      const capture = new CaptureRepo(data.db);
      const pages = createRepos(data.db).pages.list(1);
      expect(pages.map((p) => capture.processing(p.id)?.autoColour)).toEqual([true, true, false]);
      expect(pages.map((p) => p.colorMode)).toEqual(['gray', 'color', 'gray']);
      const runs = data.db
        .prepare("SELECT json_extract(profile, '$.mode') FROM batches ORDER BY id")
        .pluck()
        .all();
      expect(runs).toEqual(['auto', 'gray']);
    } finally {
      data.close();
    }
  }, 120_000);
});
