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
});
