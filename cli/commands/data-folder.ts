import fs from 'node:fs';
import path from 'node:path';
import { DomainError } from '../../core/errors';
import { bilingual, text } from '../../core/text';
import { MIGRATIONS } from '../../db/migrations';
import { currentVersion, openDatabase } from '../../db/open';
import { openDataDir, type WorkstationData } from '../../workstation/data-dir';
import type { Io } from '../output';

export const DB_FILE = 'dangan.db';

export interface OpenDataFolderOptions {
  /** Read without changing anything. */
  readonly readonly?: boolean;
  /**
   * `dangan start` makes a new data folder (a path that does not exist yet, or an empty folder);
   * every other command needs one that already holds a database.
   */
  readonly create?: boolean;
}

function notDangan(dir: string, why: { zh: string; en: string }): DomainError {
  return new DomainError(
    'data.not-dangan',
    text(`${dir} 不是档案数据目录：${why.zh}`, `${dir} is not a Dangan data folder: ${why.en}`),
    { dir },
  );
}

/**
 * Opens a workstation data folder for a command, refusing — with a DomainError the CLI prints in both
 * languages — what would otherwise end in a stack trace or, worse, quietly make a new empty database
 * where a typo pointed: a folder that does not exist, a folder that holds other things but no
 * dangan.db, a dangan.db that is not SQLite or is another program's database, and a database written by
 * a newer Dangan (left untouched). Only `start` makes a new data folder.
 */
export function openDataFolder(dir: string, options: OpenDataFolderOptions = {}): WorkstationData {
  const file = path.join(dir, DB_FILE);
  const stat = fs.statSync(dir, { throwIfNoEntry: false });
  if (stat === undefined) {
    if (options.create !== true) {
      throw new DomainError(
        'data.missing',
        text(
          `数据目录不存在：${dir}（请检查 --data；新的数据目录用 dangan start --check --data <目录> 建立）`,
          `No data folder at ${dir} (check --data; make a new one with dangan start --check --data <dir>)`,
        ),
        { dir },
      );
    }
  } else if (!stat.isDirectory()) {
    throw notDangan(dir, { zh: '这是一个文件，不是目录', en: 'it is a file, not a folder' });
  } else if (!fs.existsSync(file)) {
    if (options.create !== true || fs.readdirSync(dir).length > 0) {
      throw new DomainError(
        'data.no-database',
        text(
          `找不到数据库：${dir} 不是档案数据目录（其中没有 ${DB_FILE}；新的数据目录用 dangan start --check 建立）`,
          `No database: ${dir} is not a Dangan data folder (it holds no ${DB_FILE}; make a new one with dangan start --check)`,
        ),
        { dir },
      );
    }
  } else {
    checkDatabase(dir, file);
  }
  return openDataDir(dir, { readonly: options.readonly ?? false });
}

/** Looks at an existing dangan.db without changing it: SQLite, ours, not newer than this program. */
function checkDatabase(dir: string, file: string): void {
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
      throw notDangan(dir, {
        zh: `${DB_FILE} 不是 SQLite 数据库`,
        en: `${DB_FILE} is not an SQLite database`,
      });
    }
    throw e;
  }
  const latest = MIGRATIONS.at(-1)?.version ?? 0;
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
    throw notDangan(dir, {
      zh: `${DB_FILE} 是其他程序的数据库`,
      en: `${DB_FILE} belongs to another program`,
    });
  }
}

/** How every command prints an expected failure: one line, code first, Chinese then English. */
export function printError(e: DomainError, io: Io): void {
  io.err(`错误 error [${e.code}]: ${bilingual(e.text)}`);
}
