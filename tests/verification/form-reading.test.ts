import { describe, expect, it, onTestFinished } from 'vitest';
import { FormReadingsRepo } from '../../db/repos/form-readings';
import { PageOcrRepo } from '../../db/repos/page-ocr';
import { DemoDriver } from '../../native/demo/demo-driver';
import { demoEnterprise } from '../../native/demo/enterprise';
import { seededRandom } from '../../native/demo/random';
import { FormReadingService } from '../../workstation/ocr/form-service';
import { OCR_JOB_KINDS, OCR_MAX_ATTEMPTS, OCR_PRIORITY, OcrService } from '../../workstation/ocr/ocr-service';
import { currentImage } from '../../workstation/ocr/page-image';
import { TesseractPool } from '../../workstation/ocr/tesseract-pool';
import { machineCheckVolume } from '../../workstation/verification/machine';
import { engineWithUsers } from '../support/engine-users';
import { OPERATOR } from '../support/repos';
import { tempDir } from '../support/temp-dir';
import { openTestWorkstation } from '../support/transfer-fixtures';

/**
 * Reading the code and name on registration forms, end to end with real parts: the demo scanner's
 * feeder (enterprise 1's 设立 file of 9 sheets, then the first sheet of enterprise 2's file) through the
 * engine's capture pipeline, the durable OCR queue with real tesseract.js (chi_sim), the stored form
 * readings, and the machine checks.
 */
describe('form reading on demo scans', () => {
  it('reads the code and name on the own forms and names the page of another enterprise', async () => {
    const dir = tempDir();
    const ws = openTestWorkstation(dir);
    const random = seededRandom(1); // the demo scanner's files for seed 1, in order
    const own = demoEnterprise(random);
    const other = demoEnterprise(random);
    const t = await engineWithUsers({
      db: ws.data.db,
      dataDir: dir,
      now: ws.clock.now,
      capture: { drivers: [new DemoDriver({ seed: 1 })], threads: 1 },
      // The engine's own OCR stays off: the test drains the queue itself (below), with a real pool.
      ocr: { createPool: () => Promise.reject(new Error('not in this test')) },
    });
    onTestFinished(() => t.engine.close());
    const enterprise = ws.repos.enterprises.create(
      { uscc: own.uscc, name: own.name, bureauCode: '350200' },
      OPERATOR,
    );
    const volume = ws.repos.volumes.create(
      {
        enterpriseId: enterprise.id,
        archiveNo: '350200-2026-SL-000001',
        volumeType: 'SL',
        year: 2026,
        bureauCode: '350200',
        declaredPages: 10,
      },
      OPERATOR,
    );
    const run = await t.ok(
      'scan.start',
      { volumeId: volume.id, deviceId: 'demo', source: 'feeder', dpi: 300, mode: 'gray', pages: 10 },
      t.as.operator,
    );
    for (;;) {
      const { pages } = await t.ok('pages.list', { volumeId: volume.id }, t.as.operator);
      const runs = await t.ok('scan.runs', { volumeId: volume.id }, t.as.operator);
      const ended = runs.find((r) => r.scanId === run.scanId)?.state !== 'running';
      if (ended && pages.length === 10 && pages.every((p) => p.state === 'done')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    // As catalogued: the application (1–2), articles, resolution, identity, premises, the licence (9),
    // and the stray 10th sheet, which the title suggestion takes for another application.
    ws.repos.documents.replaceAll(
      volume.id,
      [
        ['APP', '公司设立登记申请书', 1, 2],
        ['AOA', '公司章程', 3, 5],
        ['SHR', '股东会决议', 6, 6],
        ['IDP', '身份证明', 7, 7],
        ['ADR', '住所证明', 8, 8],
        ['LIC', '营业执照', 9, 9],
        ['APP', '公司设立登记申请书', 10, 10],
      ].map(([typeCode, title, firstPage, lastPage]) => ({
        typeCode: String(typeCode),
        title: String(title),
        docDate: '20211226',
        responsible: typeCode === 'SHR' || typeCode === 'LIC' ? '某机关' : null,
        firstPage: Number(firstPage),
        lastPage: Number(lastPage),
      })),
      OPERATOR,
    );

    // The form reading is OCR work on the durable queue; the licence has no ruled table, so it is read
    // from its full-page reading's lines (queued here for that page only, to keep the test short).
    const pool = await TesseractPool.create({ size: 2 });
    onTestFinished(() => pool.terminate());
    const ocr = new PageOcrRepo(ws.data.db, ws.clock.now);
    const readings = new FormReadingsRepo(ws.data.db, ws.clock.now);
    const forms = new FormReadingService(ws.repos, ocr, readings, ws.blobs);
    const service = new OcrService(ws.repos, ocr, ws.blobs, pool, forms);
    const pages = ws.repos.pages.list(volume.id);
    for (const p of pages) forms.enqueue(p.id, currentImage(ws.repos, p), OCR_MAX_ATTEMPTS);
    const licence = pages[8];
    if (licence === undefined) throw new Error('ten pages');
    ws.repos.jobs.enqueue({
      kind: OCR_JOB_KINDS.full,
      payload: { pageId: licence.id },
      priority: OCR_PRIORITY.full,
      maxAttempts: OCR_MAX_ATTEMPTS,
    });
    const drained = await service.drain({ concurrency: pool.size });
    expect(drained.failed).toBe(0);

    const bySeq = new Map(readings.listForVolume(volume.id).map((r) => [r.seq, r]));
    for (const r of bySeq.values())
      console.info(`page ${r.seq} ${r.layout}: code ${JSON.stringify(r.codeReadings)} name ${r.nameText}`);
    // Own application form and licence: the code is read as this enterprise's (exactly, or rescued), and
    // so is the name; the foreign sheet's cell gives enterprise 2's code, read exactly.
    expect(bySeq.get(1)?.layout).toBe('table');
    expect(bySeq.get(9)?.layout).toBe('lines');
    expect(bySeq.get(10)?.uscc).toBe(other.uscc);
    for (const p of [3, 4, 5]) expect(bySeq.get(p)?.layout).toBe('none'); // articles: no table, no code line

    const report = machineCheckVolume(ws.repos, ocr, volume.id, { forms: readings, decodeLabel: null });
    const codes = report.checks.find((c) => c.id === 'enterprise-codes');
    const summary = (codes?.readings ?? []).map((r) => ({
      page: r.page,
      code: r.codeMatches,
      name: r.nameMatches,
    }));
    expect(summary).toEqual([
      { page: 1, code: true, name: true },
      { page: 2, code: null, name: null }, // the shareholders' table: no code or name row
      { page: 9, code: true, name: true },
      { page: 10, code: false, name: false },
    ]);
    expect(codes?.status).toBe('fail');
    const errors = (codes?.issues ?? []).filter((i) => i.severity === 'error');
    expect(errors.map((i) => [i.code, i.page])).toEqual([['verify.form-uscc-other', 10]]);
    expect(errors[0]?.message.zh).toBe(
      `第 10 页的统一社会信用代码 ${other.uscc} 不是本企业的（本企业 ${own.uscc}）`,
    );
    // Nothing else is said against the own forms: their code and name were found.
    expect((codes?.issues ?? []).filter((i) => i.page !== 10)).toEqual([]);
    expect(report.passed).toBe(false);

    const ms = [...bySeq.values()].reduce((s, r) => s + r.durationMs, 0);
    console.info(
      `form reading: ${bySeq.size} pages, ${Math.round(ms)} ms in all (2 workers; the licence's full page not counted)`,
    );
  }, 240_000);
});
