import type { Page, Repos } from '../../db/repos';

/** The image OCR reads for a page: its last processed version, else its original capture. */
export function currentImage(repos: Repos, page: Page): string {
  const processed = repos.pages
    .transforms(page.id)
    .map((t) => t.resultSha256)
    .filter((s): s is string => s !== null)
    .at(-1);
  return processed ?? page.blobSha256;
}
