import { PASSWORD_EXPIRY_WARNING_DAYS, PASSWORD_HISTORY } from '../../../core/password-policy';
import { actorOf, caller, type EngineHandlers, type EngineServices } from '../context';
import { userView } from '../views';

type UserHandlers = Pick<
  EngineHandlers,
  | 'users.list'
  | 'users.create'
  | 'users.setRoles'
  | 'users.setPassword'
  | 'users.disable'
  | 'users.enable'
  | 'users.unlock'
  | 'users.passwordPolicy'
  | 'users.setPasswordPolicy'
>;

/** 用户管理. Access (admin only) is declared in the contract and checked by the dispatcher. */
export function userHandlers(s: EngineServices): UserHandlers {
  const { users } = s.repos;
  const policy = () => ({
    maxAgeDays: users.passwordMaxAgeDays(),
    warningDays: PASSWORD_EXPIRY_WARNING_DAYS,
    history: PASSWORD_HISTORY,
  });
  return {
    'users.list': () => Promise.resolve(s.queries.userIds().map((id) => userView(users.get(id)))),
    'users.create': async (input, ctx) => userView(await users.create(input, actorOf(caller(ctx), 'admin'))),
    'users.setRoles': ({ userId, roles }, ctx) =>
      Promise.resolve(userView(users.setRoles(userId, roles, actorOf(caller(ctx), 'admin')))),
    // A password set by an administrator is an initial one: the user must change it at next sign-in.
    'users.setPassword': async ({ userId, password }, ctx) => {
      await users.setPassword(userId, password, actorOf(caller(ctx), 'admin'));
      return { done: true as const };
    },
    'users.disable': ({ userId }, ctx) =>
      Promise.resolve(userView(users.disable(userId, actorOf(caller(ctx), 'admin')))),
    'users.enable': ({ userId }, ctx) =>
      Promise.resolve(userView(users.enable(userId, actorOf(caller(ctx), 'admin')))),
    'users.unlock': ({ userId }, ctx) =>
      Promise.resolve(userView(users.unlock(userId, actorOf(caller(ctx), 'admin')))),
    'users.passwordPolicy': () => Promise.resolve(policy()),
    'users.setPasswordPolicy': ({ maxAgeDays }, ctx) => {
      users.setPasswordMaxAgeDays(maxAgeDays, actorOf(caller(ctx), 'admin'));
      return Promise.resolve(policy());
    },
  };
}
