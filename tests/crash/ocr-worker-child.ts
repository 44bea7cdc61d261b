// Child process of the OCR recovery test: drains the OCR queue of a data folder with a real tesseract.js
// pool, the way a workstation does, until the parent kills it (SIGKILL) in the middle of a page.
import { createRepos } from '../../db/repos';
import { PageOcrRepo } from '../../db/repos/page-ocr';
import { openDataDir } from '../../workstation/data-dir';
import { OcrService } from '../../workstation/ocr/ocr-service';
import { TesseractPool } from '../../workstation/ocr/tesseract-pool';

const dataDir = process.argv[2];
if (dataDir === undefined) throw new Error('usage: ocr-worker-child <data dir>');

const data = openDataDir(dataDir);
const repos = createRepos(data.db);
const pool = await TesseractPool.create({ size: 1 });
process.stdout.write('ready\n');
await new OcrService(repos, new PageOcrRepo(data.db), data.blobs, pool).drain({ workerId: 'doomed' });
process.stdout.write('drained\n');
await pool.terminate();
data.close();
