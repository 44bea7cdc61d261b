import type { Migration } from './index';

// Reserved for issue 5 (Desktop app): what the UI needs beyond the repositories (e.g. must-change-password).
// Not released yet: filled in by that work. Once released it is never edited again.
export const migration0008: Migration = {
  version: 8,
  name: 'desktop',
  up() {
    // nothing yet
  },
};
