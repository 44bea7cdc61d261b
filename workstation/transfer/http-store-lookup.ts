import { z } from 'zod';
import type { StoreIndexEntry } from '../../db/repos/store-index';
import {
  FallbackLookup,
  type StoreAnswer,
  type StoreLookup,
  type StoreQuery,
} from '../registration/store-lookup';
import { StoreClient, type StoreConnection } from './store-client';

const entrySchema = z.object({
  uscc: z.string().nullable(),
  regNo: z.string().nullable(),
  enterpriseName: z.string().nullable(),
  volumeType: z.string(),
  archiveNo: z.string(),
  bureauCode: z.string(),
  year: z.number().nullable(),
  registrationDate: z.string().nullable(),
});

/**
 * The live store for the duplicate-digitization guard: asks `GET /v1/lookup` once per code (USCC or
 * 注册号; the store follows aliases and merges) and keeps the volumes of the asked type.
 */
export class HttpStoreLookup implements StoreLookup {
  private readonly client: StoreClient;

  constructor(
    private readonly conn: StoreConnection,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.client = new StoreClient(conn);
  }

  async findDigitized(query: StoreQuery): Promise<StoreAnswer> {
    const found = new Map<string, StoreIndexEntry>();
    for (const code of query.codes) {
      for (const raw of await this.client.lookup(code)) {
        const e = entrySchema.parse(raw);
        if (query.volumeType !== '' && e.volumeType !== query.volumeType) continue;
        found.set(e.archiveNo, { ...e, state: 'stored', node: new URL(this.conn.url).host });
      }
    }
    return { volumes: [...found.values()], source: 'live', asOf: this.now().toISOString() };
  }
}

/**
 * The guard's store as the engine's connection is now: the one the uploader uses (the environment's, or
 * the one saved in 系统维护 — a save takes effect on the next registration, without a restart). Asked
 * live with a timeout; without a connection, or when the store does not answer, the synced index answers.
 */
export class ActiveStoreLookup implements StoreLookup {
  constructor(
    private readonly active: () => StoreConnection | null,
    private readonly offline: StoreLookup,
    private readonly timeoutMs?: number,
  ) {}

  findDigitized(query: StoreQuery): Promise<StoreAnswer> {
    const conn = this.active();
    if (conn === null) return this.offline.findDigitized(query);
    return new FallbackLookup(new HttpStoreLookup(conn), this.offline, this.timeoutMs).findDigitized(query);
  }
}
