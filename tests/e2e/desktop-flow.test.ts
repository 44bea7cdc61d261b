import fs from 'node:fs';
import path from 'node:path';
import { type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM, closeAll, openBrowser, startBrowserMode } from './browser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP } from '../../core/contracts';
import { signOut } from './qa-steps';
import { ROOT, type Started } from './workstation-process';
import os from 'node:os';

/**
 * End to end, in browser mode: the real `dangan start --browser` (engine, SQLite file, built UI) driven
 * by Debian's Chromium. Screenshots of every screen go to tmp/e2e/ (gitignored) for people to look at.
 */
const SHOTS = path.join(ROOT, 'tmp', 'e2e');
/** Screenshots of the UI fixes for people to look at. */
const UI_SHOTS = path.join(ROOT, 'tmp', 'h-ui');
const USCC = '91350200776049653A';
/** A second enterprise, in 福州 (division 350100), that the administrator registers. */
const USCC_FUZHOU = '91350100MA2XY40A97';
const ADMIN_PW = 'Zhao#2026pw';
/** The initial password the administrator gives wang, and the one wang chooses at first sign-in. */
const OP_PW = 'Scan#2026op';
const OP_OWN_PW = 'Scan#Mine2026';

let ws: Started;
let context: BrowserContext;
let page: Page;
/** The browser console's errors (a missing favicon shows up here as a 404). */
const consoleErrors: string[] = [];
// Not tempDir(): that one is removed after each test, and this flow spans several.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-e2e-'));
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-chromium-'));

