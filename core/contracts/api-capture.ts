import { z } from 'zod';
import { COLOR_MODES, SCAN_MODES, SCAN_SOURCES } from '../scanning/driver';
import { endpoint, id, short, type Endpoint } from './endpoint';
import { TextSchema } from './envelope';
import { VolumeRowSchema } from './models';
// The default scan mode and the modes offered: one rule for the scan screen and `dangan scan`.
export { defaultScanMode, offeredScanModes, SCAN_MODE_NAMES } from '../scanning/default-mode';

// 扫描: devices, scan runs, the pages of a volume, their images and the operator's page operations.
// Images travel inside the JSON answer as base64 (the contract is JSON over HTTP in browser mode and
// IPC in Electron, so no side channel): thumbnails in batches of up to 100, one large image at a time
// under a size cap (bigger ones are scaled down and say so).

const SCANNERS: readonly ['operator', 'technician'] = ['operator', 'technician'];
const OPERATOR: readonly ['operator'] = ['operator'];
/** Page lists and images are read by the people who produce and check volumes (著录标引, 图文校核 too). */
const READERS: readonly ['operator', 'qa', 'technician'] = ['operator', 'qa', 'technician'];

export const ScanSourceSchema = z.enum(SCAN_SOURCES);
export const ScanModeSchema = z.enum(COLOR_MODES);
/** What the operator picks: a device mode or `auto` (scanned in colour, each page kept colour or grey). */
export const ScanSettingModeSchema = z.enum(SCAN_MODES);
export const ScanErrorCategorySchema = z.enum([
  'no-paper',
  'paper-jam',
  'cover-open',
  'double-feed',
  'device-busy',
  'device-gone',
  'cancelled',
  'invalid-option',
  'access-denied',
  'io',
  'unknown',
]);
export type ScanErrorCategoryName = z.infer<typeof ScanErrorCategorySchema>;

export const DeviceSchema = z.object({
  id: z.string(),
  driver: z.string(),
  /** As the device reports it (SANE, eSCL): shown as it is. */
  name: z.string(),
  /** Our own name for a device we provide (the demo scanner), per locale; null: show `name`. */
  displayName: TextSchema.nullable(),
  connection: z.string().nullable(),
});
export type DeviceView = z.infer<typeof DeviceSchema>;

export const CapabilitiesSchema = z.object({
  sources: z.array(ScanSourceSchema),
  resolutions: z.array(z.number().int()),
  colorModes: z.array(ScanModeSchema),
  maxWidthMm: z.number(),
  maxHeightMm: z.number(),
});
export type CapabilitiesView = z.infer<typeof CapabilitiesSchema>;

export const ScanErrorSchema = z.object({
  category: ScanErrorCategorySchema,
  message: TextSchema,
  detail: z.string().nullable(),
});
export type ScanErrorView = z.infer<typeof ScanErrorSchema>;

/** Scan settings: a device and a profile (DA/T 31: 300 dpi default, 200 dpi floor). */
const ScanSettings = {
  deviceId: short(500),
  source: ScanSourceSchema,
  dpi: z.number().int().min(50).max(1200),
  mode: ScanSettingModeSchema,
};

export const ScanRunSchema = z.object({
  scanId: z.string(),
  volumeId: z.number().int(),
  deviceId: z.string(),
  state: z.enum(['running', 'finished', 'stopped']),
  /** Pages acknowledged (durably stored) so far. */
  pages: z.number().int(),
  /** Pages asked for (the demo scanner's stack; a feeder's limit), when given. */
  expected: z.number().int().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  /** Why the run stopped early (`cancelled` after a cancel); null when it ran to the end. */
  error: ScanErrorSchema.nullable(),
  /** The mode asked for (`auto`: each page colour or grey); absent in runs reported before it existed. */
  mode: ScanSettingModeSchema.optional(),
});
export type ScanRunView = z.infer<typeof ScanRunSchema>;

export const PageStateSchema = z.enum(['pending', 'done', 'failed']);

