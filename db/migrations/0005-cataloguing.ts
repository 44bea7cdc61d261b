import type { Migration } from './index';

// Reserved for issue 4 (Registration, cataloguing, OCR, verification, labels): OCR text + FTS5, review decisions.
// Not released yet: filled in by that work. Once released it is never edited again.
export const migration0005: Migration = {
  version: 5,
  name: 'cataloguing',
  up() {
    // nothing yet
  },
};
