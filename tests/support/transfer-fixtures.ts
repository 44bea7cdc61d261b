import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { BlobStore } from '../../db/blob-store';
import { openDataDir, type WorkstationData } from '../../workstation/data-dir';
import { createRepos, type Repos } from '../../db/repos';
import { TransfersRepo } from '../../db/repos/transfers';
import { OPERATOR, QA, TECHNICIAN, USCC_A, fakeClock, type FakeClock } from './repos';
import { tempDir } from './temp-dir';

/** A workstation data folder (real SQLite + blob folder) for transfer tests. */
export interface TestWorkstation {
  readonly data: WorkstationData;
  readonly repos: Repos;
  readonly transfers: TransfersRepo;
  readonly blobs: BlobStore;
  readonly clock: FakeClock;
}

export function openTestWorkstation(dir = tempDir()): TestWorkstation {
  const data = openDataDir(dir);
  const clock = fakeClock();
  const repos = createRepos(data.db, { now: clock.now });
  return { data, repos, transfers: new TransfersRepo(data.db, clock.now), blobs: data.blobs, clock };
}

/** A volume with `pages` captured pages of random bytes, catalogued and verified by QA (ready to transfer). */
export function seedVerifiedVolume(
  ws: TestWorkstation,
  options: { serial?: number; pages?: number; pageBytes?: number; uscc?: string; queued?: boolean } = {},
): { volumeId: number; uid: string; archiveNo: string } {
  const { repos, blobs } = ws;
  const uscc = options.uscc ?? USCC_A;
  const enterprise =
    repos.enterprises.findByCode(uscc) ??
    repos.enterprises.create({ uscc, name: '厦门测试有限公司', bureauCode: '350200' }, OPERATOR);
  const serial = options.serial ?? 1;
  const volume = repos.volumes.create(
    {
      enterpriseId: enterprise.id,
      archiveNo: `350200-2026-SL-${String(serial).padStart(6, '0')}`,
      volumeType: 'SL',
      year: 2026,
      bureauCode: '350200',
      declaredPages: options.pages ?? 3,
    },
    OPERATOR,
  );
  repos.volumes.transition(volume.id, 'scanning', OPERATOR);
  for (let i = 0; i < (options.pages ?? 3); i++) {
    const bytes = randomBytes(options.pageBytes ?? 2000);
    const put = blobs.put(bytes);
    repos.pages.addBlob({ sha256: put.sha256, size: put.size, mediaType: 'image/jpeg' });
    repos.pages.addCaptured({
      volumeId: volume.id,
      blob: { sha256: put.sha256, size: put.size, mediaType: 'image/jpeg' },
      dpiX: 300,
      dpiY: 300,
      colorMode: 'color',
    });
  }
  repos.volumes.transition(volume.id, 'scanned', OPERATOR);
  repos.documents.replaceAll(
    volume.id,
    [{ typeCode: 'APP', title: '公司登记申请书', firstPage: 1, lastPage: options.pages ?? 3 }],
    OPERATOR,
  );
  repos.volumes.transition(volume.id, 'catalogued', OPERATOR);
  repos.volumes.transition(volume.id, 'verified', QA);
  if (options.queued) repos.volumes.transition(volume.id, 'queued', TECHNICIAN);
  return { volumeId: volume.id, uid: volume.uid, archiveNo: volume.archiveNo };
}

export function bagsDir(): string {
  return path.join(tempDir(), 'bags');
}
