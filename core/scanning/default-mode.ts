import { text, type Text } from '../text';
import type { ColorMode, ScanMode } from './driver';

/**
 * The modes offered for a device with these colour modes: 自动 first whenever it scans in colour
 * (scanned in colour, each page kept in colour only with seals or red headers, else grey: DA/T 31's
 * rule without sorting the sheets), then the device's own.
 */
export function offeredScanModes(colorModes: readonly ColorMode[]): ScanMode[] {
  return colorModes.includes('color') ? ['auto', ...colorModes] : [...colorModes];
}

/**
 * The mode used when the operator names none, in the scan screen and `dangan scan` alike: 自动 where
 * the device scans in colour, else grey where it offers grey (the archival minimum for text), else
 * the device's first mode.
 */
export function defaultScanMode(colorModes: readonly ColorMode[]): ScanMode {
  if (colorModes.includes('color')) return 'auto';
  if (colorModes.includes('gray')) return 'gray';
  return colorModes[0] ?? 'gray';
}

/** Each mode's name, for the UI's picker and the CLI's report of the mode it chose. */
export const SCAN_MODE_NAMES: Readonly<Record<ScanMode, Text>> = {
  auto: text('自动（彩色/灰度）', 'Auto (colour/grey)'),
  color: text('彩色', 'Colour'),
  gray: text('灰度', 'Grey'),
  lineart: text('黑白', 'Black & white'),
};
