import type { Migration } from '../../migrations';
import { storeMigration0001 } from './0001-store';
import { storeMigration0002 } from './0002-store-checks';

/** The archive store's own numbered migrations (separate from the workstation's list). */
export const STORE_MIGRATIONS: readonly Migration[] = [storeMigration0001, storeMigration0002];
