import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../tests/support/temp-dir';
import { resolveUiFile, resolveUiPath } from './ui-files';

const ROOT = path.resolve('/srv/ui');

describe('resolveUiPath', () => {
  it('maps files and client-side routes inside the root', () => {
    expect(resolveUiPath(ROOT, '/')).toBe(path.join(ROOT, 'index.html'));
    expect(resolveUiPath(ROOT, '/users')).toBe(path.join(ROOT, 'index.html'));
    expect(resolveUiPath(ROOT, '/assets/app-1.js')).toBe(path.join(ROOT, 'assets/app-1.js'));
    expect(resolveUiPath(ROOT, '/assets/%E6%A1%A3.png')).toBe(path.join(ROOT, 'assets/档.png'));
  });

  it.each([
    '/../etc/passwd',
    '/assets/../../etc/passwd',
    '/%2e%2e/etc/passwd',
    '/%2E%2E/%2E%2E/etc/passwd',
    '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/..%5c..%5cwindows%5cwin.ini',
    '/assets\\..\\..\\x.js',
    '/%00index.html',
    '/index.html%00.js',
    '//etc/passwd',
    '/C:/Windows/win.ini',
    '/c:%5cwindows%5cwin.ini',
    '/./index.html',
    '/%',
    'index.html',
  ])('refuses %s', (p) => {
    expect(resolveUiPath(ROOT, p)).toBeNull();
  });

  it('never resolves outside the root, whatever the path (property)', () => {
    const segment = fc.oneof(
      fc.constantFrom('..', '.', '%2e%2e', '%2E.', '%5c', '%2f', 'a', 'assets', 'x.js', '', '%00'),
      fc.string({ maxLength: 6 }),
    );
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 8 }), (segs) => {
        const r = resolveUiPath(ROOT, `/${segs.join('/')}`);
        if (r !== null) expect(path.relative(ROOT, r).startsWith('..')).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('resolveUiFile', () => {
  it('serves real files and refuses symlinks that leave the root', () => {
    const dir = tempDir();
    const root = path.join(dir, 'ui');
    fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(root, 'index.html'), '<html>');
    fs.writeFileSync(path.join(root, 'assets', 'a.js'), '1');
    fs.writeFileSync(path.join(dir, 'secret.txt'), 'secret');
    fs.symlinkSync(path.join(dir, 'secret.txt'), path.join(root, 'assets', 'leak.txt'));
    expect(resolveUiFile(root, '/assets/a.js')).toBe(fs.realpathSync(path.join(root, 'assets', 'a.js')));
    expect(resolveUiFile(root, '/some/route')).toBe(fs.realpathSync(path.join(root, 'index.html')));
    expect(resolveUiFile(root, '/assets/leak.txt')).toBeNull();
    expect(resolveUiFile(root, '/assets/missing.js')).toBeNull();
    expect(resolveUiFile(root, '/assets')).not.toBeNull(); // a route: no extension → index.html
  });
});
