import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bagsDir, openTestWorkstation, seedVerifiedVolume } from '../../tests/support/transfer-fixtures';
import { domainError } from '../../tests/support/domain-error';
import { BATCH_MANIFEST, exportVolumes } from './export';
import { validateBagDir } from './bag-dir';

describe('bag export', () => {
  it('writes one valid bag per volume and a batch manifest, and records them as awaiting a receipt', () => {
    const ws = openTestWorkstation();
    const a = seedVerifiedVolume(ws, { serial: 1, pages: 3 });
    const b = seedVerifiedVolume(ws, { serial: 2, pages: 2 });
    const to = bagsDir();
    const result = exportVolumes({ ...ws, now: ws.clock.now }, [a.volumeId, b.volumeId], to, 'B-1');
    expect(result.bags.map((x) => x.dir)).toEqual(['350200-2026-SL-000001', '350200-2026-SL-000002']);
    for (const bag of result.bags) {
      const report = validateBagDir(path.join(to, bag.dir));
      expect(report.errors).toEqual([]);
      expect(report.valid).toBe(true);
    }
    expect(fs.readdirSync(path.join(to, '350200-2026-SL-000001', 'data', 'images'))).toEqual([
      'p0001.jpg',
      'p0002.jpg',
      'p0003.jpg',
    ]);
    const manifest = JSON.parse(fs.readFileSync(path.join(to, BATCH_MANIFEST), 'utf8')) as {
      batch: string;
      bags: { archiveNo: string }[];
    };
    expect(manifest.batch).toBe('B-1');
    expect(manifest.bags.map((x) => x.archiveNo)).toEqual(['350200-2026-SL-000001', '350200-2026-SL-000002']);
    expect(ws.transfers.exports({ state: 'awaiting-receipt' }).map((e) => e.volumeId)).toEqual([
      a.volumeId,
      b.volumeId,
    ]);
    expect(fs.readdirSync(to).some((n) => n.endsWith('.partial'))).toBe(false);
  });

  it('repeating an export changes nothing; a changed volume in the same place is refused', () => {
    const ws = openTestWorkstation();
    const a = seedVerifiedVolume(ws, { pages: 2 });
    const to = bagsDir();
    const deps = { ...ws, now: ws.clock.now };
    const first = exportVolumes(deps, [a.volumeId], to, 'B');
    const again = exportVolumes(deps, [a.volumeId], to, 'B');
    expect(again.bags[0]?.written).toBe(false);
    expect(again.bags[0]?.manifestSha256).toBe(first.bags[0]?.manifestSha256);
    expect(ws.transfers.exports({ volumeId: a.volumeId })).toHaveLength(1);
    ws.repos.documents.replaceAll(
      a.volumeId,
      [{ typeCode: 'APP', title: '改过的题名', firstPage: 1, lastPage: 2 }],
      { userId: null, username: 'op', role: 'operator' },
    );
    expect(domainError(() => exportVolumes(deps, [a.volumeId], to, 'B')).code).toBe('transfer.export-exists');
  });

  it('refuses a volume QA has not verified', () => {
    const ws = openTestWorkstation();
    const v = ws.repos.volumes.create(
      {
        enterpriseId: ws.repos.enterprises.create(
          { uscc: '91350200776049653A', name: '甲', bureauCode: '350200' },
          { userId: null, username: 'op', role: 'operator' },
        ).id,
        archiveNo: '350200-2026-SL-000009',
        volumeType: 'SL',
        year: 2026,
        bureauCode: '350200',
      },
      { userId: null, username: 'op', role: 'operator' },
    );
    expect(domainError(() => exportVolumes({ ...ws, now: ws.clock.now }, [v.id], bagsDir())).code).toBe(
      'transfer.not-ready',
    );
  });
});
