import { openDatabase, type Db } from '../open';
import { STORE_MIGRATIONS } from './migrations';

/** Opens the store's database with the same asserted pragmas (WAL, synchronous=FULL, foreign keys). */
export function openStoreDatabase(file: string): Db {
  return openDatabase(file, { migrations: STORE_MIGRATIONS }).db;
}
