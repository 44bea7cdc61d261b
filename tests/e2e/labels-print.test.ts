import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM, closeAll, launchChromium, startBrowserMode } from './browser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepos } from '../../db/repos';
import { openDataDir } from '../../workstation/data-dir';
import { ADMIN, seedVolume } from '../support/repos';
import { submitSignIn } from './qa-steps';
import { ROOT, type Started } from './workstation-process';

/**
 * 标签打印 in Chromium against the real browser-mode workstation: the label PDF is previewed in the page
 * and sent to the print dialog. A real print dialog cannot appear headless, so `print` is replaced by a
 * fake that records which document asked to print (named as a fake below); everything else is real.
 */
const SHOTS = path.join(ROOT, 'tmp', 'e2e');
const PASSWORD = 'Label#2026pw';

let ws: Started;
let context: BrowserContext;
let page: Page;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-e2e-labels-'));
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-chromium-labels-'));
/** Every call of the fake print: the address of the document whose window was asked to print. */
const fakePrintCalls: string[] = [];

describe.skipIf(!fs.existsSync(CHROMIUM))('标签打印: preview and print', () => {
  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    // An administrator and a registered volume, written straight into the data folder.
    const data = openDataDir(dataDir);
    const repos = createRepos(data.db);
    await repos.users.create(
      { username: 'zhao', displayName: '赵管理', password: PASSWORD, roles: ['admin', 'operator'] },
      ADMIN,
      { mustChangePassword: false }, // as if zhao had changed the initial password already
    );
    seedVolume(repos, 7);
    data.close();

    ws = await startBrowserMode(dataDir);
    context = await launchChromium(profile, { width: 1366, height: 900 });
    await context.exposeFunction('fakePrintSpy', (href: string) => {
      fakePrintCalls.push(href);
    });
    // Runs in every document of the page, frames included: print() records instead of opening a dialog.
    await context.addInitScript(() => {
      const w = window as unknown as { print: () => void; fakePrintSpy: (href: string) => Promise<void> };
      w.print = () => {
        void w.fakePrintSpy(location.href);
      };
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(15_000);
  }, 180_000);

  afterAll(() => closeAll(context, ws, [dataDir, profile]));

  it('previews the label PDF in the page and sends that PDF, not the page, to the print dialog', async () => {
    await page.goto(ws.url);
    await submitSignIn(page, 'zhao', PASSWORD);
    await page.getByTestId('screen-title').filter({ hasText: '工作台' }).waitFor();

    await page.keyboard.press('Alt+6');
    await page.getByTestId('screen-title').filter({ hasText: '标签打印' }).waitFor();
    await page.getByRole('cell', { name: /SL-000007/ }).waitFor();
    expect(await page.getByTestId('labels-preview').count()).toBe(0); // nothing to preview yet
    await page.locator('thead .ant-checkbox-input').check();
    await page.getByTestId('make-labels').click();

    // The preview: a frame holding the PDF the engine made.
    const frame = page.getByTestId('labels-preview');
    await frame.waitFor();
    const src = (await frame.getAttribute('src')) ?? '';
    expect(src).toMatch(/^blob:http:\/\/127\.0\.0\.1:\d+\//);
    // The frame navigated to the PDF (the CSP lets blob: frames in) and Chromium opened it as a PDF.
    await expect.poll(() => page.frames().some((f) => f.url() === src)).toBe(true);
    const child = page.frames().find((f) => f.url() === src);
    expect(await child?.evaluate(() => document.contentType)).toBe('application/pdf');
    const print = page.getByTestId('labels-print');
    await expect.poll(() => print.isEnabled()).toBe(true); // enabled once the PDF has loaded
    await page.waitForTimeout(1500); // let the PDF viewer paint for the screenshot
    await page.screenshot({ path: path.join(SHOTS, 'labels-print-preview.png'), fullPage: true });

    await print.click();
    await expect.poll(() => fakePrintCalls.length).toBe(1);
    expect(fakePrintCalls[0]).toBe(src); // the PDF's window printed, not the screen around it
  }, 120_000);
});
