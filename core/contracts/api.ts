import { z } from 'zod';
import {
  CodeCheckSchema,
  DashboardSchema,
  EnterpriseSchema,
  OutboxRowSchema,
  OutboxStatusSchema,
  OutboxStateSchema,
  PasswordStatusSchema,
  ReferenceSchema,
  RoleSchema,
  SessionSchema,
  TransitionOptionSchema,
  UserSchema,
  VolumeRowSchema,
  VolumeSchema,
  VolumeStateSchema,
} from './models';
import { PASSWORD_MAX_AGE_DAYS, PASSWORD_MIN_AGE_SETTING_DAYS } from '../password-policy';
import { endpoint, id, none, ok, password, short, type Endpoint } from './endpoint';
import { CAPTURE_API } from './api-capture';
import { CATALOGUING_API } from './api-cataloguing';
import { VERIFICATION_API } from './api-verification';
import { STATS_API } from './api-stats';
import { MAINTENANCE_API } from './api-maintenance';

export type { Access, Endpoint } from './endpoint';

const NewUserInput = z.strictObject({
  username: short(64),
  displayName: short(100),
  password,
  roles: z.array(RoleSchema).min(1).max(4),
});

/** Who may register enterprises and change their codes. */
const REGISTRATION_EDITORS = ['operator', 'technician', 'admin'] as const;

const PasswordPolicySchema = z.object({
  maxAgeDays: z.number().int(),
  warningDays: z.number().int(),
  history: z.number().int(),
});

