import { z } from 'zod';
import type { StoreIndexEntry } from '../../db/repos/store-index';
import type { StoreAnswer, StoreLookup, StoreQuery } from '../registration/store-lookup';
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
