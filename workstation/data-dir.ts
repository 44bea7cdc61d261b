import os from 'node:os';
import path from 'node:path';
import { BlobStore } from '../db/blob-store';
import { openDatabase, type Db } from '../db/open';
import type { MigrationReport } from '../db/migrate';

export interface DataDirInputs {
  readonly flag?: string | undefined;
  readonly env?: NodeJS.ProcessEnv;
  readonly platform?: NodeJS.Platform;
  readonly home?: string;
}

/**
 * Where workstation data lives: `--data`, else $DANGAN_DATA, else the user's app-data folder
 * (%APPDATA%\Dangan on Windows, ~/Library/Application Support/Dangan on macOS,
 * $XDG_DATA_HOME/dangan or ~/.local/share/dangan elsewhere).
 */
export function resolveDataDir(inputs: DataDirInputs = {}): string {
  const env = inputs.env ?? process.env;
  if (inputs.flag) return path.resolve(inputs.flag);
  if (env['DANGAN_DATA']) return path.resolve(env['DANGAN_DATA']);
  const platform = inputs.platform ?? process.platform;
  const home = inputs.home ?? os.homedir();
  if (platform === 'win32')
    return path.join(env['APPDATA'] ?? path.join(home, 'AppData', 'Roaming'), 'Dangan');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Dangan');
  return path.join(env['XDG_DATA_HOME'] ?? path.join(home, '.local', 'share'), 'dangan');
}

export interface WorkstationData {
  readonly dir: string;
  readonly db: Db;
  readonly blobs: BlobStore;
  readonly migrations: MigrationReport;
  close(): void;
}

/** The files of a data folder: `dangan.db` (SQLite, WAL) and `blobs/` (content-addressed images). */
export function openDataDir(dir: string, options: { readonly readonly?: boolean } = {}): WorkstationData {
  const { db, migrations } = openDatabase(path.join(dir, 'dangan.db'), {
    readonly: options.readonly ?? false,
  });
  const blobs = new BlobStore(path.join(dir, 'blobs'));
  return { dir, db, blobs, migrations, close: () => db.close() };
}
