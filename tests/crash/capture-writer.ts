// Child process of the crash test: captures pages as fast as it can, the way the capture pipeline
// does (blob put, fsynced → page row committed → acknowledgement), and prints `ack <pageId> <sha256>`
// after each commit. The parent kills it with SIGKILL at random moments.
import { randomBytes, randomInt } from 'node:crypto';
import { openCrashVolume } from './crash-volume';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: capture-writer <data dir>');

const { data, repos, volume } = openCrashVolume(dataDir);

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
