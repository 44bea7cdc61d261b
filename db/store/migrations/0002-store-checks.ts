import type { Migration } from '../../migrations';

// The store's side of the data checks' speed (issue 7): the partial indexes, trigger-maintained
// summaries and cached storage listing that workstation migration 9 gave the workstation. Not released
// yet: filled in by that work. Once released it is never edited again.
export const storeMigration0002: Migration = {
  version: 2,
  name: 'store-checks',
  up() {
    // Reserved: filled in by the store-checks work.
  },
};
