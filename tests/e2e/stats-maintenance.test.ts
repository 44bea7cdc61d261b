import ExcelJS from 'exceljs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from './browser';
import { afterAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { HTTP } from '../../core/contracts';
import { buildStoreApp } from '../../store/server';
import { openStoreData, type StoreData } from '../../store/store-data';
import { QaReviewsRepo } from '../../db/repos/qa-reviews';
import { faultyCatalogue } from '../support/faulty-catalogue';
import { QA } from '../support/repos';
import { ROOT, startWorkstation, type Started } from './workstation-process';

/**
 * 统计 and 系统维护 end to end: a data folder seeded with known faults and a month of work, served by the
 * real `dangan start --browser`, driven in Debian's Chromium. Screenshots go to tmp/e2e/.
 */
const SHOTS = path.join(ROOT, 'tmp', 'e2e');
const ADMIN_PW = 'Zhao#2026pw';
const TECH_PW = 'Ops#2026Maint';

let ws: Started | undefined;
/** A real archive store on 127.0.0.1 that the workstation's uploader sends to. */
let store: { data: StoreData; close: () => Promise<void> } | undefined;
let storeAccess = { url: '', clientId: '', secret: '' };
const storeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-e2e-store-'));
let context: BrowserContext | undefined;
let page: Page;
const consoleErrors: string[] = [];
// Not tempDir(): that one is removed after each test, and this flow spans several.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-e2e-maint-'));
const backupDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-e2e-backup-'));
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-chromium-'));

interface PlantedPage {
  readonly volumeId: number;
  readonly archiveNo: string;
  readonly pageId: number;
  readonly seq: number;
}
/** Records behind planted faults, found in the seeded database without the checks' own SQL. */
let planted:
  | {
      /** A live page no document covers (page-error). */
      readonly uncatalogued: PlantedPage;
      /** A page whose image file is gone from storage (image-missing). */
      readonly missing: PlantedPage;
      /** An enterprise with two opening volumes (multi-opening). */
      readonly twoOpenings: { readonly id: number; readonly name: string };
      /** An image whose file's size differs from its row, and the pages using it (image-wrong). */
      readonly resized: { readonly sha256: string; readonly pages: readonly PlantedPage[] };
    }
  | undefined;

/** The id a planted finding of `kind` names (faultyCatalogue's `expected` is `kind entityId`). */
function plantedId(cat: ReturnType<typeof faultyCatalogue>, kind: string): string {
  const category = kind.slice(0, kind.indexOf('.'));
  const entry = cat.expected.get(category as never)?.find((e) => e.startsWith(`${kind} `));
  if (entry === undefined) throw new Error(`no planted ${kind}`);
  return entry.slice(kind.length + 1);
}

async function shot(name: string): Promise<void> {
  await page.waitForTimeout(300); // antd transitions and chart animations settle
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** Pixels of a chart's canvas that are not blank (transparent or white). */
function inkedPixels(testId: string): Promise<number> {
  return page.evaluate((id) => {
    const canvas = document.querySelector<HTMLCanvasElement>(`[data-testid="${id}"] canvas`);
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx || canvas.width === 0) return 0;
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b, a] = [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0, data[i + 3] ?? 0];
      if (a > 0 && (r < 240 || g < 240 || b < 240)) n++;
    }
    return n;
  }, testId);
}

async function api(channel: string, body: unknown, session: string): Promise<unknown> {
  if (!ws) throw new Error('not started');
  const res = await fetch(`${ws.origin}${HTTP.api}${channel}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${ws.token}`,
      [HTTP.sessionHeader]: session,
    },
    body: JSON.stringify(body),
  });
  const envelope = (await res.json()) as { ok: boolean; value?: unknown; error?: { code: string } };
  if (!envelope.ok) throw new Error(`${channel}: ${envelope.error?.code ?? res.status}`);
  return envelope.value;
}