export const PageRowSchema = z.object({
  id: z.number().int(),
  seq: z.number().int(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  dpi: z.number().int().nullable(),
  /** The page's colour mode (color, gray, bw); for an automatic-colour page, what its master became. */
  colorMode: z.string().nullable(),
  /** Scanned in the automatic mode: `colorMode` was decided by the page's content (its score). */
  autoColour: z.boolean(),
  colourScore: z.number().nullable(),
  side: z.enum(['front', 'back']).nullable(),
  isBlank: z.boolean(),
  blankScore: z.number().nullable(),
  isSeparator: z.boolean(),
  /** Our QR volume label's text when the page carries one. */
  labelFound: z.string().nullable(),
  patchT: z.boolean(),
  /** Processing (deskew, crop, thumbnail): pending until done, or failed with its error. */
  state: PageStateSchema,
  error: z.string().nullable(),
  /** Under DA/T 31's 200 dpi floor: kept, with a warning to rescan. */
  lowDpi: z.boolean(),
  skewDeg: z.number().nullable(),
  deskewed: z.boolean(),
  /** Digest of the thumbnail (null until processed): a cache key that changes with a rotation. */
  thumbKey: z.string().nullable(),
  capturedAt: z.string(),
});
export type PageRow = z.infer<typeof PageRowSchema>;

export const PageOpSchema = z.object({
  id: z.number().int(),
  op: z.string(),
  actor: z.string().nullable(),
  createdAt: z.string(),
});

export const PAGE_IMAGE_SIZES = ['thumb', 'view', 'master', 'original'] as const;
export const PageImageSizeSchema = z.enum(PAGE_IMAGE_SIZES);
export type PageImageSize = z.infer<typeof PageImageSizeSchema>;

export const PageImageSchema = z.object({
  pageId: z.number().int(),
  size: PageImageSizeSchema,
  /** A type every browser shows: image/jpeg or image/png (TIFF masters are converted). */
  mediaType: z.string(),
  base64: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  /** Digest of the stored image these bytes show (a cache key). */
  sha256: z.string(),
  /** True when these are the stored bytes themselves; false when converted or scaled for display. */
  exact: z.boolean(),
});
export type PageImageView = z.infer<typeof PageImageSchema>;

export const SplitPreviewSchema = z.object({
  volumeId: z.number().int(),
  /** Segments in scan order; the first usually stays in this volume. */
  segments: z.array(
    z.object({
      /** The QR label that opened the segment, if any. */
      label: z.string().nullable(),
      /** 档号 named by the label, or of the volume a Patch-T segment goes to. */
      archiveNo: z.string().nullable(),
      /** Where the pages go (this volume, another one), or null when no home was found. */
      volumeId: z.number().int().nullable(),
      by: z.enum(['source', 'label', 'patch-t']),
      separators: z.array(z.number().int()),
      pages: z.array(z.number().int()),
      moves: z.boolean(),
      /** Why the segment cannot be placed; nothing can be applied until it is resolved. */
      problem: TextSchema.nullable(),
    }),
  ),
  /** Pages not processed yet (their labels are not known): nothing can be applied meanwhile. */
  pendingPages: z.number().int(),
  movingPages: z.number().int(),
  canApply: z.boolean(),
  /** Hand back to `batch.splitApply`: refused when the pages changed since this preview. */
  fingerprint: z.string(),
});
export type SplitPreviewView = z.infer<typeof SplitPreviewSchema>;

const pageRef = z.strictObject({ pageId: id });

export const CAPTURE_API = {
  /** Scanners: the demo scanner always, SANE and eSCL devices when found (cached; `refresh` asks again). */
  'scan.devices': endpoint(
    SCANNERS,
    z.strictObject({ refresh: z.boolean().optional() }),
    z.object({
      devices: z.array(DeviceSchema),
      problems: z.array(z.object({ driver: z.string(), message: TextSchema, detail: z.string() })),
    }),
  ),
  'scan.capabilities': endpoint(SCANNERS, z.strictObject({ deviceId: short(500) }), CapabilitiesSchema),
  /** A volume to scan into, by 档号 (the operator's queue comes from `volumes.list`). */
  'scan.findVolume': endpoint(OPERATOR, z.strictObject({ archiveNo: short(64) }), VolumeRowSchema),
  /**
   * Starts scanning into a volume (a registered volume moves to 扫描中). Answers at once; pages, the end
   * and device errors come as `scan.*` events. One run per volume and per device at a time.
   */
  'scan.start': endpoint(
    OPERATOR,
    z.strictObject({
      volumeId: id,
      ...ScanSettings,
      /** Pages to take: the demo scanner's stack; a limit for a real feeder. */
      pages: z.number().int().min(1).max(5000).optional(),
    }),
    ScanRunSchema,
  ),
  'scan.cancel': endpoint(OPERATOR, z.strictObject({ scanId: short(64) }), ScanRunSchema),
  /** Runs in this engine (running ones and those ended in the last hour), newest first. */
  'scan.runs': endpoint(SCANNERS, z.strictObject({ volumeId: id.optional() }), z.array(ScanRunSchema)),

  /** The live pages of a volume in order, with flags and processing state; the undo log's head. */
  'pages.list': endpoint(
    READERS,
    z.strictObject({ volumeId: id }),
    z.object({
      volume: VolumeRowSchema,
      pages: z.array(PageRowSchema),
      /** The operation `pages.undo` would reverse, if any. */
      undoable: PageOpSchema.nullable(),
      /** Whether pages may still change (until the volume is catalogued). */
      editable: z.boolean(),
    }),
  ),
  /** Thumbnails (≤ 256 px JPEG) of up to 100 pages at once; pages without one yet are left out. */
  'pages.thumbnails': endpoint(
    READERS,
    z.strictObject({ pageIds: z.array(id).min(1).max(100) }),
    z.array(PageImageSchema),
  ),
  /**
   * One page's image: `thumb`, `view` (the master scaled to ≤ 2000 px, for screens), `master` (the
   * processed image) or `original` (the scanner's bytes). Over 12 MB, or a TIFF, it is converted for
   * display (`exact: false`).
   */
  'pages.image': endpoint(
    READERS,
    z.strictObject({ pageId: id, size: PageImageSizeSchema }),
    PageImageSchema,
  ),
  'pages.rotate': endpoint(
    OPERATOR,
    z.strictObject({ pageId: id, degrees: z.union([z.literal(90), z.literal(180), z.literal(270)]) }),
    PageOpSchema,
  ),
  'pages.delete': endpoint(OPERATOR, pageRef, PageOpSchema),
  /** Moves a page to position `to` (1..n) among the live pages. */
  'pages.move': endpoint(OPERATOR, z.strictObject({ pageId: id, to: z.number().int().min(1) }), PageOpSchema),
  /**
   * Takes one sheet from the scanner: in place of a page (`rescan`: the same sheet again; `replace`:
   * another sheet), or inserted before/after a page.
   */
  'pages.scanInto': endpoint(
    OPERATOR,
    z.strictObject({
      pageId: id,
      how: z.enum(['rescan', 'replace', 'before', 'after']),
      ...ScanSettings,
    }),
    z.object({ op: PageOpSchema, pageId: z.number().int() }),
  ),
  /** Reverses the volume's latest page operation; null when there is nothing to undo. */
  'pages.undo': endpoint(OPERATOR, z.strictObject({ volumeId: id }), PageOpSchema.nullable()),
  /**
   * Where QR labels and Patch-T sheets would split the volume's pages. `nextVolumes`: the volumes
   * registered for this batch after this one, for Patch-T segments without a label.
   */
  'batch.splitPreview': endpoint(
    OPERATOR,
    z.strictObject({ volumeId: id, nextVolumes: z.array(id).max(100).optional() }),
    SplitPreviewSchema,
  ),
  /** Moves the segments into their volumes (one undoable operation of this volume). */
  'batch.splitApply': endpoint(
    OPERATOR,
    z.strictObject({
      volumeId: id,
      fingerprint: z.string().max(100_000),
      nextVolumes: z.array(id).max(100).optional(),
    }),
    z.object({
      op: PageOpSchema,
      moved: z.array(z.object({ volumeId: z.number().int(), pageIds: z.array(z.number().int()) })),
    }),
  ),
} as const satisfies Record<string, Endpoint>;
