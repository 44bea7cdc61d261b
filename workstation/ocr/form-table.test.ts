import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { findFormTable } from './form-table';

const DPI = 150;
const px = (mm: number) => Math.round((mm * DPI) / 25.4);

/** An A4 page at 150 dpi drawn from SVG (mm units), turned by `skew` degrees, as grey pixels. */
async function page(body: string, skew = 0) {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${px(210)}" height="${px(297)}" viewBox="0 0 210 297"><rect width="210" height="297" fill="#fff"/>${body}</svg>`;
  const { data, info } = await sharp(Buffer.from(svg))
    .rotate(skew, { background: '#ffffff' })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Rows of a label/value form: a rectangle per row and the divider, as printed application forms are. */
function form(rows: number, top = 60): string {
  let s = '';
  for (let i = 0; i < rows; i++) {
    const y = top + i * 12;
    s += `<rect x="20" y="${y}" width="170" height="12" fill="none" stroke="#000" stroke-width="0.35"/>`;
    s += `<line x1="58" y1="${y}" x2="58" y2="${y + 12}" stroke="#000" stroke-width="0.35"/>`;
    s += `<rect x="30" y="${y + 4}" width="18" height="4" fill="#000"/><rect x="64" y="${y + 4}" width="60" height="4" fill="#000"/>`;
  }
  return s;
}

describe('finding a form table', () => {
  it('finds each row with its label and value cell, also on a page left with a slight skew', async () => {
    for (const skew of [0, 0.15]) {
      const table = findFormTable(await page(form(7), skew), DPI);
      expect(table?.rows).toHaveLength(7);
      const second = table?.rows[1];
      // Label cell between 20 and 58 mm, value cell from 58 to 190 mm, row 72–84 mm (inside the lines).
      expect(Math.abs((second?.label.left ?? 0) - px(20))).toBeLessThan(px(2));
      expect(Math.abs((second?.value.left ?? 0) - px(58))).toBeLessThan(px(2));
      expect(Math.abs((second?.value.left ?? 0) + (second?.value.width ?? 0) - px(190))).toBeLessThan(px(2));
      expect(Math.abs((second?.label.top ?? 0) - px(72))).toBeLessThan(px(2));
      expect(Math.abs((second?.label.height ?? 0) - px(12))).toBeLessThan(px(3));
    }
  });

  it('finds no table on a page of text, in a page frame, or beside a dark scan border', async () => {
    const text = Array.from(
      { length: 30 },
      (_, i) => `<rect x="20" y="${30 + i * 8}" width="${150 + (i % 3) * 8}" height="4" fill="#000"/>`,
    ).join('');
    expect(findFormTable(await page(text), DPI)).toBeNull();
    const frame =
      '<rect x="8" y="8" width="194" height="281" fill="none" stroke="#000" stroke-width="2"/>' +
      '<rect x="11" y="11" width="188" height="275" fill="none" stroke="#000" stroke-width="0.6"/>';
    expect(findFormTable(await page(frame), DPI)).toBeNull();
    const border =
      '<rect x="0" y="0" width="210" height="4" fill="#000"/><rect x="0" y="293" width="210" height="4" fill="#000"/>';
    expect(findFormTable(await page(border + form(2, 100)), DPI)?.rows).toHaveLength(2);
  });
});
