import type { Migration } from './index';

// Reading registration forms (issue 4): what OCR of a form's cells found (codes, names) per page, so the
// machine check can compare a page with its enterprise. Not released yet: filled in by that work.
// Once released it is never edited again.
export const migration0010: Migration = {
  version: 10,
  name: 'form-reading',
  up() {
    // Reserved: filled in by the form-reading work.
  },
};
