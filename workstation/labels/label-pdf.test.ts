import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import jsQR from 'jsqr';
import sharp from 'sharp';
import { beforeEach, describe, expect, it } from 'vitest';
import { decodeLabel } from '../../core/labels/label-codec';
import { DomainError } from '../../core/errors';
import { tempDir } from '../../tests/support/temp-dir';
import { CJK_FONT_ENV, findCjkFont } from './cjk-font';
import { SHEET_LAYOUTS, labelSheetPdf } from './label-pdf';
import type { LabelItem } from './label-pdf';
import { readLabels } from './read-labels';

let dir = '';
beforeEach(() => {
  dir = tempDir('dangan-labels-');
});

const NAMES = [
  '厦门鹭江贸易有限公司',
  '福州闽都科技股份有限公司',
  '泉州市丰泽区某某国际贸易与供应链管理有限责任公司',
];
const items: LabelItem[] = NAMES.map((enterpriseName, i) => ({
  label: {
    archiveNo: `350200-2024-SL-00012${i}`,
    uscc: i === 1 ? '350100000012345' : '91350200MA2YJ1XR9G',
    volumeId: `0f8b6c52-3c1e-4d7a-9b2f-5e6a7d8c9b0${i}`,
  },
  enterpriseName,
  caption: '设立登记 · 2024',
}));

const DPI = 200;

/** Render page `n` of a PDF with poppler; returns PNG bytes and poppler's complaints. */
function render(pdf: Uint8Array, name: string, n = 1): { png: Buffer; stderr: string } {
  const file = path.join(dir, `${name}.pdf`);
  fs.writeFileSync(file, pdf);
  const prefix = path.join(dir, `${name}-${n}`);
  const r = spawnSync('pdftoppm', [
    '-r',
    String(DPI),
    '-png',
    '-singlefile',
    '-f',
    String(n),
    '-l',
    String(n),
    file,
    prefix,
  ]);
  expect(r.status).toBe(0);
  return { png: fs.readFileSync(`${prefix}.png`), stderr: r.stderr.toString() };
}

function pdfText(pdf: Uint8Array, name: string): string {
  const file = path.join(dir, `${name}-text.pdf`);
  fs.writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-']).toString();
}

async function decodeRegion(
  png: Buffer,
  mm: { x: number; y: number; w: number; h: number },
): Promise<string | null> {
  const px = (v: number) => Math.round((v * DPI) / 25.4);
  const { data, info } = await sharp(png)
    .extract({ left: px(mm.x), top: px(mm.y), width: px(mm.w), height: px(mm.h) })
    .toColourspace('srgb')
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const code = jsQR(
    new Uint8ClampedArray(data.buffer, data.byteOffset, data.length),
    info.width,
    info.height,
  );
  return code?.data ?? null;
}

describe('label PDFs', () => {
  it('puts each label in its slot on an A4 sheet, readable, with the Chinese name as text', async () => {
    const layout = SHEET_LAYOUTS['a4-3x8'];
    if (!layout) throw new Error('layout missing');
    const pdf = await labelSheetPdf(items, { layout: 'a4-3x8', skip: 1 });
    const { png, stderr } = render(pdf, 'a4-3x8');
    // poppler rejects a broken embedded font with "Embedded font file may be invalid".
    expect(stderr).toBe('');
    for (const [i, item] of items.entries()) {
      const slot = i + 1;
      const col = slot % layout.columns;
      const row = Math.floor(slot / layout.columns);
      const payload = await decodeRegion(png, {
        x: layout.left + col * (layout.labelWidth + layout.columnGap),
        y: layout.top + row * layout.labelHeight,
        w: layout.labelWidth,
        h: layout.labelHeight,
      });
      expect(payload === null ? null : decodeLabel(payload)).toEqual({ ok: true, label: item.label });
    }
    // The page reader finds all three on the sheet at once (the PNG carries no dpi: say it).
    const reading = await readLabels(png, { dpi: DPI });
    expect(new Set(reading.labels.map((l) => l.volumeId))).toEqual(
      new Set(items.map((i) => i.label.volumeId)),
    );
    // Slot 0 was skipped: nothing printed there.
    expect(await decodeRegion(png, { x: 0, y: 0, w: layout.labelWidth, h: layout.labelHeight })).toBeNull();
    const t = pdfText(pdf, 'a4-3x8');
    for (const item of items) expect(t.replace(/\s/g, '')).toContain(item.label.archiveNo);
    expect(t).toContain('厦门鹭江贸易有限公司');
    expect(t).toContain('福州闽都科技股份有限公司');
  });

  for (const layout of ['thermal-50x30', 'thermal-60x40', 'a4-4x10', 'a4-2x7'] as const) {
    it(`makes ${layout} labels whose QR decodes`, async () => {
      const l = SHEET_LAYOUTS[layout];
      if (!l) throw new Error('layout missing');
      const pdf = await labelSheetPdf(items.slice(0, 1), { layout });
      const { png, stderr } = render(pdf, layout);
      expect(stderr).toBe('');
      const meta = await sharp(png).metadata();
      expect(Math.abs(meta.width - (l.pageWidth * DPI) / 25.4)).toBeLessThan(1.5);
      const payload = await decodeRegion(png, { x: l.left, y: l.top, w: l.labelWidth, h: l.labelHeight });
      expect(payload === null ? null : decodeLabel(payload)).toEqual({ ok: true, label: items[0]?.label });
      expect(pdfText(pdf, layout).replace(/\s/g, '')).toContain('厦门鹭江贸易有限公司');
    });
  }

  it('makes one A4 cover/separator sheet per volume with a large code, the 档号 and the name', async () => {
    const pdf = await labelSheetPdf(items.slice(0, 2), { layout: 'cover' });
    for (const n of [1, 2]) {
      const { png, stderr } = render(pdf, 'cover', n);
      expect(stderr).toBe('');
      const payload = await decodeRegion(png, { x: 55, y: 35, w: 100, h: 90 });
      expect(payload === null ? null : decodeLabel(payload)).toEqual({
        ok: true,
        label: items[n - 1]?.label,
      });
    }
    const t = pdfText(pdf, 'cover');
    expect(t).toContain('案卷分隔页');
    expect(t).toContain('350200-2024-SL-000121');
    expect(t).toContain('福州闽都科技股份有限公司');
  });

  it('refuses an unknown layout, no labels and bad label fields', async () => {
    await expect(labelSheetPdf(items, { layout: 'a4-9x9' })).rejects.toThrow(DomainError);
    await expect(labelSheetPdf([], { layout: 'a4-3x8' })).rejects.toThrow(DomainError);
    const bad = [{ ...items[0], enterpriseName: 'x', label: { archiveNo: 'a-1', uscc: 'x', volumeId: 'y' } }];
    await expect(labelSheetPdf(bad, { layout: 'a4-3x8' })).rejects.toThrow(/label\.field/);
  });

  it('says clearly when no Chinese font is there', () => {
    expect(() => findCjkFont({}, [{ path: '/nonexistent/font.ttc' }])).toThrow(/fonts-noto-cjk/);
    expect(() => findCjkFont({ [CJK_FONT_ENV]: '/nonexistent/x.ttf' })).toThrow(/does not exist/);
    const chosen = findCjkFont({
      [CJK_FONT_ENV]: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc#NotoSansCJKsc-Regular',
    });
    expect(chosen).toEqual({
      path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
      postscriptName: 'NotoSansCJKsc-Regular',
    });
  });
});
