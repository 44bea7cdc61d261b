import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM, closeAll, openBrowser, startBrowserMode } from './browser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_PW,
  DEMO,
  fixTitleAndResubmit,
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
import { ROOT, type Started } from './workstation-process';

/**
 * The whole working day in one connected run, through the UI only: `dangan start --browser` (real
 * engine, real SQLite file, the demo scanner, real tesseract) driven by Debian's Chromium. First-run
 * setup → users → register → scan the 9 demo pages of its file → catalogue → QA rejects → rework → QA passes → label
 * PDF → queued for upload (no store configured: the entry stays queued). Screenshots: tmp/e2e/flow-*.png.
 */
const SHOTS = path.join(ROOT, 'tmp', 'e2e');
/** What the administrator gives them; each changes it at first sign-in to the password above. */
const OP_INITIAL = 'Given#2026op';
const QA_INITIAL = 'Given#2026qa';
const run = promisify(execFile);

let ws: Started;
let context: BrowserContext;
let page: Page;
let archiveNo = '';
let shotNo = 0;
const consoleErrors: string[] = [];
// Not tempDir(): that one is removed after each test, and this flow spans several.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-e2e-flow-'));
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-chromium-flow-'));

/** Numbered in the order taken, so the folder reads as the flow. */
async function shot(name: string): Promise<void> {
  await page.waitForTimeout(300); // antd transitions settle so the picture shows the end state
  shotNo++;
  const file = `flow-${String(shotNo).padStart(2, '0')}-${name}.png`;
  await page.screenshot({ path: path.join(SHOTS, file), fullPage: true });
}

async function open(key: string, title: string): Promise<void> {
  await page.keyboard.press(`Alt+${key}`);
  await page.getByTestId('screen-title').filter({ hasText: title }).waitFor();
}

async function signIn(username: string, password: string): Promise<void> {
  await submitSignIn(page, username, password);
  await page.getByTestId('user-menu').waitFor();
}

/** Signing in with the initial password an administrator gave: 修改密码 comes first, then the app. */
async function firstSignIn(username: string, initial: string, own: string): Promise<void> {
  await submitSignIn(page, username, initial);
  await page.getByTestId('change-password-title').waitFor();
  await page.getByLabel('当前密码').fill(initial);
  await page.getByLabel('新密码', { exact: true }).fill(own);
  await page.getByLabel('确认新密码').fill(own);
  await page.getByRole('button', { name: '修改密码并继续' }).click();
  await page.getByTestId('user-menu').waitFor();
}

