// What both crash-test writers start from: the data folder opened (leftovers of the last kill removed)
// and the one volume they capture into, found again after each restart or created the first time.
import { createRepos } from '../../db/repos';
import { openDataDir } from '../../workstation/data-dir';

export function openCrashVolume(dataDir: string) {
  const data = openDataDir(dataDir);
  data.blobs.removeLeftovers();
  const repos = createRepos(data.db);
  const actor = { userId: null, username: 'crash-test' };
  const enterprise =
    repos.enterprises.findByCode('91350200776049653A') ??
    repos.enterprises.create(
      { uscc: '91350200776049653A', name: '厦门崩溃测试有限公司', bureauCode: '350200' },
      actor,
    );
  const volume =
    repos.volumes.listByEnterprise(enterprise.id)[0] ??
    repos.volumes.create(
      {
        enterpriseId: enterprise.id,
        archiveNo: '350200-2026-SL-000001',
        volumeType: 'SL',
        year: 2026,
        bureauCode: '350200',
      },
      actor,
    );
  return { data, repos, volume };
}
