import { DomainError } from '../../../core/errors';
import { text } from '../../../core/text';
import { SYSTEM_ACTOR } from '../../../db/repos';
import { actorOf, caller, type EngineHandlers, type EngineServices } from '../context';
import { userView } from '../views';

type AuthHandlers = Pick<
  EngineHandlers,
  'setup.status' | 'setup.createAdmin' | 'auth.login' | 'auth.logout' | 'auth.me' | 'auth.changePassword'
>;

/** First-run setup and sign-in. There is no default account: the first administrator is created here. */
export function authHandlers(s: EngineServices): AuthHandlers {
  const { repos } = s;
  // Two browser tabs could both submit the setup form; hashing is async, so guard the gap.
  let settingUp = false;

  const session = (userId: number) => {
    const user = repos.users.get(userId);
    return {
      token: repos.sessions.create(userId),
      user: userView(user),
      idleMinutes: s.idleMinutes,
      password: repos.users.passwordStatus(user),
    };
  };

  return {
    'setup.status': () =>
      Promise.resolve({ needsSetup: repos.users.count() === 0, version: s.version, dataDir: s.dataDir }),

    'setup.createAdmin': async (input) => {
      if (settingUp || repos.users.count() > 0) {
        throw new DomainError(
          'setup.done',
          text('系统已初始化，请用已有账号登录', 'Setup is already done: sign in with an existing account'),
        );
      }
      settingUp = true;
      try {
        // The administrator types their own password here: it is not an initial one to be changed.
        const user = await repos.users.create({ ...input, roles: ['admin'] }, SYSTEM_ACTOR, {
          mustChangePassword: false,
        });
        return session(user.id);
      } finally {
        settingUp = false;
      }
    },

    'auth.login': async ({ username, password }) => {
      const user = await repos.users.authenticate(username, password);
      return session(user.id);
    },

    'auth.logout': (_input, ctx) => {
      if (ctx.sessionToken !== null) repos.sessions.revoke(ctx.sessionToken);
      return Promise.resolve({ done: true as const });
    },

    'auth.me': (_input, ctx) => {
      const me = caller(ctx);
      return Promise.resolve({
        user: userView(me),
        idleMinutes: s.idleMinutes,
        password: repos.users.passwordStatus(me),
      });
    },

    'auth.changePassword': async ({ oldPassword, newPassword }, ctx) => {
      const me = caller(ctx);
      // Re-authenticating also counts a wrong old password towards the lockout.
      await repos.users.authenticate(me.username, oldPassword);
      // The user's own change: clears an initial password's must-change and restarts the expiry.
      await repos.users.setPassword(me.id, newPassword, actorOf(me));
      return session(me.id);
    },
  };
}
