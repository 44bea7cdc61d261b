import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from './browser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope, Output } from '../../core/contracts';
import { createRepos } from '../../db/repos';
import { CapturePipeline } from '../../workstation/capture/pipeline';
import { openDataDir } from '../../workstation/data-dir';
import { createEngine } from '../../workstation/engine/engine';
import { encodeLabel } from '../../core/labels/label-codec';
import { syntheticPage } from '../support/label-pages';
import { callOk, createUserAndChangePassword } from '../support/engine-users';
import { USCC_A, seedVolume } from '../support/repos';
import { ROOT, startWorkstation, type Started } from './workstation-process';

/**
 * The 扫描 screen end to end: `dangan start --browser` with only the demo scanner ($DANGAN_SCANNERS),
 * driven by Debian's Chromium. An operator scans 10 demo pages into a registered volume, rotates and
 * deletes one and undoes it, and scrolls a 500-page volume. Screenshots go to tmp/e2e/scan-*.png.
 */
const SHOTS = path.join(ROOT, 'tmp', 'e2e');
const ADMIN_PW = 'Zhao#2026pw';
const OP_PW = 'Scan#2026op';
/** The big volume's size; `DANGAN_E2E_BIG_PAGES` for more. */
const BIG = Number(process.env['DANGAN_E2E_BIG_PAGES'] ?? 500);

let ws: Started;
let context: BrowserContext;
let page: Page;
const consoleErrors: string[] = [];
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-e2e-scan-'));
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-chromium-'));
let small = '';
let big = '';
/** A volume scanned with the next volume's QR label cover in front of 2 pages, and that next volume. */
let mixed = '';
let labelled = '';

async function shot(name: string): Promise<void> {
  await page.waitForTimeout(250);
  await page.screenshot({ path: path.join(SHOTS, `scan-${name}.png`) });
}

