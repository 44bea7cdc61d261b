import fs from 'node:fs';
import path from 'node:path';
import { DomainError } from '../../core/errors';
import { bilingual, text, type Text } from '../../core/text';
import { MIGRATIONS } from '../../db/migrations';
import { currentVersion, openDatabase } from '../../db/open';
import { STORE_MIGRATIONS } from '../../db/store/migrations';
import { openStoreData, type StoreData } from '../../store/store-data';
import { openDataDir, type WorkstationData } from '../../workstation/data-dir';
import type { Io } from '../output';

export const DB_FILE = 'dangan.db';
export const STORE_DB_FILE = 'store.db';

export interface OpenDataFolderOptions {
  /** Read without changing anything. */
  readonly readonly?: boolean;
  /**
   * `dangan start` (a workstation) and `dangan store init` (a store) make a new data folder — a path
   * that does not exist yet, or an empty folder; every other command needs one that already holds a
   * database.
   */
  readonly create?: boolean;
}

/** What tells a workstation's data folder from a store's: the database file, its schema, its words. */
export interface DataFolderKind {
  readonly dbFile: string;
  /** The newest schema version this program can open. */
  readonly latestVersion: number;
  /** As in “<dir> is not …”. */
  readonly name: Text;
  /** The refusals that name the option to check and the command that makes a new folder. */
  readonly missing: (dir: string) => Text;
  readonly noDatabase: (dir: string) => Text;
}

export const WORKSTATION_FOLDER: DataFolderKind = {
  dbFile: DB_FILE,
  latestVersion: MIGRATIONS.at(-1)?.version ?? 0,
  name: text('档案数据目录', 'a Dangan data folder'),
  missing: (dir) =>
    text(
      `数据目录不存在：${dir}（请检查 --data；新的数据目录用 dangan start --check --data <目录> 建立）`,
      `No data folder at ${dir} (check --data; make a new one with dangan start --check --data <dir>)`,
    ),
  noDatabase: (dir) =>
    text(
      `找不到数据库：${dir} 不是档案数据目录（其中没有 ${DB_FILE}；新的数据目录用 dangan start --check 建立）`,
      `No database: ${dir} is not a Dangan data folder (it holds no ${DB_FILE}; make a new one with dangan start --check)`,
    ),
};

export const STORE_FOLDER: DataFolderKind = {
  dbFile: STORE_DB_FILE,
  latestVersion: STORE_MIGRATIONS.at(-1)?.version ?? 0,
  name: text('档案库数据目录', 'a Dangan store data folder'),
  missing: (dir) =>
    text(
      `档案库数据目录不存在：${dir}（请检查 --store-data；新的档案库数据目录用 dangan store init --store-data <目录> 建立）`,
      `No store data folder at ${dir} (check --store-data; make a new one with dangan store init --store-data <dir>)`,
    ),
  noDatabase: (dir) =>
    text(
      `找不到档案库数据库：${dir} 不是档案库数据目录（其中没有 ${STORE_DB_FILE}；新的档案库数据目录用 dangan store init 建立）`,
      `No store database: ${dir} is not a Dangan store data folder (it holds no ${STORE_DB_FILE}; make a new one with dangan store init)`,
    ),
};

function notOurs(kind: DataFolderKind, dir: string, why: Text): DomainError {
  return new DomainError(
    'data.not-dangan',
    text(`${dir} 不是${kind.name.zh}：${why.zh}`, `${dir} is not ${kind.name.en}: ${why.en}`),
    { dir },
  );
}

/**
 * Refuses — with a DomainError the CLI prints in both languages, before anything is written — what
 * would otherwise end in a stack trace or, worse, quietly make a new empty database where a typo
 * pointed: a folder that does not exist, a folder that holds other things (or nothing) but no database,
 * a database file that is not SQLite or is another program's, and a database written by a newer Dangan
 * (left untouched). With `create`, a new path or an empty folder is accepted.
 */
export function checkDataFolder(
  kind: DataFolderKind,
  dir: string,
  options: Pick<OpenDataFolderOptions, 'create'> = {},
): void {
  const file = path.join(dir, kind.dbFile);
  const stat = fs.statSync(dir, { throwIfNoEntry: false });
  if (stat === undefined) {
    if (options.create !== true) throw new DomainError('data.missing', kind.missing(dir), { dir });
  } else if (!stat.isDirectory()) {
    throw notOurs(kind, dir, text('这是一个文件，不是目录', 'it is a file, not a folder'));
  } else if (!fs.existsSync(file)) {
    if (options.create !== true || fs.readdirSync(dir).length > 0) {
      throw new DomainError('data.no-database', kind.noDatabase(dir), { dir });
    }
  } else {
    checkDatabase(kind, dir, file);
  }
}

/** Opens a workstation data folder for a command (see checkDataFolder). Only `start` makes a new one. */
export function openDataFolder(dir: string, options: OpenDataFolderOptions = {}): WorkstationData {
  checkDataFolder(WORKSTATION_FOLDER, dir, options);
  return openDataDir(dir, { readonly: options.readonly ?? false });
}

/** Opens a store data folder for a command (see checkDataFolder). Only `store init` makes a new one. */
export function openStoreFolder(dir: string, options: Pick<OpenDataFolderOptions, 'create'> = {}): StoreData {
  checkDataFolder(STORE_FOLDER, dir, options);
  return openStoreData(dir);
}

/** Looks at an existing database file without changing it: SQLite, ours, not newer than this program. */
function checkDatabase(kind: DataFolderKind, dir: string, file: string): void {
  let version: number;
  let tables: number;
  try {
    const { db } = openDatabase(file, { readonly: true });
    try {
      version = currentVersion(db);
      tables = (db.pragma('table_list') as { schema: string; name: string }[]).filter(
        (t) => t.schema === 'main' && !t.name.startsWith('sqlite_'),
      ).length;
    } finally {
      db.close();
    }
  } catch (e) {
    if (e instanceof Error && 'code' in e && e.code === 'SQLITE_NOTADB') {
      throw notOurs(
        kind,
        dir,
        text(`${kind.dbFile} 不是 SQLite 数据库`, `${kind.dbFile} is not an SQLite database`),
      );
    }
    throw e;
  }
  const latest = kind.latestVersion;
  if (version > latest) {
    throw new DomainError(
      'data.newer-version',
      text(
        `${dir} 的数据库为第 ${version} 版，本程序只支持到第 ${latest} 版：请升级程序（数据库未作改动）`,
        `The database in ${dir} is version ${version}; this program supports up to ${latest}: upgrade the program (the database was left untouched)`,
      ),
      { dir, version, latest },
    );
  }
  // Every Dangan database has a version from its first open on; tables without one are another program's.
  if (version === 0 && tables > 0) {
    throw notOurs(
      kind,
      dir,
      text(`${kind.dbFile} 是其他程序的数据库`, `${kind.dbFile} belongs to another program`),
    );
  }
}

/** How every command prints an expected failure: one line, code first, Chinese then English. */
export function printError(e: DomainError, io: Io): void {
  io.err(`错误 error [${e.code}]: ${bilingual(e.text)}`);
}
