import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { isImageName } from './image-file';

export interface HotFolderOptions {
  /** A file counts as complete once its size has not changed for this long. Default 2 s. */
  readonly stabilityMs?: number;
  /** How often the size is checked while waiting. Default 200 ms. */
  readonly pollMs?: number;
}

export interface HotFolder {
  /** Resolves once the files already in the folder have been seen (and queued). */
  readonly ready: Promise<void>;
  /** Resolves when every queued file has been handled. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Watches a folder a production scanner's own software writes into. A file is handed to `onFile` only
 * once it is complete (its size stable: chokidar's awaitWriteFinish), one at a time in arrival order, and
 * again if it changes later. Files already present at start are handed over too: deciding whether a file
 * was taken before (across restarts) is the caller's job, from its records.
 */
export function watchHotFolder(
  dir: string,
  onFile: (file: string) => Promise<void>,
  options: HotFolderOptions = {},
): HotFolder {
  const watcher: FSWatcher = watch(path.resolve(dir), {
    ignoreInitial: false,
    depth: 0,
    awaitWriteFinish: {
      stabilityThreshold: options.stabilityMs ?? 2000,
      pollInterval: options.pollMs ?? 200,
    },
    ignored: (p, stats) => stats?.isFile() === true && (!isImageName(p) || path.basename(p).startsWith('.')),
  });
  let chain: Promise<void> = Promise.resolve();
  const enqueue = (file: string | Error) => {
    if (typeof file !== 'string') return;
    // onFile reports its own failures; the chain must survive any one of them.
    chain = chain.then(() => onFile(file)).catch(() => undefined);
  };
  watcher.on('add', enqueue);
  watcher.on('change', enqueue);
  const ready = new Promise<void>((resolve) =>
    watcher.once('ready', () => {
      resolve();
    }),
  );
  return {
    ready,
    idle: () => chain,
    close: async () => {
      await watcher.close();
      await chain;
    },
  };
}
