import type { BagEntry, SignedReceipt } from '../core/bagit';
import type { StoreClient } from '../db/store/store-repo';
import { ingestStaged, stageBagDir } from './ingest';
import type { StoreData } from './store-data';

/** Offline imports act as this client; the bag's own bureau is the one written (checked against bag-info). */
export const OFFLINE_CLIENT_ID = 'offline-import';

/**
 * Imports one bag folder the caller has already validated (with its listing): stores every file as a
 * blob, then ingests exactly as an online commit does.
 */
export function importListedBag(
  store: StoreData,
  dir: string,
  listing: readonly BagEntry[],
  bureauCode: string,
): { receipt: SignedReceipt; created: boolean } {
  const client: StoreClient = { clientId: OFFLINE_CLIENT_ID, bureauCode };
  return ingestStaged(store, client, stageBagDir(store, dir, listing), 'offline');
}
