import type { Capabilities, ColorMode, ScanJob, ScanSource } from '../../core/scanning/driver';
import type { SaneOption } from './options';

// Backends name sources and modes as they like ("Automatic Document Feeder", "ADF Duplex",
// "Lineart", "Black & White", …). These patterns map them onto the interface's words; the first
// matching value wins, in the order the backend lists them.
const SOURCE_PATTERNS: readonly [ScanSource, RegExp][] = [
  ['duplex', /duplex|both sides|2-sided|double-sided/i],
  ['flatbed', /flatbed|platen|^normal$/i],
  ['feeder', /adf|feeder|automatic|^front$/i],
];
const MODE_PATTERNS: readonly [ColorMode, RegExp][] = [
  ['color', /colou?r|rgb/i],
  ['gray', /gr[ae]y|grayscale|gray ?scale/i],
  ['lineart', /lineart|line art|binary|black.?(and|&).?white|^bw$|halftone|monochrome/i],
];

/** Resolutions offered when the backend takes any value in a range: the ones archives use. */
const USUAL_DPI = [75, 100, 150, 200, 240, 300, 400, 600, 1200];

/** How to ask this backend for each interface value: the option value to pass, per word. */
export interface SanePlan {
  readonly capabilities: Capabilities;
  readonly sources: ReadonlyMap<ScanSource, string>;
  /** Extra arguments per source, for backends that set duplex apart from `--source`. */
  readonly sourceArgs: ReadonlyMap<ScanSource, readonly string[]>;
  readonly modes: ReadonlyMap<ColorMode, { mode: string; depth?: string }>;
  readonly resolutionFlag?: string;
  readonly depthValues: readonly string[];
  readonly hasPageSize: boolean;
  readonly geometry: boolean;
}

function find(options: readonly SaneOption[], ...names: string[]): SaneOption | undefined {
  for (const name of names) {
    const option = options.find((o) => o.name === name);
    if (option) return option;
  }
  return undefined;
}

function listValues(option: SaneOption | undefined): readonly string[] {
  return option?.constraint.kind === 'list' ? option.constraint.values : [];
}

function matchValues<T>(values: readonly string[], patterns: readonly [T, RegExp][]): Map<T, string> {
  const found = new Map<T, string>();
  for (const [word, pattern] of patterns) {
    // A value already taken by an earlier word (e.g. "ADF Duplex" as duplex) is not reused.
    const taken = new Set(found.values());
    const value = values.find((v) => pattern.test(v) && !taken.has(v));
    if (value !== undefined) found.set(word, value);
  }
  return found;
}

function maxOf(option: SaneOption | undefined): number {
  if (option?.unit !== 'mm') return 0;
  if (option.constraint.kind === 'range') return option.constraint.max;
  if (option.constraint.kind === 'list') return Math.max(...option.constraint.values.map(Number));
  return 0;
}

