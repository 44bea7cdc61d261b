// Entry of the engine's Electron utility process: the only SQLite writer. It runs the same engine as
// browser mode and answers the main process's calls over process.parentPort.
import { openDataDir } from '../workstation/data-dir';
import { createEngine } from '../workstation/engine/engine';
import { storeConnectionFromEnv } from '../workstation/transfer/engine-worker';
import type { EngineMessage, EngineRequest } from './engine-protocol';

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

const data = openDataDir(dataDir);
const engine = createEngine({
  db: data.db,
  dataDir: data.dir,
  // Uploads run when the store and this workstation's credential are configured (as for `npm start`).
  store: storeConnectionFromEnv(),
  log: (message, error) => {
    port.postMessage({
      kind: 'fatal',
      message: `${message}: ${error instanceof Error ? error.message : String(error)}`,
    });
  },
});
engine.events.subscribe((event) => {
  port.postMessage({ kind: 'event', event });
});
port.on('message', ({ data: m }) => {
  const req = m as Partial<EngineRequest>;
  if (req.kind !== 'call' || typeof req.id !== 'number' || typeof req.channel !== 'string') return;
  const id = req.id;
  void engine.dispatch(req.channel, req.payload, req.session ?? null).then((envelope) => {
    port.postMessage({ kind: 'reply', id, envelope });
  });
});
process.on('exit', () => {
  data.close();
});
port.postMessage({ kind: 'ready', startedAt: engine.startedAt });
