import { DomainError } from './errors';
import { codePointLength } from './normalize';
import { text } from './text';

/**
 * Password rules for 等级保护 level 3 (GB/T 22239-2019 identity authentication: complexity and
 * periodic change). Pure, so that it could move to core/ when the UI wants to show it while typing.
 */
export const PASSWORD_MIN_LENGTH = 8;
/** Bounds the hashing work per attempt; nobody types more. */
export const PASSWORD_MAX_LENGTH = 256;
export const PASSWORD_MIN_CLASSES = 3;

export type CharClass = 'lower' | 'upper' | 'digit' | 'symbol';

const CLASS_NAMES: Readonly<Record<CharClass, { zh: string; en: string }>> = {
  lower: { zh: '小写字母', en: 'lower-case letters' },
  upper: { zh: '大写字母', en: 'upper-case letters' },
  digit: { zh: '数字', en: 'digits' },
  symbol: { zh: '符号', en: 'symbols' },
};

function classOf(ch: string): CharClass | null {
  if (/\p{Ll}/u.test(ch)) return 'lower';
  if (/\p{Lu}/u.test(ch)) return 'upper';
  if (/\p{Nd}/u.test(ch)) return 'digit';
  if (/\s/u.test(ch)) return null;
  return 'symbol'; // punctuation, and also CJK characters: they widen the alphabet like symbols do
}

export interface PasswordProblems {
  readonly tooShort: boolean;
  readonly tooLong: boolean;
  readonly missingClasses: readonly CharClass[];
  /** Set when fewer than PASSWORD_MIN_CLASSES classes are present. */
  readonly needMoreClasses: number;
  readonly containsUsername: boolean;
}

export function passwordProblems(password: string, username: string): PasswordProblems {
  const length = codePointLength(password);
  const present = new Set<CharClass>();
  for (const ch of password) {
    const c = classOf(ch);
    if (c !== null) present.add(c);
  }
  const all: CharClass[] = ['lower', 'upper', 'digit', 'symbol'];
  const user = username.trim().toLowerCase();
  const lowered = password.toLowerCase();
  return {
    tooShort: length < PASSWORD_MIN_LENGTH,
    tooLong: length > PASSWORD_MAX_LENGTH,
    missingClasses: all.filter((c) => !present.has(c)),
    needMoreClasses: Math.max(0, PASSWORD_MIN_CLASSES - present.size),
    // Containment is checked for names of 3+ characters; a 2-letter name would forbid half the alphabet.
    containsUsername: user !== '' && (lowered === user || (user.length >= 3 && lowered.includes(user))),
  };
}

/** Throws `password.weak` saying everything that is missing, or returns quietly. */
export function assertPasswordStrong(password: string, username: string): void {
  const p = passwordProblems(password, username);
  const zh: string[] = [];
  const en: string[] = [];
  const length = codePointLength(password);
  if (p.tooShort) {
    zh.push(`至少 ${PASSWORD_MIN_LENGTH} 个字符（当前 ${length} 个）`);
    en.push(`at least ${PASSWORD_MIN_LENGTH} characters (now ${length})`);
  }
  if (p.tooLong) {
    zh.push(`最多 ${PASSWORD_MAX_LENGTH} 个字符（当前 ${length} 个）`);
    en.push(`at most ${PASSWORD_MAX_LENGTH} characters (now ${length})`);
  }
  if (p.needMoreClasses > 0) {
    const names = p.missingClasses.map((c) => CLASS_NAMES[c]);
    zh.push(
      `需包含大写字母、小写字母、数字、符号中的至少 ${PASSWORD_MIN_CLASSES} 类，还缺 ${p.needMoreClasses} 类（可从${names.map((n) => n.zh).join('、')}中选）`,
    );
    en.push(
      `must mix at least ${PASSWORD_MIN_CLASSES} of upper-case, lower-case, digits and symbols; ${p.needMoreClasses} more needed (from ${names.map((n) => n.en).join(', ')})`,
    );
  }
  if (p.containsUsername) {
    zh.push('不能与用户名相同或包含用户名');
    en.push('must not be or contain the username');
  }
  if (zh.length === 0) return;
  throw new DomainError(
    'password.weak',
    text(`密码不符合要求：${zh.join('；')}`, `Password too weak: ${en.join('; ')}`),
    {
      tooShort: p.tooShort,
      tooLong: p.tooLong,
      missingClasses: p.missingClasses,
      needMoreClasses: p.needMoreClasses,
      containsUsername: p.containsUsername,
    },
  );
}

/** Longest a password may be used (等保 assessors expect ≤ 90 days); an administrator may set it shorter. */
export const PASSWORD_MAX_AGE_DAYS = 90;
export const PASSWORD_MIN_AGE_SETTING_DAYS = 1;
/** The user menu warns this many days before a password expires. */
export const PASSWORD_EXPIRY_WARNING_DAYS = 14;
/** A new password may not equal any of this many most recent ones (the current one included). */
export const PASSWORD_HISTORY = 5;

/** Why a signed-in user must change the password before anything else (null: no need). */
export type PasswordChangeReason = 'initial' | 'expired';

export interface PasswordStatus {
  readonly change: PasswordChangeReason | null;
  /** ISO time at which the password expires. */
  readonly expiresAt: string;
  /** Whole days left before expiry, rounded up (0 or less: expired). */
  readonly daysLeft: number;
}

const DAY_MS = 86_400_000;

export function passwordStatus(
  account: { readonly mustChangePassword: boolean; readonly passwordChangedAt: string },
  maxAgeDays: number,
  now: Date,
): PasswordStatus {
  const expires = Date.parse(account.passwordChangedAt) + maxAgeDays * DAY_MS;
  const daysLeft = Math.ceil((expires - now.getTime()) / DAY_MS);
  const change = account.mustChangePassword ? 'initial' : expires <= now.getTime() ? 'expired' : null;
  return { change, expiresAt: new Date(expires).toISOString(), daysLeft };
}

/** Whether the user menu should warn about an expiry that is coming (not yet due). */
export function expiryWarningDue(status: PasswordStatus): boolean {
  return status.change === null && status.daysLeft <= PASSWORD_EXPIRY_WARNING_DAYS;
}

/** The error every call but changing the password (and signing out) answers while a change is due. */
export function passwordChangeRequired(reason: PasswordChangeReason): DomainError {
  return new DomainError(
    'password.change-required',
    reason === 'initial'
      ? text('请先修改初始密码', 'Change your initial password first')
      : text('密码已过期，请修改已过期的密码', 'Your password has expired: change it first'),
    { reason },
  );
}
