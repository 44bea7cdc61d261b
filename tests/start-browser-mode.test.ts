import { describe, expect, it } from 'vitest';
import { electronBinary } from '../cli/electron-binary';
import { tempDir } from './support/temp-dir';
import { ROOT, startWorkstation } from './e2e/workstation-process';

// Where the Electron binary exists, `npm start` opens a window instead; this test is about the rest.
describe.skipIf(electronBinary(ROOT) !== null)('npm start without the Electron binary', () => {
  it('serves the UI and the API in browser mode on 127.0.0.1, then stops cleanly', async () => {
    const data = tempDir();
    const ws = await startWorkstation('npm', ['start', '--silent'], {
      DANGAN_DATA: data,
      DANGAN_NO_ELECTRON_INSTALL: '1',
    });
    try {
      expect(ws.output()).toContain('browser mode');
      const page = await fetch(`${ws.origin}/`);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('<div id="root">');
      const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
      expect(script).toBeDefined();
      expect((await fetch(`${ws.origin}${script ?? ''}`)).status).toBe(200);
      const api = await fetch(`${ws.origin}/api/setup.status`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ws.token}` },
        body: '{}',
      });
      expect(await api.json()).toMatchObject({ ok: true, value: { needsSetup: true, dataDir: data } });
    } finally {
      await ws.stop(); // npm itself dies of the signal; the workstation under it must stop cleanly
    }
    expect(ws.output()).toContain('已停止 / stopped');
  });
});
