// Child process of the orientation-commit test: the workstation engine processing one captured page.
// `kill-in-commit`: SIGKILL from inside the processing transaction, the moment the orientation check's
// job is written (a temp trigger calls a function that kills the process): nothing of it may survive.
// `kill-after-commit`: SIGKILL on the `page.processed` event, right after the commit (where the check
// used to be queued, in its own step): the check must already be in the database. `run`: no kill;
// prints `processed` and exits once the page is processed.
import sharp from 'sharp';
import { CapturePipeline } from '../../workstation/capture/pipeline';
import { createEngine } from '../../workstation/engine/engine';
import { openCrashVolume } from './crash-volume';

const [dataDir, mode] = process.argv.slice(2);
if (!dataDir || !['kill-in-commit', 'kill-after-commit', 'run'].includes(mode ?? '')) {
  throw new Error('usage: orientation-commit-writer <data dir> kill-in-commit|kill-after-commit|run');
}
const { data, repos, volume } = openCrashVolume(dataDir);

if (repos.pages.list(volume.id).length === 0) {
  // A page with text-like lines (neither blank nor a separator), captured without processing.
  const lines = Array.from(
    { length: 30 },
    (_, i) => `<rect x="60" y="${80 + i * 24}" width="${260 + ((i * 41) % 200)}" height="8" fill="#111"/>`,
  ).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="620" height="877"><rect width="100%" height="100%" fill="#fff"/>${lines}</svg>`;
  const bytes = await sharp(Buffer.from(svg)).flatten({ background: '#ffffff' }).png().toBuffer();
  const capture = new CapturePipeline(data.db, repos, data.blobs, { threads: 0 });
  const page = capture.capturePage(volume.id, { bytes, mediaType: 'image/png', dpi: 150, mode: 'gray' });
  process.stdout.write(`captured ${page.id}\n`);
}

if (mode === 'kill-in-commit') {
  data.db.function('die_now', () => process.kill(process.pid, 'SIGKILL'));
  data.db.exec(`CREATE TEMP TRIGGER die_on_check AFTER INSERT ON main.jobs
    WHEN NEW.kind = 'ocr.orientation' BEGIN SELECT die_now(); END`);
}
const engine = createEngine({
  db: data.db,
  dataDir,
  capture: { threads: 1 },
  // No tesseract here: the orientation check stays queued for the parent to see.
  ocr: { createPool: () => Promise.reject(new Error('no OCR in this test')) },
});
engine.events.subscribe((event) => {
  if (event.name !== 'page.processed') return;
  if (mode === 'kill-after-commit') process.kill(process.pid, 'SIGKILL');
  process.stdout.write('processed\n');
  void engine.close().then(() => {
    data.close();
    process.exit(0);
  });
});
process.stdout.write('ready\n');
