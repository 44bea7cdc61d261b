/** A resolution tesseract accepts: it replaces anything outside this range by 70 dpi, with a warning. */
const CREDIBLE = { min: 70, max: 2400 } as const;

/**
 * The resolution of a scanned page: its stored density, else from its width taken as A4 plus the crop
 * margin (a master written without a density, or a JPEG saying 72 dpi, would otherwise read as coarse).
 */
export function pageDpi(meta: { readonly density?: number | undefined; readonly width: number }): number {
  if (meta.density !== undefined && meta.density >= 100) return meta.density;
  return Math.max(100, Math.round((meta.width / 215) * 25.4));
}

/** `dpi` when tesseract would believe it, else null (it then estimates one from the text itself). */
export function credibleDpi(dpi: number | undefined): number | null {
  if (dpi === undefined || !Number.isFinite(dpi)) return null;
  const n = Math.round(dpi);
  return n >= CREDIBLE.min && n <= CREDIBLE.max ? n : null;
}
