import type { ApiErrorBody, Channel, Envelope, Input, Output } from '../../core/contracts';
import type { Role } from '../../core/roles';
import type { Db } from '../../db/open';
import { createEngine, type Engine, type EngineOptions } from '../../workstation/engine/engine';

const ADMIN_PW = 'Zhao#2026pw';
export const USER_PW = 'Worker#2026pw';
const PW = USER_PW;

export interface EngineWithUsers {
  readonly engine: Engine;
  /** Sessions of an admin and one user per other role. */
  readonly as: {
    readonly admin: string;
    readonly operator: string;
    readonly qa: string;
    readonly technician: string;
  };
  /** The session of any user created, including `extraUsers`. */
  readonly session: (name: string) => string;
  readonly call: <C extends Channel>(
    channel: C,
    input: Input<C>,
    session: string,
  ) => Promise<Envelope<Output<C>>>;
  readonly ok: <C extends Channel>(channel: C, input: Input<C>, session: string) => Promise<Output<C>>;
  /** The error of a call that must fail. */
  readonly fails: <C extends Channel>(channel: C, input: Input<C>, session: string) => Promise<ApiErrorBody>;
}

/** A real engine over `db` with a first-run administrator and an operator, a QA inspector and a technician. */
export async function engineWithUsers(
  options: { db: Db; dataDir: string } & Omit<EngineOptions, 'db' | 'dataDir'>,
  /** More users by name with their roles (e.g. one holding operator and QA, for separation of duties). */
  extraUsers: Readonly<Record<string, readonly Role[]>> = {},
): Promise<EngineWithUsers> {
  // Internal errors are kept, so that a failing call names its cause.
  const logged: string[] = [];
  const engine = createEngine({
    log: (message, error) =>
      logged.push(`${message}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
    ...options,
  });
  const call = async <C extends Channel>(channel: C, input: Input<C>, session: string) =>
    (await engine.dispatch(channel, input, session)) as Envelope<Output<C>>;
  const ok = async <C extends Channel>(channel: C, input: Input<C>, session: string) => {
    const r = await call(channel, input, session);
    if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message.en}\n${logged.join('\n')}`);
    return r.value;
  };
  const fails = async <C extends Channel>(channel: C, input: Input<C>, session: string) => {
    const r = await call(channel, input, session);
    if (r.ok) throw new Error(`${channel} unexpectedly succeeded`);
    return r.error;
  };
  const admin = (await engine.dispatch(
    'setup.createAdmin',
    { username: 'admin', displayName: '管理员', password: ADMIN_PW },
    null,
  )) as Envelope<Output<'setup.createAdmin'>>;
  if (!admin.ok) throw new Error(`setup: ${admin.error.code}`);
  const sessions: Record<string, string> = { admin: admin.value.token };
  const users: Record<string, readonly Role[]> = {
    operator: ['operator'],
    technician: ['technician'],
    qa: ['qa'],
    ...extraUsers,
  };
  const adminActor = { userId: admin.value.user.id, username: 'admin' };
  for (const [name, roles] of Object.entries(users)) {
    // As if each had already changed the initial password an administrator gave them: these tests are
    // about other work. First sign-in itself is tested in workstation/engine/handlers/auth.test.ts.
    await engine.repos.users.create(
      { username: name, displayName: name, password: PW, roles: [...roles] },
      adminActor,
      { mustChangePassword: false },
    );
    const s = (await engine.dispatch('auth.login', { username: name, password: PW }, null)) as Envelope<
      Output<'auth.login'>
    >;
    if (!s.ok) throw new Error(`${name} login`);
    sessions[name] = s.value.token;
  }
  const session = (name: string) => {
    const found = sessions[name];
    if (found === undefined) throw new Error(`no session ${name}`);
    return found;
  };
  const as = {
    admin: admin.value.token,
    operator: session('operator'),
    qa: session('qa'),
    technician: session('technician'),
  };
  return { engine, as, session, call, ok, fails };
}

/** A caller that returns the value or throws (engine.test's `ok`, an e2e test's HTTP `api`). */
export type CallOk = <C extends Channel>(
  channel: C,
  input: Input<C>,
  session: string | null,
) => Promise<Output<C>>;

/**
 * A user created by an administrator through the API and then used as a person would first use it:
 * signed in with the initial password the administrator gave, which is changed to `input.password`
 * (an initial password must be changed before anything else). Returns the session after the change.
 */
export async function createUserAndChangePassword(
  call: CallOk,
  adminSession: string,
  input: Input<'users.create'>,
): Promise<Output<'auth.changePassword'>> {
  const initial = `${input.password}~first`;
  await call('users.create', { ...input, password: initial }, adminSession);
  const first = await call('auth.login', { username: input.username, password: initial }, null);
  return call('auth.changePassword', { oldPassword: initial, newPassword: input.password }, first.token);
}

/** The same over an engine in this process. */
export function callOk(engine: Engine): CallOk {
  return async (channel, input, session) => {
    const r = await engine.dispatch(channel, input, session);
    if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message.en}`);
    return r.value as never;
  };
}
