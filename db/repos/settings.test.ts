import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ADMIN, openTestRepos } from '../../tests/support/repos';

const Scan = z.object({ dpi: z.number().int().min(200), color: z.enum(['color', 'gray', 'bw']) });

describe('SettingsRepo', () => {
  it('returns the fallback until set, then the typed value', () => {
    const { repos } = openTestRepos();
    const fallback = { dpi: 300, color: 'color' as const };
    expect(repos.settings.get('scan.default', Scan, fallback)).toBe(fallback);
    repos.settings.set('scan.default', { dpi: 400, color: 'gray' }, ADMIN);
    expect(repos.settings.get('scan.default', Scan, fallback)).toEqual({ dpi: 400, color: 'gray' });
    repos.settings.set('scan.default', { dpi: 600, color: 'bw' });
    expect(repos.settings.get('scan.default', Scan, fallback)).toEqual({ dpi: 600, color: 'bw' });
  });

  it('audits every change with who made it', () => {
    const { repos } = openTestRepos();
    repos.settings.set('ui.locale', 'zh', ADMIN);
    expect([...repos.audit.records()].at(-1)).toMatchObject({
      action: 'setting.set',
      objectId: 'ui.locale',
      username: ADMIN.username,
      details: { value: 'zh' },
    });
  });

  it('keeps redacted fields (a secret) out of the audit record but stores them', () => {
    const { repos } = openTestRepos();
    const value = { url: 'http://store', secret: 'top-secret-value' };
    repos.settings.set('store.connection', value, ADMIN, { redact: ['secret'] });
    expect(repos.settings.get('store.connection', z.unknown(), null)).toEqual(value);
    const last = [...repos.audit.records()].at(-1);
    expect(last?.details).toEqual({ value: { url: 'http://store', secret: '(redacted)' } });
    expect(JSON.stringify(last)).not.toContain('top-secret-value');
  });

  it('does not hide a stored value that no longer fits the schema', () => {
    const { repos } = openTestRepos();
    repos.settings.set('scan.default', { dpi: 100, color: 'color' });
    expect(() => repos.settings.get('scan.default', Scan, { dpi: 300, color: 'color' })).toThrow(
      expect.objectContaining({ code: 'setting.invalid' }),
    );
  });

  it('refuses malformed keys', () => {
    const { repos } = openTestRepos();
    expect(() => {
      repos.settings.set('', 1);
    }).toThrow(expect.objectContaining({ code: 'setting.invalid-key' }));
    expect(() => repos.settings.get("x'; DROP TABLE settings", z.number(), 0)).toThrow(
      expect.objectContaining({ code: 'setting.invalid-key' }),
    );
  });
});
