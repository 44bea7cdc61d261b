import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeLabel } from '../../core/labels/label-codec';
import { createRepos } from '../../db/repos';
import { licenceQrPayload, syntheticPage } from '../../tests/support/label-pages';
import { USCC_A, seedVolume } from '../../tests/support/repos';
import { tempDir } from '../../tests/support/temp-dir';
import { openDataDir } from '../../workstation/data-dir';
import type { LabelReadJson } from './label';
import { runCli as run } from '../../tests/support/cli';

function seeded(dir: string): { uid: string; archiveNo: string }[] {
  const data = openDataDir(dir);
  try {
    const repos = createRepos(data.db);
    return [1, 2].map((serial) => {
      const v = repos.volumes.get(seedVolume(repos, serial).volumeId);
      return { uid: v.uid, archiveNo: v.archiveNo };
    });
  } finally {
    data.close();
  }
}

describe('dangan label', () => {
  it('pdf: makes labels for volumes named by uid or 档号; label read finds them back', async () => {
    const dir = tempDir();
    const [a, b] = seeded(dir);
    if (!a || !b) throw new Error('seed');
    const out = path.join(dir, 'labels.pdf');
    const r = await run(
      'label',
      'pdf',
      '--data',
      dir,
      '--volume',
      a.uid,
      b.archiveNo,
      '-o',
      out,
      '--layout',
      'cover',
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('wrote 2 label(s)');
    // Page 1 rendered as a scan would see it, then read through the CLI.
    const png = path.join(dir, 'cover');
    expect(
      spawnSync('pdftoppm', ['-r', '150', '-png', '-singlefile', '-f', '2', '-l', '2', out, png]).status,
    ).toBe(0);
    const read = await run('label', 'read', '--json', `${png}.png`);
    expect(read.code).toBe(0);
    const json = JSON.parse(read.out) as LabelReadJson[];
    expect(json).toEqual([
      {
        image: `${png}.png`,
        labels: [{ volumeId: b.uid, archiveNo: b.archiveNo, uscc: USCC_A }],
        foreign: [],
        damaged: [],
      },
    ]);
  });

  it('pdf: refuses an unknown volume or layout with exit codes 1 and 2', async () => {
    const dir = tempDir();
    seeded(dir);
    const out = path.join(dir, 'x.pdf');
    const missing = await run('label', 'pdf', '--data', dir, '--volume', '999', '-o', out);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('No such volume: 999');
    const layout = await run('label', 'pdf', '--data', dir, '--volume', '1', '-o', out, '--layout', 'a4-9x9');
    expect(layout.code).toBe(2);
    expect(layout.err).toContain('unknown layout');
    expect(fs.existsSync(out)).toBe(false);
    const nowhere = await run('label', 'pdf', '--data', path.join(dir, 'none'), '--volume', '1', '-o', out);
    expect(nowhere.code).toBe(1);
    expect(nowhere.err).toContain('No data folder at');
  });

  it('read --json: one object per image in argument order, foreign codes recorded, bad files flagged', async () => {
    const dir = tempDir();
    const label = {
      archiveNo: '350200-2024-SL-000007',
      uscc: '91350200MA2YJ1XR9G',
      volumeId: '0f8b6c52-3c1e-4d7a-9b2f-5e6a7d8c9b01',
    };
    const licence = licenceQrPayload(label.uscc);
    const withBoth = path.join(dir, 'p1.jpg');
    fs.writeFileSync(
      withBoth,
      await syntheticPage({
        seed: 3,
        dpi: 150,
        rotate: 270,
        codes: [
          { payload: encodeLabel(label), sizeMm: 20, xMm: 165, yMm: 12 },
          { payload: licence, sizeMm: 22, xMm: 160, yMm: 200 },
        ],
      }),
    );
    const foreignOnly = path.join(dir, 'p2.jpg');
    fs.writeFileSync(
      foreignOnly,
      await syntheticPage({ seed: 4, dpi: 150, codes: [{ payload: licence, sizeMm: 22, xMm: 20, yMm: 20 }] }),
    );
    const junk = path.join(dir, 'p3.jpg');
    fs.writeFileSync(junk, 'not a picture');
    const r = await run('label', 'read', '--json', foreignOnly, withBoth, junk);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out) as LabelReadJson[];
    expect(json.map((j) => j.image)).toEqual([foreignOnly, withBoth, junk]);
    expect(json[0]).toEqual({
      image: foreignOnly,
      labels: [],
      foreign: [{ format: 'qr', text: licence }],
      damaged: [],
    });
    expect(json[1]?.labels).toEqual([label]);
    expect(json[1]?.foreign).toEqual([{ format: 'qr', text: licence }]);
    expect(json[2]?.error).toMatch(/cannot read image/);
    const plain = await run('label', 'read', withBoth);
    expect(plain.out).toContain('volume label: 350200-2024-SL-000007');
  });
});
