// Parses the option listing of `scanimage -A` (one device's options, as scanimage prints them).
// scanimage has no machine-readable option dump, so the human listing is parsed; its shape is
// stable across sane-backends releases (`print_option` in frontend/scanimage.c):
//     --mode Gray|Color [Gray]
//     --resolution 1..1200dpi (in steps of 1) [50]
//     -x 0..300mm (in steps of 1) [80]
//     --hand-scanner[=(yes|no)] [no]
//     --three-pass-order RGB|RBG [inactive]

export type OptionConstraint =
  | { readonly kind: 'list'; readonly values: readonly string[] }
  | { readonly kind: 'range'; readonly min: number; readonly max: number; readonly step: number }
  | { readonly kind: 'bool' }
  | { readonly kind: 'free'; readonly type: string }
  | { readonly kind: 'button' };

export interface SaneOption {
  /** As given on the command line: `--mode`, `-x`. */
  readonly flag: string;
  /** Without dashes: `mode`, `x`. */
  readonly name: string;
  readonly constraint: OptionConstraint;
  /** `mm`, `dpi`, `pel`, … or '' */
  readonly unit: string;
  readonly current?: string;
  readonly active: boolean;
  readonly advanced: boolean;
  readonly array: boolean;
}

const OPTION_LINE = /^ {4}(-{1,2}[A-Za-z0-9][\w-]*)(.*)$/;
const FLAGS = new Set(['inactive', 'advanced', 'read-only', 'hardware', 'software', 'emulated']);
const UNITS = ['mm', 'dpi', 'pel', 'bit', '%', 'us'];

function splitUnit(value: string): { value: string; unit: string } {
  for (const unit of UNITS) {
    if (value.endsWith(unit) && /[\d.]$/.test(value.slice(0, -unit.length))) {
      return { value: value.slice(0, -unit.length), unit };
    }
  }
  return { value, unit: '' };
}

/** Takes the trailing `[...]` groups off a line: the current value and the flags. */
function trailingBrackets(rest: string): { body: string; current?: string; flags: Set<string> } {
  const flags = new Set<string>();
  let body = rest.trimEnd();
  let current: string | undefined;
  for (;;) {
    const m = /\s\[([^[\]]*)\]$/.exec(body);
    if (!m) break;
    const inner = m[1] ?? '';
    body = body.slice(0, m.index).trimEnd();
    if (FLAGS.has(inner)) flags.add(inner);
    else if (current === undefined) current = inner;
    else break;
  }
  return current === undefined ? { body, flags } : { body, current, flags };
}

function parseConstraint(spec: string): { constraint: OptionConstraint; unit: string; array: boolean } {
  let s = spec.trim();
  const array = s.includes(',...');
  if (array) s = s.replace(',...', '');
  if (s === '') return { constraint: { kind: 'button' }, unit: '', array };
  const free = /^<(\w+)>$/.exec(s);
  if (free) return { constraint: { kind: 'free', type: free[1] ?? 'string' }, unit: '', array };
  const range = /^(-?[\d.]+)\.\.(-?[\d.]+)([a-z%]*)(?: \(in steps of (-?[\d.]+)\))?$/.exec(s);
  if (range) {
    return {
      constraint: {
        kind: 'range',
        min: Number(range[1]),
        max: Number(range[2]),
        step: Number(range[4] ?? 0),
      },
      unit: range[3] ?? '',
      array,
    };
  }
  const values = s.split('|');
  const last = splitUnit(values[values.length - 1] ?? '');
  const numeric = last.unit !== '' && values.slice(0, -1).every((v) => /^-?[\d.]+$/.test(v));
  if (numeric) values[values.length - 1] = last.value;
  return { constraint: { kind: 'list', values }, unit: numeric ? last.unit : '', array };
}

export function parseOptions(listing: string): SaneOption[] {
  const options: SaneOption[] = [];
  for (const line of listing.split('\n')) {
    const m = OPTION_LINE.exec(line);
    if (!m) continue;
    const flag = m[1] ?? '';
    let rest = m[2] ?? '';
    const { body, current, flags } = trailingBrackets(rest);
    rest = body;
    let constraint: OptionConstraint;
    let unit = '';
    let array = false;
    if (rest.startsWith('[=(')) {
      constraint = { kind: 'bool' };
    } else {
      ({ constraint, unit, array } = parseConstraint(rest));
    }
    const option: SaneOption = {
      flag,
      name: flag.replace(/^-+/, ''),
      constraint,
      unit,
      active: !flags.has('inactive'),
      advanced: flags.has('advanced'),
      array,
      ...(current === undefined ? {} : { current }),
    };
    options.push(option);
  }
  return options;
}
