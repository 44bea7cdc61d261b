// Entry of the engine's Electron utility process: the only SQLite writer. It runs the same engine as
// browser mode and answers the main process's calls over process.parentPort.
import { openDataDir } from '../workstation/data-dir';
import { takeEngineLock, type EngineLock } from '../workstation/engine-lock';
import { createEngine, type Engine } from '../workstation/engine/engine';
import { fileKeys, osKeys } from '../workstation/transfer/secret-box';
import { storeConnectionFromEnv } from '../workstation/transfer/engine-worker';
import type { EngineInit, EngineMessage, EngineRequest } from './engine-protocol';

interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: EngineMessage): void;
}

const port = (process as unknown as { parentPort?: ParentPort }).parentPort;
const dataFlag = process.argv.indexOf('--data');
const dataDir = dataFlag >= 0 ? process.argv[dataFlag + 1] : undefined;

if (port === undefined || dataDir === undefined) {
  console.error('engine-process: run me as an Electron utility process with --data <dir>');
  process.exit(2);
}

// One app per data folder (workstation/engine-lock.ts): refused before the database is opened.
let lock: EngineLock;
try {
  lock = takeEngineLock(dataDir);
} catch (e) {
  const message = e instanceof Error ? e.message : String(e);
  port.postMessage({ kind: 'fatal', message });
  console.error(message);
  process.exit(1);
}
const data = openDataDir(dataDir);
const dir = dataDir;
let engine: Engine | null = null;
// Calls that arrive before the main process's init message (it is sent first; this is belt and braces).
const early: EngineRequest[] = [];

function start(osKey: string | null): Engine {
  const e = createEngine({
    db: data.db,
    dataDir: data.dir,
    // Uploads run when the store and this workstation's credential are configured (as for `npm start`).
    store: storeConnectionFromEnv(),
    // The saved store secret is sealed under the key the OS keeps (main process, safeStorage), else the key file.
    secretKeys: osKey === null ? fileKeys(dir) : osKeys(Buffer.from(osKey, 'base64'), dir),
    log: (message, error) => {
      port?.postMessage({
        kind: 'fatal',
        message: `${message}: ${error instanceof Error ? error.message : String(error)}`,
      });
    },
  });
  e.events.subscribe((event) => {
    port?.postMessage({ kind: 'event', event });
  });
  return e;
}

function answer(e: Engine, req: EngineRequest): void {
  void e.dispatch(req.channel, req.payload, req.session).then((envelope) => {
    port?.postMessage({ kind: 'reply', id: req.id, envelope });
  });
}

port.on('message', ({ data: m }) => {
  const msg = m as Partial<EngineRequest> | Partial<EngineInit>;
  if (msg.kind === 'init' && engine === null) {
    engine = start(typeof msg.osKey === 'string' ? msg.osKey : null);
    for (const req of early.splice(0)) answer(engine, req);
    port.postMessage({ kind: 'ready', startedAt: engine.startedAt });
    return;
  }
  const req = msg as Partial<EngineRequest>;
  if (req.kind !== 'call' || typeof req.id !== 'number' || typeof req.channel !== 'string') return;
  const call: EngineRequest = {
    kind: 'call',
    id: req.id,
    channel: req.channel,
    payload: req.payload,
    session: req.session ?? null,
  };
  if (engine === null) early.push(call);
  else answer(engine, call);
});
process.on('exit', () => {
  data.close();
  lock.release();
});
