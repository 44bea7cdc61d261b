import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { Server as TusServer, type Upload } from '@tus/server';
import { z } from 'zod';
import { canonicalJson, type Json } from '../core/canonical-json';
import { isDomainError } from '../core/errors';
import { BlobStoreError } from '../db/blob-store';
import type { StoreClient } from '../db/store/store-repo';
import { ChecksumFileStore } from './checksum-file-store';
import { BagRefused, ingestStaged, missingBlobs, type StagedFile } from './ingest';
import type { PackMember, PackOutcome } from './pack-adopt';
import type { StoreData } from './store-data';
import { DEFAULT_UPLOAD_EXPIRY_MS, sweepUploads } from './upload-sweep';

const MAX_BLOB_BYTES = 1024 ** 3;
/** Blobs one pack upload may carry (its index travels in the Upload-Metadata header). */
export const MAX_PACK_BLOBS = 64;
const SHA256_LIST = /^[0-9a-f]{64}(,[0-9a-f]{64})*$/;

const fileSchema = z.object({
  path: z.string().min(1).max(1000),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().min(0).max(MAX_BLOB_BYTES),
});
const openSchema = z.object({
  volumeUid: z.string().min(1).max(100),
  files: z.array(fileSchema).min(1).max(200_000),
});

/** `Authorization: Bearer <clientId>:<secret>` → the client, or null. */
function authenticate(store: StoreData, header: string | null | undefined): StoreClient | null {
  const m = /^Bearer ([A-Za-z0-9-]+):([A-Za-z0-9_-]+)$/.exec(header ?? '');
  return m ? store.repo.authenticate(m[1] ?? '', m[2] ?? '') : null;
}

/** tus reads `status_code` and `body` off what a hook throws. */
class TusRefusal extends Error {
  constructor(
    readonly status_code: number,
    readonly body: string,
  ) {
    super(body.trim());
  }
}

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: Json,
  ) {
    super(`HTTP ${status}`);
  }
}

/**
 * The store's HTTP API (Fastify). Every write needs a client credential and an Idempotency-Key; a
 * replay with the same key and body gets the first response, the same key with another body 422.
 *
 *   GET  /v1/key                         receipt-signing public key (no auth)
 *   GET  /v1/whoami                      the credential's client id and bureau
 *   POST /v1/transfers                   offer a bag's files → { transferId, missing }
 *   *    /v1/uploads[/id]                tus 1.0 resumable upload of a pack of missing blobs (metadata
 *                                        `transfer`, `blobs` = their digests in order); each PATCH may carry
 *                                        Upload-Checksum (sha256, refused with 460); blobs checked on completion
 *   POST /v1/transfers/:id/commit        verify and commit → { receipt, created }
 *   GET  /v1/lookup?code=USCC|注册号      the enterprise's volumes (duplicate-digitization guard)
 *   GET  /v1/volumes/:uid                a volume's versions and pages
 */
