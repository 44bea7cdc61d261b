import fs from 'node:fs';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startWorkstation, type Started } from './workstation-process';

/** Debian's Chromium (never a downloaded one); CHROMIUM_PATH overrides it. */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** Headless, and quiet on the network: no QUIC, no background fetches, updates or sync. */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A Chromium with its own profile folder, Chinese locale, at the given window size. */
export function launchChromium(
  profile: string,
  viewport: { width: number; height: number },
  options: { acceptDownloads?: boolean } = {},
): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport,
    locale: 'zh-CN',
    ...(options.acceptDownloads === true ? { acceptDownloads: true } : {}),
  });
}

/** `dangan start --browser` on a data folder (env: extra variables, e.g. DANGAN_SCANNERS). */
export function startBrowserMode(dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<Started> {
  return startWorkstation('node', ['bin/dangan.js', 'start', '--browser', '--data', dataDir], env);
}

/**
 * A Chromium (see launchChromium) and its first tab, where every step waits at most `timeout` ms (a
 * Playwright error names the step; a test timeout does not) and each console error goes to
 * `onConsoleError`.
 */
export async function openBrowser(
  profile: string,
  viewport: { width: number; height: number },
  options: {
    timeout: number;
    acceptDownloads?: boolean;
    onConsoleError?: (text: string, page: Page) => void;
  },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await launchChromium(profile, viewport, options);
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(options.timeout);
  const { onConsoleError } = options;
  if (onConsoleError !== undefined) {
    page.on('console', (m) => {
      if (m.type() === 'error') onConsoleError(m.text(), page);
    });
  }
  return { context, page };
}

/** Closes the browser, stops the workstation and removes the folders the test made. */
export async function closeAll(
  context: BrowserContext,
  ws: Started,
  folders: readonly string[],
): Promise<void> {
  await context.close();
  await ws.stop();
  for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
}
