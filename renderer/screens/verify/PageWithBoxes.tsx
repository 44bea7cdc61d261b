import type { OcrWordView, PageTextView } from '../../../core/contracts/api-verification';
import { PageImage } from '../scan/PageImage';

/**
 * A page at reading size with the words OCR matched to the enterprise's code and name outlined on it.
 * Boxes are placed in percent of the image OCR read (the processed master that `view` scales), so they
 * stay in place at any display size.
 */
export function PageWithBoxes({
  pageId,
  version,
  text,
}: {
  readonly pageId: number;
  readonly version: string | null;
  readonly text: PageTextView | null;
}) {
  const boxes = text === null || text.width === null || text.height === null ? [] : runs(text);
  const w = text?.width ?? 1;
  const h = text?.height ?? 1;
  const share = text?.heightShare ?? 1;
  return (
    <div className="boxed-page" data-testid="verify-image">
      <div className="boxed-inner">
        <PageImage pageId={pageId} size="view" version={version} className="boxed-img" />
        {boxes.map((b, i) => (
          <div
            key={i}
            className={`ocr-box ocr-box-${b.match ?? ''}`}
            style={{
              left: `${(b.bbox.x0 / w) * 100}%`,
              width: `${((b.bbox.x1 - b.bbox.x0) / w) * 100}%`,
              top: `${(b.bbox.y0 / h) * share * 100}%`,
              height: `${((b.bbox.y1 - b.bbox.y0) / h) * share * 100}%`,
            }}
          />
        ))}
      </div>
    </div>
  );
}

/** One box per run of neighbouring matched words on a line (chi_sim reads one character a word). */
function runs(text: PageTextView): { match: OcrWordView['match']; bbox: OcrWordView['bbox'] }[] {
  const out: { match: OcrWordView['match']; bbox: OcrWordView['bbox'] }[] = [];
  for (const line of text.lines) {
    let open: { match: OcrWordView['match']; bbox: OcrWordView['bbox'] } | null = null;
    for (const w of line.words) {
      if (w.match === null) {
        open = null;
        continue;
      }
      if (open !== null && open.match === w.match) {
        open.bbox = {
          x0: Math.min(open.bbox.x0, w.bbox.x0),
          y0: Math.min(open.bbox.y0, w.bbox.y0),
          x1: Math.max(open.bbox.x1, w.bbox.x1),
          y1: Math.max(open.bbox.y1, w.bbox.y1),
        };
      } else {
        open = { match: w.match, bbox: { ...w.bbox } };
        out.push(open);
      }
    }
  }
  return out;
}
