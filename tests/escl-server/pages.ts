import { PDFDocument } from 'pdf-lib';
import sharp, { type Sharp } from 'sharp';

// Page images for the eSCL test server: a recognisable page (number and side printed large, a
// frame, a red "seal" in colour) at the size and resolution the client asked for.

export type EsclColorMode = 'BlackAndWhite1' | 'Grayscale8' | 'RGB24';

export interface PageRequest {
  readonly number: number;
  readonly side: 'front' | 'back';
  /** Scan region in 1/300 inch, as eSCL gives it. */
  readonly width300: number;
  readonly height300: number;
  readonly dpi: number;
  readonly colorMode: EsclColorMode;
}

function pixels(p: PageRequest): { width: number; height: number } {
  return {
    width: Math.max(1, Math.round((p.width300 / 300) * p.dpi)),
    height: Math.max(1, Math.round((p.height300 / 300) * p.dpi)),
  };
}

function svg(p: PageRequest, width: number, height: number): Buffer {
  const font = Math.round(height / 12);
  const seal = p.colorMode === 'RGB24' ? '#d01c1c' : '#505050';
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
      `<rect width="100%" height="100%" fill="white"/>` +
      `<rect x="${width * 0.05}" y="${height * 0.05}" width="${width * 0.9}" height="${height * 0.9}" ` +
      `fill="none" stroke="black" stroke-width="${Math.max(1, width / 200)}"/>` +
      `<text x="50%" y="40%" font-size="${font}" text-anchor="middle" font-family="sans-serif">` +
      `PAGE ${p.number} ${p.side.toUpperCase()}</text>` +
      `<circle cx="${width * 0.7}" cy="${height * 0.7}" r="${width * 0.1}" fill="none" stroke="${seal}" ` +
      `stroke-width="${Math.max(1, width / 100)}"/></svg>`,
  );
}

function raster(p: PageRequest): Sharp {
  const { width, height } = pixels(p);
  let image = sharp(svg(p, width, height)).flatten({ background: 'white' });
  if (p.colorMode === 'BlackAndWhite1') image = image.threshold(128);
  if (p.colorMode !== 'RGB24') image = image.toColourspace('b-w');
  return image;
}

export async function pageImage(p: PageRequest, format: string): Promise<Buffer> {
  const image = raster(p);
  if (format === 'image/png') return image.png().toBuffer();
  return image.jpeg({ quality: 80 }).toBuffer();
}

/** One PDF holding the given pages, each an embedded JPEG at its physical size. */
export async function pdfOf(pages: readonly PageRequest[]): Promise<Buffer> {
  const doc = await PDFDocument.create();
  for (const p of pages) {
    const jpeg = await raster(p).jpeg({ quality: 80 }).toBuffer();
    const embedded = await doc.embedJpg(jpeg);
    const pageWidth = (p.width300 / 300) * 72;
    const pageHeight = (p.height300 / 300) * 72;
    doc
      .addPage([pageWidth, pageHeight])
      .drawImage(embedded, { x: 0, y: 0, width: pageWidth, height: pageHeight });
  }
  return Buffer.from(await doc.save());
}