export function planFromOptions(options: readonly SaneOption[]): SanePlan {
  const sourceOption = find(options, 'source');
  const sources = matchValues(listValues(sourceOption), SOURCE_PATTERNS);
  // A backend with no `--source` option is a flatbed (or a sheet-fed device that says nothing).
  if (sourceOption === undefined) sources.set('flatbed', '');
  // Some backends keep duplex out of `--source`: epson2's `--adf-mode Simplex|Duplex`, others a
  // `--duplex` switch. Duplex is then the feeder source plus that setting.
  const sourceArgs = new Map<ScanSource, readonly string[]>();
  const feeder = sources.get('feeder');
  if (!sources.has('duplex') && feeder !== undefined) {
    const adfMode = find(options, 'adf-mode', 'adf_mode');
    const duplexValue = listValues(adfMode).find((v) => /duplex/i.test(v));
    const simplexValue = listValues(adfMode).find((v) => /simplex/i.test(v));
    const duplexSwitch = find(options, 'duplex');
    if (adfMode && duplexValue !== undefined) {
      sources.set('duplex', feeder);
      sourceArgs.set('duplex', [adfMode.flag, duplexValue]);
      if (simplexValue !== undefined) sourceArgs.set('feeder', [adfMode.flag, simplexValue]);
    } else if (duplexSwitch?.constraint.kind === 'bool') {
      sources.set('duplex', feeder);
      sourceArgs.set('duplex', [`${duplexSwitch.flag}=yes`]);
      sourceArgs.set('feeder', [`${duplexSwitch.flag}=no`]);
    }
  }

  const modeValues = listValues(find(options, 'mode'));
  const depthValues = listValues(find(options, 'depth'));
  const modes = new Map<ColorMode, { mode: string; depth?: string }>();
  for (const [word, value] of matchValues(modeValues, MODE_PATTERNS)) {
    const depth = word !== 'lineart' && depthValues.includes('8') ? { depth: '8' } : {};
    modes.set(word, { mode: value, ...depth });
  }
  // Backends without a line-art mode (the `test` backend among them) give it as grey at depth 1.
  const gray = modes.get('gray');
  if (!modes.has('lineart') && gray && depthValues.includes('1')) {
    modes.set('lineart', { mode: gray.mode, depth: '1' });
  }

  const resolution = find(options, 'resolution', 'x-resolution');
  let resolutions: number[] = [];
  let resolutionRange: Capabilities['resolutionRange'];
  if (resolution?.constraint.kind === 'list') {
    resolutions = resolution.constraint.values.map(Number).filter((n) => Number.isFinite(n));
  } else if (resolution?.constraint.kind === 'range') {
    const { min, max, step } = resolution.constraint;
    resolutionRange = { min, max, step };
    resolutions = USUAL_DPI.filter((d) => d >= min && d <= max && (step <= 0 || (d - min) % step === 0));
  }

  const width = find(options, 'x');
  const height = find(options, 'y');
  const capabilities: Capabilities = {
    sources: [...sources.keys()].sort(),
    resolutions,
    colorModes: [...modes.keys()],
    maxWidthMm: maxOf(width),
    maxHeightMm: maxOf(height),
    ...(resolutionRange ? { resolutionRange } : {}),
  };
  return {
    capabilities,
    sources,
    sourceArgs,
    modes,
    ...(resolution ? { resolutionFlag: resolution.flag } : {}),
    depthValues,
    hasPageSize: find(options, 'page-width') !== undefined && find(options, 'page-height') !== undefined,
    geometry: width !== undefined && height !== undefined && width.unit === 'mm',
  };
}

export type PlanResult = { ok: true; args: string[] } | { ok: false; detail: string };

function dpiAllowed(caps: Capabilities, dpi: number): boolean {
  const range = caps.resolutionRange;
  if (range) {
    return dpi >= range.min && dpi <= range.max && (range.step <= 0 || (dpi - range.min) % range.step === 0);
  }
  return caps.resolutions.includes(dpi);
}

const A4 = { width: 210, height: 297 };

/** The scanimage arguments for a job, or why the device cannot do it (checked before scanning). */
export function argsForJob(plan: SanePlan, job: ScanJob): PlanResult {
  const caps = plan.capabilities;
  const source = plan.sources.get(job.source);
  if (source === undefined) {
    return { ok: false, detail: `source ${job.source} not offered (have: ${caps.sources.join(', ')})` };
  }
  const mode = plan.modes.get(job.mode);
  if (mode === undefined) {
    return { ok: false, detail: `mode ${job.mode} not offered (have: ${caps.colorModes.join(', ')})` };
  }
  if (plan.resolutionFlag === undefined || !dpiAllowed(caps, job.dpi)) {
    return { ok: false, detail: `resolution ${job.dpi} dpi not offered` };
  }
  const width = job.widthMm ?? A4.width;
  const height = job.heightMm ?? A4.height;
  if (plan.geometry && (width > caps.maxWidthMm || height > caps.maxHeightMm)) {
    return {
      ok: false,
      detail: `scan area ${width}×${height} mm exceeds ${caps.maxWidthMm}×${caps.maxHeightMm} mm`,
    };
  }
  const args: string[] = [];
  if (source !== '') args.push('--source', source);
  args.push(...(plan.sourceArgs.get(job.source) ?? []));
  args.push('--mode', mode.mode);
  if (mode.depth !== undefined) args.push('--depth', mode.depth);
  args.push(plan.resolutionFlag, String(job.dpi));
  if (plan.resolutionFlag === '--x-resolution') args.push('--y-resolution', String(job.dpi));
  if (plan.hasPageSize) args.push('--page-width', String(width), '--page-height', String(height));
  if (plan.geometry) args.push('-l', '0', '-t', '0', '-x', String(width), '-y', String(height));
  return { ok: true, args };
}
