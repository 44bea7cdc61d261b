import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { regNoCheckDigit, usccCheckChar } from '../../core/codes';
import { engineWithUsers, USER_PW } from '../support/engine-users';
import { NEW_USCC, OLD_NAME, OLD_REG_NO, regNoVolumeShowingUscc } from '../support/regno-uscc';
import { OPERATOR } from '../support/repos';
import { openTestWorkstation } from '../support/transfer-fixtures';
import { CHROMIUM, closeAll, openBrowser, startBrowserMode } from './browser';
import type { Started } from './workstation-process';

/**
 * 补录为统一社会信用代码 in Chromium against the real browser-mode workstation: a 注册号-only enterprise
 * whose catalogued volume's application form prints its new USCC. In 图文校核 the finding's button opens
 * the confirmation (name, 注册号, USCC, region hint) and Enter records it, which confirms the page; in
 * 登记 a second enterprise's USCC is typed by hand. Screenshots in tmp/s6/.
 */
const SHOTS = path.join(import.meta.dirname, '..', '..', 'tmp', 's6');
const REG_NO = OLD_REG_NO;
const NAME = OLD_NAME;
const REG_NO_2 = `35020010000002${regNoCheckDigit('35020010000002')}`;

/** The dialog's opening animation has ended (a screenshot during it shows it faded or not at all). */
async function settled(dialog: Locator): Promise<void> {
  await dialog.evaluate((el) => Promise.all(el.getAnimations({ subtree: true }).map((a) => a.finished)));
}

let ws: Started;
let context: BrowserContext;
let page: Page;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-e2e-uscc-'));
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-chromium-uscc-'));

describe.skipIf(!fs.existsSync(CHROMIUM))('补录统一社会信用代码 from a finding and by hand', () => {
  beforeAll(async () => {
    const w = openTestWorkstation(dataDir);
    // The real clock for users and sessions: the browser signs in now.
    const t = await engineWithUsers({ db: w.data.db, dataDir }, { li: ['qa', 'technician'] });
    try {
      w.repos.enterprises.create({ regNo: REG_NO_2, name: '厦门二号商行', bureauCode: '350200' }, OPERATOR);
      await regNoVolumeShowingUscc(w, (input) => t.ok('catalogue.finish', input, t.as.operator));
    } finally {
      await t.engine.close();
      w.data.close();
    }
    ws = await startBrowserMode(dataDir);
    ({ context, page } = await openBrowser(profile, { width: 1366, height: 800 }, { timeout: 20_000 }));
    fs.mkdirSync(SHOTS, { recursive: true });
  }, 240_000);

  afterAll(async () => {
    await closeAll(context, ws, [dataDir, profile]);
  });

  it('图文校核: the finding offers it, the dialog says what and whose, Enter records it', async () => {
    await page.goto(ws.url);
    await page.getByTestId('login-title').waitFor();
    await page.getByLabel('用户名').fill('li');
    await page.locator('input#password').fill(USER_PW);
    await page.keyboard.press('Enter');
    await page.getByTestId('screen-title').filter({ hasText: '工作台' }).waitFor();
    await page.keyboard.press('Alt+5');
    await page.getByTestId('screen-title').filter({ hasText: '图文校核' }).waitFor();
    await page.locator('[data-testid^="review-open-"]').first().click();
    const button = page.getByTestId('record-uscc');
    await button.waitFor();
    // Keyboard: the button takes focus and Enter opens the confirmation.
    await button.focus();
    await page.keyboard.press('Enter');
    const dialog = page.locator('.ant-modal').filter({ has: page.getByTestId('record-uscc-code') });
    await dialog.waitFor();
    const said = (await dialog.textContent()) ?? '';
    for (const part of [NAME, REG_NO, NEW_USCC, '与注册号的 350200 相符']) expect(said).toContain(part);
    await settled(dialog);
    await page.screenshot({ path: path.join(SHOTS, 'verify-record-uscc-dialog.png') });
    // P inside the dialog passes nothing.
    await page.keyboard.press('p');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    // Recorded: the finding and its button are gone.
    await expect.poll(() => button.count()).toBe(0);
    expect(await page.locator('[data-verdict="pass"]').count()).toBe(0);
  }, 120_000);

  it('登记: an enterprise known only by its 注册号 gets its USCC typed by hand', async () => {
    await page.keyboard.press('Alt+2');
    await page.getByTestId('screen-title').filter({ hasText: '企业/案卷登记' }).waitFor();
    await page.getByTestId('enterprise-search').fill(REG_NO_2);
    await page.getByTestId('enterprise-search').press('Enter');
    await page.getByTestId('enterprise-card').filter({ hasText: '厦门二号商行' }).waitFor();
    // A code another enterprise now holds is refused, naming it.
    await page.getByTestId('uscc-typed').fill(NEW_USCC);
    await page.getByTestId('uscc-typed').press('Enter');
    const dialog = page.locator('.ant-modal').filter({ has: page.getByTestId('record-uscc-code') });
    await dialog.waitFor();
    await dialog.locator('.ant-btn-primary').click();
    await expect
      .poll(() => page.getByTestId('record-uscc-error').textContent())
      .toContain(`已属于本系统中的另一企业“${NAME}”`);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    // 泉州's division on a 厦门 注册号, typed in lower case: the dialog warns (Chinese, then English),
    // Enter records it.
    const code = `91350500MA2YJ1XR9${usccCheckChar('91350500MA2YJ1XR9')}`;
    await page.getByTestId('uscc-typed').fill(code.toLowerCase());
    await page.getByTestId('uscc-typed').press('Enter');
    await dialog.waitFor();
    expect(await page.getByTestId('record-uscc-region').textContent()).toContain('不符（迁移后赋码？）');
    await settled(dialog);
    await page.screenshot({ path: path.join(SHOTS, 'register-record-uscc-dialog.png') });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByTestId('uscc-typed').press('Enter');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('Record as the USCC');
    expect(await page.getByTestId('record-uscc-region').textContent()).toContain('(issued after a move?)');
    await settled(dialog);
    await page.screenshot({ path: path.join(SHOTS, 'register-record-uscc-dialog-en.png') });
    await page.keyboard.press('Enter');
    await page.getByTestId('recorded-uscc').filter({ hasText: code }).waitFor();
  }, 120_000);
});
