import { describe, expect, it } from 'vitest';
import { checkCode } from './check-code';
import * as api from './index';

const codes = (issues: readonly { code: string }[]): string[] => issues.map((i) => i.code);

describe('checkCode', () => {
  it('normalises, then validates a USCC', () => {
    const r = checkCode(' ９１３５０２００ｍａ２ｙｊ１ｘｒ９ｇ\u200B\n');
    expect(r.input).toBe(' ９１３５０２００ｍａ２ｙｊ１ｘｒ９ｇ\u200B\n');
    expect(r.normalized).toBe('91350200MA2YJ1XR9G');
    expect(r.kind).toBe('uscc');
    expect(r.valid).toBe(true);
    expect(r.errors).toEqual([]);
    expect(r.parts).toMatchObject({ division: '350200', organizationCode: 'MA2YJ1XR9' });
  });

  it('validates a 15-digit 注册号', () => {
    const r = checkCode('110108 000000 016');
    expect(r).toMatchObject({ normalized: '110108000000016', kind: 'regno', valid: true });
    expect(r.parts).toEqual({ division: '110108', checkDigit: '6' });
    expect(checkCode('110108000000017')).toMatchObject({ kind: 'regno', valid: false });
    expect(codes(checkCode('110108000000017').errors)).toEqual(['regno.check']);
  });

  it('passes the pilot allow-list option through', () => {
    expect(checkCode('91350203M0001QAY9B').valid).toBe(true);
    expect(codes(checkCode('91350203M0001QAY9B').warnings)).toContain('uscc.pilot-code');
    expect(checkCode('91350203M0001QAY9B', { pilotAllowList: [] }).valid).toBe(false);
  });

  it('takes 17 or 19 characters as a USCC with a length error', () => {
    for (const s of ['91110000600037341', '91110000600037341LL']) {
      const r = checkCode(s);
      expect(r.kind).toBe('uscc');
      expect(codes(r.errors)).toEqual(['uscc.length']);
      expect(r.parts).toBeNull();
    }
  });

  it('takes 14 or 16 digits as a 注册号 with a length error', () => {
    for (const s of ['11010800000001', '1101080000000166']) {
      const r = checkCode(s);
      expect(r.kind).toBe('regno');
      expect(codes(r.errors)).toEqual(['regno.length']);
    }
  });

  it('takes 15 characters with a letter as a 注册号 with a charset error', () => {
    const r = checkCode('11010800000001O');
    expect(r.kind).toBe('regno');
    expect(codes(r.errors)).toEqual(['regno.charset']);
  });

  it('says "unknown" for anything else', () => {
    for (const s of ['', '12345', '1101080000000A', '91110000600037341LLLL']) {
      const r = checkCode(s);
      expect(r.kind).toBe('unknown');
      expect(r.valid).toBe(false);
      expect(codes(r.errors)).toEqual(['code.unknown']);
      expect(r.parts).toBeNull();
    }
    const m = checkCode('12345').errors[0]!.message;
    expect(m.zh).toContain('不是统一社会信用代码（18位）或注册号（15位）');
    expect(m.zh).toContain('实际 5 位');
    expect(m.en).toContain('found 5 characters');
  });

  it('never rewrites a letter into a digit', () => {
    const r = checkCode('9111000060OO37341L');
    expect(r.normalized).toBe('9111000060OO37341L');
    expect(codes(r.errors)).toEqual(['uscc.charset']);
  });

  it('the index re-exports the public API', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'DEFAULT_PILOT_ALLOW_LIST',
        'USCC_CHARSET',
        'USCC_WEIGHTS',
        'checkCode',
        'regNoCheckDigit',
        'suggestUscc',
        'usccCheckChar',
        'validateRegNo',
        'validateUscc',
      ].sort(),
    );
  });
});
