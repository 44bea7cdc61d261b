// Child process of the backup kill test: backs up a data folder one database page per step, printing
// `step <phase> <done>` after each step and pausing a moment, so that the parent's SIGKILL lands inside
// the copy, the blob copying or the verification.
import { backupDataDir } from '../../db/maintenance/backup';
import { openDataDir } from '../../workstation/data-dir';

const [dataDir, to] = process.argv.slice(2);
if (!dataDir || !to) throw new Error('usage: backup-child <data dir> <backup folder>');
const data = openDataDir(dataDir);
const pause = new Int32Array(new SharedArrayBuffer(4));
await backupDataDir(data.db, data.blobs, to, {
  pagesPerStep: 1,
  blobSample: 'all',
  onProgress: (p) => {
    process.stdout.write(`step ${p.phase} ${p.done}\n`);
    Atomics.wait(pause, 0, 0, 3);
  },
});
process.stdout.write('done\n');
data.close();
