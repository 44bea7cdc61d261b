import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { demoEnterprise } from '../../native/demo/enterprise';
import { seededRandom } from '../../native/demo/random';

/**
 * The 图文校核 round trip both browser flows make (tests/e2e/full-flow.test.ts and
 * catalogue-verify.test.ts): QA passes the application form, marks the articles' title wrong and the
 * volume goes back; the operator reads why in 著录标引 and fixes the title; QA passes every target.
 * The articles were catalogued as 公司章程（草稿） (document 2) for QA to find. Also the people both
 * flows sign in as, and signing in and out.
 */
export const WRONG_TITLE_NOTE = '题名应为“公司章程”，不含“草稿”';

/** How long a decision may take to show: generous, as the machine may be loaded (polling stops early). */
const SAVED = { timeout: 30_000 };

/** The passwords of the people both flows sign in as: 赵管理 (admin), 王扫描 (wang), 李质检 (li). */
export const ADMIN_PW = 'Zhao#2026pw';
export const OP_PW = 'Scan#2026op';
export const QA_PW = 'Check#2026qa';

/** The enterprise the demo scanner prints on its first file with seed 1 (its default seed). */
export const DEMO = demoEnterprise(seededRandom(1));

/** Fills the sign-in form once it shows and sends it; what comes next is for the caller to wait for. */
export async function submitSignIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByTestId('login-title').waitFor();
  await page.getByLabel('用户名').fill(username);
  await page.locator('input#password').fill(password);
  await page.keyboard.press('Enter');
}

/** Signs out through the user menu, back to the sign-in form. */
export async function signOut(page: Page): Promise<void> {
  // The menu opens on the pointer entering it: after a sign-in the pointer may already be resting there.
  await page.mouse.move(700, 600);
  await page.getByTestId('user-menu').hover();
  await page.getByText('退出登录').click();
  await page.getByTestId('login-title').waitFor();
}

/** After 打开校核: waits until the whole pages are read (the code and name checks need them). */
export async function reviewTargets(page: Page, ocrTimeout: number): Promise<Locator> {
  await page.getByTestId('review-targets').waitFor();
  await expect
    .poll(() => page.getByTestId('ocr-pending').count(), { timeout: ocrTimeout, interval: 1000 })
    .toBe(0);
  return page.getByTestId('review-target');
}

/** Target 1 (the application form) passes; target 2 (the articles) then shows the enterprise's name. */
export async function passApplicationForm(page: Page, targets: Locator): Promise<void> {
  await page.getByTestId('ocr-text').waitFor();
  await underThrottle(page, async () => {
    await page.keyboard.press('p');
    await expect.poll(() => targets.nth(0).getAttribute('data-verdict'), SAVED).toBe('pass');
  });
  await expect.poll(() => page.getByTestId('found-name').textContent(), SAVED).toBe('已找到企业名称');
}

/** Marks the articles' title wrong (题名错误 with a note) and finishes: the volume goes back. */
export async function rejectArticlesTitle(
  page: Page,
  targets: Locator,
  shot: (step: 'problem' | 'rejected') => Promise<void>,
): Promise<void> {
  await page.keyboard.press('x');
  const modal = page.getByTestId('problem-modal');
  await page.locator('.ant-select-item-option').filter({ hasText: '题名错误' }).click();
  await page.getByTestId('problem-note').fill(WRONG_TITLE_NOTE);
  await shot('problem');
  await page.getByRole('button', { name: '记录问题', exact: true }).click();
  await modal.waitFor({ state: 'hidden' });
  await expect.poll(() => targets.nth(1).getAttribute('data-verdict'), SAVED).toBe('problem');
  await page.keyboard.press('Control+Enter');
  await expect
    .poll(() => page.getByTestId('verify-outcome').textContent(), SAVED)
    .toContain('已退回扫描员（1 个问题）');
  await shot('rejected');
}

/** In 著录标引 at the rejected volume: the reason is shown and leads to document 2's first page. */
export async function showRejection(page: Page): Promise<Locator> {
  const rejection = page.getByTestId('rejection');
  await expect.poll(() => rejection.textContent()).toContain('题名错误');
  expect(await rejection.textContent()).toContain('不含“草稿”');
  await rejection.getByRole('button', { name: '第 2 件' }).click();
  return rejection;
}

/** The operator retypes document 2's title and resubmits with Ctrl+Enter. */
export async function fixTitleAndResubmit(page: Page): Promise<void> {
  await page.locator('.catalogue-workspace').focus();
  await page.keyboard.press('e');
  await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('doc-1-title');
  await page.keyboard.press('Control+a');
  await page.keyboard.type('公司章程');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Control+Enter');
  await expect
    .poll(() => page.getByTestId('catalogue-notice').textContent(), SAVED)
    .toContain('已提交图文校核');
}

/**
 * The second review: the earlier rejection is shown beside it, and every target passes — with P pressed
 * for all of them while the engine's answer to the first decision is held back, as an operator types
 * ahead of a slow machine: the keys wait for that decision and are applied in order, none is dropped.
 * Holding the answer makes this the same on an idle machine and a loaded one.
 */
export async function passEveryTarget(page: Page): Promise<void> {
  await page.getByTestId('review-targets').waitFor();
  await expect.poll(() => page.getByTestId('rejection').textContent(), SAVED).toContain('题名错误');
  const targets = page.getByTestId('review-target');
  const n = await targets.count();
  let release = (): void => undefined;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let first = true;
  // The engine saves the decision at once; only its answer reaches the page late.
  await page.route('**/api/qa.decide', async (route) => {
    const holdThis = first;
    first = false;
    const response = await route.fetch();
    if (holdThis) await held;
    await route.fulfill({ response });
  });
  await underThrottle(page, async () => {
    await page.keyboard.press('p');
    await page.getByTestId('decide-pass').and(page.locator('.ant-btn-loading')).waitFor();
    for (let i = 1; i < n; i++) await page.keyboard.press('p');
    await expect.poll(() => page.getByTestId('queued-keys').textContent(), SAVED).toContain(`${n - 1}`);
    expect(await targets.nth(0).getAttribute('data-verdict')).toBe('open');
    release();
    for (let i = 0; i < n; i++) {
      await expect.poll(() => targets.nth(i).getAttribute('data-verdict'), SAVED).toBe('pass');
    }
  });
  await page.getByTestId('queued-keys').waitFor({ state: 'detached' });
  await page.unroute('**/api/qa.decide');
}

/**
 * Runs QA's key presses with Chromium's CPU slowed down `E2E_CPU_THROTTLE` times (e.g. 10), to show
 * they hold on a loaded machine; without the variable, at full speed.
 */
async function underThrottle(page: Page, steps: () => Promise<void>): Promise<void> {
  const rate = Number(process.env['E2E_CPU_THROTTLE'] ?? '1');
  if (!(rate > 1)) return steps();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
  try {
    await steps();
  } finally {
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    await cdp.detach();
  }
}

/**
 * Runs `during` while the engine's answers to requests matching `pattern` are held back (the engine
 * does the work at once; only its reply reaches the page late), then lets them through.
 */
export async function holdReplies(page: Page, pattern: string, during: () => Promise<void>): Promise<void> {
  let release = (): void => undefined;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const answered: Promise<void>[] = [];
  await page.route(pattern, (route) => {
    const answer = (async () => {
      const response = await route.fetch();
      await held;
      await route.fulfill({ response });
    })();
    answered.push(answer);
    return answer;
  });
  try {
    await during();
  } finally {
    release();
    await Promise.all(answered);
    await page.unroute(pattern);
  }
}
