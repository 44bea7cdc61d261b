import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { encodeLabel } from '../../core/labels/label-codec';
import type { VolumeLabel } from '../../core/labels/label-codec';
import { licenceQrPayload, syntheticPage } from '../../tests/support/label-pages';
import { classifyCodes, readLabels } from './read-labels';

const LABEL: VolumeLabel = {
  archiveNo: '350200-2024-SL-000123',
  uscc: '91350200MA2YJ1XR9G',
  volumeId: '0f8b6c52-3c1e-4d7a-9b2f-5e6a7d8c9b01',
};
const OURS = { payload: encodeLabel(LABEL), sizeMm: 20, xMm: 165, yMm: 12 };
const LICENCE = { payload: licenceQrPayload(LABEL.uscc), sizeMm: 22, xMm: 160, yMm: 200 };

describe('readLabels', () => {
  // A 2 cm label (the smallest we print) in every orientation, with the worst tilt we promise.
  const cases = [
    { rotate: 0, tiltDeg: 0 },
    { rotate: 90, tiltDeg: 15 },
    { rotate: 180, tiltDeg: -15 },
    { rotate: 270, tiltDeg: 7 },
  ] as const;
  for (const c of cases) {
    it(`finds a 2 cm label turned ${c.rotate}° and tilted ${c.tiltDeg}°`, async () => {
      const page = await syntheticPage({ seed: 11 + c.rotate, dpi: 150, codes: [OURS], ...c });
      const reading = await readLabels(page);
      expect(reading.labels).toEqual([LABEL]);
      expect(reading.foreign).toEqual([]);
    });
  }

  it('finds the label at 300 dpi beside a licence QR, which it records as foreign', async () => {
    const page = await syntheticPage({ seed: 5, codes: [OURS, { ...LICENCE, xMm: 130, yMm: 20 }] });
    const reading = await readLabels(page);
    expect(reading.labels).toEqual([LABEL]);
    expect(reading.foreign).toEqual([{ format: 'qr', text: LICENCE.payload }]);
  });

  it('never reports a label on a page with only a licence QR', async () => {
    const page = await syntheticPage({ seed: 6, dpi: 150, rotate: 180, codes: [LICENCE] });
    const reading = await readLabels(page);
    expect(reading.labels).toEqual([]);
    expect(reading.foreign).toEqual([{ format: 'qr', text: LICENCE.payload }]);
  });

  it('reads greyscale PNGs, and finds nothing on a page without codes even when thorough', async () => {
    const grey = await syntheticPage({ seed: 8, dpi: 150, codes: [OURS], format: 'png', channels: 1 });
    expect((await sharp(grey).metadata()).channels).toBe(1);
    expect((await readLabels(grey)).labels).toEqual([LABEL]);
    const empty = await syntheticPage({ seed: 9, dpi: 100, codes: [] });
    expect(await readLabels(empty, { thorough: true })).toEqual({ labels: [], foreign: [], damaged: [] });
  });

  it('sorts decoded texts: ours once, damaged ones apart, foreign ones recorded', () => {
    const good = encodeLabel(LABEL);
    const broken = `${good.slice(0, 10)}9${good.slice(11)}`;
    const reading = classifyCodes([good, 'https://www.gsxt.gov.cn/x', good, broken]);
    expect(reading.labels).toEqual([LABEL]);
    expect(reading.foreign).toEqual([{ format: 'qr', text: 'https://www.gsxt.gov.cn/x' }]);
    expect(reading.damaged.map((d) => [d.text, d.reason])).toEqual([[broken, 'invalid']]);
  });

  it('refuses what is not an image with a clear error', async () => {
    await expect(readLabels(Buffer.from('not an image'))).rejects.toThrow();
  });
});
