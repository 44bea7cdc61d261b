import { Button, Dropdown, Layout, Menu, Space, Tag, Typography } from 'antd';
import {
  AppstoreOutlined,
  AuditOutlined,
  BarChartOutlined,
  CloudUploadOutlined,
  FileSearchOutlined,
  FormOutlined,
  PrinterOutlined,
  ScanOutlined,
  SettingOutlined,
  TeamOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { useEffect, type ReactNode } from 'react';
import type { Locale } from '../../core/contracts';
import { useI18n } from '../i18n/i18n';
import { useApp } from './context';

export interface Route {
  readonly path: string;
  readonly zh: string;
  readonly en: string;
  readonly icon: ReactNode;
  /** Alt+<key> opens it. */
  readonly key: string;
  readonly admin?: boolean;
}

export const ROUTES: readonly Route[] = [
  { path: '/', zh: '工作台', en: 'Workbench', icon: <AppstoreOutlined />, key: '1' },
  { path: '/register', zh: '企业/案卷登记', en: 'Registration', icon: <FormOutlined />, key: '2' },
  { path: '/scan', zh: '扫描', en: 'Scanning', icon: <ScanOutlined />, key: '3' },
  {
    path: '/catalogue',
    zh: '著录标引',
    en: 'Cataloguing',
    icon: <FileSearchOutlined />,
    key: '4',
  },
  { path: '/verify', zh: '图文校核', en: 'Verification', icon: <AuditOutlined />, key: '5' },
  { path: '/labels', zh: '标签打印', en: 'Labels', icon: <PrinterOutlined />, key: '6' },
  { path: '/outbox', zh: '上传队列', en: 'Upload queue', icon: <CloudUploadOutlined />, key: '7' },
  { path: '/stats', zh: '统计', en: 'Statistics', icon: <BarChartOutlined />, key: '8' },
  { path: '/users', zh: '用户管理', en: 'Users', icon: <TeamOutlined />, key: '9', admin: true },
  {
    path: '/maintenance',
    zh: '系统维护',
    en: 'Maintenance',
    icon: <SettingOutlined />,
    key: '0',
  },
];

/** The signed-in frame: menu (Alt+digit shortcuts), who is signed in, language switch, sign-out. */
export function Shell({
  path,
  children,
  onLogout,
  onLocale,
  onChangePassword,
}: {
  path: string;
  children: ReactNode;
  onLogout: () => void;
  onLocale: (l: Locale) => void;
  onChangePassword: () => void;
}) {
  const { t, locale, tx } = useI18n();
  const { user, navigate, reference } = useApp();
  const routes = ROUTES.filter((r) => !r.admin || user.roles.includes('admin'));

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      const route = routes.find((r) => r.key === e.key);
      if (route) {
        e.preventDefault();
        navigate(route.path);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
    };
  }, [routes, navigate]);

  const roleNames = user.roles.map((r) => {
    const found = reference.roles.find((x) => x.role === r);
    return found ? tx(found.name) : r;
  });

  return (
    <Layout className="shell">
      <Layout.Sider width={200} theme="light" className="shell-sider">
        <div className="brand">
          档案 <span>Dangan</span>
        </div>
        <Menu
          mode="inline"
          selectedKeys={[path]}
          onClick={({ key }) => {
            navigate(key);
          }}
          items={routes.map((r) => ({
            key: r.path,
            icon: r.icon,
            label: (
              <span>
                {t(r.zh, r.en)} <kbd className="shortcut">Alt+{r.key}</kbd>
              </span>
            ),
          }))}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header className="shell-header">
          <Typography.Text strong>{t(reference.province.name, reference.province.nameEn)}</Typography.Text>
          <Space size="middle">
            <Button
              size="small"
              onClick={() => {
                onLocale(locale === 'zh' ? 'en' : 'zh');
              }}
              data-testid="locale-switch"
            >
              {locale === 'zh' ? 'English' : '中文'}
            </Button>
            <Dropdown
              menu={{
                items: [
                  { key: 'password', label: t('修改密码', 'Change password') },
                  { key: 'logout', label: t('退出登录', 'Sign out') },
                ],
                onClick: ({ key }) => {
                  if (key === 'logout') onLogout();
                  else onChangePassword();
                },
              }}
            >
              <Button type="text" icon={<UserOutlined />} data-testid="user-menu">
                {user.displayName}
                {roleNames.map((n) => (
                  <Tag key={n} className="role-tag">
                    {n}
                  </Tag>
                ))}
              </Button>
            </Dropdown>
          </Space>
        </Layout.Header>
        <Layout.Content className="shell-content">{children}</Layout.Content>
      </Layout>
    </Layout>
  );
}
