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
import { enterpriseCodes } from './enterprise-codes';
import { planPacks, packTarget, type BlobToSend } from './packs';
import { acceptReceipt, verifyReceipt } from './receipt';
import { bagOfVolume } from './volume-bag';

/** Where the store is and this workstation's credential there. */
export interface StoreConnection {
  readonly url: string;
  readonly clientId: string;
  readonly secret: string;
}

export interface UploadOptions {
  /** Packs uploaded at once (bounded). */
  readonly concurrency?: number;
  /** tus PATCH size; a cut connection re-sends at most what was in flight. */
  readonly chunkSize?: number;
  /** Remembers tus upload URLs across restarts (the outbox passes its entry's), keyed by pack. */
  readonly resume?: {
    get(key: string): string | null;
    set(key: string, url: string): void;
  };
  readonly onProgress?: (bytesDone: number, bytesTotal: number) => void;
  /** Delays between tus retries of one pack, ms. */
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

const DEFAULT_CHUNK = 8 * 1024 * 1024;

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

  /**
   * Uploads one pack (the listed blobs' bytes, concatenated) with tus, resuming from a remembered upload
   * URL when there is one. Each PATCH carries Upload-Checksum (sha256 of its body): a chunk damaged on
   * the way is refused (460) and sent again alone. Blobs whose bytes are not their digest are refused
   * when the pack completes (PackRefused, with their digests); the others are stored.
   */
  uploadPack(
    bytes: Buffer,
    digests: readonly string[],
    transferId: string,
    options: UploadOptions & { resumeKey?: string; onBytes?: (sent: number) => void },
  ): Promise<void> {
    const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
    const resumeKey = options.resumeKey ?? digests.join(',');
    // Remembered as a path: the upload is found again at whatever address the store has now.
    const remembered = options.resume?.get(resumeKey) ?? null;
    return new Promise((resolve, reject) => {
      const upload = new tus.Upload(bytes, {
        endpoint: new URL('/v1/uploads', this.conn.url).toString(),
        uploadUrl: remembered === null ? null : new URL(remembered, this.conn.url).toString(),
        chunkSize,
        metadata: { blobs: digests.join(','), transfer: transferId },
        headers: { authorization: this.auth },
        retryDelays: [...(options.retryDelays ?? [0, 200, 500, 1000, 2000])],
        storeFingerprintForResuming: false,
        // The upload is created first (no body), so a cut during the first chunk resumes after what
        // arrived instead of starting the pack again.
        uploadDataDuringCreation: false,
        onBeforeRequest: (req) => {
          if (req.getMethod() !== 'PATCH') return;
          const offset = Number(req.getHeader('Upload-Offset'));
          const body = bytes.subarray(offset, Math.min(offset + chunkSize, bytes.length));
          req.setHeader('Upload-Checksum', `sha256 ${createHash('sha256').update(body).digest('base64')}`);
        },
        // A damaged chunk (460) is worth sending again; other client errors are not.
        onShouldRetry: (err) => {
          const status = err.originalResponse?.getStatus() ?? 0;
          return status === 460 || status === 409 || status === 423 || status < 400 || status >= 500;
        },
        onUploadUrlAvailable: () => {
          if (upload.url) options.resume?.set(resumeKey, new URL(upload.url).pathname);
        },
        onProgress: (sent) => options.onBytes?.(sent),
        onSuccess: () => {
          resolve();
        },
        onError: (e) => {
          const res = (e as tus.DetailedError).originalResponse;
          const body = res?.getBody() ?? '';
          const refused = /^Blob digest mismatch: ([0-9a-f,]+)/.exec(body)?.[1];
          if (res?.getStatus() === 422 && refused) reject(new PackRefused(refused.split(',')));
          else reject(e);
        },
      });
      upload.start();
    });
  }
}

/** The store refused blobs of a pack: their bytes did not match their digests. */
export class PackRefused extends Error {
  constructor(readonly digests: readonly string[]) {
    super(`store refused ${digests.length} blob(s): digest mismatch`);
  }
}

/** Rounds of sending what the store still lacks after blobs were refused for their digest. */
const SEND_ROUNDS = 3;

