import { createHash } from 'node:crypto';
import * as tus from 'tus-js-client';
import { z } from 'zod';
import type { SignedReceipt } from '../../core/bagit';
import { canonicalJson } from '../../core/canonical-json';
import { DomainError } from '../../core/errors';
import { text } from '../../core/text';
import type { BlobStore } from '../../db/blob-store';
import type { Repos } from '../../db/repos';
import type { TransfersRepo } from '../../db/repos/transfers';
import { acceptReceipt, verifyReceipt } from './receipt';
import { bagOfVolume } from './volume-bag';

/** Where the store is and this workstation's credential there. */
export interface StoreConnection {
  readonly url: string;
  readonly clientId: string;
  readonly secret: string;
}

export interface UploadOptions {
  /** Blobs uploaded at once (bounded). */
  readonly concurrency?: number;
  /** tus PATCH size; a cut connection re-sends at most what was in flight. */
  readonly chunkSize?: number;
  /** Remembers tus upload URLs across restarts (the outbox passes its entry's). */
  readonly resume?: {
    get(sha256: string): string | null;
    set(sha256: string, url: string): void;
  };
  readonly onProgress?: (bytesDone: number, bytesTotal: number) => void;
  /** Delays between tus retries of one blob, ms. */
  readonly retryDelays?: readonly number[];
}

export interface UploadResult {
  readonly receipt: SignedReceipt;
  /** false when the store already had this content (a replay). */
  readonly created: boolean;
  readonly uploadedBlobs: number;
  readonly uploadedBytes: number;
}

export class StoreRequestError extends DomainError {
  constructor(
    readonly status: number,
    body: unknown,
    what: string,
  ) {
    const code =
      typeof body === 'object' && body !== null && 'code' in body ? String(body.code) : `http.${status}`;
    super(
      'transfer.store-refused',
      text(`存储端拒绝了${what}（${status} ${code}）`, `The store refused ${what} (${status} ${code})`),
      { status, body: body as Record<string, unknown> },
    );
  }
}

const openResponse = z.object({ transferId: z.string() });
const statusResponse = z.object({ missing: z.array(z.string()) });
const commitResponse = z.object({ receipt: z.unknown(), created: z.boolean() });

/** A small HTTP client of the store API (store/server.ts). */
export class StoreClient {
  constructor(private readonly conn: StoreConnection) {}

  private get auth(): string {
    return `Bearer ${this.conn.clientId}:${this.conn.secret}`;
  }

  async request(method: string, path: string, body?: unknown, idempotencyKey?: string): Promise<unknown> {
    const headers: Record<string, string> = { authorization: this.auth };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
    const res = await fetch(new URL(path, this.conn.url), {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json: unknown = await res.json().catch(() => null);
    if (!res.ok) throw new StoreRequestError(res.status, json, `${method} ${path}`);
    return json;
  }

  /** The store's receipt-signing key (to be trusted once, out of band). */
  async key(): Promise<{ keyId: string; publicKey: string }> {
    return z.object({ keyId: z.string(), publicKey: z.string() }).parse(await this.request('GET', '/v1/key'));
  }

  /** The volumes of an enterprise by USCC or 注册号. */
  async lookup(code: string): Promise<unknown[]> {
    const r = z
      .object({ volumes: z.array(z.unknown()) })
      .parse(await this.request('GET', `/v1/lookup?code=${encodeURIComponent(code)}`));
    return r.volumes;
  }

  async open(
    volumeUid: string,
    files: readonly { path: string; sha256: string; size: number }[],
  ): Promise<string> {
    const key = `open-${createHash('sha256').update(canonicalJson({ volumeUid, files })).digest('hex').slice(0, 40)}`;
    return openResponse.parse(await this.request('POST', '/v1/transfers', { volumeUid, files }, key))
      .transferId;
  }

  async missing(transferId: string): Promise<string[]> {
    return statusResponse.parse(await this.request('GET', `/v1/transfers/${transferId}`)).missing;
  }

  async commit(transferId: string): Promise<{ receipt: unknown; created: boolean }> {
    return commitResponse.parse(
      await this.request('POST', `/v1/transfers/${transferId}/commit`, {}, `commit-${transferId}`),
    );
  }

  /** Uploads one blob with tus, resuming from a remembered upload URL when there is one. */
  uploadBlob(
    bytes: Buffer,
    sha256: string,
    transferId: string,
    options: UploadOptions & { onBytes?: (sent: number) => void },
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      const upload = new tus.Upload(bytes, {
        endpoint: new URL('/v1/uploads', this.conn.url).toString(),
        uploadUrl: options.resume?.get(sha256) ?? null,
        chunkSize: options.chunkSize ?? 8 * 1024 * 1024,
        metadata: { sha256, transfer: transferId },
        headers: { authorization: this.auth },
        retryDelays: [...(options.retryDelays ?? [0, 200, 500, 1000, 2000])],
        storeFingerprintForResuming: false,
        // One request per blob when nothing is interrupted (creation-with-upload).
        uploadDataDuringCreation: true,
        onUploadUrlAvailable: () => {
          if (upload.url) options.resume?.set(sha256, upload.url);
        },
        onProgress: (sent) => options.onBytes?.(sent),
        onSuccess: () => {
          resolve();
        },
        onError: (e) => {
          reject(e);
        },
      });
      upload.start();
    });
  }
}

/**
 * Online transfer of one volume: offer the bag's files, upload the blobs the store lacks (tus, a bounded
 * number at once), commit, check the signed receipt, then mark the volume transferred. Every step can
 * be repeated: opening and committing carry idempotency keys, and uploads resume.
 */
export async function uploadVolume(
  deps: { repos: Repos; transfers: TransfersRepo; blobs: BlobStore; now: () => Date },
  conn: StoreConnection,
  volumeId: number,
  options: UploadOptions = {},
): Promise<UploadResult> {
  const client = new StoreClient(conn);
  const bag = bagOfVolume(deps.transfers, volumeId, { group: 'online', date: deps.now() });
  const all = [...bag.plan.payload, ...bag.plan.tags];
  const files = all.map((f) => ({ path: f.path, sha256: f.sha256, size: f.size }));
  const transferId = await client.open(bag.uid, files);
  const missing = new Set(await client.missing(transferId));
  const toSend = [...new Map(all.filter((f) => missing.has(f.sha256)).map((f) => [f.sha256, f])).values()];
  const total = toSend.reduce((n, f) => n + f.size, 0);
  const sent = new Map<string, number>();
  const report = () =>
    options.onProgress?.(
      [...sent.values()].reduce((a, b) => a + b, 0),
      total,
    );
  let next = 0;
  const worker = async () => {
    while (next < toSend.length) {
      const f = toSend[next++];
      if (!f) break;
      const bytes = f.bytes ? Buffer.from(f.bytes) : deps.blobs.read(f.sha256);
      await client.uploadBlob(bytes, f.sha256, transferId, {
        ...options,
        onBytes: (n) => {
          sent.set(f.sha256, n);
          report();
        },
      });
      sent.set(f.sha256, f.size);
      report();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, 16)) }, worker));
  const committed = await client.commit(transferId);
  const receipt = verifyReceipt(committed.receipt, deps.transfers.trustedStoreKeys());
  acceptReceipt(deps, receipt, 'online', bag.manifestSha256);
  return { receipt, created: committed.created, uploadedBlobs: toSend.length, uploadedBytes: total };
}
