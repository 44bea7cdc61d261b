import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDomainError } from './errors';
import { assertPasswordStrong, passwordProblems } from './password-policy';

function weakness(password: string, username = 'wangwei'): Record<string, unknown> | null {
  try {
    assertPasswordStrong(password, username);
    return null;
  } catch (e) {
    if (isDomainError(e) && e.code === 'password.weak') return { ...e.details, zh: e.text.zh, en: e.text.en };
    throw e;
  }
}

describe('password policy (等保 level 3)', () => {
  it('accepts 8+ characters from 3 of the 4 classes', () => {
    expect(weakness('Dangan2026')).toBeNull();
    expect(weakness('dangan#2026')).toBeNull();
    expect(weakness('档案Scan99')).toBeNull(); // CJK counts like a symbol
  });

  it('says what is missing', () => {
    const short = weakness('Ab1!');
    expect(short).toMatchObject({ tooShort: true, needMoreClasses: 0 });
    expect(short?.['zh']).toContain('至少 8 个字符');
    const classes = weakness('abcdefgh12');
    expect(classes).toMatchObject({
      tooShort: false,
      needMoreClasses: 1,
      missingClasses: ['upper', 'symbol'],
    });
    expect(classes?.['en']).toContain('upper-case letters');
  });

  it('refuses the username, inside the password and in any case', () => {
    expect(weakness('WangWei2026!')).toMatchObject({ containsUsername: true });
    expect(weakness('wangwei', 'wangwei')).toMatchObject({ containsUsername: true, tooShort: true });
    // Names of one or two characters are only refused as the whole password.
    expect(weakness('Xy12345!ab', 'ab')).toBeNull();
  });

  it('counts characters as people do (code points)', () => {
    expect(passwordProblems('𠀀𠀀𠀀Aa1!x', 'u').tooShort).toBe(false);
    expect(passwordProblems('𠀀𠀀Aa1!x', 'u').tooShort).toBe(true);
  });

  it('property: whatever it accepts is long enough, mixed enough and free of the username', () => {
    const chars = fc.constantFrom(...'abcXYZ019!#档 '.split(''));
    fc.assert(
      fc.property(
        fc.array(chars, { maxLength: 14 }).map((a) => a.join('')),
        fc.constantFrom('abc', 'xyz', 'wang'),
        (pw, user) => {
          if (weakness(pw, user) !== null) return;
          const cps = Array.from(pw);
          expect(cps.length).toBeGreaterThanOrEqual(8);
          const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9\s]/].filter((re) => re.test(pw)).length;
          expect(classes).toBeGreaterThanOrEqual(3);
          expect(pw.toLowerCase()).not.toContain(user);
        },
      ),
    );
  });
});
