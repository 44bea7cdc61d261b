import type { BlobStore } from '../../db/blob-store';
import type { Db } from '../../db/open';
import type { OutboxEntry, Repos } from '../../db/repos';
import { TransfersRepo } from '../../db/repos/transfers';
import type { EventBus } from '../engine/event-bus';
import { OutboxWorker, type OutboxWorkerOptions } from './outbox-worker';
import type { StoreConnection } from './store-client';

export interface TransferWorkerOptions extends Omit<OutboxWorkerOptions, 'onChange'> {
  /** How often due entries are looked for (default 3 s). */
  readonly intervalMs?: number;
  /** Progress events of one entry at most this often (state changes always go out). */
  readonly progressEveryMs?: number;
}

export interface EngineTransfer {
  readonly worker: OutboxWorker;
  /** Looks for due entries now (a test, or right after queueing) instead of at the next tick. */
  runNow(): Promise<void>;
  /** No new uploads start; resolves when the one in progress has ended. */
  stop(): Promise<void>;
}

/**
 * The engine's uploader: the outbox worker over the engine's own repositories, polling for due entries,
 * each change pushed to the screens as an `outbox.changed` event (progress throttled, so a fast
 * upload does not flood the event stream).
 */
export function startTransferWorker(
  deps: {
    repos: Repos;
    db: Db;
    blobs: BlobStore;
    now: () => Date;
    events: EventBus;
    log: (message: string, error: unknown) => void;
  },
  conn: StoreConnection,
  options: TransferWorkerOptions = {},
): EngineTransfer {
  const every = options.progressEveryMs ?? 250;
  const last = new Map<number, { state: string; at: number }>();
  const onChange = (e: OutboxEntry) => {
    const seen = last.get(e.id);
    const at = Date.now();
    if (seen?.state === e.state && at - seen.at < every) return;
    last.set(e.id, { state: e.state, at });
    if (e.state !== 'sending') last.delete(e.id);
    deps.events.emit('outbox.changed', {
      id: e.id,
      volumeId: e.volumeId,
      state: e.state,
      bytesDone: e.bytesDone,
      bytesTotal: e.bytesTotal,
    });
    if (e.state === 'committed') {
      deps.events.emit('volume.changed', {
        volumeId: e.volumeId,
        state: deps.repos.volumes.get(e.volumeId).state,
      });
    }
  };
  const worker = new OutboxWorker(
    { repos: deps.repos, transfers: new TransfersRepo(deps.db, deps.now), blobs: deps.blobs, now: deps.now },
    conn,
    { ...options, onChange },
  );
  // Our own timer rather than worker.start(): a failure outside an upload (the database busy, say) is
  // logged and tried again at the next tick instead of becoming an unhandled rejection.
  let stopped = false;
  const runNow = async (): Promise<void> => {
    if (stopped) return;
    try {
      await worker.runOnce();
    } catch (e) {
      deps.log('transfer worker', e);
    }
  };
  const timer = setInterval(() => void runNow(), options.intervalMs ?? 3000);
  void runNow(); // what was queued before the start goes out now, not after the first interval
  return {
    worker,
    runNow,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await worker.stop();
    },
  };
}

/**
 * The store connection from the environment: $DANGAN_STORE_URL with the credential the CLI uses
 * ($DANGAN_STORE_CLIENT_ID, $DANGAN_STORE_SECRET, from `dangan store client add`). Null when any is missing.
 */
export function storeConnectionFromEnv(env: NodeJS.ProcessEnv = process.env): StoreConnection | null {
  const url = env['DANGAN_STORE_URL'];
  const clientId = env['DANGAN_STORE_CLIENT_ID'];
  const secret = env['DANGAN_STORE_SECRET'];
  if (!url || !clientId || !secret) return null;
  return { url, clientId, secret };
}
