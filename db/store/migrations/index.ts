import type { Migration } from '../../migrations';
import { storeMigration0001 } from './0001-store';

/** The archive store's own numbered migrations (separate from the workstation's list). */
export const STORE_MIGRATIONS: readonly Migration[] = [storeMigration0001];
