import type { Migration } from './index';

// Reserved for issue 6 (Store and transfer): workstation-side transfer state (exports awaiting receipt, receipts).
// Not released yet: filled in by that work. Once released it is never edited again.
export const migration0006: Migration = {
  version: 6,
  name: 'transfer',
  up() {
    // nothing yet
  },
};
