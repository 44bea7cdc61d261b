import { describe, expect, it } from 'vitest';
import { defaultScanMode, offeredScanModes } from './default-mode';

describe('the default scan mode', () => {
  it('is 自动 where the device scans in colour, else grey, else its first mode', () => {
    expect(defaultScanMode(['color', 'gray', 'lineart'])).toBe('auto');
    expect(defaultScanMode(['lineart', 'color'])).toBe('auto');
    expect(defaultScanMode(['lineart', 'gray'])).toBe('gray');
    expect(defaultScanMode(['lineart'])).toBe('lineart');
    expect(defaultScanMode([])).toBe('gray');
  });

  it('is always one of the modes offered for the device', () => {
    for (const modes of [
      ['color'],
      ['gray'],
      ['lineart'],
      ['gray', 'lineart'],
      ['color', 'lineart'],
    ] as const) {
      expect(offeredScanModes(modes)).toContain(defaultScanMode(modes));
    }
    expect(offeredScanModes(['color', 'gray'])).toEqual(['auto', 'color', 'gray']);
    expect(offeredScanModes(['gray', 'lineart'])).toEqual(['gray', 'lineart']);
  });
});
