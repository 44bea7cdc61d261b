import { z } from 'zod';
import { CHECK_IDS } from '../checks/categories';
import { TextSchema } from './envelope';
import { endpoint, id, none, short, type Endpoint } from './endpoint';

/** 系统维护 is the technicians' (运维人员) screen; administrators may do the same. */
const MAINTAINERS = ['technician', 'admin'] as const;

export const CheckIdSchema = z.enum(CHECK_IDS);
export type CheckIdName = z.infer<typeof CheckIdSchema>;
const SeveritySchema = z.enum(['error', 'warning', 'info']);
const folder = z.string().trim().min(1).max(1000);

export const CheckCategorySchema = z.object({
  id: CheckIdSchema,
  name: z.string(),
  nameEn: z.string(),
  severity: SeveritySchema,
  description: TextSchema,
  fix: TextSchema,
  /** `dangan fix` (and this screen) can correct some of its findings automatically, with undo. */
  autoFix: z.boolean(),
});
export type CheckCategoryView = z.infer<typeof CheckCategorySchema>;

/**
 * The very record a finding is about, resolved by the engine from the finding's ids, so the screen can
 * open it: a volume (at the page or document concerned), an enterprise, a stored image with the pages
 * using it, or a code known only to the registration roster. Null when there is nothing to open (a row
 * whose volume no longer exists).
 */
export const FindingTargetSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('volume'),
    volumeId: z.number().int(),
    archiveNo: z.string(),
    /** The live page concerned, with its position in the volume. */
    pageId: z.number().int().nullable(),
    seq: z.number().int().nullable(),
    /** The document concerned: its position (第 N 件) in the volume. */
    documentSeq: z.number().int().nullable(),
  }),
  z.object({
    kind: z.literal('enterprise'),
    enterpriseId: z.number().int(),
    code: z.string().nullable(),
    name: z.string(),
  }),
  z.object({
    kind: z.literal('blob'),
    sha256: z.string(),
    size: z.number().int().nullable(),
    /** Pages whose scan, processed image, thumbnail or transform result this is (the first 20). */
    pages: z.array(
      z.object({
        pageId: z.number().int(),
        volumeId: z.number().int(),
        archiveNo: z.string().nullable(),
        seq: z.number().int(),
        use: z.enum(['original', 'master', 'thumbnail', 'transform']),
        deleted: z.boolean(),
      }),
    ),
    /** How many pages use it in all. */
    pageCount: z.number().int(),
  }),
  z.object({ kind: z.literal('code'), code: z.string() }),
]);
export type FindingTarget = z.infer<typeof FindingTargetSchema>;

export const FindingSchema = z.object({
  kind: z.string(),
  severity: SeveritySchema,
  entityType: z.string(),
  entityId: z.string(),
  message: TextSchema,
  fix: TextSchema,
  autoFix: z.boolean(),
  target: FindingTargetSchema.nullable(),
});
export type FindingView = z.infer<typeof FindingSchema>;

export const CheckResultSchema = z.object({
  at: z.string(),
  durationMs: z.number().int(),
  categories: z.array(
    z.object({
      id: CheckIdSchema,
      name: z.string(),
      nameEn: z.string(),
      severity: SeveritySchema,
      count: z.number().int(),
      /** At most `FINDINGS_SHOWN` of them; `count` is the total. */
      findings: z.array(FindingSchema),
      notes: z.array(TextSchema),
    }),
  ),
  fixity: z
    .object({ checked: z.number().int(), problems: z.number().int(), cycleCompleted: z.boolean() })
    .nullable(),
});
export type CheckResult = z.infer<typeof CheckResultSchema>;
export const FINDINGS_SHOWN = 500;

const Json = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export const FixPreviewSchema = z.object({
  category: CheckIdSchema,
  changes: z.array(
    z.object({
      table: z.string(),
      id: z.number().int(),
      action: z.enum(['update', 'delete']),
      columns: z.array(z.object({ column: z.string(), before: Json, after: Json })),
      description: TextSchema,
    }),
  ),
  skipped: z.array(z.object({ table: z.string(), id: z.number().int(), reason: TextSchema })),
  /** Names exactly these changes: apply refuses when the plan is no longer the one previewed. */
  planDigest: z.string(),
});
export type FixPreview = z.infer<typeof FixPreviewSchema>;