/** A small page image with its number on it (the 500-page volume; the demo scanner is too slow for it). */
function numberedPage(n: number): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="420" height="594">
    <rect width="420" height="594" fill="#fff"/>
    <text x="210" y="120" font-size="48" text-anchor="middle" font-family="Noto Sans CJK SC">第 ${n} 页</text>
    ${Array.from({ length: 14 }, (_, i) => `<rect x="50" y="${180 + i * 26}" width="${200 + ((n * 37 + i * 53) % 120)}" height="8" fill="#444"/>`).join('')}
  </svg>`;
  return sharp(Buffer.from(svg)).grayscale().jpeg({ quality: 80 }).withMetadata({ density: 300 }).toBuffer();
}

/** Users, a registered volume, and a volume of BIG processed pages, written before the workstation starts. */
async function seed(): Promise<void> {
  const data = openDataDir(dataDir);
  const engine = createEngine({ db: data.db, dataDir, log: () => undefined, capture: { threads: 0 } });
  const admin = (await engine.dispatch(
    'setup.createAdmin',
    { username: 'admin', displayName: '赵管理', password: ADMIN_PW },
    null,
  )) as Envelope<Output<'setup.createAdmin'>>;
  if (!admin.ok) throw new Error('setup');
  // The operator has changed the initial password the administrator gave (first sign-in done).
  await createUserAndChangePassword(callOk(engine), admin.value.token, {
    username: 'wang',
    displayName: '王扫描',
    password: OP_PW,
    roles: ['operator'],
  });
  await engine.close();
  const repos = createRepos(data.db);
  const a = seedVolume(repos, 1);
  const b = seedVolume(repos, 2);
  small = repos.volumes.get(a.volumeId).archiveNo;
  big = repos.volumes.get(b.volumeId).archiveNo;
  const c = repos.volumes.get(seedVolume(repos, 3).volumeId);
  const d = repos.volumes.get(seedVolume(repos, 4).volumeId);
  mixed = c.archiveNo;
  labelled = d.archiveNo;
  const cover = await syntheticPage({
    seed: 7,
    dpi: 200,
    codes: [
      {
        payload: encodeLabel({ archiveNo: d.archiveNo, uscc: USCC_A, volumeId: d.uid }),
        sizeMm: 30,
        xMm: 90,
        yMm: 40,
      },
    ],
  });
  const pipeline = new CapturePipeline(data.db, repos, data.blobs, { threads: 2 });
  pipeline.start();
  const images = await Promise.all(Array.from({ length: BIG }, (_, i) => numberedPage(i + 1)));
  pipeline.captureAll(
    b.volumeId,
    images.map((bytes) => ({ bytes, mediaType: 'image/jpeg', dpi: 300, mode: 'gray' as const })),
  );
  pipeline.captureAll(c.id, [
    { bytes: cover, mediaType: 'image/jpeg', dpi: 200, mode: 'gray' },
    ...(await Promise.all(
      [1, 2].map(async (n) => ({
        bytes: await numberedPage(n),
        mediaType: 'image/jpeg',
        dpi: 300,
        mode: 'gray' as const,
      })),
    )),
  ]);
  await pipeline.idle();
  await pipeline.close();
  data.close();
}

describe.skipIf(!fs.existsSync(CHROMIUM))('扫描 screen in browser mode', () => {
  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    await seed();
    ws = await startWorkstation('node', ['bin/dangan.js', 'start', '--browser', '--data', dataDir], {
      DANGAN_SCANNERS: 'demo', // no network discovery in tests
    });
    context = await launchChromium(profile, { width: 1366, height: 860 });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(15_000);
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
  }, 240_000);

  afterAll(async () => {
    await context.close();
    await ws.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(profile, { recursive: true, force: true });
    // Opening 著录标引 starts title OCR; stopping the workstation waits for the page being read.
  }, 120_000);

  const tiles = () => page.getByTestId('thumb-tile');
  const total = () => page.getByTestId('page-total').textContent();

  it('an operator signs in and opens 扫描 with the demo scanner and the 300 dpi profile', async () => {
    await page.goto(ws.url);
    await page.getByLabel('用户名').fill('wang');
    await page.locator('input#password').fill(OP_PW);
    await page.keyboard.press('Enter');
    await page.getByTestId('screen-title').filter({ hasText: '工作台' }).waitFor();
    await page.keyboard.press('Alt+3');
    await page.getByTestId('screen-title').filter({ hasText: '扫描' }).waitFor();
    await expect.poll(() => page.getByTestId('device-select').textContent()).toContain('演示扫描仪');
    expect(await page.getByTestId('dpi-select').textContent()).toContain('300 dpi');
    // 自动 (colour or grey per page) is offered first and chosen; the explicit modes stay.
    await expect.poll(() => page.getByTestId('mode-select').textContent()).toContain('自动（彩色/灰度）');
    await page.getByTestId('mode-select').click();
    const modes = page.locator('.ant-select-dropdown:visible .ant-select-item-option');
    await expect.poll(() => modes.allTextContents()).toEqual(['自动（彩色/灰度）', '彩色', '灰度', '黑白']);
    await page.keyboard.press('Escape');
    await shot('01-empty');
  });

  it('picks a registered volume from the queue and scans 10 demo pages: 10 thumbnails', async () => {
    await page.getByTestId('volume-select').click();
    await page.locator('.ant-select-item-option').filter({ hasText: small }).click();
    await expect.poll(() => page.getByTestId('volume-title').textContent()).toBe(small);
    // A low resolution is warned about before scanning.
    await page.getByTestId('dpi-select').click();
    await page.locator('.ant-select-item-option').filter({ hasText: '150 dpi' }).click();
    await page.getByTestId('dpi-warning').waitFor();
    await shot('02-low-dpi-warning');
    await page.getByTestId('dpi-select').click();
    await page.locator('.ant-select-item-option').filter({ hasText: '300 dpi' }).click();
    await expect.poll(() => page.getByTestId('dpi-warning').count()).toBe(0);

    await page.getByTestId('screen-title').click(); // out of the fields: Enter starts the scan
    await page.keyboard.press('Enter');
    await page.getByTestId('scan-progress').waitFor();
    await expect.poll(() => tiles().count(), { timeout: 90_000 }).toBeGreaterThan(0);
    await shot('03-scanning');
    await expect
      .poll(() => page.getByTestId('scan-count').textContent(), { timeout: 120_000 })
      .toContain('已保存 10 页');
    await expect.poll(() => tiles().count()).toBe(10);
    // Every page processed: 10 thumbnails, in order.
    const thumbs = page.getByTestId('thumb-grid').locator('img[data-page-image]');
    await expect.poll(() => thumbs.count(), { timeout: 120_000 }).toBe(10);
    expect(await tiles().evaluateAll((els) => els.map((e) => e.getAttribute('data-seq')))).toEqual(
      Array.from({ length: 10 }, (_, i) => String(i + 1)),
    );
    await page.getByTestId('page-viewer').locator('img').waitFor();
    // Scanned in 自动: the sealed 申请书 page, the 决议 and the licence (pages 2, 6, 9) kept in colour,
    // the rest grey — each tile says which.
    const badges = page.getByTestId('thumb-grid').getByTestId('colour-badge');
    await expect.poll(() => badges.count(), { timeout: 60_000 }).toBe(10);
    const byPage = await tiles().evaluateAll((els) =>
      els.map((e) => e.querySelector('[data-testid="colour-badge"]')?.getAttribute('data-mode')),
    );
    expect(byPage).toEqual([
      'gray',
      'color',
      'gray',
      'gray',
      'gray',
      'color',
      'gray',
      'gray',
      'color',
      'gray',
    ]);
    await expect
      .poll(() => page.getByTestId('scan-auto-colour').textContent())
      .toBe('自动：彩色 3 页，灰度 7 页');
    await shot('04-scanned-10');
  }, 300_000);

  it('rotates a page, deletes one and undoes the deletion, by keyboard', async () => {
    const third = tiles().nth(2);
    const id = await third.getAttribute('data-page-id');
    await third.click();
    const img = page.locator(`.thumb-tile[data-page-id="${id}"] img`);
    const ratio = () =>
      img.evaluate((e) => (e as HTMLImageElement).naturalWidth / (e as HTMLImageElement).naturalHeight);
    expect(await ratio()).toBeLessThan(1); // a portrait page
    await page.keyboard.press('r');
    await expect.poll(ratio, { timeout: 15_000 }).toBeGreaterThan(1); // the new thumbnail is landscape
    await shot('05-rotated');

    await page.keyboard.press('Delete');
    await expect.poll(() => tiles().count()).toBe(9);
    await expect.poll(total).toContain('共 9 页');
    expect(await page.locator(`.thumb-tile[data-page-id="${id}"]`).count()).toBe(0);
    await shot('06-deleted');
    await page.keyboard.press('Control+z');
    await expect.poll(() => tiles().count()).toBe(10);
    await expect.poll(total).toContain('共 10 页');
    expect(await page.locator(`.thumb-tile[data-page-id="${id}"]`).getAttribute('data-seq')).toBe('3');
    expect(await ratio()).toBeGreaterThan(1); // undoing the delete kept the rotation
    await shot('07-undone');
  }, 60_000);

  it('a cancelled scan says so in Chinese and keeps its pages', async () => {
    await page.getByTestId('page-count').fill('30');
    await page.getByTestId('screen-title').click();
    await page.keyboard.press('F5');
    await page.getByTestId('cancel-scan').waitFor({ timeout: 60_000 }); // a loaded machine starts slowly
    await expect.poll(() => tiles().count(), { timeout: 60_000 }).toBeGreaterThan(10);
    await page.keyboard.press('Escape');
    const alert = page.getByTestId('device-error');
    await alert.waitFor({ timeout: 60_000 });
    expect(await alert.getAttribute('data-category')).toBe('cancelled');
    expect(await alert.textContent()).toContain('已扫描的页面均已保存');
    await shot('08-cancelled');
  }, 180_000);

  it('after 扫描完成 offers 去著录 and 补扫 instead of 开始扫描; Enter goes on to 著录标引', async () => {
    await page.getByTestId('finish-scan').click();
    await page.getByTestId('scan-next-steps').waitFor();
    expect(await page.getByTestId('start-scan').count()).toBe(0);
    expect(await page.getByTestId('device-error').count()).toBe(0); // the cancelled run is past news
    expect(await page.getByTestId('scan-more').textContent()).toContain('补扫');
    expect(await page.getByTestId('go-catalogue').textContent()).toContain('去著录');
    expect(await page.locator('.scan-keys').textContent()).toContain('Enter 去著录 · F5 补扫');
    await shot('08a-finished-next-steps');
    await page.getByTestId('screen-title').click();
    await page.keyboard.press('Enter');
    await page.getByTestId('screen-title').filter({ hasText: '著录标引' }).waitFor();
    expect(page.url()).toContain('/catalogue?volume=');
    // No document yet: a hint where to begin, not a red list of every page outside a document.
    await expect
      .poll(() => page.getByTestId('rule-issues').textContent())
      .toContain('尚未分件：按 A 接受建议，或按 B 在当前页开始一件');
    expect(await page.getByTestId('rule-issues').locator('li').count()).toBe(0);
    await shot('08b-catalogue-grouped-findings');
    await page.keyboard.press('Alt+3');
    await page.getByTestId('screen-title').filter({ hasText: '扫描' }).waitFor();
  }, 60_000);

  it(`opens a ${BIG}-page volume by 档号: the grid holds only a window of thumbnails and scrolls to the end`, async () => {
    await page.getByTestId('archive-no').locator('input').fill(big);
    await page.getByTestId('archive-no').locator('input').press('Enter');
    await expect.poll(total).toContain(`共 ${BIG} 页`);
    await tiles().first().waitFor();
    const inDom = await tiles().count();
    expect(inDom).toBeGreaterThan(0);
    expect(inDom).toBeLessThan(100); // virtualized
    await page.getByTestId('thumb-grid').locator('img[data-page-image]').first().waitFor();
    await shot('09-big-volume-top');
    const grid = page.getByTestId('thumb-grid');
    for (let i = 0; i < 8; i++) {
      await grid.evaluate((el, step) => {
        el.scrollTop = (el.scrollHeight * step) / 8;
      }, i + 1);
      await page.waitForTimeout(60);
    }
    await page.locator(`.thumb-tile[data-seq="${BIG}"]`).waitFor();
    expect(await tiles().count()).toBeLessThan(100);
    // A figure for people (not asserted: frame times on a shared machine say little): frame gaps while
    // the grid is scrolled back to the top in 40 steps.
    const frames = await grid.evaluate(async (el) => {
      const gaps: number[] = [];
      let last = performance.now();
      let going = true;
      const tick = (now: number) => {
        gaps.push(now - last);
        last = now;
        if (going) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      for (let i = 40; i >= 0; i--) {
        el.scrollTop = (el.scrollHeight * i) / 40;
        await new Promise((r) => setTimeout(r, 16));
      }
      going = false;
      gaps.sort((x, y) => x - y);
      return {
        frames: gaps.length,
        p50: Math.round(gaps[gaps.length >> 1] ?? 0),
        max: Math.round(gaps.at(-1) ?? 0),
      };
    });
    console.log(`${BIG}-page grid, scroll frame gaps (ms): ${JSON.stringify(frames)}`);
    await grid.evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await page.locator(`.thumb-tile[data-seq="${BIG}"]`).waitFor();
    await page.locator(`.thumb-tile[data-seq="${BIG}"] img`).waitFor();
    await page.locator(`.thumb-tile[data-seq="${BIG}"]`).click();
    await page.getByTestId('page-viewer').locator('img').waitFor();
    await shot('10-big-volume-end');
  }, 60_000);

  it('previews the batch split at a QR label and applies it', async () => {
    await page.getByTestId('archive-no').locator('input').fill(mixed);
    await page.getByTestId('archive-no').locator('input').press('Enter');
    await expect.poll(total).toContain('共 3 页');
    await expect.poll(() => page.locator('.thumb-tile[data-seq="1"]').textContent()).toContain('标签');
    await page.getByTestId('split-preview-button').click();
    const preview = page.getByTestId('split-preview');
    await expect.poll(() => preview.textContent()).toContain(`移到 ${labelled}`);
    await page.locator('.split-thumb').first().waitFor();
    await shot('12-split-preview');
    await page.getByTestId('split-apply').click();
    await expect.poll(total).toContain('共 0 页');
    await shot('13-split-applied');
  });

  it('reads in English too, and the console stayed clean', async () => {
    await page.getByTestId('locale-switch').click();
    await page.getByTestId('screen-title').filter({ hasText: 'Scanning' }).waitFor();
    await page.mouse.move(700, 600); // away from the user menu, which opens on hover
    await page.waitForTimeout(600);
    await shot('11-english');
    // Every select shows its whole text in English too (they take the width of what they show).
    const cut = await page.evaluate(() =>
      Array.from(document.querySelectorAll('.scan-controls .ant-select-content'))
        .filter((el) => el.scrollWidth > el.clientWidth)
        .map((el) => el.textContent),
    );
    expect(cut).toEqual([]);
    expect(await page.getByTestId('dpi-select').textContent()).toContain('300 dpi (recommended)');
    fs.mkdirSync(path.join(ROOT, 'tmp', 'h-ui'), { recursive: true });
    await page.screenshot({ path: path.join(ROOT, 'tmp', 'h-ui', 'scan-english.png') });
    await page.getByTestId('locale-switch').click();
    expect(consoleErrors.join('\n')).toBe('');
  });
});
