// Child process of the demo-scan crash test: the workstation engine itself (createEngine, as the desktop
// app runs it) scanning from the demo scanner into a volume through `scan.start`, processing pages in
// its worker pool as it goes. Prints `ready`, `ack <pageId> <sha256>` after each page is acknowledged
// (its `scan.page` event: stored and committed), `processed <pageId>` after its results are committed,
// and `idle` once the run has ended and no page waits. The parent kills it with SIGKILL at random.
import type { Envelope, Output } from '../../core/contracts';
import { CaptureRepo } from '../../db/repos/capture';
import { DemoDriver } from '../../native/demo/demo-driver';
import { createEngine, type Engine } from '../../workstation/engine/engine';
import { engineWithUsers, USER_PW } from '../support/engine-users';
import { openCrashVolume } from './crash-volume';

const dataDir = process.argv[2];
const seed = Number(process.argv[3] ?? 1);
const pages = Number(process.argv[4] ?? 200);
if (!dataDir) throw new Error('usage: demo-scan-writer <data dir> [seed] [pages]');

const { data, volume } = openCrashVolume(dataDir);
const options = {
  db: data.db,
  dataDir,
  log: () => undefined,
  capture: { drivers: [new DemoDriver({ seed })], threads: 1 },
  // No tesseract: orientation checks stay queued, for the parent to count.
  ocr: { createPool: () => Promise.reject(new Error('no OCR in this test')) },
};
// The first start sets the users up; later starts sign the operator in again.
const firstStart = data.db.prepare('SELECT count(*) FROM users').pluck().get() === 0;
let engine: Engine;
let operator: string;
if (firstStart) {
  const t = await engineWithUsers(options);
  engine = t.engine;
  operator = t.as.operator;
} else {
  engine = createEngine(options);
  const login = (await engine.dispatch(
    'auth.login',
    { username: 'operator', password: USER_PW },
    null,
  )) as Envelope<Output<'auth.login'>>;
  if (!login.ok) throw new Error(`login: ${login.error.code}`);
  operator = login.value.token;
}
const blobOf = data.db.prepare('SELECT blob_sha256 FROM pages WHERE id = ?').pluck();
engine.events.subscribe((event) => {
  if (event.name === 'scan.page') {
    process.stdout.write(`ack ${event.payload.pageId} ${String(blobOf.get(event.payload.pageId))}\n`);
  } else if (event.name === 'page.processed') {
    process.stdout.write(`processed ${event.payload.pageId}\n`);
  }
});
process.stdout.write('ready\n');
const call = async <C extends 'scan.start' | 'scan.runs'>(channel: C, input: unknown): Promise<Output<C>> => {
  const r = (await engine.dispatch(channel, input, operator)) as Envelope<Output<C>>;
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message.en}`);
  return r.value;
};
const run = await call('scan.start', {
  volumeId: volume.id,
  deviceId: 'demo',
  source: 'feeder',
  dpi: 75,
  mode: 'gray',
  pages,
});
const capture = new CaptureRepo(data.db);
for (;;) {
  const runs = await call('scan.runs', { volumeId: volume.id });
  const ended = runs.find((r) => r.scanId === run.scanId)?.state !== 'running';
  if (ended && capture.counts().pending === 0) break;
  await new Promise((r) => setTimeout(r, 50));
}
process.stdout.write('idle\n');
await engine.close();
data.close();