describe.skipIf(!fs.existsSync(CHROMIUM))('统计 and 系统维护 in browser mode', () => {
  afterAll(async () => {
    await context?.close();
    await ws?.stop();
    await store?.close();
    for (const d of [dataDir, backupDir, profile, storeDir]) fs.rmSync(d, { recursive: true, force: true });
  });

  it('serves a data folder with known faults and a month of work', async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    const cat = faultyCatalogue({ realTime: true });
    // QA: six reviews this month, two sent back for skew and a missing page.
    const reviews = new QaReviewsRepo(cat.db, cat.clock.now);
    const volumes = cat.db.prepare('SELECT id FROM volumes ORDER BY id LIMIT 6').pluck().all() as number[];
    volumes.forEach((volumeId, i) => {
      const r = reviews.start(volumeId, {}, [1], QA);
      const problem = i % 3 === 0;
      reviews.decide(
        {
          reviewId: r.id,
          targetKind: 'page',
          targetSeq: 1,
          verdict: problem ? 'problem' : 'pass',
          reasonCode: problem ? (i === 0 ? 'image-skewed' : 'page-missing') : null,
          note: null,
        },
        QA,
      );
      reviews.finish(r.id, problem ? 'rejected' : 'passed');
    });
    // Transfers committed this month, and check runs of earlier months (the trend).
    const now = cat.clock.now();
    for (const volumeId of volumes.slice(1, 4)) {
      cat.db
        .prepare(
          "INSERT INTO outbox (volume_id, kind, state, bytes_done, bytes_total, created_at, updated_at) VALUES (?, 'upload', 'committed', 5000, 5000, ?, ?)",
        )
        .run(volumeId, now.toISOString(), now.toISOString());
    }
    for (const [monthsAgo, findings, errors] of [
      [3, 40, 12],
      [2, 31, 9],
      [1, 22, 6],
    ] as const) {
      const at = new Date(now.getTime() - monthsAgo * 30 * 86_400_000).toISOString();
      cat.db
        .prepare(
          'INSERT INTO check_runs (started_at, finished_at, categories, counts, errors) VALUES (?, ?, \'["page-count"]\', ?, ?)',
        )
        .run(at, at, JSON.stringify({ 'page-count': findings }), errors);
    }
    // One clean volume passed QA, ready to upload; the workstation trusts the store's receipt key.
    cat.db.prepare("UPDATE volumes SET state = 'verified' WHERE id = 1").run();
    const storeData = openStoreData(storeDir);
    const app = buildStoreApp(storeData);
    await app.listen({ host: '127.0.0.1', port: 0 });
    store = {
      data: storeData,
      close: async () => {
        await app.close();
        storeData.close();
      },
    };
    // The connection (and trust in the store's receipt key) is set in 系统维护 below, not by the environment.
    const secret = randomBytes(32).toString('base64url');
    const client = storeData.repo.addClient('350200', 'e2e', secret);
    storeAccess = {
      url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
      clientId: client.clientId,
      secret,
    };
    // Whatever the shell running the tests has set must not win over the screen's settings.
    const storeEnv = { DANGAN_STORE_URL: '', DANGAN_STORE_CLIENT_ID: '', DANGAN_STORE_SECRET: '' };
    const livePages = (where: string, ...args: (string | number)[]) =>
      cat.db
        .prepare(
          `SELECT p.volume_id AS volumeId, v.archive_no AS archiveNo, p.id AS pageId, p.seq, p.blob_sha256 AS sha
           FROM pages p JOIN volumes v ON v.id = p.volume_id WHERE p.deleted_at IS NULL AND ${where}
           ORDER BY p.volume_id, p.seq`,
        )
        .all(...args) as (PlantedPage & { sha: string })[];
    const uncatalogued = livePages(
      `p.volume_id = ? AND NOT EXISTS (SELECT 1 FROM documents d
         WHERE d.volume_id = p.volume_id AND p.seq BETWEEN d.first_page AND d.last_page)`,
      Number(plantedId(cat, 'page-error.uncatalogued')),
    )[0];
    const missing = livePages('p.volume_id = ?', Number(plantedId(cat, 'image-missing.pages'))).find(
      (p) => !cat.blobs.has(p.sha),
    );
    const enterpriseId = Number(plantedId(cat, 'multi-opening.several'));
    const resized = plantedId(cat, 'image-wrong.size-mismatch');
    if (!uncatalogued || !missing) throw new Error('planted pages not found');
    planted = {
      uncatalogued,
      missing,
      twoOpenings: {
        id: enterpriseId,
        name: cat.db.prepare('SELECT name FROM enterprises WHERE id = ?').pluck().get(enterpriseId) as string,
      },
      resized: { sha256: resized, pages: livePages('p.blob_sha256 = ?', resized) },
    };
    cat.db.pragma('wal_checkpoint(TRUNCATE)');
    cat.db.close();
    fs.copyFileSync(path.join(cat.dir, 'dangan.db'), path.join(dataDir, 'dangan.db'));
    fs.cpSync(path.join(cat.dir, 'blobs'), path.join(dataDir, 'blobs'), { recursive: true });

    ws = await startWorkstation('node', ['bin/dangan.js', 'start', '--browser', '--data', dataDir], storeEnv);
    context = await launchChromium(profile, { width: 1366, height: 900 }, { acceptDownloads: true });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(15_000);
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    await page.goto(ws.url);
    await page.getByTestId('setup-title').waitFor();
    await page.getByLabel('用户名').fill('admin');
    await page.getByLabel('姓名').fill('赵管理');
    await page.getByLabel('密码', { exact: true }).fill(ADMIN_PW);
    await page.getByLabel('确认密码').fill(ADMIN_PW);
    await page.getByRole('button', { name: '创建管理员并登录' }).click();
    await page.getByTestId('screen-title').filter({ hasText: '工作台' }).waitFor();
    const admin = await page.evaluate(() => sessionStorage.getItem('dangan.session'));
    // chen has changed the initial password the administrator gave (first sign-in done).
    const initial = `${TECH_PW}~first`;
    await api(
      'users.create',
      { username: 'chen', displayName: '陈运维', password: initial, roles: ['technician'] },
      admin ?? '',
    );
    const first = (await api('auth.login', { username: 'chen', password: initial }, '')) as { token: string };
    await api('auth.changePassword', { oldPassword: initial, newPassword: TECH_PW }, first.token);
  }, 180_000);

  it('统计 draws every chart from the seeded month and exports the monthly workbook', async () => {
    await page.keyboard.press('Alt+8');
    await page.getByTestId('screen-title').filter({ hasText: '统计' }).waitFor();
    for (const chart of [
      'chart-daily',
      'chart-state',
      'chart-type',
      'chart-qa',
      'chart-reasons',
      'chart-transfers',
    ]) {
      await expect.poll(() => inkedPixels(chart), { timeout: 10_000 }).toBeGreaterThan(500);
    }
    await expect.poll(() => inkedPixels('chart-trend'), { timeout: 10_000 }).toBeGreaterThan(500);
    await shot('30-stats');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('stats-export').click(),
    ]);
    const file = path.join(dataDir, 'export.xlsx');
    await download.saveAs(file);
    expect(download.suggestedFilename()).toMatch(/^综合统计-\d{4}-\d{2}\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    expect(wb.worksheets.map((s) => s.name)).toEqual([
      '按案卷类型的数字化量',
      '按扫描员的数字化量',
      '质检通过率',
      '退回原因',
      '移交',
      '检错结果趋势',
    ]);
    expect(wb.getWorksheet('质检通过率')?.getRow(2).getCell(2).value).toBe(6); // six reviews

    // Another bureau: nothing there, said so instead of an empty chart.
    await page.getByTestId('stats-bureau').click();
    await page.locator('.ant-select-item-option').filter({ hasText: '全部登记机关' }).waitFor();
    await page.keyboard.press('Escape');
    expect(consoleErrors).toEqual([]);
  });

  it('a technician runs the data checks, previews a safe fix, applies it and undoes it', async () => {
    await page.getByTestId('user-menu').hover();
    await page.getByText('退出登录').click();
    await page.getByTestId('login-title').waitFor();
    await page.getByLabel('用户名').fill('chen');
    await page.locator('input#password').fill(TECH_PW);
    await page.keyboard.press('Enter');
    // Signed in, on whichever screen the app returns to.
    await page.getByTestId('user-menu').filter({ hasText: '陈运维' }).waitFor();
    await page.keyboard.press('Alt+0');
    await page.getByTestId('screen-title').filter({ hasText: '系统维护' }).waitFor();

    await page.getByTestId('run-checks').click();
    await page.getByTestId('check-results').waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByTestId('check-results').textContent()).toContain('错误');
    // The planted orphans, one finding per kind, with Chinese descriptions and fixes.
    const redundant = page.getByTestId('category-redundant-data');
    await redundant.click();
    await page.getByTestId('fix-preview-redundant-data').waitFor();
    await shot('31-maintenance-checks');

    // A category without an automatic fix shows the guided steps and where to do them.
    await page.getByTestId('category-multi-opening').click();
    await page.getByTestId('guide-multi-opening').waitFor();
    expect(await page.getByTestId('guide-multi-opening').textContent()).toContain('企业/案卷登记');
    await shot('32-maintenance-guide');

    await page.getByTestId('fix-preview-redundant-data').click();
    await page.getByTestId('fix-preview').waitFor();
    expect(await page.getByTestId('fix-preview').textContent()).toMatch(/删除/);
    await shot('33-maintenance-fix-preview');
    await page.getByTestId('fix-apply').click();
    await expect.poll(() => page.getByTestId('checks-notice').textContent()).toContain('已执行自动修正');
    const seq = Number(
      /审计记录 (\d+)/.exec((await page.getByTestId('checks-notice').textContent()) ?? '')?.[1],
    );
    expect(seq).toBeGreaterThan(0);

    await page.getByRole('tab', { name: /已执行的修正/ }).click();
    await page.getByTestId(`undo-${seq}`).click();
    await page.getByRole('button', { name: '撤销', exact: true }).click();
    await expect.poll(() => page.getByTestId('undo-notice').textContent()).toContain(`已撤销修正 ${seq}`);
    await expect.poll(() => page.getByTestId('fix-history').textContent()).toContain('撤销（chen）');
    await shot('34-maintenance-undo');
  }, 120_000);

  it('each finding opens its very record: the page in 著录标引 or 扫描, the enterprise, the image', async () => {
    if (!planted) throw new Error('not seeded');
    const { uncatalogued, missing, twoOpenings, resized } = planted;
    // The seeded images are random bytes (one is missing): the engine refuses to show them with a clear
    // error (400, page.image-missing / page.image-unreadable), never an internal failure.
    const failed: string[] = [];
    const refused: string[] = [];
    const onResponse = (r: { status: () => number; url: () => string }) => {
      if (r.status() >= 500) failed.push(new URL(r.url()).pathname);
      else if (r.status() >= 400) refused.push(new URL(r.url()).pathname);
    };
    page.on('response', onResponse);
    const errorsBefore = consoleErrors.length;
    const results = async () => {
      await page.keyboard.press('Alt+0');
      await page.getByTestId('screen-title').filter({ hasText: '系统维护' }).waitFor();
      // The results are kept while the technician follows findings elsewhere: no second run.
      await page.getByTestId('check-results').waitFor();
    };
    const finding = (kind: string) => page.locator(`[data-testid="finding-link"][data-kind="${kind}"]`);
    // Categories opened before stay open (the results and their open panels are kept).
    const openCategory = async (id: string) => {
      const header = page.locator('.ant-collapse-header').filter({ has: page.getByTestId(`category-${id}`) });
      if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
    };
    await page.getByRole('tab', { name: '数据检错与改错' }).click();

    // A page in no document: 著录标引 opens that volume with that page selected and shown.
    await openCategory('page-error');
    expect(await finding('page-error.uncatalogued').textContent()).toContain(
      `${uncatalogued.archiveNo} 第 ${uncatalogued.seq} 页`,
    );
    await shot('39-maintenance-finding-links');
    await finding('page-error.uncatalogued').click();
    await page.getByTestId('screen-title').filter({ hasText: '著录标引' }).waitFor();
    const selectedTile = page.locator('[data-testid="strip-tile"][aria-selected="true"]');
    await expect.poll(() => selectedTile.getAttribute('data-seq')).toBe(String(uncatalogued.seq));
    expect(await page.getByTestId('viewer-caption').textContent()).toContain(`第 ${uncatalogued.seq} 页`);
    expect(await page.getByTestId('catalogue-volume').textContent()).toContain(uncatalogued.archiveNo);
    await shot('40-finding-opens-catalogue-page');

    // A page whose image is missing: 扫描 opens that volume at that page (to rescan it).
    await results();
    await openCategory('image-missing');
    await finding('image-missing.pages').click();
    await page.getByTestId('screen-title').filter({ hasText: '扫描' }).waitFor();
    const selectedThumb = page.locator('[data-testid="thumb-tile"][aria-selected="true"]');
    await expect.poll(() => selectedThumb.getAttribute('data-page-id')).toBe(String(missing.pageId));
    expect(await page.locator('.scan-viewer .ant-card-head').textContent()).toContain(`第 ${missing.seq} 页`);
    expect(await page.getByTestId('volume-select').textContent()).toContain(missing.archiveNo);
    await shot('41-finding-opens-scan-page');

    // An enterprise with two opening volumes: 登记 opens with that enterprise found.
    await results();
    await openCategory('multi-opening');
    await finding('multi-opening.several').click();
    await page.getByTestId('screen-title').filter({ hasText: '企业/案卷登记' }).waitFor();
    await expect.poll(() => page.getByTestId('enterprise-card').textContent()).toContain(twoOpenings.name);
    await shot('42-finding-opens-enterprise');

    // An image whose size is wrong: its digest and the pages using it, each opening in 扫描.
    await results();
    await openCategory('image-wrong');
    await finding('image-wrong.size-mismatch').click();
    await expect.poll(() => page.getByTestId('blob-digest').textContent()).toContain(resized.sha256);
    const used = page.getByTestId('blob-pages');
    for (const p of resized.pages) expect(await used.textContent()).toContain(`${p.archiveNo}第 ${p.seq} 页`);
    await shot('43-finding-shows-image');
    const first = resized.pages[0];
    if (!first) throw new Error('the resized image is used by no page');
    await used.getByTestId('blob-page-open-scan').first().click();
    await page.getByTestId('screen-title').filter({ hasText: '扫描' }).waitFor();
    await expect.poll(() => selectedThumb.getAttribute('data-page-id')).toBe(String(first.pageId));
    await results();
    page.off('response', onResponse);
    expect(failed).toEqual([]);
    expect(refused.filter((f) => f !== '/api/pages.image')).toEqual([]);
    const logged = consoleErrors.splice(errorsBefore);
    expect(logged.filter((m) => !m.includes('status of 400'))).toEqual([]);
    expect(logged).toHaveLength(refused.length);
  }, 120_000);

  it('database check, audit verification and a verified backup', async () => {
    await page.getByRole('tab', { name: '数据库与备份' }).click();
    await page.getByTestId('run-audit').click();
    await expect.poll(() => page.getByTestId('audit-result').textContent()).toContain('审计链完好');
    await page.getByTestId('run-maintain').click();
    await expect.poll(() => page.getByTestId('maintain-result').textContent()).toContain('完整性');
    await page.getByTestId('backup-folder').fill(backupDir);
    await page.getByTestId('run-backup').click();
    const outcome = page.locator('[data-testid="backup-result"], [data-testid="db-error"]');
    await outcome.waitFor({ timeout: 90_000 });
    await shot('35-maintenance-database');
    expect(await outcome.textContent()).toContain('备份已完成并通过校验');
    const made = fs.readdirSync(backupDir).filter((d) => d.startsWith('dangan-'));
    expect(made).toHaveLength(1);
    expect(fs.existsSync(path.join(backupDir, made[0] ?? '', 'manifest.json'))).toBe(true);

    expect(consoleErrors.join('\n')).toBe('');

    // A relative folder is refused with what to do (the browser logs the engine's 400 answer).
    await page.getByTestId('backup-folder').fill('backups');
    await page.getByTestId('run-backup').click();
    await expect.poll(() => page.getByTestId('db-error').textContent()).toContain('完整路径');
  }, 120_000);

  it('a technician sets the archive store connection: a wrong secret is told, the right one saved', async () => {
    await page.getByRole('tab', { name: '档案库连接' }).click();
    await expect.poll(() => page.getByTestId('store-status').textContent()).toContain('未配置');
    await page.getByTestId('store-url').fill(storeAccess.url);
    await page.getByTestId('store-bureau').click();
    await page.locator('.ant-select-item-option').filter({ hasText: '350200' }).click();
    await page.getByTestId('store-client-id').fill(storeAccess.clientId);
    await page.getByTestId('store-secret').fill('not-the-secret');
    await page.getByTestId('store-test').click();
    const result = page.getByTestId('store-test-result');
    await expect.poll(() => result.textContent()).toContain('档案库拒绝了凭据');
    await page.getByTestId('store-secret').fill(storeAccess.secret);
    await page.getByTestId('store-test').click();
    await expect.poll(() => result.textContent()).toContain('连接正常');
    expect(await page.getByTestId('store-trust').isChecked()).toBe(true); // the receipt key, trusted on save
    await shot('37-maintenance-store-tested');
    await page.getByTestId('store-save').click();
    await expect
      .poll(() => page.getByTestId('store-saved').textContent())
      .toContain('上传已按新设置重新启动');
    expect(await page.getByTestId('store-status').textContent()).toContain(`正在使用 ${storeAccess.url}`);
    expect(await page.getByTestId('store-status').textContent()).toContain('已设置');
    expect(await page.getByTestId('store-secret').inputValue()).toBe(''); // the secret never comes back
    await shot('38-maintenance-store-saved');
  }, 60_000);

  it('the 上传队列 shows a queued volume upload to the store live, to 已入库', async () => {
    await page.keyboard.press('Alt+7');
    await page.getByTestId('screen-title').filter({ hasText: '上传队列' }).waitFor();
    await page.getByTestId('outbox-volumes').click();
    await page.locator('.ant-select-item-option').filter({ hasText: '350200-2026-SL-000001' }).click();
    await page.keyboard.press('Escape');
    await page.getByTestId('outbox-enqueue').click();
    const row = page.locator('tr').filter({ hasText: '350200-2026-SL-000001' });
    await expect.poll(() => row.textContent(), { timeout: 60_000 }).toContain('已入库');
    expect(await row.textContent()).toContain('100%');
    expect(store?.data.repo.counts()).toMatchObject({ volumes: 1 });
    await shot('36-outbox-uploaded');
  }, 120_000);
});
