import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepos } from '../../db/repos';
import { openDataDir } from '../../workstation/data-dir';
import { ADMIN, OPERATOR, QA, USCC_A, USCC_B } from '../support/repos';
import { scannedVolume } from '../support/scanned-volume';
import { submitSignIn } from './qa-steps';
import { CHROMIUM, closeAll, openBrowser, startBrowserMode } from './browser';
import type { Started } from './workstation-process';

/**
 * 著录标引's volume picker on a workstation with more than 500 volumes waiting, in Chromium against the
 * real browser-mode workstation: the one scanned last opens, the list says how many it does not show,
 * and typed text finds any of them on the engine; 标签打印 likewise.
 */
const PASSWORD = 'Picker#2026pw';
const WAITING = 520;

let ws: Started;
let context: BrowserContext;
let page: Page;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-e2e-picker-'));
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-chromium-picker-'));

describe.skipIf(!fs.existsSync(CHROMIUM))('著录标引: the volume picker with more than 500 waiting', () => {
  beforeAll(async () => {
    // An operator, 520 scanned volumes of one enterprise, then one of another scanned last.
    const data = openDataDir(dataDir);
    const repos = createRepos(data.db);
    await repos.users.create(
      { username: 'wang', displayName: '王扫描', password: PASSWORD, roles: ['operator'] },
      ADMIN,
      { mustChangePassword: false },
    );
    const older = { uscc: USCC_A, name: '厦门测试有限公司', bureau: '350200' };
    data.db.transaction(() => {
      for (let i = 1; i <= WAITING; i++) scannedVolume(repos, { ...older, serial: i });
    })();
    // A later clock tick than every backlog change: updated_at orders the list.
    await new Promise((r) => setTimeout(r, 20));
    scannedVolume(repos, { uscc: USCC_B, name: '漳州鹭岛新材料有限公司', bureau: '350200', serial: 900 });
    // One verified (catalogued by the operator, passed by QA), for 上传队列's picker.
    const verified = scannedVolume(repos, {
      uscc: USCC_B,
      name: '漳州鹭岛新材料有限公司',
      bureau: '350200',
      serial: 901,
    });
    repos.volumes.transition(verified, 'catalogued', OPERATOR);
    repos.volumes.transition(verified, 'verified', QA);
    data.close();

    ws = await startBrowserMode(dataDir);
    ({ context, page } = await openBrowser(profile, { width: 1366, height: 900 }, { timeout: 20_000 }));
  }, 240_000);

  afterAll(async () => {
    await closeAll(context, ws, [dataDir, profile]);
  });

  it('opens the volume scanned last, says how many are not listed, and finds an old one by typed text', async () => {
    await page.goto(ws.url);
    await submitSignIn(page, 'wang', PASSWORD);
    await page.getByTestId('screen-title').filter({ hasText: '工作台' }).waitFor();

    await page.keyboard.press('Alt+4');
    await page.getByTestId('screen-title').filter({ hasText: '著录标引' }).waitFor();
    const picker = page.getByTestId('catalogue-volume');
    await expect.poll(() => picker.textContent()).toContain('350200-2026-SL-000900');

    await picker.click();
    const hint = page.getByTestId('volume-picker-hint');
    await hint.waitFor();
    expect(await hint.textContent()).toMatch(/还有 \d+ 卷未显示/);
    // The oldest is beyond the list; typing part of its 档号 asks the engine.
    await page.keyboard.type('SL-000001');
    const oldest = page.locator('.ant-select-item-option').filter({ hasText: '350200-2026-SL-000001' });
    await oldest.waitFor();
    expect(await hint.count()).toBe(0);
    await oldest.click();
    await expect.poll(() => picker.textContent()).toContain('350200-2026-SL-000001');
    await expect.poll(() => new URL(page.url()).search).toMatch(/volume=1\b/);
  });

  it('标签打印 lists the latest first, says how many it leaves out, and its search box finds the oldest', async () => {
    await page.keyboard.press('Alt+6');
    await page.getByTestId('screen-title').filter({ hasText: '标签打印' }).waitFor();
    // 522 printable: the backlog, the one scanned last and the verified one.
    await page.getByRole('cell', { name: '350200-2026-SL-000901' }).waitFor();
    expect(await page.getByTestId('volume-picker-hint').textContent()).toContain(
      `还有 ${WAITING + 2 - 500} 卷未显示`,
    );
    await page.getByTestId('labels-search').locator('input').fill('SL-000001');
    await page.getByRole('cell', { name: '350200-2026-SL-000001' }).waitFor();
    await expect.poll(() => page.locator('.ant-table-tbody tr.ant-table-row').count()).toBe(1);
    expect(await page.getByTestId('volume-picker-hint').count()).toBe(0);
  });

  it('上传队列 finds a verified volume by typed text and keeps it chosen', async () => {
    await page.keyboard.press('Alt+7');
    await page.getByTestId('screen-title').filter({ hasText: '上传队列' }).waitFor();
    const picker = page.getByTestId('outbox-volumes');
    await picker.click();
    await page.keyboard.type('鹭岛');
    await page.locator('.ant-select-item-option').filter({ hasText: '350200-2026-SL-000901' }).click();
    await page.keyboard.press('Escape');
    await expect.poll(() => picker.textContent()).toContain('350200-2026-SL-000901');
    expect(await page.getByTestId('outbox-enqueue').isEnabled()).toBe(true);
  });
});
