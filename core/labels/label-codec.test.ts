import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors';
import { USCC_CHARSET } from '../codes';
import { LABEL_ARCHIVE_NO_MAX, LABEL_PREFIX, decodeLabel, encodeLabel, labelCheckChar } from './label-codec';
import type { VolumeLabel } from './label-codec';

const SAMPLE: VolumeLabel = {
  archiveNo: '350200-2024-SL-000123',
  uscc: '91350200MA2YJ1XR9G',
  volumeId: '0f8b6c52-3c1e-4d7a-9b2f-5e6a7d8c9b01',
};

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const hex = fc.constantFrom(...Array.from('0123456789abcdef'));
const hexN = (n: number) => fc.string({ unit: hex, minLength: n, maxLength: n });
const uuid = fc.tuple(hexN(8), hexN(4), hexN(4), hexN(4), hexN(12)).map((p) => p.join('-'));
const archiveNo = fc
  .array(fc.string({ unit: fc.constantFrom(...Array.from(ALNUM)), minLength: 1, maxLength: 10 }), {
    minLength: 1,
    maxLength: 4,
  })
  .chain((pieces) =>
    fc
      .array(fc.constantFrom('-', '_', '.', '/'), { minLength: pieces.length, maxLength: pieces.length })
      .map((seps) => pieces.map((p, i) => (i === 0 ? p : (seps[i] ?? '-') + p)).join('')),
  )
  .filter((s) => s.length <= LABEL_ARCHIVE_NO_MAX);
const enterpriseCode = fc.oneof(
  fc.string({ unit: fc.constantFrom(...Array.from(USCC_CHARSET)), minLength: 18, maxLength: 18 }),
  fc.string({ unit: fc.constantFrom(...Array.from('0123456789')), minLength: 15, maxLength: 15 }),
);
const label = fc.record({ archiveNo, uscc: enterpriseCode, volumeId: uuid });

// Every character a QR code in alphanumeric mode can hold, and then some.
const QR_ALNUM = `${ALNUM} $%*+-./:`;

