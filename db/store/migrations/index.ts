import type { Migration } from '../../migrations';
import { storeMigration0001 } from './0001-store';
import { storeMigration0002 } from './0002-store-checks';
import { storeMigration0003 } from './0003-store-check-speed';

/** The archive store's own numbered migrations (separate from the workstation's list). */
export const STORE_MIGRATIONS: readonly Migration[] = [
  storeMigration0001,
  storeMigration0002,
  storeMigration0003,
];
