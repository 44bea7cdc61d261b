import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../tests/support/temp-dir';
import { openTestWorkstation } from '../../tests/support/transfer-fixtures';
import { exportBags, workstationWithVolumes } from '../../tests/support/bag-export';
import type { BagValidateJson } from './bag';
import { runCli as run } from '../../tests/support/cli';

describe('dangan bag export / validate', () => {
  it('exports bags that validate, and --json reports a broken one with exit 1', async () => {
    const { dataDir, volumes } = workstationWithVolumes([2, 1]);
    const [a, b] = volumes;
    const exported = await exportBags(dataDir, [String(a.volumeId), b.uid]);
    const to = exported.usb;
    expect(exported.err).toBe('');
    expect(exported.code).toBe(0);
    expect(exported.out).toContain('350200-2026-SL-000002');

    const ok = await run('bag', 'validate', to);
    expect(ok.code).toBe(0);
    expect(ok.out.match(/✓ 有效 valid/g)).toHaveLength(2);

    const img = path.join(to, '350200-2026-SL-000001', 'data', 'images', 'p0001.jpg');
    const bytes = fs.readFileSync(img);
    bytes[0] = (bytes[0] ?? 0) ^ 1; // same size: the bag stays complete but is no longer valid
    fs.writeFileSync(img, bytes);
    const bad = await run(
      'bag',
      'validate',
      '--json',
      path.join(to, '350200-2026-SL-000001'),
      path.join(to, '350200-2026-SL-000002'),
    );
    expect(bad.code).toBe(1);
    const reports = JSON.parse(bad.out) as BagValidateJson[];
    expect(reports.map((r) => [r.complete, r.valid])).toEqual([
      [true, false],
      [true, true],
    ]);
    expect(reports[0]?.errors.map((e) => [e.code, e.file])).toEqual([
      ['bagit.digest-mismatch', 'data/images/p0001.jpg'],
    ]);
  });

  it('exits 1 naming the volume when it does not exist', async () => {
    const dataDir = tempDir();
    openTestWorkstation(dataDir).data.close();
    const r = await run('bag', 'export', '--data', dataDir, '--volume', '42', '--to', tempDir());
    expect(r.code).toBe(1);
    expect(r.err).toContain('42');
  });
});