/**
 * Sends `blobs` (the ones the store lacks) as packs, a bounded number at once, then asks the store what
 * it still lacks: blobs refused for a damaged digest are sent again alone, up to SEND_ROUNDS rounds.
 * Any other failure ends the send (after the packs in flight) and is thrown: the caller retries later.
 */
export async function sendBlobs(
  client: StoreClient,
  transferId: string,
  blobs: readonly BlobToSend[],
  options: UploadOptions & { packBytes?: number } = {},
): Promise<void> {
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 4, 16));
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
  const total = blobs.reduce((n, b) => n + b.size, 0);
  const target = options.packBytes ?? packTarget(total, concurrency, chunkSize);
  const done = new Map<string, number>();
  const report = () =>
    options.onProgress?.(
      [...done.values()].reduce((a, b) => a + b, 0),
      total,
    );
  let packs = planPacks(blobs, target);
  for (let round = 1; packs.length > 0; round++) {
    let next = 0;
    // Written by the workers below (a plain `let` would be narrowed to its initial value).
    const outcome: { failure: Error | null; refused: boolean } = { failure: null, refused: false };
    const worker = async () => {
      while (next < packs.length && outcome.failure === null) {
        const pack = packs[next++];
        if (!pack) break;
        try {
          const bytes = Buffer.concat(
            pack.members.map((m) => m.read()),
            pack.size,
          );
          await client.uploadPack(
            bytes,
            pack.members.map((m) => m.sha256),
            transferId,
            {
              ...options,
              resumeKey: pack.key,
              onBytes: (n) => {
                done.set(pack.key, n);
                report();
              },
            },
          );
          done.set(pack.key, pack.size);
          report();
        } catch (e) {
          if (e instanceof PackRefused) outcome.refused = true;
          else outcome.failure ??= e instanceof Error ? e : new Error(String(e));
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, packs.length) }, worker));
    if (outcome.failure !== null) throw outcome.failure;
    if (!outcome.refused) return;
    const missing = new Set(await client.missing(transferId));
    const again = blobs.filter((b) => missing.has(b.sha256));
    if (round >= SEND_ROUNDS && again.length > 0) {
      throw new DomainError(
        'transfer.blobs-refused',
        text(
          `存储端多次拒收 ${again.length} 个文件（摘要不符），请检查本机图像文件`,
          `The store refused ${again.length} file(s) again and again (digest mismatch); check this workstation's images`,
        ),
        { digests: again.map((b) => b.sha256) },
      );
    }
    // Sent again one blob a pack: only the refused ones travel.
    packs = planPacks(again, 1);
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
  const bag = bagOfVolume(deps.transfers, volumeId, {
    group: 'online',
    date: deps.now(),
    codes: enterpriseCodes(deps.repos, volumeId),
  });
  const all = [...bag.plan.payload, ...bag.plan.tags];
  const files = all.map((f) => ({ path: f.path, sha256: f.sha256, size: f.size }));
  const transferId = await client.open(bag.uid, files);
  const missing = new Set(await client.missing(transferId));
  const distinct = [...new Map(all.map((f) => [f.sha256, f])).values()];
  const toSend: BlobToSend[] = distinct
    .filter((f) => missing.has(f.sha256))
    .map((f) => ({
      sha256: f.sha256,
      size: f.size,
      read: () => (f.bytes ? Buffer.from(f.bytes) : deps.blobs.read(f.sha256)),
    }));
  const total = toSend.reduce((n, f) => n + f.size, 0);
  // Packs are planned over the whole bag (then thinned to what is missing), so a resumed transfer finds
  // the same packs whatever arrived meanwhile.
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 4, 16));
  const packBytes = packTarget(
    distinct.reduce((n, f) => n + f.size, 0),
    concurrency,
    options.chunkSize ?? DEFAULT_CHUNK,
  );
  await sendBlobs(client, transferId, toSend, { ...options, packBytes });
  const committed = await client.commit(transferId);
  const receipt = verifyReceipt(committed.receipt, deps.transfers.trustedStoreKeys());
  acceptReceipt(deps, receipt, 'online', bag.manifestSha256);
  return { receipt, created: committed.created, uploadedBlobs: toSend.length, uploadedBytes: total };
}
