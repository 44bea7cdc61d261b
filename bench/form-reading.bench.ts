import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readRegNoCell, readUscc, readUsccCell } from '../core/verification/codes-in-text';
import { coverage } from '../core/similarity';
import { BlobStore } from '../db/blob-store';
import { demoEnterprise } from '../native/demo/enterprise';
import { seededRandom } from '../native/demo/random';
import { demoRegNo, scanSheet, type Sheet } from '../tests/support/near-duplicate-pages';
import { processPage } from '../workstation/capture/process-page';
import { readFormLines, readFormTable, type FormRead } from '../workstation/ocr/form-reading';
import { prepare } from '../workstation/ocr/ocr-service';
import { TesseractPool } from '../workstation/ocr/tesseract-pool';
import type { Benchmark } from './run';

/**
 * Reading the USCC and the name on demo registration forms: the application form's table cells and the
 * business licence's code line, against the baseline of finding the code in the page's full OCR text
 * (what the machine check had before). Each sheet is scanned by the demo renderer (placement, skew,
 * grain, noise) and processed by the capture pipeline (deskew, crop) first.
 * BENCH_FORM_ENTERPRISES (6) enterprises, BENCH_FORM_DPI (300), grey. The same forms as printed before
 * 2015 (注册号 in place of the USCC: `old_*`) are read too, unless BENCH_FORM_OLD=0.
 */
const bench: Benchmark = {
  description: 'code and name read from demo application forms and licences (cells vs full page)',
  async run({ log }) {
    const n = Number(process.env['BENCH_FORM_ENTERPRISES'] ?? 6);
    const dpi = Number(process.env['BENCH_FORM_DPI'] ?? 300);
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-form-bench-'));
    const pool = await TesseractPool.create({ size: 1 });
    const master = async (sheet: Sheet) => {
      const blobs = new BlobStore(root);
      const put = blobs.put(await scanSheet(sheet, { pass: sheet.enterprise, dpi, mode: 'gray' }));
      const out = await processPage({ blobRoot: root, sha256: put.sha256, mode: 'gray', dpi });
      return blobs.read(out.master.sha256);
    };
    const timed = async <T>(f: () => Promise<T>) => {
      const cpu = process.cpuUsage();
      const t0 = performance.now();
      const value = await f();
      const used = process.cpuUsage(cpu);
      return { value, ms: performance.now() - t0, cpuMs: (used.user + used.system) / 1000 };
    };
    const old = process.env['BENCH_FORM_OLD'] !== '0';
    const tally = { app: zero(), lic: zero(), oldApp: zero(), oldLic: zero() };
    try {
      for (let k = 1; k <= n; k++) {
        const e = demoEnterprise(seededRandom(k));
        for (const [kind, oldCode] of [
          ['application', false],
          ['licence', false],
          ...(old
            ? ([
                ['application', true],
                ['licence', true],
              ] as const)
            : []),
        ] as const) {
          const bytes = await master({ enterprise: k, kind, page: 0, oldCode });
          const full = await timed(async () => pool.recognize(await prepare(bytes, 'full')));
          const form = await timed(
            async (): Promise<FormRead> =>
              kind === 'application'
                ? ((await readFormTable(bytes, pool)) ?? {
                    layout: 'none',
                    codeLabel: null,
                    codeReadings: [],
                    nameReadings: [],
                  })
                : readFormLines(bytes, full.value.words, pool),
          );
          const code = oldCode ? demoRegNo(k) : e.uscc;
          const cell = oldCode
            ? readRegNoCell(form.value.codeReadings, code)
            : readUsccCell(form.value.codeReadings, code);
          const t = oldCode
            ? tally[kind === 'application' ? 'oldApp' : 'oldLic']
            : tally[kind === 'application' ? 'app' : 'lic'];
          t.pages++;
          if (cell.matches) t.codeRead++;
          if (form.value.codeReadings.some((r) => r.replace(/\s/gu, '') === code)) t.codeExact++;
          if (form.value.nameReadings.some((r) => coverage(e.name, r) >= 0.75)) t.nameRead++;
          const baseline = oldCode
            ? readRegNoCell([full.value.text], code).matches
            : readUscc(full.value.text, code).matches;
          if (baseline) t.baselineCodeRead++;
          t.formMs += form.ms;
          t.formCpuMs += form.cpuMs;
          t.fullMs += full.ms;
          log(
            `${oldCode ? 'old ' : ''}${kind} ${k}: ${cell.matches ? '✓' : '✗'} ${JSON.stringify(form.value.codeReadings)} (${code}) ` +
              `name ${JSON.stringify(form.value.nameReadings)} · ${Math.round(form.ms)} ms (full page ${Math.round(full.ms)} ms)`,
          );
        }
      }
    } finally {
      await pool.terminate();
      fs.rmSync(root, { recursive: true, force: true });
    }
    const rate = (a: number, b: number) => (b === 0 ? 0 : Math.round((a / b) * 1000) / 1000);
    const per = (ms: number, t: Tally) => Math.round(ms / Math.max(1, t.pages));
    const figures = {
      enterprises: n,
      dpi,
      app_code_read: rate(tally.app.codeRead, tally.app.pages),
      app_code_exact: rate(tally.app.codeExact, tally.app.pages),
      app_name_read: rate(tally.app.nameRead, tally.app.pages),
      app_full_page_code_read: rate(tally.app.baselineCodeRead, tally.app.pages),
      lic_code_read: rate(tally.lic.codeRead, tally.lic.pages),
      lic_code_exact: rate(tally.lic.codeExact, tally.lic.pages),
      lic_name_read: rate(tally.lic.nameRead, tally.lic.pages),
      lic_full_page_code_read: rate(tally.lic.baselineCodeRead, tally.lic.pages),
      old_app_code_read: rate(tally.oldApp.codeRead, tally.oldApp.pages),
      old_app_code_exact: rate(tally.oldApp.codeExact, tally.oldApp.pages),
      old_app_name_read: rate(tally.oldApp.nameRead, tally.oldApp.pages),
      old_app_full_page_code_read: rate(tally.oldApp.baselineCodeRead, tally.oldApp.pages),
      old_lic_code_read: rate(tally.oldLic.codeRead, tally.oldLic.pages),
      old_lic_full_page_code_read: rate(tally.oldLic.baselineCodeRead, tally.oldLic.pages),
      old_app_form_cpu_ms_per_page: per(tally.oldApp.formCpuMs, tally.oldApp),
      app_form_ms_per_page: per(tally.app.formMs, tally.app),
      app_form_cpu_ms_per_page: per(tally.app.formCpuMs, tally.app),
      lic_form_ms_per_page: per(tally.lic.formMs, tally.lic),
      lic_form_cpu_ms_per_page: per(tally.lic.formCpuMs, tally.lic),
      full_page_ms_per_page: per(tally.app.fullMs + tally.lic.fullMs, {
        ...zero(),
        pages: tally.app.pages + tally.lic.pages,
      }),
      load_average: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
    };
    log(JSON.stringify(figures));
    return figures;
  },
};

interface Tally {
  pages: number;
  codeRead: number;
  codeExact: number;
  nameRead: number;
  baselineCodeRead: number;
  formMs: number;
  formCpuMs: number;
  fullMs: number;
}

function zero(): Tally {
  return {
    pages: 0,
    codeRead: 0,
    codeExact: 0,
    nameRead: 0,
    baselineCodeRead: 0,
    formMs: 0,
    formCpuMs: 0,
    fullMs: 0,
  };
}

export default bench;