export function buildStoreApp(
  store: StoreData,
  options: { https?: { cert: Buffer; key: Buffer }; logger?: boolean; uploadExpiryMs?: number } = {},
): FastifyInstance {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 64 * 1024 * 1024,
    ...(options.https ? { https: options.https } : {}),
  }) as unknown as FastifyInstance;

  // A transfer's client and offered files never change once opened: read and check them once per
  // transfer, not once per uploaded blob (a 200-page volume would parse the list 200 times).
  const offered = new Map<string, { clientId: string; sizes: Map<string, number> }>();
  const offeredFiles = (transferId: string) => {
    const known = offered.get(transferId);
    if (known) return known;
    const session = store.repo.session(transferId);
    if (!session) return undefined;
    const sizes = new Map<string, number>();
    for (const f of z.array(fileSchema).parse(session.files))
      if (!sizes.has(f.sha256)) sizes.set(f.sha256, f.size);
    const entry = { clientId: session.clientId, sizes };
    if (offered.size >= 64) offered.delete(offered.keys().next().value ?? '');
    offered.set(transferId, entry);
    return entry;
  };

  /** The blobs an upload carries, in order, with their offered sizes; null when not a valid pack. */
  const packOf = (upload: Upload, sizes: ReadonlyMap<string, number>): PackMember[] | null => {
    const list = upload.metadata?.['blobs'] ?? upload.metadata?.['sha256'] ?? '';
    if (!SHA256_LIST.test(list)) return null;
    const digests = list.split(',');
    if (digests.length > MAX_PACK_BLOBS || new Set(digests).size !== digests.length) return null;
    const members: PackMember[] = [];
    for (const sha256 of digests) {
      const size = sizes.get(sha256);
      if (size === undefined) return null;
      members.push({ sha256, size });
    }
    return members;
  };

  const uploadExpiryMs =
    options.uploadExpiryMs ??
    (store.config.uploadExpiryHours !== undefined
      ? store.config.uploadExpiryHours * 3600 * 1000
      : DEFAULT_UPLOAD_EXPIRY_MS);
  const uploads = new ChecksumFileStore(store.uploadsDir, uploadExpiryMs);
  // Leftovers of uploads are removed at start and then hourly (store/upload-sweep.ts says which).
  const sweep = () => {
    try {
      const { removed } = sweepUploads(store.uploadsDir, uploadExpiryMs);
      if (removed.length > 0) app.log.info({ removed: removed.length }, 'expired uploads removed');
    } catch (e) {
      app.log.warn({ err: e }, 'upload sweep failed');
    }
  };
  let sweeper: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    sweep();
    sweeper = setInterval(sweep, 3600 * 1000);
    sweeper.unref();
    return Promise.resolve();
  });
  app.addHook('onClose', async () => {
    clearInterval(sweeper);
    return Promise.resolve();
  });
  const tus = new TusServer({
    path: '/v1/uploads',
    datastore: uploads,
    relativeLocation: true,
    maxSize: MAX_BLOB_BYTES,
    onUploadCreate: async (req, upload) => {
      const client = authenticate(store, req.headers.get('authorization'));
      const session = offeredFiles(upload.metadata?.['transfer'] ?? '');
      const members = session ? packOf(upload, session.sizes) : null;
      if (
        !client ||
        !session ||
        session.clientId !== client.clientId ||
        !members ||
        members.reduce((n, m) => n + m.size, 0) !== upload.size
      ) {
        throw new TusRefusal(403, 'upload not part of an open transfer of this client\n');
      }
      return Promise.resolve({});
    },
    onIncomingRequest: async (req, uploadId) => {
      if (!authenticate(store, req.headers.get('authorization'))) throw new TusRefusal(401, 'unauthorized\n');
      const checksum = req.headers.get('upload-checksum');
      if (req.method === 'PATCH' && checksum !== null) {
        const offset = Number.parseInt(req.headers.get('upload-offset') ?? '', 10);
        uploads.expect(uploadId, offset, checksum, req.headers.get('content-length'));
      }
      return Promise.resolve();
    },
    // A finished upload is a pack of blobs (one or more, listed in its metadata): each is hashed and
    // stored durably; one whose bytes are not its digest is refused (422, its digests in the body) and
    // dropped, the others kept, so the client sends only the refused ones again.
    onUploadFinish: async (_req, upload) => {
      const file = upload.storage?.path;
      const session = offeredFiles(upload.metadata?.['transfer'] ?? '');
      const members = session ? packOf(upload, session.sizes) : null;
      if (!file || !members) throw new TusRefusal(500, 'upload has no file or no pack index\n');
      let outcome: PackOutcome;
      try {
        outcome = await adoptUpload(file, members);
      } finally {
        await fs.promises.rm(file, { force: true });
        await fs.promises.rm(`${file}.json`, { force: true });
      }
      if (outcome.refused.length > 0)
        throw new TusRefusal(422, `Blob digest mismatch: ${outcome.refused.join(',')}\n`);
      return {};
    },
  });

  /** A lone blob is moved into the blob store as it is; a pack is split (store/pack-adopt.ts). */
  const adoptUpload = async (file: string, members: readonly PackMember[]): Promise<PackOutcome> => {
    const [only] = members;
    if (members.length !== 1 || !only) return store.packs.adopt(file, members);
    try {
      await store.blobs.adopt(file, only.sha256);
      return { stored: [only.sha256], refused: [] };
    } catch (e) {
      if (!(e instanceof BlobStoreError)) throw e;
      return { stored: [], refused: [only.sha256] };
    }
  };

  // tus reads the request stream itself: Fastify must not parse these bodies.
  app.addContentTypeParser(
    'application/offset+octet-stream',
    (_req: FastifyRequest, _payload: IncomingMessage, done: (err: Error | null, body?: unknown) => void) => {
      done(null);
    },
  );
  const tusHandler = async (req: FastifyRequest, reply: FastifyReply) => {
    reply.hijack();
    await tus.handle(req.raw, reply.raw);
  };
  app.all('/v1/uploads', tusHandler);
  app.all('/v1/uploads/*', tusHandler);

  const requireClient = (req: FastifyRequest): StoreClient => {
    const client = authenticate(store, req.headers.authorization);
    if (!client) throw new HttpFailure(401, { code: 'store.unauthorized', message: '未授权 / unauthorized' });
    return client;
  };

  /** Runs a write once per (client, Idempotency-Key); replays return the stored response. */
  const idempotent = (
    req: FastifyRequest,
    reply: FastifyReply,
    client: StoreClient,
    run: () => { status: number; body: Json },
  ) => {
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || !/^[A-Za-z0-9:._-]{8,200}$/.test(key)) {
      throw new HttpFailure(400, {
        code: 'store.idempotency-key-required',
        message: 'Idempotency-Key header required',
      });
    }
    const fingerprint = createHash('sha256')
      .update(
        `${req.method} ${req.routeOptions.url ?? ''} ${JSON.stringify(req.params)} ${canonicalJson(req.body ?? null)}`,
      )
      .digest('hex');
    const prior = store.repo.idempotent(client.clientId, key);
    if (prior) {
      if (prior.fingerprint !== fingerprint) {
        throw new HttpFailure(422, {
          code: 'store.idempotency-key-reused',
          message: 'Idempotency-Key reused with another request',
        });
      }
      return reply.code(prior.status).header('idempotent-replayed', 'true').send(prior.response);
    }
    const { status, body } = run();
    store.repo.remember(client.clientId, key, fingerprint, status, body);
    return reply.code(status).send(body);
  };

  app.setErrorHandler((error: unknown, _req, reply) => {
    if (error instanceof HttpFailure) return reply.code(error.status).send(error.body);
    if (error instanceof BagRefused)
      return reply
        .code(422)
        .send({ code: error.code, message: error.message, errors: error.details['errors'] as Json });
    if (isDomainError(error)) {
      const status =
        error.code === 'store.wrong-bureau' ? 403 : error.code === 'store.blob-missing' ? 409 : 422;
      return reply.code(status).send({ code: error.code, message: `${error.text.zh} / ${error.text.en}` });
    }
    if (error instanceof z.ZodError)
      return reply.code(400).send({ code: 'store.bad-request', message: error.message });
    const statusCode = (error as { statusCode?: number }).statusCode;
    if (typeof statusCode === 'number' && statusCode < 500)
      return reply.code(statusCode).send({ code: 'store.bad-request', message: String(error) });
    return reply.code(500).send({ code: 'store.internal', message: 'internal error' });
  });

  app.get('/v1/health', () => ({ ok: true }));
  // Which credential this is: the workstation's 测试连接 checks it and its bureau.
  app.get('/v1/whoami', (req) => {
    const client = requireClient(req);
    return { clientId: client.clientId, bureauCode: client.bureauCode };
  });
  app.get('/v1/key', () => ({
    keyId: store.key.keyId,
    publicKey: store.key.publicKey,
    algorithm: 'ed25519',
  }));

  app.post('/v1/transfers', (req, reply) => {
    const client = requireClient(req);
    const body = openSchema.parse(req.body);
    const files = body.files;
    return idempotent(req, reply, client, () => ({
      status: 201,
      body: { transferId: store.repo.openSession(client.clientId, body.volumeUid, files) },
    }));
  });

  app.get('/v1/transfers/:id', (req) => {
    const client = requireClient(req);
    const { id } = req.params as { id: string };
    const session = store.repo.session(id);
    if (!session || session.clientId !== client.clientId)
      throw new HttpFailure(404, { code: 'store.no-transfer', message: 'no such transfer' });
    const files = z.array(fileSchema).parse(session.files);
    return { transferId: id, state: session.state, missing: missingBlobs(store, files) };
  });

  app.post('/v1/transfers/:id/commit', (req, reply) => {
    const client = requireClient(req);
    const { id } = req.params as { id: string };
    return idempotent(req, reply, client, () => {
      const session = store.repo.session(id);
      if (!session || session.clientId !== client.clientId)
        throw new HttpFailure(404, { code: 'store.no-transfer', message: 'no such transfer' });
      const files: StagedFile[] = z.array(fileSchema).parse(session.files);
      const missing = missingBlobs(store, files);
      if (missing.length > 0)
        throw new HttpFailure(409, { code: 'store.blob-missing', message: 'blobs missing', missing });
      const result = ingestStaged(store, client, files, 'online');
      store.repo.closeSession(id, result.receipt.body.receiptId);
      return { status: 200, body: { receipt: result.receipt, created: result.created } };
    });
  });

  app.get('/v1/lookup', (req) => {
    requireClient(req);
    const code = (req.query as { code?: unknown }).code;
    if (typeof code !== 'string' || code.length === 0 || code.length > 40)
      throw new HttpFailure(400, { code: 'store.bad-request', message: 'code= required' });
    return { code, volumes: store.repo.lookup(code.trim().toUpperCase()) };
  });

  app.get('/v1/volumes/:uid', (req) => {
    requireClient(req);
    const v = store.repo.volume((req.params as { uid: string }).uid);
    if (!v) throw new HttpFailure(404, { code: 'store.no-volume', message: 'no such volume' });
    return v;
  });

  return app;
}
