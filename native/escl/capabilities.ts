import type { Capabilities, ColorMode, ScanSource } from '../../core/scanning/driver';
import { child, children, numberOf, parseXml, textOf, textsOf, type XmlNode } from './xml';

/** One input's abilities; sizes in eSCL's unit, 1/300 inch. */
export interface EsclInputCaps {
  readonly minWidth: number;
  readonly maxWidth: number;
  readonly minHeight: number;
  readonly maxHeight: number;
  readonly colorModes: readonly string[];
  readonly formats: readonly string[];
  readonly resolutions: readonly number[];
  readonly resolutionRange?: { readonly min: number; readonly max: number; readonly step: number };
}

export interface EsclCapabilities {
  readonly makeAndModel: string;
  readonly manufacturer?: string;
  readonly uuid?: string;
  readonly inputs: Partial<Record<ScanSource, EsclInputCaps>>;
}

export const ESCL_COLOR_MODES: Readonly<Record<ColorMode, readonly string[]>> = {
  color: ['RGB24', 'RGB48'],
  gray: ['Grayscale8', 'Grayscale16'],
  lineart: ['BlackAndWhite1'],
};

const MM_PER_UNIT = 25.4 / 300;

function parseInput(node: XmlNode | undefined, named: Map<string, XmlNode>): EsclInputCaps | undefined {
  if (!node) return undefined;
  const profiles = children(child(node, 'SettingProfiles'), 'SettingProfile').map((p) => {
    // `<scan:SettingProfile ref="p1"/>` points to a profile defined once at the top.
    const ref = p['@ref'];
    return typeof ref === 'string' ? (named.get(ref) ?? p) : p;
  });
  const colorModes = new Set<string>();
  const formats = new Set<string>();
  const resolutions = new Set<number>();
  let resolutionRange: EsclInputCaps['resolutionRange'];
  for (const profile of profiles) {
    for (const m of textsOf(child(profile, 'ColorModes'), 'ColorMode')) colorModes.add(m);
    const fmts = child(profile, 'DocumentFormats');
    for (const f of [...textsOf(fmts, 'DocumentFormat'), ...textsOf(fmts, 'DocumentFormatExt')])
      formats.add(f);
    const supported = child(profile, 'SupportedResolutions');
    for (const r of children(child(supported, 'DiscreteResolutions'), 'DiscreteResolution')) {
      const x = numberOf(r, 'XResolution');
      const y = numberOf(r, 'YResolution') ?? x;
      if (x !== undefined && x === y) resolutions.add(x);
    }
    const range = child(child(supported, 'ResolutionRange'), 'XResolutionRange');
    const min = numberOf(range, 'Min');
    const max = numberOf(range, 'Max');
    if (min !== undefined && max !== undefined) {
      resolutionRange = { min, max, step: numberOf(range, 'Step') ?? 1 };
    }
  }
  return {
    minWidth: numberOf(node, 'MinWidth') ?? 1,
    maxWidth: numberOf(node, 'MaxWidth') ?? 2550,
    minHeight: numberOf(node, 'MinHeight') ?? 1,
    maxHeight: numberOf(node, 'MaxHeight') ?? 3508,
    colorModes: [...colorModes],
    formats: [...formats],
    resolutions: [...resolutions].sort((a, b) => a - b),
    ...(resolutionRange ? { resolutionRange } : {}),
  };
}

export function parseCapabilities(body: string): EsclCapabilities {
  const root = child(parseXml(body), 'ScannerCapabilities');
  if (!root) throw new Error('not a ScannerCapabilities document');
  const named = new Map<string, XmlNode>();
  for (const p of children(child(root, 'SettingProfiles'), 'SettingProfile')) {
    const name = p['@name'];
    if (typeof name === 'string') named.set(name, p);
  }
  const inputs: Partial<Record<ScanSource, EsclInputCaps>> = {};
  const platen = parseInput(child(child(root, 'Platen'), 'PlatenInputCaps'), named);
  const adf = child(root, 'Adf');
  const simplex = parseInput(child(adf, 'AdfSimplexInputCaps'), named);
  const duplex = parseInput(child(adf, 'AdfDuplexInputCaps'), named);
  const duplexOption = textsOf(child(adf, 'AdfOptions'), 'AdfOption').includes('Duplex');
  // A source with no colour mode, format or resolution cannot be used (sane-airscan drops it too).
  const usable = (caps: EsclInputCaps | undefined) =>
    caps !== undefined &&
    caps.colorModes.length > 0 &&
    caps.formats.length > 0 &&
    (caps.resolutions.length > 0 || caps.resolutionRange !== undefined);
  if (platen && usable(platen)) inputs.flatbed = platen;
  if (simplex && usable(simplex)) inputs.feeder = simplex;
  const duplexCaps = duplex ?? (duplexOption ? simplex : undefined);
  if (duplexCaps && usable(duplexCaps)) inputs.duplex = duplexCaps;
  const manufacturer = textOf(root, 'Manufacturer');
  const uuid = textOf(root, 'UUID');
  return {
    makeAndModel: textOf(root, 'MakeAndModel') ?? 'eSCL scanner',
    ...(manufacturer ? { manufacturer } : {}),
    ...(uuid ? { uuid } : {}),
    inputs,
  };
}

export function colorModesOf(input: EsclInputCaps): ColorMode[] {
  return (Object.keys(ESCL_COLOR_MODES) as ColorMode[]).filter((m) =>
    ESCL_COLOR_MODES[m].some((e) => input.colorModes.includes(e)),
  );
}

/** The interface's flat view: union over the inputs, largest area over the inputs. */
export function toCapabilities(caps: EsclCapabilities): Capabilities {
  const inputs = Object.entries(caps.inputs) as [ScanSource, EsclInputCaps][];
  const resolutions = new Set<number>();
  const modes = new Set<ColorMode>();
  let range: Capabilities['resolutionRange'];
  for (const [, input] of inputs) {
    for (const r of input.resolutions) resolutions.add(r);
    for (const m of colorModesOf(input)) modes.add(m);
    range ??= input.resolutionRange;
  }
  const order: ColorMode[] = ['color', 'gray', 'lineart'];
  return {
    sources: inputs.map(([s]) => s).sort(),
    resolutions: [...resolutions].sort((a, b) => a - b),
    colorModes: order.filter((m) => modes.has(m)),
    maxWidthMm: round(Math.max(0, ...inputs.map(([, i]) => i.maxWidth)) * MM_PER_UNIT),
    maxHeightMm: round(Math.max(0, ...inputs.map(([, i]) => i.maxHeight)) * MM_PER_UNIT),
    ...(range ? { resolutionRange: range } : {}),
  };
}

function round(mm: number): number {
  return Math.round(mm * 10) / 10;
}

export function mmToEscl(mm: number): number {
  return Math.round(mm / MM_PER_UNIT);
}