export const API = {
  // First run and sessions
  'setup.status': endpoint(
    'public',
    none,
    z.object({ needsSetup: z.boolean(), version: z.string(), dataDir: z.string() }),
  ),
  'setup.createAdmin': endpoint(
    'public',
    z.strictObject({ username: short(64), displayName: short(100), password }),
    SessionSchema,
  ),
  'auth.login': endpoint('public', z.strictObject({ username: short(64), password }), SessionSchema),
  'auth.logout': endpoint('signed-in', none, ok),
  'auth.me': endpoint(
    'signed-in',
    none,
    z.object({ user: UserSchema, idleMinutes: z.number().int(), password: PasswordStatusSchema }),
  ),
  'auth.changePassword': endpoint(
    'signed-in',
    z.strictObject({ oldPassword: password, newPassword: password }),
    // A new password ends every session of the user (repos.users.setPassword): here is a fresh one.
    SessionSchema,
  ),

  // Users (管理员)
  'users.list': endpoint(['admin'], none, z.array(UserSchema)),
  'users.create': endpoint(['admin'], NewUserInput, UserSchema),
  'users.setRoles': endpoint(
    ['admin'],
    z.strictObject({ userId: id, roles: z.array(RoleSchema).min(1).max(4) }),
    UserSchema,
  ),
  'users.setPassword': endpoint(['admin'], z.strictObject({ userId: id, password }), ok),
  'users.disable': endpoint(['admin'], z.strictObject({ userId: id }), UserSchema),
  'users.enable': endpoint(['admin'], z.strictObject({ userId: id }), UserSchema),
  'users.unlock': endpoint(['admin'], z.strictObject({ userId: id }), UserSchema),
  // 系统维护: how many days a password may be used (at most 90, 等保).
  'users.passwordPolicy': endpoint(['admin'], none, PasswordPolicySchema),
  'users.setPasswordPolicy': endpoint(
    ['admin'],
    z.strictObject({
      maxAgeDays: z.number().int().min(PASSWORD_MIN_AGE_SETTING_DAYS).max(PASSWORD_MAX_AGE_DAYS),
    }),
    PasswordPolicySchema,
  ),

  // Reference data and code checks (typing aids; the engine re-checks on write)
  'reference.get': endpoint('signed-in', none, ReferenceSchema),
  'codes.check': endpoint('signed-in', z.strictObject({ code: short(64) }), CodeCheckSchema),

  // 企业 / 案卷登记
  'enterprises.search': endpoint(
    'signed-in',
    z.strictObject({ query: short(200) }),
    z.array(EnterpriseSchema),
  ),
  'enterprises.get': endpoint(
    'signed-in',
    z.strictObject({ id }),
    z.object({
      enterprise: EnterpriseSchema,
      volumes: z.array(VolumeSchema),
      /** A USCC recorded later for a record registered by its 注册号 (enterprises.recordUscc); else null. */
      recordedUscc: z.string().nullable(),
    }),
  ),
  'enterprises.create': endpoint(
    REGISTRATION_EDITORS,
    z.strictObject({
      uscc: short(64).optional(),
      regNo: short(64).optional(),
      name: short(200),
      /** Without it: the bureau the code's division names (codes.check's defaultBureauCode). */
      bureauCode: short(12).optional(),
    }),
    EnterpriseSchema,
  ),
  /**
   * 补录统一社会信用代码: an enterprise known here only by its 注册号 was given a USCC (三证合一, 2015);
   * it is recorded as the record's `uscc` alias (the record keeps the key it was registered and
   * transferred under). Refused when the code is not a valid USCC, the enterprise (or the record it was
   * merged into) has a USCC already, or another enterprise here holds it. The same code again: `recorded`
   * false, nothing written. Audited (`enterprise.record-uscc`, before/after); emits `enterprise.changed`.
   */
  'enterprises.recordUscc': endpoint(
    REGISTRATION_EDITORS,
    z.strictObject({ id, uscc: short(64) }),
    z.object({ enterprise: EnterpriseSchema, uscc: z.string(), recorded: z.boolean() }),
  ),
  /**
   * What the volume form starts with for this enterprise: its bureau, type SL, and the year of the
   * registration date when one is given (else this year). The operator may change each.
   */
  'volumes.defaults': endpoint(
    'signed-in',
    z.strictObject({ enterpriseId: id, registrationDate: short(8).optional() }),
    z.object({ bureauCode: z.string(), year: z.number().int(), volumeType: z.string() }),
  ),
  'volumes.suggestArchiveNo': endpoint(
    'signed-in',
    z.strictObject({ bureauCode: short(12), year: z.number().int(), volumeType: short(8) }),
    z.object({ archiveNo: z.string() }),
  ),
  'volumes.create': endpoint(
    ['operator'],
    z.strictObject({
      enterpriseId: id,
      volumeType: short(8),
      year: z.number().int(),
      bureauCode: short(12),
      registrationDate: short(8).optional(),
      declaredPages: z.number().int().min(0).max(100_000).optional(),
      /**
       * Without it, a volume of the same enterprise, type and registration date (here or in the store)
       * stops registration with `volume.possible-duplicate` (details.existing lists them).
       */
      overrideReason: short(500).optional(),
    }),
    VolumeSchema,
  ),
  'volumes.get': endpoint(
    'signed-in',
    z.strictObject({ id }),
    z.object({ volume: VolumeRowSchema, transitions: z.array(TransitionOptionSchema) }),
  ),
  /**
   * Volumes in the asked states, searched on the engine. `total` counts all that match (more than are
   * returned when `limit` cut the list: a picker then asks for a keyword). `include` names volumes
   * always returned first whatever their state or the text (the one a link opened, the one just scanned).
   */
  'volumes.list': endpoint(
    'signed-in',
    z.strictObject({
      states: z.array(VolumeStateSchema).min(1).max(10),
      limit: z.number().int().min(1).max(1000),
      /** Part of a 档号, an enterprise name or former name, a USCC/注册号, a volume type. */
      query: z.string().max(100).optional(),
      /** `queue` (default): least recently changed first, the next to work on; `recent`: latest first. */
      order: z.enum(['queue', 'recent']).optional(),
      include: z.array(id).max(50).optional(),
    }),
    z.object({ volumes: z.array(VolumeRowSchema), total: z.number().int() }),
  ),
  'volumes.transition': endpoint(
    ['operator', 'qa', 'technician', 'admin'],
    z.strictObject({ id, to: VolumeStateSchema, expectedState: VolumeStateSchema }),
    VolumeSchema,
  ),

  // 标签打印
  'labels.layouts': endpoint(
    'signed-in',
    none,
    z.array(z.object({ name: z.string(), description: z.string() })),
  ),
  'labels.pdf': endpoint(
    ['operator', 'technician', 'admin'],
    z.strictObject({
      volumeIds: z.array(id).min(1).max(500),
      layout: short(32),
      /** Positions already used on the first sticker sheet. */
      skip: z.number().int().min(0).max(100).optional(),
    }),
    z.object({ pdfBase64: z.string(), labels: z.number().int(), fileName: z.string() }),
  ),

  // 上传队列 (technicians and operators queue; only technicians retry, cancel and export)
  'outbox.list': endpoint(
    ['operator', 'technician'],
    z.strictObject({ states: z.array(OutboxStateSchema).min(1).max(5).optional() }),
    z.array(OutboxRowSchema),
  ),
  /** Whether queued volumes can upload: the store in use (or none), the latest failure, the next try. */
  'outbox.status': endpoint(['operator', 'technician'], none, OutboxStatusSchema),
  'outbox.enqueue': endpoint(['operator', 'technician'], z.strictObject({ volumeId: id }), OutboxRowSchema),
  'outbox.retry': endpoint(['technician'], z.strictObject({ id }), OutboxRowSchema),
  'outbox.cancel': endpoint(['technician'], z.strictObject({ id }), OutboxRowSchema),
  /** Offline transfer: one validated bag per volume under a folder on this computer (a USB disk). */
  'bag.export': endpoint(
    ['technician'],
    z.strictObject({ volumeIds: z.array(id).min(1).max(500), to: z.string().trim().min(1).max(1000) }),
    z.object({
      batch: z.string(),
      to: z.string(),
      bags: z.array(z.object({ archiveNo: z.string(), dir: z.string(), written: z.boolean() })),
    }),
  ),

  // 工作台
  'dashboard.get': endpoint('signed-in', none, DashboardSchema),

  // One file per area, so the screens can grow side by side.
  ...CAPTURE_API,
  ...CATALOGUING_API,
  ...VERIFICATION_API,
  ...STATS_API,
  ...MAINTENANCE_API,
} as const satisfies Record<string, Endpoint>;

export type Api = typeof API;
export type Channel = keyof Api;
/** What a caller sends (before the engine's defaults and transforms). */
export type Input<C extends Channel> = z.input<Api[C]['input']>;
/** What a handler receives (after validation). */
export type ParsedInput<C extends Channel> = z.output<Api[C]['input']>;
export type Output<C extends Channel> = z.output<Api[C]['output']>;

export const CHANNELS = Object.keys(API) as readonly Channel[];

/** What a signed-in user whose password must be changed (initial or expired) may still call. */
export const PASSWORD_CHANGE_CHANNELS: ReadonlySet<Channel> = new Set<Channel>([
  'auth.me',
  'auth.changePassword',
  'auth.logout',
]);

export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.hasOwn(API, name);
}

/** The client side of the contract: what the preload bridge and the HTTP client both provide. */
export type Client = { readonly [C in Channel]: (input: Input<C>) => Promise<Output<C>> };

/** The engine side: one handler per channel, given the validated input and the caller's context. */
export type Handlers<Ctx> = {
  readonly [C in Channel]: (input: ParsedInput<C>, ctx: Ctx) => Promise<Output<C>>;
};
