import type { ScanErrorCategory } from '../../core/scanning/driver';

// scanimage reports failures on stderr as `scanimage: <call>: <sane_strstatus text>` and exits with
// the SANE status number — usually: a SIGPIPE inside the backend during shutdown makes scanimage's
// signal handler exit with 0 (seen with the `test` backend), so the text is read first. The texts below are sane_strstatus() of sane-backends (English; scanimage
// is always run with LC_ALL=C so they do not arrive translated).
const STATUS_TEXTS: readonly [RegExp, ScanErrorCategory][] = [
  [/Document feeder out of documents/i, 'no-paper'],
  [/Document feeder jammed/i, 'paper-jam'],
  [/Scanner cover is open/i, 'cover-open'],
  [/Device busy/i, 'device-busy'],
  [/Operation was cancell?ed/i, 'cancelled'],
  [/Access to resource has been denied/i, 'access-denied'],
  [/Operation not supported/i, 'invalid-option'],
  [/Error during device I\/O/i, 'io'],
  [/: Invalid argument/i, 'invalid-option'],
  [/Out of memory/i, 'unknown'],
];

// SANE has no status for a double feed: backends that detect one (fujitsu, canon_dr, kodak…) report
// JAMMED or IO_ERROR and say what happened only in their own words. Look for those words first.
const DOUBLE_FEED = /double.?feed|multi.?feed|multi.?pick|double.?pick/i;

/** SANE status numbers (sane.h) for when stderr says nothing useful. */
const STATUS_CODES: Readonly<Record<number, ScanErrorCategory>> = {
  1: 'invalid-option',
  2: 'cancelled',
  3: 'device-busy',
  4: 'invalid-option',
  6: 'paper-jam',
  7: 'no-paper',
  8: 'cover-open',
  9: 'io',
  10: 'unknown',
  11: 'access-denied',
};

export interface SaneFailure {
  readonly category: ScanErrorCategory;
  /** The scanimage line it came from, verbatim. */
  readonly detail: string;
}

/** Finds the line of scanimage's stderr that says why it stopped, and its category. */
export function classifyStderr(stderr: string, exitCode: number | null): SaneFailure | undefined {
  const lines = stderr
    .split(/[\r\n]+/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('Progress:'));
  const doubleFeed = lines.find((l) => DOUBLE_FEED.test(l));
  if (doubleFeed !== undefined) return { category: 'double-feed', detail: doubleFeed };

  for (const line of lines) {
    if (/^scanimage: open of device .* failed: Invalid argument/.test(line)) {
      return { category: 'device-gone', detail: line };
    }
    if (/^scanimage: no SANE devices found/.test(line)) return { category: 'device-gone', detail: line };
    if (/^scanimage: (setting of option .* failed|unrecognized option|option .* requires)/.test(line)) {
      return { category: 'invalid-option', detail: line };
    }
  }
  // The call that failed (`sane_start: …`, `sane_read: …`, `open of device …: …`) names the status.
  for (const line of lines) {
    if (!line.startsWith('scanimage:')) continue;
    for (const [pattern, category] of STATUS_TEXTS) {
      if (pattern.test(line)) return { category, detail: line };
    }
  }
  if (exitCode !== null && exitCode !== 0) {
    const category = STATUS_CODES[exitCode] ?? 'unknown';
    const last = lines.filter((l) => l.startsWith('scanimage:')).pop() ?? lines.pop() ?? '';
    return { category, detail: last === '' ? `scanimage exited with ${exitCode}` : last };
  }
  return undefined;
}

/** "scanimage: rounded value of resolution from 5000 to 1200": what the backend really used. */
export function roundedValues(stderr: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const m of stderr.matchAll(/rounded value of ([\w-]+) from [-\d.]+ to (-?[\d.]+)/g)) {
    found.set(m[1] ?? '', Number(m[2]));
  }
  return found;
}
