import { Alert, Button, Form, Input, Typography } from 'antd';
import type { Output } from '../../core/contracts';
import type { EngineClient } from '../api/client';
import { AuthCard } from '../app/AuthCard';
import { useSubmit } from '../app/use-submit';
import { useI18n } from '../i18n/i18n';

interface Values {
  username: string;
  password: string;
}

/** 登录. Lockout (5 failures) and the idle timeout are the engine's; their messages are shown as they come. */
export function LoginScreen({
  client,
  notice,
  onDone,
}: {
  client: EngineClient;
  notice: string | null;
  onDone: (s: Output<'auth.login'>) => void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<Values>();
  const { busy, error, run } = useSubmit();

  const submit = (v: Values) =>
    run(
      async () => {
        onDone(await client.call('auth.login', v));
      },
      () => {
        form.setFieldValue('password', '');
      },
    );

  return (
    <AuthCard
      title={t('登录 · 档案数字化工作站', 'Sign in · Archive digitization workstation')}
      titleTestId="login-title"
      error={error}
      errorTestId="login-error"
    >
      {notice && !error && <Alert type="info" showIcon title={notice} className="form-alert" />}
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} requiredMark={false}>
        <Form.Item
          name="username"
          label={t('用户名', 'Username')}
          rules={[{ required: true, message: t('请输入用户名', 'Enter your username') }]}
        >
          <Input autoFocus autoComplete="username" />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('密码', 'Password')}
          rules={[{ required: true, message: t('请输入密码', 'Enter your password') }]}
        >
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={busy}>
          {t('登录', 'Sign in')}
        </Button>
      </Form>
      <Typography.Paragraph type="secondary" className="hint">
        {t(
          '连续 5 次密码错误将锁定账号 15 分钟；15 分钟无操作自动退出。',
          'Five wrong passwords in a row lock the account for 15 minutes; 15 minutes without activity signs you out.',
        )}
      </Typography.Paragraph>
    </AuthCard>
  );
}
