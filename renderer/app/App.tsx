import { App as AntApp, Button, ConfigProvider, Result, Spin } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  expiryWarningDue,
  type Locale,
  type Output,
  type PasswordStatusView,
  type Reference,
  type UserView,
} from '../../core/contracts';
import { EngineClient } from '../api/client';
import { I18nProvider, makeI18n, saveLocale, savedLocale } from '../i18n/i18n';
import { LabelsScreen } from '../screens/Labels';
import { OutboxScreen } from '../screens/Outbox';
import { RoleGate } from './RoleGate';
import { ScanScreen } from '../screens/Scan';
import { CatalogueScreen } from '../screens/Catalogue';
import { VerifyScreen } from '../screens/Verify';
import { StatsScreen } from '../screens/Stats';
import { MaintenanceScreen } from '../screens/Maintenance';
import { LoginScreen } from '../screens/Login';
import { RegisterScreen } from '../screens/Register';
import { SetupScreen } from '../screens/Setup';
import { UsersScreen } from '../screens/Users';
import { WorkbenchScreen } from '../screens/Workbench';
import { ChangePassword, RequiredPasswordChange } from './ChangePassword';
import { AppContext, type AppState } from './context';
import { errorText } from './errors';
import { useIdleTimeout } from './idle';
import { ROUTES, Shell } from './Shell';

type Phase =
  | { kind: 'loading' }
  | { kind: 'offline'; message: string }
  | { kind: 'setup' }
  | { kind: 'login'; notice: string | null }
  // Signed in with an initial or expired password: 修改密码 is all there is until it is changed.
  | { kind: 'password'; user: UserView; reason: 'initial' | 'expired'; idleMinutes: number }
  | {
      kind: 'ready';
      user: UserView;
      reference: Reference;
      idleMinutes: number;
      password: PasswordStatusView;
    };

const client = new EngineClient();

function currentPath(): string {
  const p = window.location.pathname;
  return ROUTES.some((r) => r.path === p) ? p : '/';
}

export function App() {
  const [locale, setLocale] = useState<Locale>(savedLocale());
  const changeLocale = (l: Locale) => {
    saveLocale(l);
    setLocale(l);
    document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
  };
  return (
    <I18nProvider locale={locale}>
      <ConfigProvider
        locale={locale === 'zh' ? zhCN : enUS}
        theme={{ token: { colorPrimary: '#1f5fa8', borderRadius: 4, fontSize: 14 } }}
        button={{ autoInsertSpace: false }}
      >
        <AntApp>
          <Root locale={locale} onLocale={changeLocale} />
        </AntApp>
      </ConfigProvider>
    </I18nProvider>
  );
}

