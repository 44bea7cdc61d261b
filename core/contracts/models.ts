import { z } from 'zod';
import { VOLUME_STATES } from '../lifecycle';
import { ROLES } from '../roles';
import { TextSchema } from './envelope';

export const RoleSchema = z.enum(ROLES);
export const VolumeStateSchema = z.enum(VOLUME_STATES);

export const UserSchema = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(RoleSchema),
  passwordChangedAt: z.string(),
  /** Set by an administrator or the CLI: to be changed at the next sign-in. */
  mustChangePassword: z.boolean(),
  lockedUntil: z.string().nullable(),
  disabledAt: z.string().nullable(),
  createdAt: z.string(),
});
export type UserView = z.infer<typeof UserSchema>;

/** core/password-policy.ts PasswordStatus: `change` set means only changing the password is allowed. */
export const PasswordStatusSchema = z.object({
  change: z.enum(['initial', 'expired']).nullable(),
  expiresAt: z.string(),
  daysLeft: z.number().int(),
});
export type PasswordStatusView = z.infer<typeof PasswordStatusSchema>;

export const SessionSchema = z.object({
  token: z.string(),
  user: UserSchema,
  idleMinutes: z.number().int().positive(),
  password: PasswordStatusSchema,
});

export const IssueSchema = z.object({ code: z.string(), message: TextSchema });

export const EnterpriseSchema = z.object({
  id: z.number().int(),
  uscc: z.string().nullable(),
  regNo: z.string().nullable(),
  name: z.string(),
  bureauCode: z.string(),
  createdAt: z.string(),
  mergedIntoId: z.number().int().nullable(),
});
export type EnterpriseView = z.infer<typeof EnterpriseSchema>;

export const VolumeSchema = z.object({
  id: z.number().int(),
  uid: z.string(),
  enterpriseId: z.number().int(),
  archiveNo: z.string(),
  volumeType: z.string(),
  year: z.number().int(),
  registrationDate: z.string().nullable(),
  bureauCode: z.string(),
  declaredPages: z.number().int().nullable(),
  state: VolumeStateSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type VolumeView = z.infer<typeof VolumeSchema>;

/** A volume with what a list row shows next to it. */
export const VolumeRowSchema = VolumeSchema.extend({
  enterpriseName: z.string(),
  enterpriseCode: z.string().nullable(),
});
export type VolumeRow = z.infer<typeof VolumeRowSchema>;

export const TransitionOptionSchema = z.object({
  to: VolumeStateSchema,
  action: z.string(),
  name: TextSchema,
  /** The role of the signed-in user the engine will act in. */
  role: RoleSchema,
});

export const CodeCheckSchema = z.object({
  normalized: z.string(),
  kind: z.enum(['uscc', 'regno', 'unknown']),
  valid: z.boolean(),
  errors: z.array(IssueSchema),
  warnings: z.array(IssueSchema),
  /** The division (place) the code was issued in, when it names one. */
  division: TextSchema.nullable(),
  /** The bureau of this province that owns that division, when there is one. */
  bureauCode: z.string().nullable(),
  /**
   * The bureau a new enterprise with this code is registered under unless the operator picks another:
   * `bureauCode` when there is one, else the province bureau (core/bureaus.ts defaultBureau).
   */
  defaultBureauCode: z.string(),
  /** The enterprise already registered under this code, if any. */
  existing: EnterpriseSchema.nullable(),
});
export type CodeCheckView = z.infer<typeof CodeCheckSchema>;

export const ReferenceSchema = z.object({
  province: z.object({ id: z.string(), name: z.string(), nameEn: z.string() }),
  bureaus: z.array(
    z.object({ code: z.string(), name: z.string(), shortName: z.string(), nameEn: z.string() }),
  ),
  volumeTypes: z.array(z.object({ code: z.string(), name: z.string(), nameEn: z.string() })),
  documentTypes: z.array(z.object({ code: z.string(), name: z.string(), nameEn: z.string() })),
  states: z.array(z.object({ state: VolumeStateSchema, name: TextSchema })),
  roles: z.array(z.object({ role: RoleSchema, name: TextSchema })),
  archiveNumberPattern: z.string(),
});
export type Reference = z.infer<typeof ReferenceSchema>;

/** Why QA sent a volume back (its last review's problems), shown in the operator's queue. */
export const QueueRejectionSchema = z.object({
  reviewer: z.string().nullable(),
  finishedAt: z.string().nullable(),
  problems: z.array(
    z.object({
      targetKind: z.enum(['page', 'document']),
      targetSeq: z.number().int(),
      reasonCode: z.string(),
      reason: TextSchema,
      note: z.string().nullable(),
    }),
  ),
});

export type QueueRejection = z.infer<typeof QueueRejectionSchema>;

export const DashboardSchema = z.object({
  /** Volumes waiting for one of my roles, grouped by state (states with none are left out). */
  queue: z.array(
    z.object({
      state: VolumeStateSchema,
      count: z.number().int(),
      /** A rejected volume carries QA's reasons. */
      volumes: z.array(VolumeRowSchema.extend({ rejection: QueueRejectionSchema.nullable().optional() })),
    }),
  ),
  today: z.object({
    volumesRegistered: z.number().int(),
    pagesCaptured: z.number().int(),
    volumesCatalogued: z.number().int(),
    volumesVerified: z.number().int(),
    volumesRejected: z.number().int(),
  }),
  attention: z.array(
    z.object({
      kind: z.enum(['rejected', 'locked-user', 'outbox-failed', 'stale-scan']),
      message: TextSchema,
      volumeId: z.number().int().optional(),
      userId: z.number().int().optional(),
    }),
  ),
});
export type Dashboard = z.infer<typeof DashboardSchema>;

export const OUTBOX_STATE_NAMES = ['queued', 'sending', 'committed', 'failed', 'cancelled'] as const;
export const OutboxStateSchema = z.enum(OUTBOX_STATE_NAMES);

/** One row of the 上传队列: an outbox entry with the volume it carries. */
export const OutboxRowSchema = z.object({
  id: z.number().int(),
  volumeId: z.number().int(),
  archiveNo: z.string(),
  enterpriseName: z.string(),
  kind: z.enum(['upload', 'export']),
  state: OutboxStateSchema,
  target: z.string().nullable(),
  attempts: z.number().int(),
  bytesDone: z.number().int(),
  bytesTotal: z.number().int().nullable(),
  /** The last failure, in Chinese where its code is known (the raw text otherwise, in both languages). */
  lastError: z.object({ code: z.string().nullable(), message: TextSchema, detail: z.string() }).nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type OutboxRow = z.infer<typeof OutboxRowSchema>;

/**
 * Whether the 上传队列 can move: the archive store it uploads to (null: none configured, so queued volumes
 * only wait) and, when uploads fail, the latest failure and the next automatic try.
 */
export const OutboxStatusSchema = z.object({
  store: z
    .object({
      url: z.string(),
      /** The launch's environment ($DANGAN_STORE_URL …) or the connection saved in 系统维护. */
      source: z.enum(['environment', 'settings']),
    })
    .nullable(),
  /** Entries waiting to upload (queued, or failed and to be retried). */
  waiting: z.number().int(),
  lastFailure: z
    .object({
      archiveNo: z.string(),
      error: OutboxRowSchema.shape.lastError.unwrap(),
      at: z.string(),
      /** When the uploader tries the failed entries again by itself; null: at its next look. */
      nextRetryAt: z.string().nullable(),
    })
    .nullable(),
});
export type OutboxStatus = z.infer<typeof OutboxStatusSchema>;
