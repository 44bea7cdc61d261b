// Child process of the interrupted-scan test: the workstation engine (signed-in users, the demo scanner)
// scanning a 200-page stack into a volume through `scan.start`, as the 扫描 screen does. Prints `ready`
// and `page <pageId>` for each page acknowledged (the `scan.page` event); the parent kills it mid-run.
import { DemoDriver } from '../../native/demo/demo-driver';
import { engineWithUsers } from '../support/engine-users';
import { openCrashVolume } from './crash-volume';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: interrupted-scan-writer <data dir>');
const { data, volume } = openCrashVolume(dataDir);
const t = await engineWithUsers({
  db: data.db,
  dataDir,
  capture: { drivers: [new DemoDriver({ seed: 7 })], threads: 1 },
  ocr: { createPool: () => Promise.reject(new Error('no OCR in this test')) },
});
t.engine.events.subscribe((event) => {
  if (event.name === 'scan.page') process.stdout.write(`page ${event.payload.pageId}\n`);
});
await t.ok(
  'scan.start',
  { volumeId: volume.id, deviceId: 'demo', source: 'feeder', dpi: 75, mode: 'gray', pages: 200 },
  t.as.operator,
);
process.stdout.write('ready\n');
