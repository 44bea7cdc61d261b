// The Electron main process: thin. Windows, the app:// protocol, IPC routing with sender checks, and
// the engine in a utility process. Every decision is a pure function from security.ts / ipc-router.ts.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  app,
  BrowserWindow,
  ipcMain,
  net,
  protocol,
  safeStorage,
  session,
  utilityProcess,
  type WebContents,
} from 'electron';
import { IPC } from '../core/contracts';
import { CONTENT_SECURITY_POLICY, contentType } from '../workstation/engine/ui-files';
import { EngineHost } from './engine-host';
import { createIpcRouter } from './ipc-router';
import { osInstallationKey } from './secret-key';
import {
  APP_ENTRY,
  APP_SCHEME,
  mayNavigate,
  permissionDecision,
  resolveAppRequest,
  secureWebPreferences,
  windowOpenDecision,
} from './security';

// From source (electron/launch.js) this file is electron/main.ts and the builds are under dist/; packaged,
// it is bundled to dist/electron/main.js beside preload.cjs and engine-process.js.
const here = path.dirname(new URL(import.meta.url).pathname);
const packaged = app.isPackaged;
const dist = packaged ? path.resolve(here, '..') : path.resolve(here, '..', 'dist');
const uiRoot = path.join(dist, 'renderer');
const preload = path.join(dist, 'electron', 'preload.cjs');
const engineEntry = packaged ? path.join(here, 'engine-process.js') : path.join(here, 'engine-process.ts');
const dataFlag = process.argv.indexOf('--data');
const dataDir =
  dataFlag >= 0 ? (process.argv[dataFlag + 1] ?? '') : path.join(app.getPath('appData'), 'Dangan');

app.enableSandbox();
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

const windows = new Set<WebContents>();
// Read once the app is ready (safeStorage needs it); every engine process gets it as its first message.
let osKey: Buffer | null = null;
const host = new EngineHost({
  spawn: () => {
    const child = utilityProcess.fork(engineEntry, ['--data', dataDir], {
      serviceName: 'dangan-engine',
      execArgv: packaged ? [] : ['--import', 'tsx'],
      // glibc keeps freed image buffers in its arenas; returning large blocks to the system at once
      // keeps the engine's peak memory near 420 MB instead of 630 MB while capturing (bench capture).
      env: { ...process.env, MALLOC_MMAP_THRESHOLD_: '1048576' },
    });
    child.postMessage({ kind: 'init', osKey: osKey?.toString('base64') ?? null });
    return child;
  },
  onEvent: (event) => {
    for (const wc of windows) if (!wc.isDestroyed()) wc.send(IPC.event, event);
  },
  log: (line) => {
    console.error(line);
  },
});

const route = createIpcRouter(
  (channel, payload, sessionToken) => host.call(channel, payload, sessionToken),
  (reason, detail) => {
    console.error(`ipc refused (${reason}): ${detail}`);
  },
);

function createWindow(): void {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    title: '档案 Dangan',
    show: false,
    webPreferences: secureWebPreferences(preload),
  });
  windows.add(win.webContents);
  win.on('closed', () => windows.delete(win.webContents));
  win.once('ready-to-show', () => {
    win.show();
  });
  void win.loadURL(APP_ENTRY);
}

void app.whenReady().then(() => {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppRequest(uiRoot, request.method, request.url);
    if (file === null || !fs.existsSync(file)) return new Response('Not found', { status: 404 });
    const res = await net.fetch(pathToFileURL(file).toString());
    return new Response(res.body, {
      status: 200,
      headers: {
        'content-type': contentType(file),
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
      },
    });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => {
    callback(permissionDecision(permission));
  });
  session.defaultSession.setPermissionCheckHandler((_wc, permission) => permissionDecision(permission));
  ipcMain.handle(IPC.call, (event, channel: unknown, payload: unknown, sessionToken: unknown) => {
    const frame = event.senderFrame;
    return route(
      frame ? { url: frame.url, isTopFrame: frame.parent === null } : null,
      channel,
      payload,
      sessionToken,
    );
  });
  osKey = osInstallationKey(dataDir, safeStorage);
  host.start();
  createWindow();
});

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-navigate', (event, url) => {
    if (!mayNavigate(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!mayNavigate(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
  contents.setWindowOpenHandler(() => windowOpenDecision());
});

app.on('window-all-closed', () => {
  host.stop();
  app.quit();
});
