import { describe, expect, it } from 'vitest';
import { LABEL_ARCHIVE_NO_MAX, encodeLabel } from '../../core/labels/label-codec';
import { qrMatrix, qrPixels } from './qr-matrix';

const volumeId = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

describe('label QR symbols', () => {
  it('are version 4 (33 modules) at error correction M for every 档号 a label may carry', () => {
    for (const archiveNo of [
      'A',
      '350200-2024-SL-000123',
      `A${'-1'.repeat((LABEL_ARCHIVE_NO_MAX - 1) / 2)}`,
    ]) {
      for (const uscc of ['91350200MA2YJ1XR9G', '350100000012345']) {
        const payload = encodeLabel({ archiveNo, uscc, volumeId });
        const m = qrMatrix(payload);
        expect(m.version, payload).toBeLessThanOrEqual(4);
        if (archiveNo.length >= 21) expect(m.version).toBe(4);
      }
    }
  });

  it('rasterise with the quiet zone and the finder pattern in the corner', () => {
    const q = qrPixels('DGN1:X', 2, 4);
    const m = qrMatrix('DGN1:X');
    expect(q.width).toBe((m.size + 8) * 2);
    expect(q.data[0]).toBe(255); // quiet zone
    expect(q.data[8 * q.width + 8]).toBe(0); // finder's outer ring
  });
});