export const AppliedFixSchema = z.object({
  seq: z.number().int(),
  at: z.string(),
  username: z.string().nullable(),
  category: z.string(),
  changes: z.number().int(),
  reason: z.string().nullable(),
  undone: z.object({ seq: z.number().int(), at: z.string(), username: z.string().nullable() }).nullable(),
});
export type AppliedFixView = z.infer<typeof AppliedFixSchema>;

const AuditVerifySchema = z.object({
  ok: z.boolean(),
  checked: z.number().int(),
  /** The first record that does not fit, when not ok. */
  seq: z.number().int().nullable(),
  problem: z.enum(['hash-mismatch', 'chain-broken', 'sequence-gap']).nullable(),
});

export const MaintainReportSchema = z.object({
  ok: z.boolean(),
  integrity: z.array(z.string()),
  foreignKeys: z.number().int(),
  audit: AuditVerifySchema,
  vacuum: z.enum(['none', 'incremental', 'full', 'skipped']),
  freePagesBefore: z.number().int(),
  freePagesAfter: z.number().int(),
  removed: z.record(z.string(), z.number().int()),
});

/** An image a backup could not take or a restore cannot bring back, with the pages using it. */
export const LostImageSchema = z.object({
  sha256: z.string(),
  /** Its state here: no file, or bytes that no longer match the digest. */
  problem: z.enum(['missing', 'corrupt']),
  /** The first pages using it. */
  pages: z.array(
    z.object({
      archiveNo: z.string().nullable(),
      seq: z.number().int(),
      use: z.enum(['original', 'master', 'thumbnail', 'transform']),
      deleted: z.boolean(),
    }),
  ),
  pageCount: z.number().int(),
});
export type LostImage = z.infer<typeof LostImageSchema>;

export const BackupReportSchema = z.object({
  dir: z.string(),
  /** The backup folder did not exist and was made (its parent had to exist). */
  created: z.boolean(),
  createdAt: z.string(),
  schemaVersion: z.number().int(),
  tables: z.number().int(),
  rows: z.number().int(),
  blobs: z.object({
    total: z.number().int(),
    copied: z.number().int(),
    sampled: z.number().int(),
    /** Missing or damaged at the source, so not in the backup (the data checks name them). */
    unreadable: z.number().int(),
  }),
  /** Each image not in this backup (missing or damaged here): the backup is complete only for the rest. */
  notBackedUp: z.array(LostImageSchema),
  removed: z.array(z.string()),
  /** Always true: a backup that fails verification is an error, never a result. */
  verified: z.literal(true),
});
export type BackupReport = z.infer<typeof BackupReportSchema>;

/** A backup verified as `dangan restore --dry-run` does, and the command that restores it (app closed). */
export const RestoreCheckSchema = z.object({
  dir: z.string(),
  createdAt: z.string(),
  schemaVersion: z.number().int(),
  tables: z.number().int(),
  rows: z.number().int(),
  /** Images the backup holds that this data folder lacks (a restore copies them back). */
  blobsToCopy: z.number().int(),
  /** Images the restored catalogue uses that neither the backup nor this folder holds intact. */
  lost: z.array(LostImageSchema),
  command: z.string(),
});

const FixInput = {
  category: CheckIdSchema,
  /** page-count: why the counted number replaces the declared one (kept on the volume). */
  reason: short(500).optional(),
};

