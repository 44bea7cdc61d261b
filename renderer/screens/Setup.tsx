import { Button, Form, Input, Typography } from 'antd';
import type { Output } from '../../core/contracts';
import type { EngineClient } from '../api/client';
import { AuthCard } from '../app/AuthCard';
import { useSubmit } from '../app/use-submit';
import { PasswordRules, samePasswordRule, strongPasswordRule } from '../app/PasswordRules';
import { useI18n } from '../i18n/i18n';
import { useWatchedText } from '../app/watch';

interface Values {
  username: string;
  displayName: string;
  password: string;
  confirm: string;
}

/** 首次设置: there is no account yet, and no default password: the first administrator is created here. */
export function SetupScreen({
  client,
  onDone,
}: {
  client: EngineClient;
  onDone: (s: Output<'setup.createAdmin'>) => void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<Values>();
  const username = useWatchedText('username', form);
  const password = useWatchedText('password', form);
  const { busy, error, run } = useSubmit();

  const submit = (v: Values) =>
    run(async () => {
      onDone(
        await client.call('setup.createAdmin', {
          username: v.username,
          displayName: v.displayName,
          password: v.password,
        }),
      );
    });

  return (
    <AuthCard
      title={t('首次设置：创建管理员账号', 'First-run setup: create the administrator')}
      titleTestId="setup-title"
      error={error}
    >
      <Typography.Paragraph type="secondary">
        {t(
          '本工作站还没有任何账号，也没有默认密码。请创建管理员账号，用它再为扫描员、质检员和运维人员创建账号。',
          'This workstation has no account yet and no default password. Create the administrator account, then use it to create accounts for operators, QA staff and technicians.',
        )}
      </Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} requiredMark={false}>
        <Form.Item
          name="username"
          label={t('用户名', 'Username')}
          rules={[{ required: true, message: t('请输入用户名', 'Enter a username') }]}
        >
          <Input autoFocus autoComplete="username" placeholder="admin" />
        </Form.Item>
        <Form.Item
          name="displayName"
          label={t('姓名', 'Display name')}
          rules={[{ required: true, message: t('请输入姓名', 'Enter a name') }]}
        >
          <Input />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('密码', 'Password')}
          rules={[
            { required: true, message: t('请输入密码', 'Enter a password') },
            strongPasswordRule(() => String(form.getFieldValue('username') ?? ''), t),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <PasswordRules password={password} username={username} />
        <Form.Item
          name="confirm"
          label={t('确认密码', 'Confirm password')}
          dependencies={['password']}
          rules={[
            { required: true, message: t('请再次输入密码', 'Enter the password again') },
            samePasswordRule(() => form.getFieldValue('password'), t),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={busy}>
          {t('创建管理员并登录', 'Create the administrator and sign in')}
        </Button>
      </Form>
    </AuthCard>
  );
}
