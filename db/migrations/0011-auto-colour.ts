import type { Migration } from './index';

// Issue 3 (Capture), automatic colour (自动彩色/灰度): a page scanned in colour for the automatic mode keeps
// a colour master only when it carries colour (seals, red headers), else a grey one. Each page's
// processing records that it was automatic, its colour score and what its master became. (The scan run's
// mode is in batches.profile, JSON, which takes 'auto' as it is.)
export const migration0011: Migration = {
  version: 11,
  name: 'auto-colour',
  up(db) {
    db.exec(`
      ALTER TABLE page_processing ADD COLUMN auto_colour INTEGER NOT NULL DEFAULT 0 CHECK (auto_colour IN (0, 1));
      ALTER TABLE page_processing ADD COLUMN colour_score REAL;
      ALTER TABLE page_processing ADD COLUMN master_mode TEXT
        CHECK (master_mode IS NULL OR master_mode IN ('color', 'gray', 'lineart'));
    `);
  },
};
