import {
  Alert,
  App as AntApp,
  Button,
  Checkbox,
  Form,
  Input,
  Modal,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useCallback, useEffect, useState } from 'react';
import type { Role, UserView } from '../../core/contracts';
import { useApp } from '../app/context';
import { errorText } from '../app/errors';
import { localTime } from '../app/format';
import { PasswordRules, strongPasswordRule } from '../app/PasswordRules';
import { useI18n } from '../i18n/i18n';
import { useWatchedText } from '../app/watch';
import { SECURITY_TAB } from './PasswordPolicy';

interface NewUserForm {
  username: string;
  displayName: string;
  password: string;
  roles: Role[];
}

/** 用户管理: accounts and roles (operator, QA, technician, admin). */
export function UsersScreen() {
  const i18n = useI18n();
  const { t } = i18n;
  const { client, reference, user: me, navigate } = useApp();
  const { message } = AntApp.useApp();
  const [users, setUsers] = useState<UserView[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [editingRoles, setEditingRoles] = useState<UserView | null>(null);
  const [resetting, setResetting] = useState<UserView | null>(null);
  const [form] = Form.useForm<NewUserForm>();
  const [pwForm] = Form.useForm<{ password: string }>();
  const [roles, setRoles] = useState<Role[]>([]);
  const newName = useWatchedText('username', form);
  const newPassword = useWatchedText('password', form);
  const resetPassword = useWatchedText('password', pwForm);

  const load = useCallback(async () => {
    try {
      setUsers(await client.call('users.list', {}));
    } catch (e) {
      setError(errorText(e, i18n));
    }
  }, [client, i18n]);

  useEffect(() => {
    void load();
  }, [load]);

  const act = async (f: () => Promise<unknown>, done: string) => {
    setError(null);
    try {
      await f();
      message.success(done);
      await load();
      return true;
    } catch (e) {
      setError(errorText(e, i18n));
      return false;
    }
  };

  const roleOptions = reference.roles.map((r) => ({ value: r.role, label: i18n.tx(r.name) }));
  const now = new Date().toISOString();

  return (
    <Space orientation="vertical" size="large" className="screen">
      <Typography.Title level={3} data-testid="screen-title">
        {t('用户管理', 'Users')}
      </Typography.Title>
      {error && <Alert type="error" showIcon title={error} />}
      <div>
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={() => {
            form.resetFields();
            setCreating(true);
          }}
          data-testid="new-user"
        >
          {t('新建用户', 'New user')}
        </Button>
      </div>
      <Typography.Text type="secondary" data-testid="password-policy-hint">
        {t('密码有效期等系统设置见', 'The password lifetime and other system settings are in')}{' '}
        <Typography.Link
          onClick={() => {
            navigate(`/maintenance?tab=${SECURITY_TAB}`);
          }}
          data-testid="password-policy-link"
        >
          {t('系统维护 → 安全设置', 'Maintenance → Security')}
        </Typography.Link>
      </Typography.Text>
      <Table<UserView>
        rowKey="id"
        size="small"
        dataSource={users}
        pagination={false}
        columns={[
          { title: t('用户名', 'Username'), dataIndex: 'username', key: 'u' },
          { title: t('姓名', 'Name'), dataIndex: 'displayName', key: 'n' },
          {
            title: t('角色', 'Roles'),
            key: 'r',
            render: (_v, u) =>
              u.roles.map((r) => <Tag key={r}>{roleOptions.find((o) => o.value === r)?.label ?? r}</Tag>),
          },
          {
            title: t('状态', 'Status'),
            key: 's',
            render: (_v, u) =>
              u.disabledAt !== null ? (
                <Tag>{t('已停用', 'Disabled')}</Tag>
              ) : u.lockedUntil !== null && u.lockedUntil > now ? (
                <Tag color="error">
                  {t(`锁定至 ${localTime(u.lockedUntil)}`, `Locked until ${localTime(u.lockedUntil)}`)}
                </Tag>
              ) : u.mustChangePassword ? (
                <Tag color="warning">{t('待修改初始密码', 'Must change initial password')}</Tag>
              ) : (
                <Tag color="success">{t('正常', 'Active')}</Tag>
              ),
          },
          {
            title: t('创建时间', 'Created'),
            dataIndex: 'createdAt',
            key: 'c',
            render: (iso: string) => localTime(iso),
          },
          {
            title: t('操作', 'Actions'),
            key: 'a',
            render: (_v, u) => (
              <Space size="small" wrap>
                <Button
                  size="small"
                  onClick={() => {
                    setRoles(u.roles);
                    setEditingRoles(u);
                  }}
                >
                  {t('角色', 'Roles')}
                </Button>
                <Button
                  size="small"
                  onClick={() => {
                    pwForm.resetFields();
                    setResetting(u);
                  }}
                >
                  {t('重置密码', 'Reset password')}
                </Button>
                {u.lockedUntil !== null && u.lockedUntil > now && (
                  <Button
                    size="small"
                    onClick={() =>
                      void act(() => client.call('users.unlock', { userId: u.id }), t('已解锁', 'Unlocked'))
                    }
                  >
                    {t('解锁', 'Unlock')}
                  </Button>
                )}
                {u.id !== me.id &&
                  (u.disabledAt === null ? (
                    <Button
                      size="small"
                      danger
                      onClick={() =>
                        void act(
                          () => client.call('users.disable', { userId: u.id }),
                          t('已停用', 'Disabled'),
                        )
                      }
                    >
                      {t('停用', 'Disable')}
                    </Button>
                  ) : (
                    <Button
                      size="small"
                      onClick={() =>
                        void act(() => client.call('users.enable', { userId: u.id }), t('已启用', 'Enabled'))
                      }
                    >
                      {t('启用', 'Enable')}
                    </Button>
                  ))}
              </Space>
            ),
          },
        ]}
      />

      <Modal
        open={creating}
        title={t('新建用户', 'New user')}
        okText={t('创建', 'Create')}
        cancelText={t('取消', 'Cancel')}
        onCancel={() => {
          setCreating(false);
        }}
        onOk={() => {
          form.submit();
        }}
        destroyOnHidden
      >
        <Form
          form={form}
          layout="vertical"
          requiredMark={false}
          initialValues={{ roles: ['operator'] }}
          onFinish={(v) =>
            void act(
              () => client.call('users.create', v),
              t(
                `已创建用户 ${v.username}，首次登录时须修改初始密码`,
                `User ${v.username} created: the initial password must be changed at first sign-in`,
              ),
            ).then((ok) => {
              if (ok) setCreating(false);
            })
          }
        >
          <Form.Item name="username" label={t('用户名', 'Username')} rules={[{ required: true }]}>
            <Input autoFocus data-testid="new-username" />
          </Form.Item>
          <Form.Item name="displayName" label={t('姓名', 'Name')} rules={[{ required: true }]}>
            <Input data-testid="new-displayname" />
          </Form.Item>
          <Form.Item
            name="roles"
            label={t('角色', 'Roles')}
            rules={[
              {
                required: true,
                type: 'array',
                min: 1,
                message: t('请至少选择一个角色', 'Choose at least one role'),
              },
            ]}
          >
            <Checkbox.Group options={roleOptions} />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('初始密码', 'Initial password')}
            rules={[{ required: true }, strongPasswordRule(() => newName, t)]}
          >
            <Input.Password autoComplete="new-password" data-testid="new-password" />
          </Form.Item>
          <PasswordRules password={newPassword} username={newName} />
        </Form>
      </Modal>

      <Modal
        open={editingRoles !== null}
        title={t(`设置角色：${editingRoles?.username}`, `Roles of ${editingRoles?.username}`)}
        okText={t('保存', 'Save')}
        cancelText={t('取消', 'Cancel')}
        onCancel={() => {
          setEditingRoles(null);
        }}
        onOk={() => {
          const u = editingRoles;
          if (u)
            void act(
              () => client.call('users.setRoles', { userId: u.id, roles }),
              t('角色已更新', 'Roles updated'),
            ).then((ok) => {
              if (ok) setEditingRoles(null);
            });
        }}
      >
        <Checkbox.Group
          options={roleOptions}
          value={roles}
          onChange={(v) => {
            setRoles(v);
          }}
        />
      </Modal>

      <Modal
        open={resetting !== null}
        title={t(`重置密码：${resetting?.username}`, `Reset the password of ${resetting?.username}`)}
        okText={t('重置', 'Reset')}
        cancelText={t('取消', 'Cancel')}
        onCancel={() => {
          setResetting(null);
        }}
        onOk={() => {
          pwForm.submit();
        }}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">
          {t(
            '重置后该用户的所有登录会话将被结束，下次登录时须修改此密码。',
            'Resetting ends every session of this user, who must change this password at the next sign-in.',
          )}
        </Typography.Paragraph>
        <Form
          form={pwForm}
          layout="vertical"
          onFinish={(v) => {
            const u = resetting;
            if (u)
              void act(
                () => client.call('users.setPassword', { userId: u.id, password: v.password }),
                t('密码已重置，该用户下次登录时须修改', 'Password reset: to be changed at the next sign-in'),
              ).then((ok) => {
                if (ok) setResetting(null);
              });
          }}
        >
          <Form.Item name="password" label={t('新密码', 'New password')} rules={[{ required: true }]}>
            <Input.Password autoFocus autoComplete="new-password" />
          </Form.Item>
          <PasswordRules password={resetPassword} username={resetting?.username ?? ''} />
        </Form>
      </Modal>
    </Space>
  );
}
