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
  for (const [name, roles] of Object.entries(users)) {
    await ok(
      'users.create',
      { username: name, displayName: name, password: PW, roles: [...roles] },
      admin.value.token,
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
