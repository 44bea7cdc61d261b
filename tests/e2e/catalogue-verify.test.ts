import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM, closeAll, openBrowser, startBrowserMode } from './browser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Channel, type Input, type Output } from '../../core/contracts';
import { engineCall } from './engine-api';
import {
  ADMIN_PW,
  DEMO,
  fixTitleAndResubmit,
  holdReplies,
  OP_PW,
  QA_PW,
  passApplicationForm,
  passEveryTarget,
  rejectArticlesTitle,
  reviewTargets,
  showRejection,
  signOut,
  submitSignIn,
} from './qa-steps';
import { createUserAndChangePassword } from '../support/engine-users';
import { ROOT, type Started } from './workstation-process';

/**
 * 著录标引 and 图文校核 end to end, in browser mode against a real engine and SQLite file, in Debian's
 * Chromium: demo pages are scanned into a volume with `dangan scan --device demo`; the operator
 * catalogues them with the keyboard and a suggestion from the real OCR; a QA user marks a problem and
 * the volume goes back; the operator sees why and fixes it; QA passes it. Screenshots to tmp/e2e/.
 */
const SHOTS = path.join(ROOT, 'tmp', 'e2e');
/** Few pages: OCR reads ~1.3 s a page here. The demo file starts 申请书 (2 pages), 章程 (3). */
const PAGES = 4;

let ws: Started;
let context: BrowserContext;
let page: Page;
let volumeId = 0;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-e2e-cv-'));
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-chromium-cv-'));
const run = promisify(execFile);

/** Screenshots of the UI fixes (1366×800, both languages) for people to look at. */
const UI_SHOTS = path.join(ROOT, 'tmp', 'h-ui');
/** What OCR makes of rules and specks and no document title holds: ASCII marks, a lone Latin letter. */
const NOT_A_TITLE = /[<>|~^_=—\\/[\]{}@#$%&*+]|(?<![A-Za-z])[A-Za-z](?![A-Za-z])/u;

/** How many rows the 著录标引 toolbar's items take (by their vertical centres). */
function toolbarLines(): Promise<number> {
  return page.evaluate(() => {
    const items = Array.from(document.querySelectorAll('.catalogue-top > *')).filter(
      (el) => el.getBoundingClientRect().width > 0,
    );
    const centres = items
      .map((el) => {
        const r = el.getBoundingClientRect();
        return (r.top + r.bottom) / 2;
      })
      .sort((a, b) => a - b);
    // A new line starts where a centre lies well below the one before (items differ by a few pixels).
    return centres.filter((c, i) => i === 0 || c - (centres[i - 1] ?? c) > 16).length;
  });
}

/** Screenshots of 图文校核 at the window sizes it must fill without scrolling the page. */
const VERIFY_SHOTS = path.join(ROOT, 'tmp', 'h-verify');

/**
 * 图文校核 at a window size: the page does not scroll, the toolbar is one line, the workspace reaches
 * down to the content's bottom padding (24 px) and the image and OCR text lie inside the window.
 * Answers the image pane's height (a taller window shows a larger page).
 */
async function verifyFits(width: number, height: number, name: string): Promise<number> {
  await page.setViewportSize({ width, height });
  await page.mouse.move(width / 2, height - 10);
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(VERIFY_SHOTS, `${name}.png`) });
  expect(await toolbarLines()).toBe(1);
  const box = await page.getByTestId('shortcut-button').boundingBox();
  expect(box?.height ?? 99).toBeLessThanOrEqual(34); // one line of text
  // …and in the window: the last button ends at the content's right padding, nothing scrolls sideways.
  expect((box?.x ?? width) + (box?.width ?? 0)).toBeLessThanOrEqual(width - 24 + 1);
  const m = await page.evaluate(() => {
    const bottom = (sel: string) => document.querySelector(sel)?.getBoundingClientRect().bottom ?? -1;
    return {
      overflow: (document.scrollingElement?.scrollHeight ?? 0) - window.innerHeight,
      sideways: (document.scrollingElement?.scrollWidth ?? 0) - window.innerWidth,
      workspace: bottom('.verify-workspace'),
      image: bottom('[data-testid="verify-image"]'),
      text: bottom('[data-testid="ocr-text"]'),
      imageHeight:
        document.querySelector('[data-testid="verify-image"]')?.getBoundingClientRect().height ?? 0,
      inner: window.innerHeight,
    };
  });
  expect(m.overflow).toBeLessThanOrEqual(0);
  expect(m.sideways).toBeLessThanOrEqual(0);
  expect(m.workspace).toBeGreaterThan(m.inner - 24 - 4);
  expect(m.workspace).toBeLessThanOrEqual(m.inner - 24 + 1);
  expect(m.image).toBeLessThanOrEqual(m.workspace + 1);
  expect(m.text).toBeGreaterThan(0);
  expect(m.text).toBeLessThanOrEqual(m.workspace + 1);
  return m.imageHeight;
}

