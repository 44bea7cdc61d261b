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
import { useEffect, useRef, useState, type MouseEvent, type ReactNode } from 'react';
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

/** Wide enough for the longest English label with its shortcut, at the UI font size. */
const SIDER_WIDTH_EN = 232;

/** The signed-in frame: menu (Alt+digit shortcuts), who is signed in, language switch, sign-out. */
export function Shell({
  path,
  children,
  onLogout,
  onLocale,
  onChangePassword,
  passwordDaysLeft,
}: {
  path: string;
  children: ReactNode;
  onLogout: () => void;
  onLocale: (l: Locale) => void;
  onChangePassword: () => void;
  /** Days before the password expires, when that is soon enough to warn (core/password-policy). */
  passwordDaysLeft: number | null;
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
      {/* English labels are longer ("Upload queue  Alt+7"): the column widens so none is cut off. */}
      <Layout.Sider width={locale === 'en' ? SIDER_WIDTH_EN : 200} theme="light" className="shell-sider">
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
      <Layout className="shell-main">
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
            <UserMenu onLogout={onLogout} onChangePassword={onChangePassword}>
              {user.displayName}
              {roleNames.map((n) => (
                <Tag key={n} className="role-tag">
                  {n}
                </Tag>
              ))}
              {passwordDaysLeft !== null && (
                <Tag color="warning" data-testid="password-expiry">
                  {t(`密码将于 ${passwordDaysLeft} 天后过期`, `Password expires in ${passwordDaysLeft} days`)}
                </Tag>
              )}
            </UserMenu>
          </Space>
        </Layout.Header>
        <Layout.Content className="shell-content">{children}</Layout.Content>
      </Layout>
    </Layout>
  );
}

/**
 * The signed-in user's menu. It opens on click, on Enter/Space/↓ (focus goes to the first item: ↑↓ move,
 * Enter chooses, Esc closes and returns to the button) and, as before, when the pointer rests on it.
 * Controlled by hand because antd's click trigger toggles: a click after the hover opened it would close it.
 */
function UserMenu({
  children,
  onLogout,
  onChangePassword,
}: {
  children: ReactNode;
  onLogout: () => void;
  onChangePassword: () => void;
}) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const byKeyboard = useRef(false);

  const focusFirstItem = () => {
    requestAnimationFrame(() => {
      document.querySelector<HTMLElement>('.user-menu-popup [role="menuitem"]')?.focus();
    });
  };
  const openMenu = (keyboard: boolean) => {
    byKeyboard.current = keyboard;
    setOpen(true);
    if (keyboard) focusFirstItem();
  };

  // A click anywhere else closes it (the hover trigger alone would leave a keyboard-opened menu open).
  useEffect(() => {
    if (!open) return;
    const onDown = (e: PointerEvent) => {
      const target = e.target as Node;
      if (button.current?.contains(target) || document.querySelector('.user-menu-popup')?.contains(target))
        return;
      setOpen(false);
    };
    window.addEventListener('pointerdown', onDown);
    return () => {
      window.removeEventListener('pointerdown', onDown);
    };
  }, [open]);

  return (
    <Dropdown
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        // Back to the button only when the keyboard opened it (a pointer leaving must not move focus).
        if (!next && byKeyboard.current) button.current?.focus({ preventScroll: true });
        if (!next) byKeyboard.current = false;
      }}
      rootClassName="user-menu-popup"
      menu={{
        items: [
          { key: 'password', label: t('修改密码', 'Change password') },
          { key: 'logout', label: t('退出登录', 'Sign out') },
        ],
        onClick: ({ key }) => {
          setOpen(false);
          if (key === 'logout') onLogout();
          else onChangePassword();
        },
      }}
    >
      <Button
        ref={button}
        type="text"
        icon={<UserOutlined />}
        data-testid="user-menu"
        aria-haspopup="menu"
        aria-expanded={open}
        // A click from the keyboard (Enter, Space) has no pointer position: detail is 0.
        onClick={(e: MouseEvent) => {
          openMenu(e.detail === 0);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            openMenu(true);
          }
        }}
      >
        {children}
      </Button>
    </Dropdown>
  );
}
