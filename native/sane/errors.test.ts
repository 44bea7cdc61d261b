import { describe, expect, it } from 'vitest';
import { classifyStderr, roundedValues } from './errors';

// Lines as scanimage prints them. The `test` backend cannot produce a double feed or an unplugged
// device; those lines are written in the words real backends use.
describe('scanimage stderr classification', () => {
  it.each([
    ['scanimage: sane_start: Document feeder jammed', 6, 'paper-jam'],
    ['scanimage: sane_read: Scanner cover is open', 8, 'cover-open'],
    ['scanimage: sane_start: Device busy', 3, 'device-busy'],
    ['scanimage: open of device fujitsu:fi-7160:1 failed: Invalid argument', 1, 'device-gone'],
    ['scanimage: open of device fujitsu:fi-7160:1 failed: Device busy', 1, 'device-busy'],
    ['scanimage: open of device x failed: Access to resource has been denied', 1, 'access-denied'],
    ['scanimage: setting of option --mode failed (Invalid argument)', 1, 'invalid-option'],
    ["scanimage: unrecognized option '--nonsense'", 1, 'invalid-option'],
    [
      '[fujitsu] sense_handler: double feed error\nscanimage: sane_read: Document feeder jammed',
      6,
      'double-feed',
    ],
    ['[canon_dr] multifeed detected\nscanimage: sane_read: Error during device I/O', 9, 'double-feed'],
    ['scanimage: sane_read: Error during device I/O', 9, 'io'],
    ['', 6, 'paper-jam'],
    ['something unexpected', 42, 'unknown'],
  ])('%j (exit %d) is %s', (stderr, code, category) => {
    expect(classifyStderr(stderr, code)?.category).toBe(category);
  });

  it('ignores progress and the normal batch chatter of a clean run', () => {
    const stderr =
      'Scanning infinity pages, incrementing by 1, numbering from 1\nScanning page 1\n' +
      'Progress: 3.4%\rProgress: 100.0%\rScanned page 1. (scanner status = 5)\nBatch terminated, 1 page scanned\n';
    expect(classifyStderr(stderr, 0)).toBeUndefined();
  });

  it('reads what the backend rounded a value to', () => {
    expect(
      roundedValues('scanimage: rounded value of resolution from 5000 to 1200\n').get('resolution'),
    ).toBe(1200);
  });
});
