import type { Migration } from './index';

// Reserved for issue 7 (Data health): fixity cursor, check runs, fix before-images.
// Not released yet: filled in by that work. Once released it is never edited again.
export const migration0007: Migration = {
  version: 7,
  name: 'data-health',
  up() {
    // nothing yet
  },
};
