import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../tests/support/temp-dir';
import { runCli as run } from '../tests/support/cli';

describe('dangan code check', () => {
  it('prints a valid USCC with its parts and exits 0', async () => {
    const r = await run('code', 'check', '91350200776049653A');
    expect(r.code).toBe(0);
    expect(r.out).toContain('✓ 有效 / ✓ valid');
    expect(r.out).toContain('登记机关行政区划 division: 350200 厦门');
  });

  it('exits 1 when any code is invalid, and says what is wrong in both languages', async () => {
    const r = await run('code', 'check', '91350200776049653A', '91350200776049653B');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/第 18 位应为“A”，实际为“B”/);
    expect(r.out).toMatch(/should be "A", found "B"/);
    expect(r.out).toContain('91350200776049653A'); // the suggestion list offers the likely intended code
  });

  it('--json prints one object per code with the documented fields', async () => {
    const r = await run(
      'code',
      'check',
      '--json',
      '９１３５０２００７７６０４９６５３Ａ',
      '110108000000017',
      'hello',
    );
    expect(r.code).toBe(1);
    const parsed = JSON.parse(r.out) as Record<string, unknown>[];
    expect(parsed.map((p) => [p['input'], p['kind'], p['valid']])).toEqual([
      ['９１３５０２００７７６０４９６５３Ａ', 'uscc', true],
      ['110108000000017', 'regno', false],
      ['hello', 'unknown', false],
    ]);
    expect(parsed[0]).toMatchObject({ normalized: '91350200776049653A', errors: [], warnings: [] });
    const regnoErrors = parsed[1]?.['errors'] as { code: string; message: { zh: string; en: string } }[];
    expect(regnoErrors.map((e) => e.code)).toEqual(['regno.check']);
    expect(regnoErrors[0]?.message.zh).toMatch(/校验/);
    expect(regnoErrors[0]?.message.en).toMatch(/check/i);
    for (const p of parsed)
      expect(Object.keys(p)).toEqual(
        expect.arrayContaining(['input', 'kind', 'valid', 'errors', 'warnings', 'parts']),
      );
  });

  it('accepts a Fujian pilot code with a warning', async () => {
    const r = await run('code', 'check', '91350203M0001QAY9B');
    expect(r.code).toBe(0);
    expect(r.out).toContain('uscc.pilot-code');
  });
});

describe('usage errors exit 2 with a Chinese and English message', () => {
  it.each([
    [['code', 'check'], /缺少必需参数[\s\S]*missing required argument/],
    [['--bogus'], /未知选项[\s\S]*unknown option/],
    [['label', 'pdf', '--out', 'x.pdf'], /缺少必需选项 --volume <id...>[\s\S]*required option/],
    [['db', 'check', '--blobs', 'many'], /无效[\s\S]*is invalid/],
    [['code'], /Usage: dangan code/],
  ])('%j', async (args, message) => {
    const r = await run(...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  it('--help lists the commands in both languages and exits 0', async () => {
    const r = await run('--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/code\s+统一社会信用代码与注册号 \/ unified social credit codes/);
    expect(r.out).toMatch(/db\s+本地档案数据库 \/ the local archive database/);
  });
});

describe('dangan db check and start', () => {
  it('start creates and migrates the data folder; db check then finds it healthy', async () => {
    const dir = path.join(tempDir(), 'data');
    const started = await run('start', '--data', dir, '--check');
    expect(started.code).toBe(0);
    expect(started.out).toContain('database migrated to version');
    const checked = await run('db', 'check', '--data', dir, '--json');
    expect(checked.code).toBe(0);
    expect(JSON.parse(checked.out)).toMatchObject({ ok: true, integrity: ['ok'], audit: { ok: true } });
  });

  it('db check on a folder without a database exits 1 and says so', async () => {
    const r = await run('db', 'check', '--data', tempDir());
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/找不到数据库.*No database/);
  });
});
