import type { StoreIndexEntry, StoreIndexRepo } from '../../db/repos/store-index';

/** What the guard asks the archive store: volumes of this enterprise (any of its codes) and type. */
export interface StoreQuery {
  readonly codes: readonly string[];
  readonly volumeType: string;
}

export interface StoreAnswer {
  readonly volumes: readonly StoreIndexEntry[];
  /** 'live' = the store answered now; 'index' = the last synced index (as of `asOf`). */
  readonly source: 'live' | 'index';
  readonly asOf: string | null;
}

/**
 * The archive store as the duplicate-digitization guard sees it. The store part provides the HTTP
 * implementation; offline, `SyncedIndexLookup` answers from the last synced index.
 */
export interface StoreLookup {
  findDigitized(query: StoreQuery): Promise<StoreAnswer>;
}

/** Answers from the index the last sync left in the local database. */
export class SyncedIndexLookup implements StoreLookup {
  constructor(private readonly index: StoreIndexRepo) {}

  findDigitized(query: StoreQuery): Promise<StoreAnswer> {
    return Promise.resolve({
      volumes: this.index.find(query.codes, query.volumeType),
      source: 'index',
      asOf: this.index.lastSync()?.syncedAt ?? null,
    });
  }
}

/**
 * Asks the live store first and falls back to the synced index when it cannot be reached (any error or
 * no answer within `timeoutMs`): registration never waits on the network.
 */
export class FallbackLookup implements StoreLookup {
  constructor(
    private readonly live: StoreLookup,
    private readonly offline: StoreLookup,
    private readonly timeoutMs = 3000,
  ) {}

  async findDigitized(query: StoreQuery): Promise<StoreAnswer> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new Error('store lookup timed out'));
      }, this.timeoutMs);
    });
    try {
      return await Promise.race([this.live.findDigitized(query), timeout]);
    } catch {
      return await this.offline.findDigitized(query);
    } finally {
      clearTimeout(timer);
    }
  }
}
