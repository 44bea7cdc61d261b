import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_PROVINCE } from '../core/bureaus';
import { BlobStore } from '../db/blob-store';
import type { Db } from '../db/open';
import { openStoreDatabase } from '../db/store/open-store';
import { StoreRepo } from '../db/store/store-repo';
import { PackAdopter } from './pack-adopt';
import { loadReceiptKey, type ReceiptKey } from './receipt-key';

/** `<data>/store.json`: optional settings; environment variables override (DANGAN_STORE_LISTEN, ...). */
const configSchema = z.object({
  listen: z.string().optional(),
  tlsCert: z.string().optional(),
  tlsKey: z.string().optional(),
  /** Blobs uploaded at once per workstation transfer is the client's business; this caps upload size. */
  maxBlobBytes: z.number().int().positive().optional(),
  /** Hours an unfinished upload is kept before it is refused (410) and its files removed; default 168. */
  uploadExpiryHours: z.number().positive().optional(),
});
export type StoreConfig = z.infer<typeof configSchema>;

export interface StoreData {
  readonly dir: string;
  readonly db: Db;
  readonly repo: StoreRepo;
  readonly blobs: BlobStore;
  /** Splits finished pack uploads into `blobs`; confirm() is the commit's check of a blob. */
  readonly packs: PackAdopter;
  readonly key: ReceiptKey;
  readonly uploadsDir: string;
  readonly config: StoreConfig;
  close(): void;
}

export function readStoreConfig(dir: string, env: NodeJS.ProcessEnv = process.env): StoreConfig {
  const file = path.join(dir, 'store.json');
  const fromFile = fs.existsSync(file) ? configSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8'))) : {};
  return {
    ...fromFile,
    ...(env['DANGAN_STORE_LISTEN'] ? { listen: env['DANGAN_STORE_LISTEN'] } : {}),
    ...(env['DANGAN_STORE_TLS_CERT'] ? { tlsCert: env['DANGAN_STORE_TLS_CERT'] } : {}),
    ...(env['DANGAN_STORE_TLS_KEY'] ? { tlsKey: env['DANGAN_STORE_TLS_KEY'] } : {}),
  };
}

/** Opens a store data folder: `store.db` (SQLite), `blobs/`, `uploads/` (tus), `keys/`, `store.json`. */
export function openStoreData(dir: string, options: { now?: () => Date } = {}): StoreData {
  fs.mkdirSync(dir, { recursive: true });
  const config = readStoreConfig(dir);
  const db = openStoreDatabase(path.join(dir, 'store.db'));
  const repo = new StoreRepo(db, options.now);
  for (const b of DEFAULT_PROVINCE.bureaus) repo.ensureBureau(b.code, b.name);
  const uploadsDir = path.join(dir, 'uploads');
  fs.mkdirSync(uploadsDir, { recursive: true });
  const blobs = new BlobStore(path.join(dir, 'blobs'));
  return {
    dir,
    db,
    repo,
    blobs,
    packs: new PackAdopter(blobs),
    key: loadReceiptKey(dir),
    uploadsDir,
    config,
    close: () => db.close(),
  };
}
