import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { argsForJob, planFromOptions } from './capabilities';
import { parseOptions } from './options';

// Listings in the shape scanimage -A prints for a sheet-fed document scanner and a USB flatbed
// (fixtures/). The `test` backend's own listing is exercised live in driver.test.ts.
const read = (name: string) => fs.readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');
// The scan area every A4 job asks for: left and top edge, width and height in mm.
const A4_AREA = ['-l', '0', '-t', '0', '-x', '210', '-y', '297'];

describe('scanimage -A parsing', () => {
  const sheetfed = parseOptions(read('sheetfed-listing.txt'));

  it('reads lists, ranges with units and steps, booleans, buttons and flags', () => {
    const byName = new Map(sheetfed.map((o) => [o.name, o]));
    expect(byName.get('source')).toMatchObject({
      flag: '--source',
      constraint: { kind: 'list', values: ['ADF Front', 'ADF Back', 'ADF Duplex'] },
      current: 'ADF Front',
      active: true,
    });
    expect(byName.get('resolution')).toMatchObject({
      constraint: { kind: 'range', min: 50, max: 600, step: 1 },
      unit: 'dpi',
      current: '600',
    });
    expect(byName.get('x')).toMatchObject({ flag: '-x', unit: 'mm', constraint: { max: 215.872 } });
    expect(byName.get('brightness')).toMatchObject({ constraint: { kind: 'range', min: -127, max: 127 } });
    expect(byName.get('gamma-table')).toMatchObject({ array: true, advanced: true });
    expect(byName.get('swdeskew')).toMatchObject({ constraint: { kind: 'bool' }, current: 'no' });
    expect(byName.get('calibrate')).toMatchObject({ constraint: { kind: 'button' } });
    // description lines and group titles are not options
    expect(sheetfed.map((o) => o.name)).not.toContain('Standard:');
    expect(sheetfed).toHaveLength(13);
  });

  it('reads a word list with a unit and an inactive option', () => {
    const [res, order] = parseOptions(
      '    --resolution 4800|2400|300|75dpi [75]\n    --three-pass-order RGB|RBG|GBR [inactive]\n',
    );
    expect(res).toMatchObject({ constraint: { values: ['4800', '2400', '300', '75'] }, unit: 'dpi' });
    expect(order).toMatchObject({ active: false, constraint: { values: ['RGB', 'RBG', 'GBR'] } });
    expect(order?.current).toBeUndefined();
  });
});

describe('capabilities and arguments from options', () => {
  it('maps a sheet-fed scanner: duplex source, line art, page size options', () => {
    const plan = planFromOptions(parseOptions(read('sheetfed-listing.txt')));
    expect(plan.capabilities).toMatchObject({
      sources: ['duplex', 'feeder'],
      colorModes: ['color', 'gray', 'lineart'],
      resolutionRange: { min: 50, max: 600, step: 1 },
      maxWidthMm: 215.872,
      maxHeightMm: 355.6,
    });
    expect(plan.capabilities.resolutions).toEqual([75, 100, 150, 200, 240, 300, 400, 600]);
    const result = argsForJob(plan, { source: 'duplex', dpi: 300, mode: 'lineart' });
    expect(result).toEqual({
      ok: true,
      args: [
        '--source',
        'ADF Duplex',
        '--mode',
        'Lineart',
        '--resolution',
        '300',
        '--page-width',
        '210',
        '--page-height',
        '297',
        ...A4_AREA,
      ],
    });
    expect(argsForJob(plan, { source: 'feeder', dpi: 200, mode: 'gray' })).toMatchObject({
      ok: true,
      args: expect.arrayContaining(['ADF Front', 'Gray']) as unknown,
    });
    expect(argsForJob(plan, { source: 'flatbed', dpi: 300, mode: 'gray' })).toMatchObject({ ok: false });
    expect(argsForJob(plan, { source: 'feeder', dpi: 1200, mode: 'gray' })).toMatchObject({ ok: false });
  });

  it.each([
    ['--adf-mode Simplex|Duplex [Simplex]', ['--adf-mode', 'Duplex'], ['--adf-mode', 'Simplex']],
    ['--duplex[=(yes|no)] [no]', ['--duplex=yes'], ['--duplex=no']],
  ])('offers duplex through a separate option: %s', (line, duplexArgs, simplexArgs) => {
    const listing = `    --source Flatbed|Automatic Document Feeder [Flatbed]\n    --mode Gray [Gray]\n    --resolution 300dpi [300]\n    ${line}\n`;
    const plan = planFromOptions(parseOptions(listing));
    expect(plan.capabilities.sources).toEqual(['duplex', 'feeder', 'flatbed']);
    const rest = ['--mode', 'Gray', '--resolution', '300'];
    const feeder = ['--source', 'Automatic Document Feeder'];
    const args = (source: 'duplex' | 'feeder' | 'flatbed') =>
      argsForJob(plan, { source, dpi: 300, mode: 'gray' });
    expect(args('duplex')).toEqual({ ok: true, args: [...feeder, ...duplexArgs, ...rest] });
    expect(args('feeder')).toEqual({ ok: true, args: [...feeder, ...simplexArgs, ...rest] });
    expect(args('flatbed')).toEqual({ ok: true, args: ['--source', 'Flatbed', ...rest] });
  });

  it('maps a flatbed with a resolution list and depth', () => {
    const plan = planFromOptions(parseOptions(read('flatbed-listing.txt')));
    expect(plan.capabilities.sources).toEqual(['flatbed']);
    expect(plan.capabilities.resolutions).toEqual([4800, 2400, 1200, 600, 300, 150, 100, 75]);
    expect(plan.capabilities.resolutionRange).toBeUndefined();
    const gray = argsForJob(plan, { source: 'flatbed', dpi: 300, mode: 'gray' });
    expect(gray).toMatchObject({
      ok: true,
      args: ['--mode', 'Gray', '--depth', '8', '--resolution', '300', ...A4_AREA],
    });
    expect(argsForJob(plan, { source: 'flatbed', dpi: 200, mode: 'gray' })).toMatchObject({ ok: false });
    // 297.5 mm deep: A4 fits, a 300 mm page does not
    expect(argsForJob(plan, { source: 'flatbed', dpi: 300, mode: 'gray', heightMm: 300 })).toMatchObject({
      ok: false,
    });
  });
});
