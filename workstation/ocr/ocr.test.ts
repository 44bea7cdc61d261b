import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { BlobStore } from '../../db/blob-store';
import { PageOcrRepo } from '../../db/repos/page-ocr';
import { OPERATOR, openTestRepos, seedVolume } from '../../tests/support/repos';
import { blankPage, renderPage } from '../../tests/support/demo-volume';
import { measureSuggestionAccuracy } from '../../tests/support/suggestion-accuracy';
import { tempDir } from '../../tests/support/temp-dir';
import { addDemoPages } from '../../tests/support/volume-pages';
import { suggestForVolume } from '../cataloguing/suggest';
import { machineCheckVolume } from '../verification/machine';
import { OCR_JOB_KINDS, OCR_PRIORITY, OcrService } from './ocr-service';
import { tesseractForTests } from '../../tests/support/tesseract';

// Real tesseract.js with the bundled chi_sim data, offline. Each OCR call costs ~0.3–1.3 s: few, small pages.
const pool = tesseractForTests(2);

describe('OCR through the durable queue', () => {
  it('reads title zones and full pages, indexes them, retries a broken page then marks it, and never blocks the volume', async () => {
    const { db, repos, clock } = openTestRepos({ jobs: { backoffBaseMs: 0 } });
    const blobs = new BlobStore(path.join(tempDir(), 'blobs'));
    const ocr = new PageOcrRepo(db, clock.now);
    const { volumeId } = seedVolume(repos);
    const form = await renderPage({
      title: '公司设立登记申请书',
      header: ['统一社会信用代码：91350200776049653A', '名称：厦门测试有限公司'],
      lines: [],
    });
    const licence = await renderPage({ title: '营业执照', lines: ['名称：厦门测试有限公司'] });
    const broken = Buffer.from('these bytes are not an image');
    const pages = addDemoPages(repos, blobs, volumeId, [
      { png: form },
      { png: await blankPage(), isBlank: true },
      { png: broken },
      { png: licence },
    ]);
    const service = new OcrService(repos, ocr, blobs, pool());
    expect(service.enqueueVolume(volumeId)).toBe(6); // 3 content pages × 2 zones; the blank page is skipped
    const first = repos.jobs.claim('peek', [OCR_JOB_KINDS.title, OCR_JOB_KINDS.full]);
    expect(first?.priority).toBe(OCR_PRIORITY.title);
    repos.jobs.fail(first?.id ?? 0, 'put back', 'peek');

    const result = await service.drain({ concurrency: pool().size });
    expect(result).toEqual({ done: 4, failed: 2, retried: 4 }); // the broken page: 2 zones × 2 retries
    const states = ocr.listForVolume(volumeId, 'title').map((r) => [r.seq, r.state]);
    expect(states).toEqual([
      [1, 'done'],
      [3, 'failed'],
      [4, 'done'],
    ]);
    expect(ocr.get(pages[2]?.id ?? 0, 'full')).toMatchObject({ state: 'failed', attempts: 3 });
    expect(ocr.search('登记申请书', { volumeId }).map((h) => [h.seq, h.zone])).toEqual(
      expect.arrayContaining([
        [1, 'title'],
        [1, 'full'],
      ]),
    );
    const words = ocr.get(pages[0]?.id ?? 0, 'title')?.words ?? [];
    expect(words.length).toBeGreaterThan(10);
    expect(words[0]?.bbox.y1).toBeGreaterThan(words[0]?.bbox.y0 ?? Infinity);
    expect(service.enqueueVolume(volumeId)).toBe(2); // only the failed page is queued again

    // What OCR found feeds the suggestions and the machine checks.
    expect(suggestForVolume(repos, ocr, volumeId)).toMatchObject({
      documents: [
        { typeCode: 'APP', firstPage: 1, lastPage: 3 },
        { typeCode: 'LIC', firstPage: 4, lastPage: 4 },
      ],
      unreadPages: [3],
    });
    repos.documents.replaceAll(
      volumeId,
      [
        { typeCode: 'APP', title: '公司设立登记申请书', docDate: '20260301', firstPage: 1, lastPage: 3 },
        {
          typeCode: 'LIC',
          title: '营业执照',
          docDate: '20260301',
          responsible: '厦门市市场监督管理局',
          firstPage: 4,
          lastPage: 4,
        },
      ],
      OPERATOR,
    );
    const codes = machineCheckVolume(repos, ocr, volumeId).checks.find((c) => c.id === 'enterprise-codes');
    expect(codes?.issues.filter((i) => i.code.startsWith('verify.uscc'))).toEqual([
      expect.objectContaining({ code: 'verify.uscc-not-found', document: 2 }), // the licence page shows no code
    ]);
  }, 120_000);
});

describe('suggestion accuracy on a generated demo volume', () => {
  // The full measurement (18 volumes, 120 documents, all found and typed) is BENCH_ACCURACY_VOLUMES=9
  // `npm run bench -- ocr`; this keeps a floor below it on one scanned-looking volume.
  it('finds the document boundaries and types from the title zones', async () => {
    const run = await measureSuggestionAccuracy(pool(), {
      count: 1,
      firstSeed: 11,
      maxDocuments: 4,
      scanned: true,
    });
    expect(run.pooled.documents).toBe(4);
    expect(run.pooled.boundaryRecall).toBeGreaterThanOrEqual(0.9);
    expect(run.pooled.boundaryPrecision).toBeGreaterThanOrEqual(0.9);
    expect(run.pooled.pageTypeAccuracy).toBeGreaterThanOrEqual(0.9);
  }, 180_000);
});
