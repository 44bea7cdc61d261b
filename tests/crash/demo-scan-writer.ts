// Child process of the demo-scan crash test: the capture engine scanning from the demo scanner into a
// volume, processing pages in its worker pool as it goes. Prints `ready`, `ack <pageId> <sha256>` after
// each page is acknowledged (durably captured) and `processed <pageId>` after its results are committed. The parent kills it with SIGKILL at random.
import { DemoDriver } from '../../native/demo/demo-driver';
import { CapturePipeline } from '../../workstation/capture/pipeline';
import { runScan } from '../../workstation/capture/scan';
import { openCrashVolume } from './crash-volume';

const dataDir = process.argv[2];
const seed = Number(process.argv[3] ?? 1);
const pages = Number(process.argv[4] ?? 200);
if (!dataDir) throw new Error('usage: demo-scan-writer <data dir> [seed] [pages]');

const { data, repos, volume } = openCrashVolume(dataDir);

const pipeline = new CapturePipeline(data.db, repos, data.blobs, {
  threads: 1,
  onProcessed: (pageId) => process.stdout.write(`processed ${pageId}\n`),
});
pipeline.start();
process.stdout.write('ready\n');
const session = new DemoDriver({ seed }).scan('demo', {
  source: 'feeder',
  dpi: 75,
  mode: 'gray',
  maxPages: pages,
});
await runScan(pipeline, session, volume.id, {
  onPage: (p) => process.stdout.write(`ack ${p.id} ${p.blobSha256}\n`),
});
await pipeline.idle();
process.stdout.write('idle\n');
await pipeline.close();
data.close();
