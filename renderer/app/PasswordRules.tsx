import { Typography } from 'antd';
import { CheckCircleFilled, CloseCircleFilled, MinusCircleOutlined } from '@ant-design/icons';
import { PASSWORD_MIN_CLASSES, PASSWORD_MIN_LENGTH, passwordProblems } from '../../core/contracts';
import { useI18n } from '../i18n/i18n';

/**
 * The password rules, ticked off while the user types (the engine checks them again). Before anything is
 * typed every rule is neutral: an empty password "not containing the username" is no achievement.
 */
export function PasswordRules({ password, username }: { password: string; username: string }) {
  const { t } = useI18n();
  const p = passwordProblems(password, username);
  const rules: [boolean, string][] = [
    [
      !p.tooShort && !p.tooLong,
      t(`至少 ${PASSWORD_MIN_LENGTH} 个字符`, `At least ${PASSWORD_MIN_LENGTH} characters`),
    ],
    [
      p.needMoreClasses === 0,
      t(
        `包含大写字母、小写字母、数字、符号中的至少 ${PASSWORD_MIN_CLASSES} 类`,
        `At least ${PASSWORD_MIN_CLASSES} of: upper-case, lower-case, digits, symbols`,
      ),
    ],
    // Compared without regard to case (Wang2026! contains wang): said here, where people trip on it.
    [
      !p.containsUsername,
      t('不得包含用户名（不区分大小写）', 'Must not contain the username (in any case: Wang = wang)'),
    ],
  ];
  return (
    <ul className="password-rules" aria-label={t('密码规则', 'Password rules')}>
      {rules.map(([ok, label]) => {
        const state = password === '' ? 'pending' : ok ? 'met' : 'unmet';
        return (
          <li key={label} data-state={state}>
            {/* Passed green ✓, failed red ✗, not yet typed grey –: a failed rule never looks unchecked. */}
            <Typography.Text type={state === 'met' ? 'success' : state === 'unmet' ? 'danger' : 'secondary'}>
              {state === 'pending' ? (
                <MinusCircleOutlined aria-label={t('未检查', 'not checked yet')} />
              ) : state === 'met' ? (
                <CheckCircleFilled aria-label={t('符合', 'met')} />
              ) : (
                <CloseCircleFilled aria-label={t('不符合', 'not met')} />
              )}{' '}
              {label}
            </Typography.Text>
          </li>
        );
      })}
    </ul>
  );
}

export function passwordAcceptable(password: string, username: string): boolean {
  const p = passwordProblems(password, username);
  return !p.tooShort && !p.tooLong && p.needMoreClasses === 0 && !p.containsUsername;
}

type Translate = (zh: string, en: string) => string;

/** A form rule: the password meets the rules for the username `username()` gives at validation time. */
export function strongPasswordRule(username: () => string, t: Translate) {
  return {
    validator: (_r: unknown, value: string | undefined) =>
      passwordAcceptable(value ?? '', username())
        ? Promise.resolve()
        : Promise.reject(new Error(t('密码不符合下列规则', 'The password breaks a rule below'))),
  };
}

/** A form rule for 确认密码: the same as what `original()` holds. */
export function samePasswordRule(original: () => unknown, t: Translate) {
  return {
    validator: (_r: unknown, value: string | undefined) =>
      value === original()
        ? Promise.resolve()
        : Promise.reject(new Error(t('两次输入的密码不一致', 'The passwords differ'))),
  };
}
