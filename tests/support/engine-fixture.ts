import sharp from 'sharp';
import { onTestFinished } from 'vitest';
import type { OcrWordBox } from '../../db/repos/page-ocr';
import { PageOcrRepo } from '../../db/repos/page-ocr';
import type { EngineOptions } from '../../workstation/engine/engine';
import { engineWithUsers } from './engine-users';
import { OPERATOR } from './repos';
import { tempDir } from './temp-dir';
import { openTestWorkstation, type TestWorkstation } from './transfer-fixtures';

export { USER_PW } from './engine-users';

/**
 * An engine over a real workstation data folder with signed-in users: admin, operator, qa, technician
 * and `both` (operator and QA, for separation-of-duties cases). `ok` / `fails` call a channel through
 * the dispatcher as the UI does.
 */
export async function engineFixture(options: Pick<EngineOptions, 'ocr'> = {}) {
  const dir = tempDir();
  const ws = openTestWorkstation(dir);
  const t = await engineWithUsers(
    {
      db: ws.data.db,
      dataDir: dir,
      now: ws.clock.now,
      // Without `ocr`, no tesseract is started: OCR jobs stay queued (tests that read pass `ocr: {}`).
      ocr: options.ocr ?? { createPool: () => Promise.reject(new Error('OCR is not started in this test')) },
    },
    { both: ['operator', 'qa'] },
  );
  // Background work (OCR started by a finished catalogue) stops with the test.
  onTestFinished(() => t.engine.close());
  return {
    dir,
    ws,
    engine: t.engine,
    ocr: new PageOcrRepo(ws.data.db, ws.clock.now),
    call: t.call,
    ok: t.ok,
    fails: t.fails,
    admin: t.as.admin,
    op: t.as.operator,
    qa: t.as.qa,
    both: t.session('both'),
  };
}

export type EngineFixture = Awaited<ReturnType<typeof engineFixture>>;

/** A small page image (real PNG bytes, so image sizes can be read), distinct per `n`. */
export async function pageImage(n: number, width = 620, height = 877): Promise<Buffer> {
  return sharp({
    create: { width, height, channels: 3, background: { r: 255, g: 255 - (n % 200), b: 250 } },
  })
    .png()
    .toBuffer();
}

/**
 * A scanned volume of `n` pages in a workstation: registered by the enterprise USCC_A, pages with
 * real image bytes at 300 dpi, moved scanning → scanned by `operator` (the engine user's id, so
 * separation of duties sees them as the producer). Returns the volume id and page ids.
 */
export async function scannedVolume(
  ws: TestWorkstation,
  n: number,
  options: {
    declaredPages?: number;
    operatorId?: number;
    blank?: readonly number[];
    /** Another enterprise than USCC_A's (e.g. one known only by its 注册号). */
    enterpriseId?: number;
  } = {},
): Promise<{ volumeId: number; pageIds: number[] }> {
  const { repos, blobs } = ws;
  const actor =
    options.operatorId === undefined
      ? OPERATOR
      : { userId: options.operatorId, username: 'operator', role: 'operator' as const };
  const enterprise =
    (options.enterpriseId === undefined ? null : repos.enterprises.get(options.enterpriseId)) ??
    repos.enterprises.findByCode('91350200776049653A') ??
    repos.enterprises.create(
      { uscc: '91350200776049653A', name: '厦门测试有限公司', bureauCode: '350200' },
      actor,
    );
  const volume = repos.volumes.create(
    {
      enterpriseId: enterprise.id,
      archiveNo: `350200-2026-SL-${String(repos.volumes.nextSerial('350200', 2026, 'SL')).padStart(6, '0')}`,
      volumeType: 'SL',
      year: 2026,
      bureauCode: '350200',
      declaredPages: options.declaredPages ?? n,
    },
    actor,
  );
  repos.volumes.transition(volume.id, 'scanning', actor);
  const pageIds: number[] = [];
  for (let i = 0; i < n; i++) {
    const put = blobs.put(await pageImage(i + volume.id * 10));
    repos.pages.addBlob({ sha256: put.sha256, size: put.size, mediaType: 'image/png' });
    const page = repos.pages.addCaptured({
      volumeId: volume.id,
      blob: { sha256: put.sha256, size: put.size, mediaType: 'image/png' },
      dpiX: 300,
      dpiY: 300,
      colorMode: 'gray',
    });
    if (options.blank?.includes(i + 1)) repos.pages.setFlags(page.id, { isBlank: true, blankScore: 0.001 });
    pageIds.push(page.id);
  }
  repos.volumes.transition(volume.id, 'scanned', actor);
  return { volumeId: volume.id, pageIds };
}

/** Word boxes for a line of text, one word per character run, on line `line` (a stored OCR reading). */
export function wordsOf(lines: readonly (readonly string[])[], height = 40): OcrWordBox[] {
  const out: OcrWordBox[] = [];
  lines.forEach((words, line) => {
    let x = 20;
    for (const w of words) {
      const width = Array.from(w).length * 30;
      out.push({
        text: w,
        confidence: 90,
        bbox: { x0: x, y0: 20 + line * 60, x1: x + width, y1: 20 + line * 60 + height },
        line,
      });
      x += width + 10;
    }
  });
  return out;
}
