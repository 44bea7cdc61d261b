import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { electronBinary } from '../cli/electron-binary';
import { buildPreload, buildUi, REPO_ROOT, uiBuildIsStale } from '../cli/ui-build';

/**
 * The real Electron window, where the binary exists (a developer's or user's machine; not this CI, which
 * cannot download it: these tests are skipped there and the decisions behind them are covered by
 * electron/security.test.ts and ipc-router.test.ts). They check what only a running shell can show: the
 * renderer has no Node, the bridge is the only door, navigation and new windows are refused, and the
 * engine answers through IPC.
 */
const bin = electronBinary(REPO_ROOT);

describe.skipIf(bin === null)('the Electron window (needs the Electron binary)', () => {
  let app: ElectronApplication;
  let win: Page;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-electron-'));

  beforeAll(async () => {
    if (uiBuildIsStale()) await buildUi();
    await buildPreload();
    app = await _electron.launch({
      executablePath: bin ?? '',
      args: [path.join(REPO_ROOT, 'electron', 'launch.js'), '--data', dataDir],
      cwd: REPO_ROOT,
    });
    win = await app.firstWindow();
    await win.getByTestId('setup-title').waitFor({ timeout: 60_000 });
  }, 120_000);

  afterAll(async () => {
    await app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the UI from app:// with the strict content security policy', async () => {
    expect(win.url().startsWith('app://')).toBe(true);
    const csp = await win.evaluate(async () =>
      (await fetch(location.href)).headers.get('content-security-policy'),
    );
    expect(csp).toContain("default-src 'self'");
  });

  it('gives the renderer no Node and only the bridge', async () => {
    const seen = await win.evaluate(() => ({
      require: typeof (globalThis as Record<string, unknown>)['require'],
      process: typeof (globalThis as Record<string, unknown>)['process'],
      bridge: typeof (globalThis as Record<string, unknown>)['dangan'],
    }));
    expect(seen).toEqual({ require: 'undefined', process: 'undefined', bridge: 'object' });
  });

  it('refuses navigation away and new windows', async () => {
    const before = win.url();
    await win.evaluate(() => {
      location.href = 'https://example.com/';
    });
    await win.waitForTimeout(500);
    expect(win.url()).toBe(before);
    expect(await win.evaluate(() => window.open('https://example.com/') === null)).toBe(true);
    expect(app.windows()).toHaveLength(1);
  });

  it('reaches the engine through IPC: first-run setup answers', async () => {
    const status = await win.evaluate(async () => {
      const bridge = (globalThis as Record<string, unknown>)['dangan'] as {
        call: (
          channel: string,
          input: unknown,
          session: string | null,
        ) => Promise<{ ok: boolean; value?: { needsSetup: boolean } }>;
      };
      return bridge.call('setup.status', {}, null);
    });
    expect(status).toMatchObject({ ok: true, value: { needsSetup: true } });
  });

  it('refuses a channel that is not in the contract', async () => {
    const answer = await win.evaluate(async () => {
      const bridge = (globalThis as Record<string, unknown>)['dangan'] as {
        call: (channel: string, input: unknown, session: string | null) => Promise<{ ok: boolean }>;
      };
      return bridge.call('no.such.channel', {}, null);
    });
    expect(answer.ok).toBe(false);
  });
});
