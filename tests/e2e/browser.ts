import { chromium, type BrowserContext } from 'playwright-core';

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