async function shot(name: string): Promise<void> {
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** One engine call over the browser-mode HTTP API (as the UI makes it). */
function api<C extends Channel>(channel: C, input: Input<C>, session: string | null): Promise<Output<C>> {
  return engineCall(ws, channel, input, session);
}

async function signIn(username: string, password: string): Promise<void> {
  await page.goto(ws.url);
  const menu = page.getByTestId('user-menu');
  if (await menu.isVisible().catch(() => false)) {
    await menu.hover();
    await page.getByText('退出登录').click();
  }
  await submitSignIn(page, username, password);
  await page.getByTestId('screen-title').filter({ hasText: '工作台' }).waitFor();
}

describe.skipIf(!fs.existsSync(CHROMIUM))('著录标引 and 图文校核 in the browser', () => {
  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    fs.mkdirSync(UI_SHOTS, { recursive: true });
    fs.mkdirSync(VERIFY_SHOTS, { recursive: true });
    ws = await startBrowserMode(dataDir);
    // People and a scanned volume, through the engine's API and the CLI (no UI scanning needed).
    const admin = await api(
      'setup.createAdmin',
      { username: 'admin', displayName: '赵管理', password: ADMIN_PW },
      null,
    );
    // Both have changed the initial passwords the administrator gave them (first sign-in done).
    await createUserAndChangePassword(api, admin.token, {
      username: 'wang',
      displayName: '王扫描',
      password: OP_PW,
      roles: ['operator'],
    });
    await createUserAndChangePassword(api, admin.token, {
      username: 'li',
      displayName: '李质检',
      password: QA_PW,
      roles: ['qa'],
    });
    const op = await api('auth.login', { username: 'wang', password: OP_PW }, null);
    const division = DEMO.uscc.slice(2, 8);
    const enterprise = await api(
      'enterprises.create',
      { uscc: DEMO.uscc, name: DEMO.name, bureauCode: division },
      op.token,
    );
    const volume = await api(
      'volumes.create',
      {
        enterpriseId: enterprise.id,
        volumeType: 'SL',
        year: 2026,
        bureauCode: division,
        registrationDate: '20260301',
        declaredPages: PAGES,
      },
      op.token,
    );
    volumeId = volume.id;
    await api('volumes.transition', { id: volumeId, to: 'scanning', expectedState: 'registered' }, op.token);
    // `dangan scan` refuses a data folder a running app holds (workstation/engine-lock.ts): close the app
    // for the scan and start it again after.
    await ws.stop();
    await run(
      'node',
      [
        'bin/dangan.js',
        'scan',
        '--device',
        'demo',
        '--volume',
        String(volumeId),
        '--pages',
        String(PAGES),
        '--seed',
        '1',
        '--as',
        'wang', // the operator (this machine's login name is no user of the workstation)
        '--data',
        dataDir,
      ],
      { cwd: ROOT, timeout: 120_000 },
    );
    ws = await startBrowserMode(dataDir);
    const again = await api('auth.login', { username: 'wang', password: OP_PW }, null);
    await api('volumes.transition', { id: volumeId, to: 'scanned', expectedState: 'scanning' }, again.token);

    ({ context, page } = await openBrowser(profile, { width: 1440, height: 900 }, { timeout: 15_000 }));
  }, 240_000);

  afterAll(() => closeAll(context, ws, [dataDir, profile]), 180_000);

  it('the operator catalogues the volume with the keyboard and a suggestion', async () => {
    await signIn('wang', OP_PW);
    // The workbench's 已扫描 row opens 著录标引 at the volume; so does the menu (Alt+4) on its own:
    // the volume scanned last and awaiting cataloguing is open on arrival, nothing to pick.
    await page.locator('.ant-tabs-tab').filter({ hasText: '已扫描' }).click();
    await page.getByTestId(`catalogue-${volumeId}`).click();
    await expect.poll(() => new URL(page.url()).search).toBe(`?volume=${volumeId}`);
    await page.keyboard.press('Alt+1');
    await page.getByTestId('screen-title').filter({ hasText: '工作台' }).waitFor();
    await page.keyboard.press('Alt+4');
    await page.getByTestId('screen-title').filter({ hasText: '著录标引' }).waitFor();
    await expect.poll(() => page.getByTestId('catalogue-volume').textContent()).toContain(DEMO.name);
    await expect.poll(() => new URL(page.url()).search).toBe(`?volume=${volumeId}`);
    await expect.poll(() => page.getByTestId('strip-tile').count()).toBe(PAGES);
    // Nothing described yet: a hint where to begin, not a red list of everything missing.
    await expect
      .poll(() => page.getByTestId('rule-issues').textContent())
      .toContain('尚未分件：按 A 接受建议，或按 B 在当前页开始一件');
    expect(await page.getByTestId('rule-issues').locator('.ant-alert-error').count()).toBe(0);
    expect(await page.locator('.strip-tile.has-error').count()).toBe(0);
    // The engine reads the title zones (real tesseract) and proposes documents.
    await expect
      .poll(() => page.getByTestId('ocr-status').textContent(), { timeout: 90_000, interval: 1000 })
      .toContain('标题已识别');
    await expect.poll(() => page.getByTestId('doc-suggestion').count()).toBeGreaterThan(0);
    // Each suggestion carries a date; one standing in from the registration is marked as unchecked.
    await expect.poll(() => page.getByTestId('suggestion-date').count()).toBeGreaterThan(0);
    const standIns = page.locator('[data-testid="suggestion-date"][data-source="registration"]');
    expect(await standIns.getByTestId('date-unconfirmed').count()).toBe(await standIns.count());
    expect(
      await page
        .locator('[data-testid="suggestion-date"][data-source="document"]')
        .getByTestId('date-unconfirmed')
        .count(),
    ).toBe(0);
    await page.mouse.move(700, 850);
    await shot('cv-01-catalogue-suggestions');
    // The caption over the page names it only with what reads as a title: page 1 is the application
    // form OCR suggested (its title, else its type's name), never the specks OCR made of its rules.
    await expect.poll(() => page.getByTestId('viewer-heading').textContent()).toContain('申请书');
    for (let seq = 1; seq <= PAGES; seq++) {
      await expect.poll(() => page.getByTestId('viewer-caption').textContent()).toContain(`第 ${seq} 页`);
      const heading = page.getByTestId('viewer-heading');
      if ((await heading.count()) > 0) expect(await heading.textContent()).not.toMatch(NOT_A_TITLE);
      await page.keyboard.press('j');
    }
    for (let seq = 1; seq < PAGES; seq++) await page.keyboard.press('k');
    await expect.poll(() => page.getByTestId('viewer-caption').textContent()).toContain('第 1 页');
    // 1366×800, Chinese and English: the toolbar is one line (快捷键 unwrapped) and the page does not scroll.
    await page.setViewportSize({ width: 1366, height: 800 });
    for (const [lang, shortcuts] of [
      ['zh', '快捷键'],
      ['en', 'Shortcuts'],
    ] as const) {
      if (lang === 'en') await page.getByTestId('locale-switch').click();
      await expect.poll(() => page.getByTestId('shortcut-button').textContent()).toContain(shortcuts);
      await page.mouse.move(700, 780);
      await page.waitForTimeout(300);
      await page.screenshot({ path: path.join(UI_SHOTS, `catalogue-1366x800-${lang}.png`) });
      expect(await toolbarLines()).toBe(1);
      const button = await page.getByTestId('shortcut-button').boundingBox();
      expect(button?.height ?? 99).toBeLessThanOrEqual(34); // one line of text
      expect(
        await page.evaluate(() => document.documentElement.scrollHeight - window.innerHeight),
      ).toBeLessThanOrEqual(0);
    }
    await page.getByTestId('locale-switch').click();
    await page.getByTestId('shortcut-button').filter({ hasText: '快捷键' }).waitFor();
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.getByTestId('shortcut-button').click();
    await page.getByTestId('shortcut-help').getByText('接受全部建议').waitFor();
    await shot('cv-02-catalogue-shortcuts');
    await page.keyboard.press('Escape');
    await page.getByTestId('shortcut-help').waitFor({ state: 'hidden' });
    // Focus does not go back to the button: the next Enter is a shortcut, not a press of the button.
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null)).not.toBe(
      'shortcut-button',
    );

    // Page 1: Enter takes the suggestion there (申请书 from the title OCR).
    await page.keyboard.press('Enter');
    const rows = page.getByTestId('doc-row');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().getByTestId('doc-type').textContent()).toContain('申请书');
    // Half done (the date cleared): 保存 keeps it and says what is left; 完成著录 is refused, each
    // finding said once. Then the date goes back.
    const dateField = rows.first().getByTestId('doc-date');
    const date = await dateField.inputValue();
    await page.keyboard.press('d');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('doc-0-date');
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+s');
    await expect
      .poll(() => page.getByTestId('catalogue-notice').textContent())
      .toMatch(/已保存（还有 \d+ 个问题）/);
    expect(await page.getByTestId('unsaved').count()).toBe(0); // nothing left unsaved
    await page.keyboard.press('Control+Enter');
    const refused = page.getByTestId('catalogue-error');
    await expect.poll(() => refused.textContent()).toContain('未完成著录');
    const said = (await refused.textContent()) ?? '';
    const listed = await refused.getByTestId('catalogue-error-issues').locator('li').allTextContents();
    expect(listed.some((x) => x.includes('缺少日期'))).toBe(true);
    for (const x of listed) expect(said.split(x).length - 1).toBe(1);
    expect(await page.getByTestId('catalogue-state').textContent()).toBe('已扫描');
    await page.keyboard.press('d');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('doc-0-date');
    await page.keyboard.type(date);
    await page.keyboard.press('Enter');
    await expect.poll(() => dateField.inputValue()).toBe(date);
    // Page 3: B starts a document; T picks its type by typing; E edits its title.
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('b');
    await expect.poll(() => rows.count()).toBe(2);
    await page.keyboard.press('t');
    await page.getByTestId('type-filter').fill('章程');
    // E straight after Enter, as a quick operator types it: the closing picker must not swallow it, nor
    // take the focus back from the title once its animation ends.
    await page.keyboard.press('Enter');
    await page.keyboard.press('e');
    await expect.poll(() => rows.nth(1).getByTestId('doc-type').textContent()).toContain('章程');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('doc-1-title');
    await page.getByTestId('type-filter').waitFor({ state: 'detached' });
    await page.waitForTimeout(200);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('doc-1-title');
    await page.keyboard.press('Control+a');
    await page.keyboard.type('公司章程（草稿）');
    await page.keyboard.press('Enter');
    await expect.poll(() => rows.nth(0).getByTestId('doc-range').textContent()).toBe('第 1–2 页');
    await expect.poll(() => rows.nth(1).getByTestId('doc-range').textContent()).toBe(`第 3–${PAGES} 页`);
    // The rules run live: dates come from the registration date, every page is in a document.
    await expect.poll(() => page.getByTestId('rule-issues').textContent()).toContain('著录规则检查通过');
    await shot('cv-03-catalogue-drafted');
    // A title typed while the save is on its way is not replaced by the saved draft: it stays, unsaved.
    const title = page.locator('#doc-1-title');
    await holdReplies(page, '**/api/catalogue.save', async () => {
      await page.keyboard.press('Control+s');
      await page.getByTestId('catalogue-notice').waitFor({ state: 'detached' });
      await title.fill('公司章程（定稿）');
    });
    await expect.poll(() => page.getByTestId('catalogue-notice').textContent()).toContain('已保存 2 件');
    expect(await title.inputValue()).toBe('公司章程（定稿）');
    await page.getByTestId('unsaved').waitFor();
    await page.locator('.catalogue-workspace').focus();
    await page.keyboard.press('Control+s');
    await page.getByTestId('unsaved').waitFor({ state: 'detached' });
    expect(await title.inputValue()).toBe('公司章程（定稿）');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.getByTestId('catalogue-notice').textContent()).toContain('已提交图文校核');
    expect(await page.getByTestId('catalogue-state').textContent()).toBe('已著录');
    await shot('cv-04-catalogue-finished');
    await signOut(page);
  }, 180_000);

  it('QA reviews it beside the image and OCR text, marks a problem, and the volume goes back', async () => {
    await signIn('li', QA_PW);
    await page.keyboard.press('Alt+5');
    await page.getByTestId('screen-title').filter({ hasText: '图文校核' }).waitFor();
    await page.getByTestId(`review-open-${volumeId}`).click();
    const targets = await reviewTargets(page, 90_000);
    expect(await targets.count()).toBe(3); // 2 documents + ⌈5 % of 4⌉ sampled page
    expect(await page.getByTestId('machine-summary').textContent()).toBe('机检通过');
    // Document 1, the application form: its text is shown (tesseract reads little of the demo's
    // table, so the code check only warns), and it passes. Document 2, the articles: their heading
    // carries the enterprise's name, marked in the text and outlined on the image.
    await passApplicationForm(page, targets);
    expect(await page.locator('.ocr-match-name').count()).toBeGreaterThan(0);
    expect(await page.locator('.ocr-box-name').count()).toBeGreaterThan(0);
    await page.mouse.move(700, 880);
    await shot('cv-05-verify-review');
    // The review fills the window at 1366×800 (Chinese and English) and at 1920×1080, page unscrolled.
    const small = await verifyFits(1366, 800, 'verify-1366x800-zh');
    await page.getByTestId('locale-switch').click();
    await page.getByTestId('shortcut-button').filter({ hasText: 'Shortcuts' }).waitFor();
    await verifyFits(1366, 800, 'verify-1366x800-en');
    await page.getByTestId('locale-switch').click();
    await page.getByTestId('shortcut-button').filter({ hasText: '快捷键' }).waitFor();
    expect(await verifyFits(1920, 1080, 'verify-1920x1080-zh')).toBeGreaterThan(small + 200);
    await page.setViewportSize({ width: 1440, height: 900 });
    await rejectArticlesTitle(page, targets, (step) =>
      shot(step === 'problem' ? 'cv-06-verify-problem' : 'cv-07-verify-rejected'),
    );
    await signOut(page);
  }, 180_000);

  it('the operator sees the reasons, fixes the title and resubmits', async () => {
    await signIn('wang', OP_PW);
    await page.getByText('已退回').first().waitFor(); // the workbench's queue and attention items
    // The queue's 已退回 tab says why, and its button opens 著录标引 at the volume.
    await page.locator('.ant-tabs-tab').filter({ hasText: '已退回' }).click();
    const reasons = page.getByTestId(`rejection-${volumeId}`);
    await expect.poll(() => reasons.textContent()).toContain('题名错误');
    expect(await reasons.textContent()).toContain('第 2 件');
    expect(await reasons.textContent()).toContain('不含“草稿”');
    await shot('cv-08-workbench-rejected');
    await page.getByTestId(`rework-${volumeId}`).click();
    await expect.poll(() => new URL(page.url()).search).toBe(`?volume=${volumeId}`);
    await page.getByTestId('screen-title').filter({ hasText: '著录标引' }).waitFor();
    const rejection = await showRejection(page);
    await page.mouse.move(700, 880);
    await shot('cv-09-catalogue-rejected');
    await page.getByTestId('locale-switch').click();
    await expect.poll(() => rejection.textContent()).toContain('Wrong title');
    await shot('cv-09b-catalogue-rejected-english');
    await page.getByTestId('locale-switch').click();
    await fixTitleAndResubmit(page);
    await signOut(page);
  }, 180_000);

  it('QA passes it', async () => {
    await signIn('li', QA_PW);
    await page.keyboard.press('Alt+5');
    await page.getByTestId(`review-open-${volumeId}`).click();
    await passEveryTarget(page);
    await shot('cv-10-verify-all-passed');
    // With the last rejection's reasons above the workspace, 1366×800 still does not scroll.
    await verifyFits(1366, 800, 'verify-1366x800-rejected-before');
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.getByTestId('review-finish').click();
    await expect.poll(() => page.getByTestId('verify-outcome').textContent()).toContain('校核通过');
    const op = await api('auth.login', { username: 'wang', password: OP_PW }, null);
    expect((await api('catalogue.get', { volumeId }, op.token)).volume.state).toBe('verified');
  }, 180_000);
});
