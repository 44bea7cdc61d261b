import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * The 图文校核 round trip both browser flows make (tests/e2e/full-flow.test.ts and
 * catalogue-verify.test.ts): QA passes the application form, marks the articles' title wrong and the
 * volume goes back; the operator reads why in 著录标引 and fixes the title; QA passes every target.
 * The articles were catalogued as 公司章程（草稿） (document 2) for QA to find.
 */
export const WRONG_TITLE_NOTE = '题名应为“公司章程”，不含“草稿”';

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
  await page.keyboard.press('p');
  await expect.poll(() => targets.nth(0).getAttribute('data-verdict')).toBe('pass');
  await expect.poll(() => page.getByTestId('found-name').textContent()).toBe('已找到企业名称');
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
  await expect.poll(() => targets.nth(1).getAttribute('data-verdict')).toBe('problem');
  await page.keyboard.press('Control+Enter');
  await expect
    .poll(() => page.getByTestId('verify-outcome').textContent())
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
  await expect.poll(() => page.getByTestId('catalogue-notice').textContent()).toContain('已提交图文校核');
}

/** The second review: the earlier rejection is shown beside it, and every target passes. */
export async function passEveryTarget(page: Page): Promise<void> {
  await page.getByTestId('review-targets').waitFor();
  await expect.poll(() => page.getByTestId('rejection').textContent()).toContain('题名错误');
  const targets = page.getByTestId('review-target');
  const n = await targets.count();
  for (let i = 0; i < n; i++) {
    await page.keyboard.press('p');
    await expect.poll(() => targets.nth(i).getAttribute('data-verdict')).toBe('pass');
  }
}