describe('label codec', () => {
  it('encodes the documented layout', () => {
    const payload = encodeLabel(SAMPLE);
    expect(payload).toMatch(/^DGN1:350200-2024-SL-000123:91350200MA2YJ1XR9G:[0-9A-Z]{25}:.$/);
    expect(payload).toHaveLength(73);
    expect(decodeLabel(payload)).toEqual({ ok: true, label: SAMPLE });
  });

  it('round-trips every valid label and stays in the QR alphanumeric set within 90 characters', () => {
    fc.assert(
      fc.property(label, (l) => {
        const payload = encodeLabel(l);
        expect(Array.from(payload).every((c) => QR_ALNUM.includes(c))).toBe(true);
        expect(payload.length).toBeLessThanOrEqual(90);
        expect(decodeLabel(payload)).toEqual({ ok: true, label: l });
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips the extreme uids', () => {
    for (const volumeId of ['00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff']) {
      expect(decodeLabel(encodeLabel({ ...SAMPLE, volumeId }))).toEqual({
        ok: true,
        label: { ...SAMPLE, volumeId },
      });
    }
  });

  it('detects any single-character change', () => {
    fc.assert(
      fc.property(
        label,
        fc.nat(),
        fc.constantFrom(...Array.from(QR_ALNUM), 'a', '中', '_'),
        (l, at, replacement) => {
          const payload = encodeLabel(l);
          const i = at % payload.length;
          fc.pre(payload.charAt(i) !== replacement);
          const changed = payload.slice(0, i) + replacement + payload.slice(i + 1);
          expect(decodeLabel(changed).ok).toBe(false);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('detects every single substitution exhaustively on one label', () => {
    const payload = encodeLabel(SAMPLE);
    for (let i = 0; i < payload.length; i++) {
      for (const c of QR_ALNUM) {
        if (c === payload.charAt(i)) continue;
        const changed = payload.slice(0, i) + c + payload.slice(i + 1);
        const result = decodeLabel(changed);
        expect(result.ok, changed).toBe(false);
        // Past the prefix, damage is recognised as ours-but-damaged, never as foreign.
        if (i >= LABEL_PREFIX.length + 2 && !result.ok) expect(result.reason).toBe('invalid');
      }
    }
  });

  it('detects swapped neighbours', () => {
    fc.assert(
      fc.property(label, fc.nat(), (l, at) => {
        const payload = encodeLabel(l);
        const i = at % (payload.length - 1);
        fc.pre(payload.charAt(i) !== payload.charAt(i + 1));
        const swapped =
          payload.slice(0, i) + payload.charAt(i + 1) + payload.charAt(i) + payload.slice(i + 2);
        expect(decodeLabel(swapped).ok).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('detects truncation and extra characters as damage', () => {
    const payload = encodeLabel(SAMPLE);
    for (let n = LABEL_PREFIX.length + 2; n < payload.length; n++) {
      expect(decodeLabel(payload.slice(0, n))).toMatchObject({ ok: false, reason: 'invalid' });
    }
    expect(decodeLabel(`${payload}0`)).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('calls business-licence codes, URLs and random text foreign', () => {
    const licences = [
      'http://www.gsxt.gov.cn/index.html?uniscid=91350200MA2YJ1XR9G',
      'https://www.gsxt.gov.cn/%7B8E7B0A7A5F0C4B3F%7D',
      'http://gsxt.fjaic.gov.cn/ztxy.do?method=qyInfo&djjg=&maent.pripid=3502000000123456',
      'http://qyxy.baic.gov.cn/gjjbj/gjjQueryCreditAction!getBjQyList.dhtml?reg_bus_ent_id=abc',
      '91350200MA2YJ1XR9G',
      '350200-2024-SL-000123',
      '统一社会信用代码：91350200MA2YJ1XR9G 名称：厦门某某有限公司',
      '',
      'DG',
      'DGN',
      'DGNX:1',
      'dgn1:350200-2024-SL-000123',
    ];
    for (const p of licences) expect(decodeLabel(p), p).toMatchObject({ ok: false, reason: 'foreign' });
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        fc.pre(!s.startsWith(LABEL_PREFIX));
        expect(decodeLabel(s)).toMatchObject({ ok: false, reason: 'foreign' });
      }),
    );
    fc.assert(
      fc.property(fc.webUrl(), (url) => {
        expect(decodeLabel(url)).toMatchObject({ ok: false, reason: 'foreign' });
      }),
    );
  });

  it('never accepts random text after our prefix', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...Array.from(QR_ALNUM)), maxLength: 90 }), (s) => {
        const result = decodeLabel(`${LABEL_PREFIX}1:${s}`);
        // A random tail passes the check character only by chance (1 in 41) and must then still parse.
        if (result.ok) expect(encodeLabel(result.label)).toBe(`${LABEL_PREFIX}1:${s}`);
      }),
      { numRuns: 2000 },
    );
  });

  it('tells a newer format version apart', () => {
    expect(decodeLabel('DGN2:ANYTHING')).toMatchObject({ ok: false, reason: 'version' });
    expect(decodeLabel('DGN0:ANYTHING')).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('carries underscores in a 档号', () => {
    const l = { ...SAMPLE, archiveNo: 'FZ_2024_SL_000001' };
    const payload = encodeLabel(l);
    expect(payload).toContain('FZ*2024*SL*000001');
    expect(decodeLabel(payload)).toEqual({ ok: true, label: l });
  });

  it('refuses fields it cannot carry', () => {
    const bad: VolumeLabel[] = [
      { ...SAMPLE, archiveNo: '' },
      { ...SAMPLE, archiveNo: '350200-2024-sl-000123' },
      { ...SAMPLE, archiveNo: '档案-1' },
      { ...SAMPLE, archiveNo: `A${'1'.repeat(LABEL_ARCHIVE_NO_MAX)}` },
      { ...SAMPLE, uscc: '91350200MA2YJ1XR9' },
      { ...SAMPLE, uscc: '91350200MA2YJ1XRIG' },
      { ...SAMPLE, volumeId: 'u1' },
      { ...SAMPLE, volumeId: SAMPLE.volumeId.toUpperCase() },
    ];
    for (const fields of bad) expect(() => encodeLabel(fields)).toThrow(DomainError);
    expect(() => labelCheckChar('a')).toThrow(RangeError);
  });
});
