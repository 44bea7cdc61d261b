import type { RawImage } from './straighten';

// Automatic colour (自动彩色/灰度): a page scanned in colour keeps a colour master only when it carries
// colour — a red seal (公章), a red header (红头), a coloured licence border — else its master is grey
// (DA/T 31: colour for seals and red headers, grey for plain text; a grey JPEG is about a third smaller).

/**
 * Chroma (largest minus smallest of R, G, B) from which a pixel counts as coloured. Seal ink on paper
 * measures 110–190; yellowed paper 20–45, a dark feeder backing and black text under 10, scanner and
 * JPEG noise on grey rarely above 30.
 */
export const COLOUR_CHROMA_MIN = 64;

/**
 * Coloured area, in per cent of the page, from which the page is kept in colour: 0.03 % of A4 is
 * about 19 mm², a 4.3 mm square of red. The demo's 40 mm 公章 scores 0.34–0.37, its licence 4.7; plain
 * pages 0–0.003, and even a grey page with a 4-pixel red/blue misregistration at 300 dpi, yellowed
 * paper and chroma noise at most 0.022 (colour-content.test.ts).
 */
export const COLOUR_SCORE_MIN = 0.03;

/**
 * The colour score of a page, in per cent of the page's area: the share of points (every third pixel
 * of every third row of the RGB analysis copy) where the pixel and its two right and two lower neighbours are
 * all coloured in the same hue (the same dominant channel). Chroma is measured against the paper's own colour (the per-channel median of the light
 * pixels on a coarse grid), so yellowed paper — common in files from the 1990s — is neutral. The
 * neighbours keep out lone noisy pixels and the colour fringes at black text edges (a scanner's
 * colour channels are slightly misregistered: one side of a stroke turns red, the other cyan, and a
 * colour JPEG smears them); a line of seal ink is three pixels wide or more at 120 dpi (0.6 mm). A grey image (one channel) scores 0. ~0.9 ms of CPU for A4 at 120 dpi.
 */
export function colourScore(img: RawImage): number {
  const { data, width, height, channels } = img;
  if (channels < 3 || width < 3 || height < 3) return 0;
  const [pr = 255, pg = 255, pb = 255] = paperTint(img);
  const stride = width * channels;
  const min = COLOUR_CHROMA_MIN;
  // The dominant channel (0 R, 1 G, 2 B) of pixel i against the paper, when its chroma reaches the
  // minimum; else -1.
  const hue = (i: number): number => {
    const r = (data[i] as number) - pr;
    const g = (data[i + 1] as number) - pg;
    const b = (data[i + 2] as number) - pb;
    const hi = r > g ? (r > b ? r : b) : g > b ? g : b;
    const lo = r < g ? (r < b ? r : b) : g < b ? g : b;
    if (hi - lo < min) return -1;
    return hi === r ? 0 : hi === g ? 1 : 2;
  };
  let points = 0;
  let coloured = 0;
  for (let y = 0; y < height - 2; y += STEP) {
    let i = y * stride;
    const end = i + (width - 2) * channels;
    for (; i < end; i += STEP * channels) {
      points++;
      // Cheap test first: most points are paper or black ink, nearly neutral against the paper.
      const r = (data[i] as number) - pr;
      const g = (data[i + 1] as number) - pg;
      if (r - g < min && g - r < min) {
        const b = (data[i + 2] as number) - pb;
        if (r - b < min && b - r < min && g - b < min && b - g < min) continue;
      }
      const h = hue(i);
      if (
        h >= 0 &&
        hue(i + channels) === h &&
        hue(i + 2 * channels) === h &&
        hue(i + stride) === h &&
        hue(i + 2 * stride) === h
      ) {
        coloured++;
      }
    }
  }
  return points === 0 ? 0 : Math.round(((100 * coloured) / points) * 1000) / 1000;
}

/** Points are taken every STEP pixels of every STEP rows: seal ink covers areas far larger. */
const STEP = 3;

/** Light pixels (paper) are those at least this bright (Rec. 601 luma), as INK_MAX in analysis.ts. */
const PAPER_MIN_LUMA = 180;

/**
 * The paper's colour: per channel, the median of the light pixels on a 8-pixel grid (white when the
 * page has none, e.g. all backing).
 */
function paperTint(img: RawImage): number[] {
  const { data, width, height, channels } = img;
  const hr = new Uint32Array(256);
  const hg = new Uint32Array(256);
  const hb = new Uint32Array(256);
  let n = 0;
  for (let y = 0; y < height; y += 8) {
    for (let i = y * width * channels, end = i + width * channels; i < end; i += 8 * channels) {
      const r = data[i] ?? 0;
      const g = data[i + 1] ?? 0;
      const b = data[i + 2] ?? 0;
      if (r * 299 + g * 587 + b * 114 < PAPER_MIN_LUMA * 1000) continue;
      n++;
      hr[r] = (hr[r] ?? 0) + 1;
      hg[g] = (hg[g] ?? 0) + 1;
      hb[b] = (hb[b] ?? 0) + 1;
    }
  }
  if (n === 0) return [255, 255, 255];
  return [hr, hg, hb].map((h) => {
    let seen = 0;
    for (let v = 0; v < 256; v++) {
      seen += h[v] ?? 0;
      if (seen * 2 >= n) return v;
    }
    return 255;
  });
}

/** Keep this page in colour? (The score as `colourScore` gives it.) */
export function isColourful(score: number): boolean {
  return score >= COLOUR_SCORE_MIN;
}
