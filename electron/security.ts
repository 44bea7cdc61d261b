import type { WebPreferences } from 'electron';
import { resolveUiPath } from '../workstation/engine/ui-files';

// The shell's security decisions as pure functions, so that they are tested without an Electron binary
// (electron/security.test.ts); main.ts only wires them to Electron's events.

export const APP_SCHEME = 'app';
export const APP_HOST = 'dangan';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/`;

/** Is this URL our own UI (app://dangan/…)? Parsed with the URL parser, never compared by prefix. */
export function isTrustedUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  return (
    url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST && url.username === '' && url.password === ''
  );
}

export interface SenderFrame {
  readonly url: string;
  /** True when the frame is the window's top frame (not an iframe). */
  readonly isTopFrame: boolean;
}

/** An IPC message is honoured only from our origin's top frame. */
export function isTrustedSender(frame: SenderFrame | null | undefined): boolean {
  return frame !== null && frame !== undefined && frame.isTopFrame && isTrustedUrl(frame.url);
}

/** Navigation of a window away from our UI is always refused (links to the web open nowhere). */
export function mayNavigate(url: string): boolean {
  return isTrustedUrl(url);
}

/** window.open and target=_blank: never a new window. */
export function windowOpenDecision(): { action: 'deny' } {
  return { action: 'deny' };
}

/** Camera, microphone, notifications, geolocation, clipboard …: nothing is granted to the UI. */
export function permissionDecision(_permission: string): boolean {
  return false;
}

/** The webPreferences of every window: isolated, sandboxed, no Node, web security on. */
export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    // Only Chromium's built-in PDF viewer remains of plugins: the label print preview shows the PDF in
    // a frame and prints it through the system dialog (标签打印).
    plugins: true,
  };
}

/** What is wrong with a window's webPreferences (empty when it is as secure as required). */
export function webPreferenceProblems(p: WebPreferences): string[] {
  const problems: string[] = [];
  if (p.contextIsolation !== true) problems.push('contextIsolation must be true');
  if (p.sandbox !== true) problems.push('sandbox must be true');
  if (p.nodeIntegration !== false) problems.push('nodeIntegration must be false');
  if (p.nodeIntegrationInWorker === true) problems.push('nodeIntegrationInWorker must be off');
  if (p.nodeIntegrationInSubFrames === true) problems.push('nodeIntegrationInSubFrames must be off');
  if (p.webSecurity === false) problems.push('webSecurity must stay on');
  if (p.allowRunningInsecureContent === true) problems.push('allowRunningInsecureContent must be off');
  if (p.experimentalFeatures === true) problems.push('experimentalFeatures must be off');
  if (p.enableBlinkFeatures !== undefined && p.enableBlinkFeatures !== '')
    problems.push('enableBlinkFeatures must be unset');
  if (p.webviewTag === true) problems.push('webviewTag must be off');
  return problems;
}

/**
 * The file an app:// request names inside the built UI, or null to refuse it: only GET, only our host,
 * and the path resolved by the same traversal-refusing rules as the browser-mode server.
 */
export function resolveAppRequest(uiRoot: string, method: string, rawUrl: string): string | null {
  if (method !== 'GET') return null;
  if (!isTrustedUrl(rawUrl)) return null;
  // The URL parser has already folded "." and ".." segments for this standard scheme; what reaches
  // resolveUiPath is the raw (still percent-encoded) path, which it decodes once and checks again.
  const url = new URL(rawUrl);
  return resolveUiPath(uiRoot, url.pathname);
}