async function createUser(username: string, name: string, password: string, role: string): Promise<void> {
  await page.getByTestId('new-user').click();
  const dialog = page.getByRole('dialog');
  await page.getByTestId('new-username').fill(username);
  await page.getByTestId('new-displayname').fill(name);
  const operator = dialog.getByLabel('扫描员', { exact: true });
  if (role !== '扫描员') await operator.uncheck(); // 扫描员 is ticked by default
  await dialog.getByLabel(role, { exact: true }).check();
  await page.getByTestId('new-password').fill(password);
  await shot(`users-new-${username}`);
  await dialog.getByRole('button', { name: '创建', exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
  const row = page.getByRole('row').filter({ has: page.getByRole('cell', { name: username, exact: true }) });
  await expect.poll(() => row.textContent()).toContain(role);
}

describe.skipIf(!fs.existsSync(CHROMIUM))('the whole flow, connected, in browser mode', () => {
  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    for (const f of fs.readdirSync(SHOTS)) if (f.startsWith('flow-')) fs.rmSync(path.join(SHOTS, f));
    ws = await startBrowserMode(dataDir, { DANGAN_SCANNERS: 'demo' }); // no network discovery in tests
    ({ context, page } = await openBrowser(
      profile,
      { width: 1440, height: 900 },
      {
        timeout: 15_000,
        acceptDownloads: true,
        // Where it happened (the screen's path) says whose screen to look at.
        onConsoleError: (text, p) => consoleErrors.push(`${new URL(p.url()).pathname}: ${text}`),
      },
    ));
  }, 120_000);

  afterAll(() => closeAll(context, ws, [dataDir, profile]), 60_000);

  it('setup → users → register → scan → catalogue → QA reject → rework → pass → label → upload queue', async () => {
    // First run: the administrator is created, then adds an operator and a QA inspector.
    await page.goto(ws.url);
    await page.getByTestId('setup-title').waitFor();
    await page.getByLabel('用户名').fill('admin');
    await page.getByLabel('姓名').fill('赵管理');
    await page.getByLabel('密码', { exact: true }).fill(ADMIN_PW);
    await page.getByLabel('确认密码').fill(ADMIN_PW);
    await shot('setup');
    await page.getByRole('button', { name: '创建管理员并登录' }).click();
    await page.getByTestId('screen-title').filter({ hasText: '工作台' }).waitFor();
    await shot('workbench-admin');
    await open('9', '用户管理');
    await createUser('wang', '王扫描', OP_INITIAL, '扫描员');
    await createUser('li', '李质检', QA_INITIAL, '质检员');
    await shot('users');
    await signOut(page);

    // The operator signs in and registers the enterprise on the demo file by its USCC, and a volume.
    await shot('login');
    await firstSignIn('wang', OP_INITIAL, OP_PW);
    await open('2', '企业/案卷登记');
    const search = page.getByTestId('enterprise-search');
    await search.fill(DEMO.uscc);
    await expect.poll(() => page.getByTestId('code-check').textContent()).toContain('统一社会信用代码有效');
    await search.press('Enter'); // not found → the new-enterprise form with the code filled in
    await expect.poll(() => page.getByTestId('enterprise-code').inputValue()).toBe(DEMO.uscc);
    await page.getByTestId('enterprise-name').fill(DEMO.name);
    await shot('register-enterprise');
    await page.getByTestId('create-enterprise').click();
    await page.getByTestId('enterprise-card').waitFor();
    const preview = page.getByTestId('archive-no-preview');
    await expect.poll(() => preview.textContent()).toMatch(/^\d{6}-\d{4}-SL-000001$/);
    archiveNo = (await preview.textContent()) ?? '';
    await page.getByTestId('volume-date').fill('20260301');
    await page.getByLabel('页数（如已知）').fill('9');
    await page.getByTestId('create-volume').click();
    await page.getByRole('cell', { name: archiveNo }).waitFor();
    await shot('register-volume');

    // 扫描: the 9 demo pages of the enterprise's file into the volume, every one processed, then scanning
    // is finished. (A 10th page would be the next enterprise's application form: the form-reading check
    // refuses that volume — tests/verification/form-reading.test.ts proves it on real scans.)
    await open('3', '扫描');
    await expect.poll(() => page.getByTestId('device-select').textContent()).toContain('演示扫描仪');
    await page.getByTestId('volume-select').click();
    await page.locator('.ant-select-item-option').filter({ hasText: archiveNo }).click();
    await expect.poll(() => page.getByTestId('volume-title').textContent()).toBe(archiveNo);
    await page.getByTestId('page-count').fill('9');
    await page.getByTestId('screen-title').click(); // out of the fields: Enter starts the scan
    await page.keyboard.press('Enter');
    await page.getByTestId('scan-progress').waitFor();
    await expect
      .poll(() => page.getByTestId('scan-count').textContent(), { timeout: 120_000 })
      .toContain('已保存 9 页');
    const thumbs = page.getByTestId('thumb-grid').locator('img[data-page-image]');
    await expect.poll(() => thumbs.count(), { timeout: 60_000 }).toBe(9);
    await page.getByTestId('page-viewer').locator('img').waitFor();
    await shot('scan-9-pages');
    await page.getByTestId('finish-scan').click();
    await expect.poll(() => page.getByTestId('finish-scan').count()).toBe(0);
    await shot('scan-finished');

    // 著录标引: the title OCR suggests the documents; all are accepted with A, the articles get a
    // (wrong) title typed in, the rules pass, and the volume goes to QA.
    // Straight after scanning, 著录标引 (from the menu) opens the volume just scanned.
    await open('4', '著录标引');
    await expect.poll(() => page.getByTestId('catalogue-volume').textContent()).toContain(archiveNo);
    await expect.poll(() => page.getByTestId('strip-tile').count()).toBe(9);
    await expect
      .poll(() => page.getByTestId('ocr-status').textContent(), { timeout: 90_000, interval: 500 })
      .toContain('标题已识别');
    await expect.poll(() => page.getByTestId('doc-suggestion').count()).toBeGreaterThan(1);
    await page.mouse.move(700, 880);
    await shot('catalogue-suggestions');
    await page.locator('.catalogue-workspace').focus();
    await page.keyboard.press('a');
    const rows = page.getByTestId('doc-row');
    await expect.poll(() => rows.count()).toBeGreaterThan(1);
    expect(await rows.nth(0).getByTestId('doc-type').textContent()).toContain('申请书');
    expect(await rows.nth(1).getByTestId('doc-type').textContent()).toContain('章程');
    await page.keyboard.press('j');
    await page.keyboard.press('j'); // page 3, in the articles
    await page.keyboard.press('e');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('doc-1-title');
    await page.keyboard.press('Control+a');
    await page.keyboard.type('公司章程（草稿）');
    await page.keyboard.press('Enter');
    // A resolution needs its responsible body; when the title OCR did not read one, it is typed in.
    const resolution = rows.filter({ hasText: '股东会决议' }).locator('input[id$="-responsible"]');
    if ((await resolution.count()) > 0 && (await resolution.inputValue()) === '') {
      await expect.poll(() => page.getByTestId('rule-issues').textContent()).toContain('须填写责任者');
      await resolution.fill(`${DEMO.name}股东会`);
      await resolution.press('Enter');
    }
    await expect.poll(() => page.getByTestId('rule-issues').textContent()).toContain('著录规则检查通过');
    await shot('catalogue-drafted');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.getByTestId('catalogue-notice').textContent()).toContain('已提交图文校核');
    expect(await page.getByTestId('catalogue-state').textContent()).toBe('已著录');
    await shot('catalogue-finished');
    await signOut(page);

    // 图文校核: QA passes the application form, marks the articles' title wrong; the volume goes back.
    await firstSignIn('li', QA_INITIAL, QA_PW);
    await open('5', '图文校核');
    const openReview = page.locator('[data-testid^="review-open-"]');
    await expect.poll(() => openReview.count()).toBe(1);
    await shot('verify-queue');
    await openReview.click();
    const targets = await reviewTargets(page, 120_000);
    expect(await targets.count()).toBeGreaterThan(2);
    await passApplicationForm(page, targets);
    await page.mouse.move(700, 880);
    await shot('verify-review');
    await rejectArticlesTitle(page, targets, (step) => shot(`verify-${step}`));
    await signOut(page);

    // The operator sees it back on the workbench, reads why in 著录标引, fixes the title, resubmits.
    await signIn('wang', OP_PW);
    await open('1', '工作台');
    await page.getByText('已退回').first().waitFor();
    await shot('workbench-rejected');
    await open('4', '著录标引');
    const picked = await page.getByTestId('catalogue-volume').textContent();
    if (!picked?.includes(archiveNo)) {
      await page.getByTestId('catalogue-volume').click();
      await page.locator('.ant-select-item-option').filter({ hasText: archiveNo }).click();
    }
    await showRejection(page);
    await page.mouse.move(700, 880);
    await shot('catalogue-rejected');
    await fixTitleAndResubmit(page);
    await shot('catalogue-resubmitted');
    await signOut(page);

    // QA passes every target, the earlier rejection shown beside the review.
    await signIn('li', QA_PW);
    await open('5', '图文校核');
    await openReview.click();
    await passEveryTarget(page);
    await shot('verify-all-passed');
    await page.getByTestId('review-finish').click();
    await expect.poll(() => page.getByTestId('verify-outcome').textContent()).toContain('校核通过');
    await shot('verify-passed');
    await signOut(page);

    // 标签打印: the operator makes the volume's label PDF.
    await signIn('wang', OP_PW);
    await open('6', '标签打印');
    const labelRow = page.getByRole('row').filter({ hasText: archiveNo });
    await labelRow.locator('.ant-checkbox-input').check();
    await page.getByTestId('make-labels').click();
    await page.getByTestId('labels-done').waitFor();
    await shot('labels');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('labels-download').click(),
    ]);
    expect(download.suggestedFilename()).toBe(`labels-${archiveNo}.pdf`);
    const pdf = path.join(dataDir, 'labels.pdf');
    await download.saveAs(pdf);
    expect(fs.readFileSync(pdf).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const { stdout } = await run('pdftotext', [pdf, '-']);
    expect(stdout).toContain(archiveNo);

    // 上传队列: the verified volume is queued; no store is configured, so it waits, shown as queued.
    await open('7', '上传队列');
    await page.getByTestId('outbox-volumes').click();
    await page.locator('.ant-select-item-option').filter({ hasText: archiveNo }).click();
    await page.keyboard.press('Escape');
    await page.getByTestId('outbox-enqueue').click();
    await expect
      .poll(() => page.getByTestId('outbox-notice').textContent())
      .toContain('已加入上传队列：1 卷');
    const outRow = page.locator('tr').filter({ hasText: archiveNo });
    await expect.poll(() => outRow.textContent()).toContain('排队中');
    await shot('outbox-queued');
    await open('1', '工作台');
    await shot('workbench-end');
    expect(consoleErrors.join('\n')).toBe('');
  }, 300_000);
});
