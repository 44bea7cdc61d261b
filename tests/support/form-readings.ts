import { readUsccCell } from '../../core/verification/codes-in-text';
import type { Page, Repos } from '../../db/repos';
import type { FormReadingsRepo } from '../../db/repos/form-readings';
import { currentImage } from '../../workstation/ocr/page-image';

/**
 * Stores what the form reading (workstation/ocr/form-service.ts) would have read in a page's table
 * cells: `code` in the code cell (twice, as its two passes), `name` in the name cell, from the page's
 * current image. Real reading is tested in workstation/ocr/form-reading.test.ts.
 */
export function saveFormReading(
  repos: Repos,
  forms: FormReadingsRepo,
  page: Page,
  cells: { code: string; name: string; codeLabel?: string },
): void {
  forms.save({
    pageId: page.id,
    blobSha256: currentImage(repos, page),
    layout: 'table',
    codeLabel: cells.codeLabel ?? '统一社会信用代码',
    codeReadings: [cells.code, cells.code],
    nameText: cells.name,
    uscc: readUsccCell([cells.code], null).code, // as the service stores it
    engine: 'fake',
    durationMs: 1,
  });
}
