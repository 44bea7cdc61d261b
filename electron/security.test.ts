import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isTrustedSender,
  isTrustedUrl,
  mayNavigate,
  permissionDecision,
  resolveAppRequest,
  secureWebPreferences,
  webPreferenceProblems,
  windowOpenDecision,
} from './security';

const ROOT = path.resolve('/opt/dangan/ui');

describe('URL trust', () => {
  it.each(['app://dangan/', 'app://dangan/register', 'app://dangan/assets/a.js?x=1#y'])('trusts %s', (u) => {
    expect(isTrustedUrl(u)).toBe(true);
  });
  it.each([
    'app://evil/',
    'app://dangan.evil.example/',
    'app://dangan@evil/',
    'app://user:pw@dangan/',
    'http://127.0.0.1:3000/',
    'https://dangan/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'data:text/html,<script>1</script>',
    'dangan://dangan/',
    'app:dangan',
    'not a url',
    '',
  ])('does not trust %s', (u) => {
    expect(isTrustedUrl(u)).toBe(false);
    expect(mayNavigate(u)).toBe(false);
  });
});

describe('IPC sender checks', () => {
  it('accepts only our origin in the top frame', () => {
    expect(isTrustedSender({ url: 'app://dangan/', isTopFrame: true })).toBe(true);
    expect(isTrustedSender({ url: 'app://dangan/', isTopFrame: false })).toBe(false);
    expect(isTrustedSender({ url: 'https://evil.example/', isTopFrame: true })).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
    expect(isTrustedSender(undefined)).toBe(false);
  });
});

describe('windows, navigation and permissions', () => {
  it('denies new windows and every permission', () => {
    expect(windowOpenDecision()).toEqual({ action: 'deny' });
    for (const p of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'openExternal',
      'fullscreen',
      'hid',
      'serial',
      'usb',
    ]) {
      expect(permissionDecision(p)).toBe(false);
    }
  });

  it('configures every window isolated, sandboxed, without Node', () => {
    const prefs = secureWebPreferences('/x/preload.cjs');
    expect(webPreferenceProblems(prefs)).toEqual([]);
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
    });
    expect(
      webPreferenceProblems({ ...prefs, sandbox: false, nodeIntegration: true, webSecurity: false }),
    ).toEqual(['sandbox must be true', 'nodeIntegration must be false', 'webSecurity must stay on']);
    expect(webPreferenceProblems({})).toContain('contextIsolation must be true');
  });
});

describe('app:// protocol path resolution', () => {
  it('maps our URLs to files in the UI folder', () => {
    expect(resolveAppRequest(ROOT, 'GET', 'app://dangan/')).toBe(path.join(ROOT, 'index.html'));
    expect(resolveAppRequest(ROOT, 'GET', 'app://dangan/users')).toBe(path.join(ROOT, 'index.html'));
    expect(resolveAppRequest(ROOT, 'GET', 'app://dangan/assets/a-1.js')).toBe(
      path.join(ROOT, 'assets/a-1.js'),
    );
  });

  it('refuses other methods and hosts', () => {
    expect(resolveAppRequest(ROOT, 'POST', 'app://dangan/')).toBeNull();
    expect(resolveAppRequest(ROOT, 'GET', 'app://other/')).toBeNull();
    expect(resolveAppRequest(ROOT, 'GET', 'file:///etc/passwd')).toBeNull();
  });

  it.each([
    'app://dangan/../../etc/passwd',
    'app://dangan/%2e%2e/%2e%2e/etc/passwd',
    'app://dangan/assets/..%2f..%2f..%2fetc%2fpasswd',
    'app://dangan/..%5c..%5cwindows%5cwin.ini',
    'app://dangan/%252e%252e/etc/passwd',
    'app://dangan/C:%5cWindows%5cwin.ini',
    'app://dangan//etc/passwd',
    'app://dangan/%00.js',
  ])('never leaves the UI folder for %s', (u) => {
    const r = resolveAppRequest(ROOT, 'GET', u);
    if (r !== null) expect(path.relative(ROOT, r).startsWith('..')).toBe(false);
    expect(r === null || !r.includes('passwd') || r.startsWith(ROOT)).toBe(true);
  });

  it('stays inside the UI folder for any path (property)', () => {
    const seg = fc.oneof(
      fc.constantFrom('..', '.', '%2e%2e', '%2f', '%5c', '%00', 'assets', 'x.js', ''),
      fc.string({ maxLength: 5 }),
    );
    fc.assert(
      fc.property(fc.array(seg, { maxLength: 8 }), (segs) => {
        const r = resolveAppRequest(ROOT, 'GET', `app://dangan/${segs.join('/')}`);
        if (r !== null) expect(path.relative(ROOT, r).startsWith('..')).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});
