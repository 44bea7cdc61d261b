import type { Migration } from './index';

// Reserved for issue 3 (Capture): page processing state, derived blobs, codes found on pages, batch splits.
// Not released yet: filled in by that work. Once released it is never edited again.
export const migration0004: Migration = {
  version: 4,
  name: 'capture',
  up() {
    // nothing yet
  },
};
