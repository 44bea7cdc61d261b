import sharp from 'sharp';
import { onTestFinished } from 'vitest';
import type { Channel, Envelope, Input, Output } from '../../core/contracts';
import type { OcrWordBox } from '../../db/repos/page-ocr';
import { PageOcrRepo } from '../../db/repos/page-ocr';
import { createEngine, type EngineOptions } from '../../workstation/engine/engine';
import { OPERATOR } from './repos';
import { tempDir } from './temp-dir';
import { openTestWorkstation, type TestWorkstation } from './transfer-fixtures';

const ADMIN_PW = 'Zhao#2026pw';
export const USER_PW = 'Worker#2026pw';

/**
 * An engine over a real workstation data folder with signed-in users: admin, operator, qa and `both`
 * (operator and QA, for separation-of-duties cases). `ok` / `fails` call a channel through the
 * dispatcher as the UI does.
 */
export async function engineFixture(options: Pick<EngineOptions, 'ocr'> = {}) {
  const dir = tempDir();
  const ws = openTestWorkstation(dir);
  const engine = createEngine({
    db: ws.data.db,
    dataDir: dir,
    now: ws.clock.now,
    log: () => undefined,
    // Without `ocr`, no tesseract is started: OCR jobs stay queued (tests that read pass `ocr: {}`).
    ocr: options.ocr ?? { createPool: () => Promise.reject(new Error('OCR is not started in this test')) },
  });
  // Background work (OCR started by a finished catalogue) stops with the test.
  onTestFinished(() => engine.close());
  async function call<C extends Channel>(channel: C, input: Input<C>, session: string) {
    return (await engine.dispatch(channel, input, session)) as Envelope<Output<C>>;
  }
  async function ok<C extends Channel>(channel: C, input: Input<C>, session: string) {
    const r = await call(channel, input, session);
    if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message.en}`);
    return r.value;
  }
  async function fails<C extends Channel>(channel: C, input: Input<C>, session: string) {
    const r = await call(channel, input, session);
    if (r.ok) throw new Error(`${channel} unexpectedly succeeded`);
    return r.error;
  }
  const admin = (await engine.dispatch(
    'setup.createAdmin',
    { username: 'admin', displayName: '管理员', password: ADMIN_PW },
    null,
  )) as Envelope<Output<'setup.createAdmin'>>;
  if (!admin.ok) throw new Error('setup');
  const sessions: Record<string, string> = { admin: admin.value.token };
  const users = {
    operator: ['operator'],
    qa: ['qa'],
    both: ['operator', 'qa'],
  } as const;
  for (const [name, roles] of Object.entries(users)) {
    await ok(
      'users.create',
      { username: name, displayName: name, password: USER_PW, roles: [...roles] },
      admin.value.token,
    );
    const s = (await engine.dispatch('auth.login', { username: name, password: USER_PW }, null)) as Envelope<
      Output<'auth.login'>
    >;
    if (!s.ok) throw new Error(`${name} login`);
    sessions[name] = s.value.token;
  }
  const session = (name: string) => {
    const s = sessions[name];
    if (s === undefined) throw new Error(`no session ${name}`);
    return s;
  };
  return {
    dir,
    ws,
    engine,
    ocr: new PageOcrRepo(ws.data.db, ws.clock.now),
    call,
    ok,
    fails,
    admin: session('admin'),
    op: session('operator'),
    qa: session('qa'),
    both: session('both'),
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
  options: { declaredPages?: number; operatorId?: number; blank?: readonly number[] } = {},
): Promise<{ volumeId: number; pageIds: number[] }> {
  const { repos, blobs } = ws;
  const actor =
    options.operatorId === undefined
      ? OPERATOR
      : { userId: options.operatorId, username: 'operator', role: 'operator' as const };
  const enterprise =
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
