import { describe, expect, it } from 'vitest';
import { FormReadingsRepo } from '../../db/repos/form-readings';
import { PageOcrRepo } from '../../db/repos/page-ocr';
import { scannedVolume, wordsOf } from '../../tests/support/engine-fixture';
import { openTestWorkstation } from '../../tests/support/transfer-fixtures';
import { FORM_JOB, FormReadingService } from './form-service';
import { OcrService } from './ocr-service';
import type { OcrResult, ReadParams, Recognizer } from './tesseract-pool';

const USCC = '91350200776049653A';

/**
 * A fake recognizer (the queue's plumbing is under test here; real reading is tested on demo scans in
 * tests/verification/form-reading.test.ts): a whole page reads as a licence's code line, a line read
 * gives the code (with a stray character unless whitelisted).
 */
function fakeRecognizer(calls: ReadParams[]): Recognizer {
  return {
    engine: 'fake',
    recognize(_image: Buffer, params: ReadParams = {}): Promise<OcrResult> {
      calls.push(params);
      if (params.layout === 'line') {
        const text = params.whitelist === undefined ? `${USCC} E` : USCC;
        return Promise.resolve({ text, confidence: 90, lines: [], words: [] });
      }
      const words = wordsOf([['营业执照'], ['统一社会信用代码', USCC]]);
      return Promise.resolve({ text: '营业执照', confidence: 90, lines: [], words });
    },
  };
}

describe('form reading on the OCR queue', () => {
  it('is queued with full pages, reads a page without a table from its full reading, and not twice', async () => {
    const ws = openTestWorkstation();
    const { volumeId, pageIds } = await scannedVolume(ws, 2);
    const ocr = new PageOcrRepo(ws.data.db, ws.clock.now);
    const readings = new FormReadingsRepo(ws.data.db, ws.clock.now);
    const calls: ReadParams[] = [];
    const service = new OcrService(
      ws.repos,
      ocr,
      ws.blobs,
      fakeRecognizer(calls),
      new FormReadingService(ws.repos, ocr, readings, ws.blobs),
    );
    // Title zones alone do not queue form reading; a page's full reading queues it when done.
    expect(service.enqueueVolume(volumeId, { zones: ['title'] })).toBe(2);
    expect(service.enqueueVolume(volumeId, { zones: ['full'] })).toBe(2);
    expect(await service.drain({ concurrency: 2 })).toEqual({ done: 6, failed: 0, retried: 0 });
    expect(ws.repos.jobs.pendingOf([FORM_JOB])).toBe(0);

    for (const id of pageIds) {
      const r = readings.get(id);
      // No table on these pages: the code line of the full reading, read again alone (as printed, then
      // with the whitelist); the stored code is the valid one read.
      expect(r).toMatchObject({ layout: 'lines', codeLabel: '统一社会信用代码', uscc: USCC });
      expect(r?.codeReadings).toEqual([`${USCC} E`, USCC]);
    }
    expect(calls.filter((c) => c.whitelist !== undefined)).toHaveLength(2);
    // Read from the pages' current images: nothing is queued again.
    expect(service.enqueueVolume(volumeId, { zones: ['full'] })).toBe(0);
    // A page whose full text was read before form reading existed gets its form job alone.
    ws.data.db.prepare('DELETE FROM page_form_readings WHERE page_id = ?').run(pageIds[0]);
    expect(service.enqueueVolume(volumeId, { zones: ['full'] })).toBe(1);
    expect(ws.repos.jobs.pendingOf([FORM_JOB])).toBe(1);
  });
});
