import { Typography } from 'antd';
import { CheckCircleFilled, CloseCircleOutlined } from '@ant-design/icons';
import { PASSWORD_MIN_CLASSES, PASSWORD_MIN_LENGTH, passwordProblems } from '../../core/contracts';
import { useI18n } from '../i18n/i18n';

/** The password rules, ticked off while the user types (the engine checks them again). */
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
    [!p.containsUsername, t('不包含用户名', 'Does not contain the username')],
  ];
  return (
    <ul className="password-rules" aria-label={t('密码规则', 'Password rules')}>
      {rules.map(([ok, label]) => (
        <li key={label}>
          <Typography.Text type={ok ? 'success' : 'secondary'}>
            {ok ? <CheckCircleFilled /> : <CloseCircleOutlined />} {label}
          </Typography.Text>
        </li>
      ))}
    </ul>
  );
}

export function passwordAcceptable(password: string, username: string): boolean {
  const p = passwordProblems(password, username);
  return !p.tooShort && !p.tooLong && p.needMoreClasses === 0 && !p.containsUsername;
}