/** The archive store connection as the screen sees it: never the secret, only whether one is set. */
export const StoreConnectionViewSchema = z.object({
  /** What 系统维护 has saved (null: nothing saved). */
  saved: z
    .object({
      url: z.string(),
      clientId: z.string(),
      secretSet: z.boolean(),
      bureauCode: z.string(),
    })
    .nullable(),
  /** Where the uploader's connection comes from now: the environment wins over the saved one. */
  source: z.enum(['env', 'settings', 'none']),
  /** The address in use (the environment's when it wins). */
  activeUrl: z.string().nullable(),
  /** Whether the uploader is running. */
  uploading: z.boolean(),
});
export type StoreConnectionView = z.infer<typeof StoreConnectionViewSchema>;

export const StoreTestResultSchema = z.object({
  ok: z.boolean(),
  problem: z.enum(['unreachable', 'not-a-store', 'credential', 'bureau']).nullable(),
  message: TextSchema,
  credentialBureau: z.string().nullable(),
  keyId: z.string().nullable(),
  keyTrusted: z.boolean(),
});
export type StoreTestResultView = z.infer<typeof StoreTestResultSchema>;

const StoreInput = {
  url: z.string().trim().min(1).max(500),
  clientId: z.string().trim().min(1).max(100),
  /** Omitted: keep (or test with) the saved secret. */
  secret: z.string().trim().min(1).max(500).optional(),
  bureauCode: z.string().regex(/^\d{6}$/),
};

/** 系统维护: database check, backup, audit verification, data checks and guided fixes. */
export const MAINTENANCE_API = {
  'maintenance.categories': endpoint(MAINTAINERS, none, z.array(CheckCategorySchema)),
  /** integrity_check, foreign_key_check, the audit chain, retention clean-up, ANALYZE, vacuum, checkpoint. */
  'maintenance.maintain': endpoint(MAINTAINERS, none, MaintainReportSchema),
  'maintenance.verifyAudit': endpoint(MAINTAINERS, none, AuditVerifySchema),
  /** An online, verified backup into a folder on this computer (full path). */
  'maintenance.backup': endpoint(
    MAINTAINERS,
    z.strictObject({ to: folder, keep: z.number().int().min(1).max(365).optional() }),
    BackupReportSchema,
  ),
  /** Verifies a backup folder (dangan-<time>) for a restore; restoring itself needs the app closed. */
  'maintenance.restoreCheck': endpoint(MAINTAINERS, z.strictObject({ from: folder }), RestoreCheckSchema),
  'maintenance.runChecks': endpoint(
    MAINTAINERS,
    z.strictObject({
      only: z.array(CheckIdSchema).min(1).max(CHECK_IDS.length).optional(),
      /** The registration system's roster (JSON or CSV) on this computer, for 分局已删的企业. */
      rosterPath: folder.optional(),
    }),
    CheckResultSchema,
  ),
  'maintenance.fixPreview': endpoint(MAINTAINERS, z.strictObject(FixInput), FixPreviewSchema),
  'maintenance.fixApply': endpoint(
    MAINTAINERS,
    z.strictObject({ ...FixInput, planDigest: z.string().regex(/^[0-9a-f]{64}$/) }),
    z.object({ seq: z.number().int().nullable(), changes: z.number().int() }),
  ),
  'maintenance.fixHistory': endpoint(MAINTAINERS, none, z.array(AppliedFixSchema)),
  'maintenance.storeGet': endpoint(MAINTAINERS, none, StoreConnectionViewSchema),
  /** 测试连接: an authenticated request to the store with these values (nothing is saved). */
  'maintenance.storeTest': endpoint(MAINTAINERS, z.strictObject(StoreInput), StoreTestResultSchema),
  /** Saves the connection and restarts the uploader with it (unless the environment sets one). */
  'maintenance.storeSave': endpoint(
    MAINTAINERS,
    z.strictObject({
      ...StoreInput,
      /** Trust the store's receipt key with this id (as shown by 测试连接). */
      trustKeyId: short(200).optional(),
    }),
    StoreConnectionViewSchema,
  ),
  'maintenance.fixUndo': endpoint(
    MAINTAINERS,
    z.strictObject({ seq: id }),
    z.object({ undoes: z.number().int(), rows: z.number().int(), seq: z.number().int() }),
  ),
} as const satisfies Record<string, Endpoint>;
