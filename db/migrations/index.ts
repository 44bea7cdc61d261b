import type Database from 'better-sqlite3';
import { migration0001 } from './0001-system';
import { migration0002 } from './0002-catalogue';
import { migration0003 } from './0003-work-queues';
import { migration0004 } from './0004-capture';
import { migration0005 } from './0005-cataloguing';
import { migration0006 } from './0006-transfer';
import { migration0007 } from './0007-data-health';
import { migration0008 } from './0008-page-similarity';
import { migration0009 } from './0009-check-indexes';
import { migration0010 } from './0010-form-reading';
import { migration0011 } from './0011-auto-colour';
import { migration0012 } from './0012-check-speed';
import { migration0013 } from './0013-password-rules';

/**
 * A schema change. Released migrations are never edited: a change is a new file with the next number,
 * and migrations only add (tables, columns, indexes), so older readers keep working.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly up: (db: Database.Database) => void;
}

export const MIGRATIONS: readonly Migration[] = [
  migration0001,
  migration0002,
  migration0003,
  migration0004,
  migration0005,
  migration0006,
  migration0007,
  migration0008,
  migration0009,
  migration0010,
  migration0011,
  migration0012,
  migration0013,
];

export const LATEST_VERSION = MIGRATIONS.length;