async function shot(name: string): Promise<void> {
  await page.waitForTimeout(250); // let antd's transitions settle so the picture shows the end state
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

describe.skipIf(!fs.existsSync(CHROMIUM))('desktop app in browser mode', () => {
  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    fs.mkdirSync(UI_SHOTS, { recursive: true });
    ws = await startBrowserMode(dataDir);
    ({ context, page } = await openBrowser(
      profile,
      { width: 1366, height: 800 },
      { timeout: 10_000, onConsoleError: (text) => consoleErrors.push(text) },
    ));
  }, 120_000);

  afterAll(() => closeAll(context, ws, [dataDir, profile]));

  it('refuses to work without the token in the address', async () => {
    const bare = await context.newPage();
    await bare.goto(ws.origin);
    await expect.poll(() => bare.textContent('body')).toContain('缺少访问令牌');
    await bare.screenshot({ path: path.join(SHOTS, '00-no-token.png') });
    await bare.close();
  });

  it('first-run setup creates the administrator (no default password)', async () => {
    await page.goto(ws.url);
    await page.getByTestId('setup-title').waitFor();
    expect(page.url()).not.toContain('token='); // taken out of the address bar
    await page.getByLabel('用户名').fill('admin');
    // Nothing typed yet: no rule is ticked (an empty password "does not contain the username" too).
    const rule = (label: string) => page.locator('.password-rules li').filter({ hasText: label });
    expect(await rule('不得包含用户名').getAttribute('data-state')).toBe('pending');
    expect(await page.locator('.password-rules li[data-state="met"]').count()).toBe(0);
    await shot('01a-setup-empty-password');
    await page.getByLabel('姓名').fill('赵管理');
    await page.getByLabel('密码', { exact: true }).fill('weakpass');
    // Polled: the rules follow the typing at React's next render, not within fill().
    await expect.poll(() => rule('不得包含用户名').getAttribute('data-state')).toBe('met');
    await expect.poll(() => rule('包含大写字母').getAttribute('data-state')).toBe('unmet');
    // Failed is red ✗, passed green ✓, not yet checked grey: a failed rule never looks unchecked.
    const shown = (label: string, type: string, icon: string) =>
      rule(label).locator(`.ant-typography-${type} .anticon-${icon}`).count();
    expect(await shown('包含大写字母', 'danger', 'close-circle')).toBe(1);
    expect(await shown('不得包含用户名', 'success', 'check-circle')).toBe(1);
    await shot('01-setup-weak-password');
    // The username is compared without regard to case, and the rule says so.
    await page.getByLabel('密码', { exact: true }).fill('ADMIN#2026pw');
    await expect.poll(() => rule('不得包含用户名').getAttribute('data-state')).toBe('unmet');
    expect(await rule('不得包含用户名').textContent()).toContain('不区分大小写');
    expect(await shown('不得包含用户名', 'danger', 'close-circle')).toBe(1);
    await page.screenshot({ path: path.join(UI_SHOTS, 'password-rules.png') });
    await page.getByLabel('密码', { exact: true }).fill(ADMIN_PW);
    await page.getByLabel('确认密码').fill(ADMIN_PW);
    await shot('02-setup');
    await page.getByRole('button', { name: '创建管理员并登录' }).click();
    await page.getByTestId('screen-title').filter({ hasText: '工作台' }).waitFor();
    await shot('03-workbench-admin');
    // The page's icon is served (no 404 in the console).
    const icon = await page.locator('link[rel="icon"]').getAttribute('href');
    expect(icon).toBeTruthy();
    const res = await page.request.get(new URL(icon ?? '', page.url()).href);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toContain('image/svg+xml');
    expect(consoleErrors).toEqual([]);
  });

  it('Alt+digit opens every screen of the menu, each under its own title', async () => {
    const screens: readonly [string, string][] = [
      ['2', '企业/案卷登记'],
      ['3', '扫描'],
      ['4', '著录标引'],
      ['5', '图文校核'],
      ['6', '标签打印'],
      ['7', '上传队列'],
      ['8', '统计'],
      ['9', '用户管理'],
      ['0', '系统维护'],
      ['1', '工作台'],
    ];
    for (const [key, title] of screens) {
      await page.keyboard.press(`Alt+${key}`);
      await page.getByTestId('screen-title').filter({ hasText: title }).waitFor();
      await expect.poll(() => page.locator('.ant-menu-item-selected').textContent()).toContain(title);
      expect(await page.locator('.ant-menu-item-disabled').count()).toBe(0);
    }
    expect(consoleErrors).toEqual([]);
  });

  it('the administrator registers an enterprise, and is told how to register volumes', async () => {
    await page.keyboard.press('Alt+2');
    await page.getByTestId('screen-title').filter({ hasText: '企业/案卷登记' }).waitFor();
    const search = page.getByTestId('enterprise-search');
    const code = page.getByTestId('enterprise-code');
    // A code typed into an empty new-enterprise form moves 登记机关 to the code's bureau.
    await page.getByTestId('new-enterprise').click();
    await code.fill(USCC_FUZHOU);
    await expect.poll(() => page.getByTestId('enterprise-form').textContent()).toContain('福州市（350100）');
    await search.fill(USCC_FUZHOU);
    await search.press('Enter'); // at once, before the as-you-type check has answered
    await expect.poll(() => code.inputValue()).toBe(USCC_FUZHOU);
    const form = page.getByTestId('enterprise-form');
    await expect.poll(() => form.textContent()).toContain('福州市（350100）');
    await expect.poll(() => page.getByTestId('code-check').textContent()).toContain('福州市');
    const errors = form.locator('.ant-form-item-explain-error');
    await page.waitForTimeout(300);
    expect(await errors.count()).toBe(0); // nothing is wrong before the operator touched anything
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('name'); // code known
    await shot('08a-register-enter-new-enterprise');
    await page.getByTestId('new-enterprise').click();
    await page.waitForTimeout(300);
    expect(await code.inputValue()).toBe(USCC_FUZHOU);
    expect(await errors.count()).toBe(0);
    await page.getByTestId('create-enterprise').click(); // submitted empty: now the name is asked for
    await expect.poll(() => errors.textContent()).toContain('请输入企业名称');
    await page.getByTestId('enterprise-name').fill('福州闽江电子有限公司');
    await page.getByTestId('create-enterprise').click();
    await page.getByTestId('enterprise-card').waitFor();
    await expect
      .poll(() => page.getByTestId('needs-operator').textContent())
      .toContain('请在「用户管理」中为您的账号添加扫描员角色，或用扫描员账号登录');
    await shot('08b-register-admin-needs-operator');
  });

  it('the administrator creates a scan operator in 用户管理', async () => {
    await page.keyboard.press('Alt+9');
    await page.getByTestId('screen-title').filter({ hasText: '用户管理' }).waitFor();
    await page.getByTestId('new-user').click();
    await page.getByTestId('new-username').fill('wang');
    await page.getByTestId('new-displayname').fill('王扫描');
    await page.getByTestId('new-password').fill(OP_PW);
    await shot('04-users-new');
    await page.getByRole('button', { name: '创建', exact: true }).click();
    await page.getByRole('cell', { name: 'wang', exact: true }).waitFor();
    await expect
      .poll(() => page.getByRole('row').filter({ hasText: 'wang' }).textContent())
      .toContain('待修改初始密码');
    await shot('05-users');
    // The password lifetime is a system setting: 系统维护 → 安全设置, linked from here.
    await page.getByTestId('password-policy-link').click();
    await page.getByTestId('screen-title').filter({ hasText: '系统维护' }).waitFor();
    const lifetime = page.getByLabel('密码有效期（天）');
    await lifetime.fill('60');
    await page.getByTestId('password-policy').getByRole('button', { name: '保存' }).click();
    await expect.poll(() => page.locator('.ant-message').textContent()).toContain('密码有效期已保存');
    await page.screenshot({ path: path.join(UI_SHOTS, 'maintenance-security.png') });
    await page.keyboard.press('Alt+9');
    await page.getByTestId('screen-title').filter({ hasText: '用户管理' }).waitFor();
    expect(await page.getByTestId('password-policy').count()).toBe(0);
    await signOut(page);
  });

  it('login refuses a wrong password with a clear message, then signs in', async () => {
    await page.getByLabel('用户名').fill('wang');
    await page.locator('input#password').fill('Wrong#pass1');
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await expect.poll(() => page.getByTestId('login-error').textContent()).toContain('用户名或密码错误');
    await shot('06-login-error');
    await page.locator('input#password').fill(OP_PW);
    await page.keyboard.press('Enter');
    // An initial password set by the administrator: 修改密码 first, with no way around it.
    await page.getByTestId('change-password-title').waitFor();
    expect(await page.getByTestId('change-password-reason').textContent()).toContain('请先修改初始密码');
  });

  it('the first sign-in with an initial password reaches nothing before the password is changed', async () => {
    await page.keyboard.press('Alt+2');
    await page.waitForTimeout(300);
    expect(await page.getByTestId('screen-title').count()).toBe(0);
    // Opening a screen's address directly (the session survives a reload) lands on 修改密码 again.
    await page.goto(`${ws.origin}/register`);
    await page.getByTestId('change-password-title').waitFor();
    expect(await page.getByTestId('screen-title').count()).toBe(0);
    // The engine refuses every other call of this session, whatever the UI does.
    const session = await page.evaluate(() => sessionStorage.getItem('dangan.session'));
    const res = await fetch(`${ws.origin}${HTTP.api}dashboard.get`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${ws.token}`,
        [HTTP.sessionHeader]: session ?? '',
      },
      body: '{}',
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'password.change-required' } });
    await shot('06b-change-initial-password');

    // The same password again is refused (history), then a new one is accepted and 工作台 opens.
    const fillChange = async (next: string) => {
      await page.getByLabel('当前密码').fill(OP_PW);
      await page.getByLabel('新密码', { exact: true }).fill(next);
      await page.getByLabel('确认新密码').fill(next);
      await page.getByRole('button', { name: '修改密码并继续' }).click();
    };
    await fillChange(OP_PW);
    await expect
      .poll(() => page.getByTestId('change-password-error').textContent())
      .toContain('新密码不能与最近 5 次使用过的密码相同');
    await fillChange(OP_OWN_PW);
    // Told it worked, and on to the address that was asked for, and from there anywhere.
    await page.getByTestId('screen-title').filter({ hasText: '企业/案卷登记' }).waitFor();
    await expect.poll(() => page.locator('.ant-message').textContent()).toContain('密码已修改');
    await page.screenshot({ path: path.join(UI_SHOTS, 'password-changed.png') });
    await page.keyboard.press('Alt+1');
    await page.getByTestId('screen-title').filter({ hasText: '工作台' }).waitFor();
    expect(await page.getByTestId('password-expiry').count()).toBe(0); // 90 days left: no warning
  });

  it('registers an enterprise by its USCC and creates a volume', async () => {
    await page.keyboard.press('Alt+2');
    await page.getByTestId('screen-title').filter({ hasText: '企业/案卷登记' }).waitFor();
    const search = page.getByTestId('enterprise-search');
    await search.fill('91350200776049653B');
    await expect.poll(() => page.getByTestId('code-check').textContent()).toContain('第 18 位');
    await shot('07-register-invalid-code');
    await search.fill(USCC);
    await expect.poll(() => page.getByTestId('code-check').textContent()).toContain('统一社会信用代码有效');
    await shot('08-register-valid-code');
    await search.press('Enter'); // nothing found → the new-enterprise form, code filled in
    await expect.poll(() => page.getByTestId('enterprise-code').inputValue()).toBe(USCC);
    expect(await page.getByTestId('enterprise-form').textContent()).toContain('厦门市（350200）');
    expect(await page.locator('.ant-form-item-explain-error').count()).toBe(0);
    await page.getByTestId('enterprise-name').fill('厦门鹭江贸易有限公司');
    await shot('09-register-new-enterprise');
    await page.getByTestId('create-enterprise').click();
    await page.getByTestId('enterprise-card').waitFor();
    // One name for a bureau everywhere: the card and the volume form's 登记机关 both say 厦门市.
    expect(await page.getByTestId('enterprise-card').textContent()).toContain('厦门市');
    await expect.poll(() => page.getByTestId('volume-bureau').textContent()).toContain('厦门市');
    await expect
      .poll(() => page.getByTestId('archive-no-preview').textContent())
      .toMatch(/^350200-\d{4}-SL-000001$/);
    // The 年度 follows the registration date: a 2024 registration is filed under 2024.
    await page.getByTestId('volume-date').fill('20240315');
    await expect
      .poll(() => page.getByTestId('archive-no-preview').textContent())
      .toBe('350200-2024-SL-000001');
    await page.getByTestId('create-volume').click();
    await page.getByRole('cell', { name: '350200-2024-SL-000001' }).waitFor();
    await expect.poll(() => page.getByTestId('archive-no-preview').textContent()).toMatch(/-SL-000002$/);
    await shot('10-register-volume');
    // The same type and date again: the duplicate-digitization warning.
    await page.getByTestId('volume-date').fill('20240315');
    await page.getByTestId('create-volume').click();
    await page.waitForTimeout(600);
    await shot('11-register-duplicate-warning');
    const dialog = page.getByRole('dialog').filter({ hasText: '可能重复数字化' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: '取消' }).click();
    await dialog.waitFor({ state: 'hidden' });
    // Again, this time with a reason: registered, and the override is audited by the engine.
    await page.getByTestId('create-volume').click();
    await dialog.waitFor();
    await page.getByTestId('duplicate-reason').fill('原卷缺页，补扫后另立案卷');
    await dialog.getByRole('button', { name: '确认登记' }).click();
    await page.getByRole('cell', { name: /350200-\d{4}-SL-000002/ }).waitFor();
    await shot('12-register-second-volume');
  });

  it("the workbench shows the new volume in the operator's queue, in both languages", async () => {
    await page.keyboard.press('Alt+1');
    await page.getByTestId('screen-title').filter({ hasText: '工作台' }).waitFor();
    await page.getByRole('cell', { name: '厦门鹭江贸易有限公司' }).first().waitFor();
    await shot('13-workbench-operator');
    // Open a volume and take the next lifecycle step the operator's role allows.
    await page.getByRole('cell', { name: /SL-000001/ }).click();
    const drawer = page.locator('.ant-drawer-body');
    await drawer.waitFor();
    await page.waitForTimeout(500);
    await shot('13a-volume-drawer-open');
    await drawer.getByRole('button', { name: '开始扫描' }).click();
    await expect.poll(() => page.getByTestId('volume-state').textContent()).toBe('扫描中');
    await shot('13b-volume-drawer');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
    await page.getByRole('tab', { name: /扫描中/ }).waitFor(); // the queue followed
    await page.getByTestId('locale-switch').click();
    await page.getByTestId('screen-title').filter({ hasText: 'Workbench' }).waitFor();
    await page.mouse.move(600, 400);
    await shot('14-workbench-english');
    // Every menu label shows whole in English, shortcut included: none is cut off with an ellipsis.
    const cut = await page
      .locator('.shell-sider .ant-menu-title-content')
      .evaluateAll((els) => els.filter((el) => el.scrollWidth > el.clientWidth).map((el) => el.textContent));
    expect(cut).toEqual([]);
    await page.getByTestId('locale-switch').click();
    // No archive store is configured here: 上传队列 says so at the top. The button to 系统维护 is for
    // technicians and administrators, not for this operator.
    await page.keyboard.press('Alt+7');
    await expect
      .poll(() => page.getByTestId('outbox-no-store').textContent())
      .toContain('未配置档案库：已排队的案卷不会上传。请在“系统维护 → 档案库连接”中设置');
    expect(await page.getByTestId('outbox-configure').count()).toBe(0);
    await shot('14a-outbox-no-store');
  });

  it('the user menu opens on click and from the keyboard, and Esc closes it', async () => {
    const menu = page.getByTestId('user-menu');
    const item = page.locator('.user-menu-popup').getByText('修改密码');
    await page.mouse.move(600, 400);
    await menu.click();
    await item.waitFor();
    await page.mouse.move(600, 400); // the pointer leaving closes a menu it opened by clicking
    await item.waitFor({ state: 'hidden' });
    await menu.focus();
    await page.keyboard.press('Enter');
    await item.waitFor();
    // Focus is in the menu: the first item, then ↓ to the next one.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent ?? ''))
      .toContain('修改密码');
    await page.keyboard.press('ArrowDown');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent ?? ''))
      .toContain('退出登录');
    await shot('13c-user-menu-keyboard');
    await page.keyboard.press('Escape');
    await item.waitFor({ state: 'hidden' });
    expect(await menu.evaluate((el) => el === document.activeElement)).toBe(true);
  });

  it('标签打印 produces a label PDF for the new volumes', async () => {
    await page.keyboard.press('Alt+6');
    await page.getByTestId('screen-title').filter({ hasText: '标签打印' }).waitFor();
    await page.getByRole('cell', { name: /SL-000002/ }).waitFor();
    await page.locator('thead .ant-checkbox-input').check(); // select every volume
    await page.getByTestId('make-labels').click();
    await page.getByTestId('labels-done').waitFor();
    await page.getByTestId('labels-preview').waitFor();
    // The volume list stands beside the preview, not below it.
    const list = await page.getByTestId('labels-volumes').boundingBox();
    const preview = await page.getByTestId('labels-preview-card').boundingBox();
    if (!list || !preview) throw new Error('labels layout not rendered');
    expect(Math.abs(list.y - preview.y)).toBeLessThan(2);
    expect(list.x + list.width).toBeLessThanOrEqual(preview.x);
    await shot('15-labels');
    // On a page taller than the window (a long volume list, say: here a spacer makes it so) the menu
    // stays in view and the divider runs to the page's end.
    await page.evaluate(() => {
      const spacer = document.createElement('div');
      spacer.id = 'tall-spacer';
      spacer.style.height = '1500px';
      document.querySelector('.shell-content')?.appendChild(spacer);
      window.scrollTo(0, document.documentElement.scrollHeight);
    });
    const geometry = await page.evaluate(() => ({
      scrolled: window.scrollY,
      page: document.documentElement.scrollHeight,
      main: document.querySelector('.shell-main')?.getBoundingClientRect().bottom ?? 0,
      mainLeft: getComputedStyle(document.querySelector('.shell-main') ?? document.body).borderLeftWidth,
      sider: document.querySelector('.shell-sider')?.getBoundingClientRect().top ?? -1,
    }));
    expect(geometry.scrolled).toBeGreaterThan(1000);
    expect(geometry.main + geometry.scrolled).toBeGreaterThanOrEqual(geometry.page - 1);
    expect(geometry.mainLeft).toBe('1px');
    expect(geometry.sider).toBe(0);
    await page.screenshot({ path: path.join(SHOTS, '15a-labels-scrolled.png') });
    await page.evaluate(() => {
      document.getElementById('tall-spacer')?.remove();
      window.scrollTo(0, 0);
    });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('labels-download').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^labels-350200-\d{4}-SL-00000\d-2\.pdf$/);
    const file = await download.path();
    expect(fs.readFileSync(file).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });
});
