// Child process of the crash test: captures pages as fast as it can, the way the capture pipeline
// does (blob put, fsynced → page row committed → acknowledgement), and prints `ack <pageId> <sha256>`
// after each commit. The parent kills it with SIGKILL at random moments.
import { randomBytes, randomInt } from 'node:crypto';
import { createRepos } from '../../db/repos';
import { openDataDir } from '../../workstation/data-dir';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: capture-writer <data dir>');

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

process.stdout.write('ready\n');

const recent: Uint8Array[] = [];
for (;;) {
  // Now and then the same image again, to exercise deduplication under kills.
  const again = recent.length > 0 && randomInt(10) === 0;
  const bytes = again ? recent[randomInt(recent.length)]! : randomBytes(1024 + randomInt(64 * 1024));
  if (!again) recent.splice(0, recent.length >= 8 ? 1 : 0, bytes);
  const put = data.blobs.put(bytes);
  const page = repos.pages.addCaptured({
    volumeId: volume.id,
    blob: { sha256: put.sha256, sm3: put.sm3, size: put.size, mediaType: 'application/octet-stream' },
  });
  process.stdout.write(`ack ${page.id} ${put.sha256}\n`);
}