function Root({ locale, onLocale }: { locale: Locale; onLocale: (l: Locale) => void }) {
  const i18n = useMemo(() => makeI18n(locale), [locale]);
  const { t } = i18n;
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
  const [path, setPath] = useState(currentPath());
  const [changingPassword, setChangingPassword] = useState(false);

  const enter = useCallback(async (user: UserView, idleMinutes: number, password: PasswordStatusView) => {
    if (password.change !== null) {
      setPhase({ kind: 'password', user, reason: password.change, idleMinutes });
      return;
    }
    const reference = await client.call('reference.get', {});
    setPhase({ kind: 'ready', user, reference, idleMinutes, password });
  }, []);

  const boot = useCallback(async () => {
    if (!client.canConnect) {
      setPhase({
        kind: 'offline',
        message: t(
          '缺少访问令牌：请使用启动时显示的完整地址打开本页',
          'No access token: open the full address printed at start',
        ),
      });
      return;
    }
    try {
      const status = await client.call('setup.status', {});
      if (status.needsSetup) {
        setPhase({ kind: 'setup' });
        return;
      }
      if (client.hasSession) {
        try {
          const me = await client.call('auth.me', {});
          await enter(me.user, me.idleMinutes, me.password);
          return;
        } catch {
          // the session ended while the page was closed: sign in again
        }
      }
      setPhase({ kind: 'login', notice: null });
    } catch (e) {
      setPhase({ kind: 'offline', message: errorText(e, i18n) });
    }
  }, [enter, i18n, t]);

  useEffect(() => {
    // The password expired while signed in (or an administrator reset it): change it before going on.
    client.onPasswordChangeRequired = (reason) => {
      setPhase((p) =>
        p.kind === 'ready'
          ? {
              kind: 'password',
              user: p.user,
              reason: reason === 'expired' ? 'expired' : 'initial',
              idleMinutes: p.idleMinutes,
            }
          : p,
      );
    };
    client.onSessionExpired = () => {
      setPhase({
        kind: 'login',
        notice: t('登录已失效，请重新登录', 'Your session has ended: please sign in again'),
      });
    };
    void boot();
    const onPop = () => {
      setPath(currentPath());
    };
    window.addEventListener('popstate', onPop);
    return () => {
      window.removeEventListener('popstate', onPop);
    };
    // Boot once: switching the language must not sign anyone out.
  }, []);

  const signedIn = (s: Output<'auth.login'>) => {
    client.setSession(s.token);
    // Never left on the form that just succeeded: if the next screen cannot load, sign in again, told why.
    enter(s.user, s.idleMinutes, s.password).catch((e: unknown) => {
      setPhase({ kind: 'login', notice: errorText(e, i18n) });
    });
  };

  const logout = useCallback((notice: string | null) => {
    void client
      .call('auth.logout', {})
      .catch(() => undefined)
      .finally(() => {
        client.setSession(null);
        setPhase({ kind: 'login', notice });
      });
  }, []);

  useIdleTimeout(phase.kind === 'ready' || phase.kind === 'password' ? phase.idleMinutes : null, () => {
    logout(t('长时间未操作，已自动退出登录', 'Signed out after a period without activity'));
  });

  const navigate = useCallback((to: string) => {
    window.history.pushState(null, '', to);
    setPath(window.location.pathname); // `to` may carry a query (/catalogue?volume=7): routes match the path
  }, []);

  if (phase.kind === 'loading') return <Spin size="large" className="boot-spin" />;
  if (phase.kind === 'offline') {
    return (
      <Result
        status="warning"
        title={t('无法连接工作站程序', 'Cannot reach the workstation engine')}
        subTitle={phase.message}
        extra={<Button onClick={() => void boot()}>{t('重试', 'Retry')}</Button>}
      />
    );
  }
  if (phase.kind === 'setup') return <SetupScreen client={client} onDone={signedIn} />;
  if (phase.kind === 'login') return <LoginScreen client={client} notice={phase.notice} onDone={signedIn} />;
  if (phase.kind === 'password') {
    return (
      <RequiredPasswordChange
        client={client}
        username={phase.user.username}
        reason={phase.reason}
        onSession={signedIn}
        onLogout={() => {
          logout(null);
        }}
      />
    );
  }

  const state: AppState = { client, user: phase.user, reference: phase.reference, navigate };
  const isAdmin = phase.user.roles.includes('admin');
  const screen =
    path === '/register' ? (
      <RegisterScreen />
    ) : path === '/labels' ? (
      <LabelsScreen />
    ) : path === '/outbox' ? (
      <RoleGate channel="outbox.list" zh="上传队列" en="Upload queue">
        <OutboxScreen />
      </RoleGate>
    ) : path === '/scan' ? (
      <RoleGate channel="scan.devices" zh="扫描" en="Scanning">
        <ScanScreen />
      </RoleGate>
    ) : path === '/catalogue' ? (
      <CatalogueScreen />
    ) : path === '/verify' ? (
      <RoleGate channel="qa.queue" zh="图文校核" en="Verification">
        <VerifyScreen />
      </RoleGate>
    ) : path === '/stats' ? (
      <StatsScreen />
    ) : path === '/maintenance' ? (
      <MaintenanceScreen />
    ) : path === '/users' && isAdmin ? (
      <UsersScreen />
    ) : (
      <WorkbenchScreen />
    );
  return (
    <AppContext.Provider value={state}>
      <Shell
        path={path === '/users' && !isAdmin ? '/' : path}
        onLogout={() => {
          logout(null);
        }}
        onLocale={onLocale}
        onChangePassword={() => {
          setChangingPassword(true);
        }}
        passwordDaysLeft={expiryWarningDue(phase.password) ? phase.password.daysLeft : null}
      >
        {screen}
      </Shell>
      <ChangePassword
        open={changingPassword}
        onClose={() => {
          setChangingPassword(false);
        }}
        onSession={(s) => {
          client.setSession(s.token);
          setPhase((p) => (p.kind === 'ready' ? { ...p, user: s.user, password: s.password } : p));
        }}
      />
    </AppContext.Provider>
  );
}
