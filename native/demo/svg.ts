// Small SVG helpers for the demo pages. Coordinates are millimetres (the page's viewBox is 210 × 297).

export const INK = '#1b1b1f';
export const RED = '#d2231c';
export const SERIF = "'Noto Serif CJK SC', 'Noto Sans CJK SC', serif";
export const SANS = "'Noto Sans CJK SC', sans-serif";

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export interface TextOptions {
  readonly size?: number;
  readonly anchor?: 'start' | 'middle' | 'end';
  readonly weight?: 'normal' | 'bold';
  readonly fill?: string;
  readonly family?: string;
  readonly spacing?: number;
}

export function txt(x: number, y: number, s: string, o: TextOptions = {}): string {
  return `<text x="${x}" y="${y}" font-family="${o.family ?? SERIF}" font-size="${o.size ?? 4}" text-anchor="${o.anchor ?? 'start'}" font-weight="${o.weight ?? 'normal'}" fill="${o.fill ?? INK}"${o.spacing ? ` letter-spacing="${o.spacing}"` : ''}>${esc(s)}</text>`;
}

export function line(x1: number, y1: number, x2: number, y2: number, width = 0.3, stroke = INK): string {
  return `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="${stroke}" stroke-width="${width}"/>`;
}

export function rect(x: number, y: number, w: number, h: number, width = 0.3, stroke = INK): string {
  return `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="none" stroke="${stroke}" stroke-width="${width}"/>`;
}

/** Splits Chinese text into lines of at most `perLine` characters (no word breaking needed). */
export function wrap(s: string, perLine: number): string[] {
  const chars = Array.from(s);
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += perLine) out.push(chars.slice(i, i + perLine).join(''));
  return out;
}

/** A paragraph from `y` down; returns the y after it. */
export function paragraph(
  x: number,
  y: number,
  s: string,
  width: number,
  o: TextOptions & { readonly indent?: boolean; readonly leading?: number } = {},
): { svg: string; y: number } {
  const size = o.size ?? 4;
  const leading = o.leading ?? size * 1.75;
  const perLine = Math.floor(width / size);
  const lines = wrap((o.indent ? '\u3000\u3000' : '') + s, perLine);
  const svg = lines.map((l, i) => txt(x, y + i * leading, l, o)).join('');
  return { svg, y: y + lines.length * leading };
}

/**
 * A round red company seal: double ring, star, the name along the upper arc, a line below.
 * Drawn slightly transparent, as stamp ink over print looks.
 */
export function seal(cx: number, cy: number, name: string, below = '', rotation = 0): string {
  const r = 20;
  const chars = Array.from(name);
  const span = Math.min(250, chars.length * 19);
  const start = -90 - span / 2;
  const letters = chars
    .map((c, i) => {
      const a = start + (span * (i + 0.5)) / chars.length;
      const rad = (a * Math.PI) / 180;
      const x = cx + (r - 5.2) * Math.cos(rad);
      const y = cy + (r - 5.2) * Math.sin(rad);
      return `<text x="${x.toFixed(2)}" y="${y.toFixed(2)}" font-family="${SANS}" font-size="4.6" font-weight="bold" fill="${RED}" text-anchor="middle" dominant-baseline="central" transform="rotate(${(a + 90).toFixed(1)} ${x.toFixed(2)} ${y.toFixed(2)})">${esc(c)}</text>`;
    })
    .join('');
  const star = Array.from({ length: 10 }, (_, i) => {
    const rr = i % 2 === 0 ? 6 : 2.4;
    const a = ((-90 + i * 36) * Math.PI) / 180;
    return `${(cx + rr * Math.cos(a)).toFixed(2)},${(cy + rr * Math.sin(a)).toFixed(2)}`;
  }).join(' ');
  return `<g opacity="0.82" transform="rotate(${rotation} ${cx} ${cy})"><circle cx="${cx}" cy="${cy}" r="${r}" fill="none" stroke="${RED}" stroke-width="1.1"/>${letters}<polygon points="${star}" fill="${RED}"/>${below ? `<text x="${cx}" y="${cy + 12}" font-family="${SANS}" font-size="3.4" fill="${RED}" text-anchor="middle">${esc(below)}</text>` : ''}</g>`;
}

/** A handwritten-looking signature: a few blue-black strokes. */
export function signature(x: number, y: number, seedish: number): string {
  const pts: string[] = [];
  for (let i = 0; i < 7; i++) {
    const dx = x + i * 3.2;
    const dy = y + Math.sin(seedish + i * 1.7) * 2.2;
    pts.push(`${dx.toFixed(1)},${dy.toFixed(1)}`);
  }
  return `<polyline points="${pts.join(' ')}" fill="none" stroke="#1d2a5c" stroke-width="0.55" stroke-linecap="round" stroke-linejoin="round"/>`;
}

export function svgPage(body: string, widthPx: number, heightPx: number, paper = '#fbfaf5'): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${widthPx}" height="${heightPx}" viewBox="0 0 210 297" preserveAspectRatio="none"><rect width="210" height="297" fill="${paper}"/>${body}</svg>`;
}
