import fs from 'node:fs';
import path from 'node:path';
import { CHECK_IDS, type CheckId } from '../../core/checks/categories';
import { hasErrors, type CheckReport } from '../../core/checks/finding';
import type { Roster } from '../../core/checks/roster';
import { DomainError, isDomainError } from '../../core/errors';
import { plural } from '../../core/checks/kinds';
import { text, type Text } from '../../core/text';
import {
  runFixitySlice,
  runFixitySliceDecoding,
  shownFixityProblems,
  type FixityRun,
} from '../../db/checks/fixity';
import { decodeImage } from '../../workstation/checks/image-decode';
import { blobStoreInventory } from '../../db/checks/inventory';
import { readRosterFile } from '../../db/checks/roster-file';
import { runChecks } from '../../db/checks/run';
import { BlobStore } from '../../db/blob-store';
import { openStoreDatabase } from '../../db/store/open-store';
import { resolveDataDir, type WorkstationData } from '../../workstation/data-dir';
import { EXIT } from '../exit-codes';
import { line, type Io } from '../output';
import { blobPlaces } from './check-places';
import { writeCheckWorkbook } from './check-xlsx';
import { checkDataFolder, openDataFolder, STORE_FOLDER } from './data-folder';

export interface CheckCommandOptions {
  readonly data?: string | undefined;
  readonly storeData?: string | undefined;
  readonly roster?: string | undefined;
  readonly only?: readonly CheckId[] | undefined;
  readonly json: boolean;
  readonly xlsx?: string | undefined;
  /** The full re-hash is spread over this many runs (0 = skip it this run). */
  readonly fixityRuns: number;
  /** Decode the pixels of the re-hashed slice (default true); false: the structural probe only. */
  readonly decode?: boolean;
  /** List every storage folder again instead of trusting unchanged folder stamps. */
  readonly fullListing?: boolean;
  readonly now?: Date;
}

const SHOWN_PER_CATEGORY = 20;

/** `dangan check`: the monthly data checks. Exit 1 when any finding is an error (or the input is bad). */
export async function checkCommand(options: CheckCommandOptions, io: Io): Promise<number> {
  let data: CheckTarget;
  let roster: Roster | undefined;
  try {
    if (options.json && options.xlsx !== undefined) {
      io.err('--json 与 --xlsx 只能选一个 / choose either --json or --xlsx');
      return EXIT.usage;
    }
    if (options.xlsx !== undefined) checkXlsxPath(options.xlsx);
    roster = options.roster === undefined ? undefined : readRosterFile(options.roster);
    data = openTarget(options);
  } catch (e) {
    if (isDomainError(e)) {
      io.err(line(e.text));
      return EXIT.finding;
    }
    throw e;
  }
  const now = options.now ?? new Date();
  let report: CheckReport;
  let fixity: FixityRun | undefined;
  let places = new Map<string, Text>();
  try {
    const ids = options.only ?? CHECK_IDS;
    // The store keeps no fixity tables: its re-hash is not part of this command (STORE_NOT_CHECKED).
    const store = options.storeData !== undefined;
    if (!store && options.fixityRuns > 0 && ids.includes('image-wrong')) {
      fixity =
        (options.decode ?? true)
          ? await runFixitySliceDecoding(data.db, data.blobs, decodeImage, {
              runsPerCycle: options.fixityRuns,
            })
          : runFixitySlice(data.db, data.blobs, { runsPerCycle: options.fixityRuns });
    }
    report = runChecks(data.db, {
      inventory: blobStoreInventory(data.blobs),
      fullListing: options.fullListing ?? false,
      now,
      schema: store ? 'store' : 'workstation',
      ...(options.only === undefined ? {} : { only: options.only }),
      ...(roster === undefined ? {} : { roster: roster.entries, rosterProblems: roster.problems }),
    });
    if (!options.json) places = blobPlaces(data.db, report);
  } finally {
    data.close();
  }

  if (options.json) {
    io.out(
      JSON.stringify(
        { dataDir: data.dir, at: now.toISOString(), fixity: fixity ?? null, ...report },
        null,
        2,
      ),
    );
  } else {
    print(report, data.dir, fixity, places, io);
    if (options.xlsx !== undefined) {
      try {
        await writeCheckWorkbook(report, options.xlsx, { dataDir: data.dir, at: now, places });
      } catch (e) {
        // The findings above are printed; only the file is missing. Said plainly, never a stack trace.
        const why = e instanceof Error ? e.message : String(e);
        io.err(`无法写入报表 ${options.xlsx}（${why}） / Cannot write the report ${options.xlsx}: ${why}`);
        return EXIT.finding;
      }
      io.out(`已写入 / written: ${options.xlsx}`);
    }
  }
  return hasErrors(report) ? EXIT.finding : EXIT.ok;
}

/**
 * Refuses an --xlsx path that cannot be written before the checks run (they may take long): its folder
 * must exist and the file must not be a folder.
 */
function checkXlsxPath(file: string): void {
  const dir = path.dirname(path.resolve(file));
  const isDir = (p: string) => fs.statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
  if (!isDir(dir) || isDir(file)) {
    throw new DomainError(
      'check.xlsx-path',
      text(
        `无法写入报表 ${file}：${isDir(file) ? '这是一个文件夹' : `文件夹 ${dir} 不存在`}；请先建好文件夹或换一个路径，检查尚未开始`,
        `Cannot write the report ${file}: ${isDir(file) ? 'it is a folder' : `the folder ${dir} does not exist`}; create it or choose another path (nothing was checked yet)`,
      ),
      { file },
    );
  }
}

/** The database and blob folder a check reads: a workstation's or a store's data folder. */
type CheckTarget = Pick<WorkstationData, 'dir' | 'db' | 'blobs' | 'close'>;

function openTarget(options: CheckCommandOptions): CheckTarget {
  if (options.storeData !== undefined && options.data !== undefined) {
    throw new DomainError(
      'check.target',
      text('请只指定 --data 或 --store-data 之一', 'Give only one of --data or --store-data'),
    );
  }
  // Like every workstation command: without --data, the default data folder ($DANGAN_DATA or app data).
  const dir = options.storeData ?? resolveDataDir({ flag: options.data });
  if (options.storeData !== undefined) {
    // A store data folder: store.db and blobs/ (store/store-data.ts), refused like every store command's.
    checkDataFolder(STORE_FOLDER, dir);
    const db = openStoreDatabase(path.join(dir, STORE_FOLDER.dbFile));
    return {
      dir,
      db,
      blobs: new BlobStore(path.join(dir, 'blobs')),
      close: () => {
        db.close();
      },
    };
  }
  return openDataFolder(dir);
}

function print(
  report: CheckReport,
  dir: string,
  fixity: FixityRun | undefined,
  places: ReadonlyMap<string, Text>,
  io: Io,
): void {
  const mark = { error: '✗', warning: '!', info: 'i' } as const;
  io.out(`数据目录 data folder: ${dir}`);
  if (fixity) {
    const problems = shownFixityProblems(fixity, new Set(report.categories.map((c) => c.id)));
    io.out(
      `完整复核 fixity: 第 ${fixity.cycle} 轮，本次复核 ${fixity.checked} 个图像，问题 ${problems} / cycle ${fixity.cycle}, ${plural(fixity.checked, 'blob')} re-hashed, ${plural(problems, 'problem')}${fixity.cycleCompleted ? '（本轮完成 / cycle complete）' : ''}`,
    );
  }
  for (const c of report.categories) {
    const worst = c.findings[0]?.severity;
    io.out(`${c.count === 0 ? '✓' : mark[worst ?? 'info']} ${c.name} ${c.id}: ${c.count}`);
    for (const n of c.notes) io.out(`    （${line(n)}）`);
    for (const f of c.findings.slice(0, SHOWN_PER_CATEGORY)) {
      io.out(`    [${f.severity}] ${f.entityType} ${f.entityId}: ${line(f.message)}`);
      // An image finding names its digest: which volume and page to rescan is said below it.
      const place = f.entityType === 'blob' ? places.get(f.entityId) : undefined;
      if (place) io.out(`        ${line(place)}`);
    }
    if (c.count > SHOWN_PER_CATEGORY) {
      io.out(
        `    … 另有 ${c.count - SHOWN_PER_CATEGORY} 项，用 --json 或 --xlsx 查看全部 / ${c.count - SHOWN_PER_CATEGORY} more: use --json or --xlsx`,
      );
    }
  }
  const total = report.categories.reduce((n, c) => n + c.count, 0);
  io.out(
    hasErrors(report)
      ? `结论：发现错误（共 ${total} 项） / result: errors found (${total} findings)`
      : `结论：无错误（共 ${total} 项提示或警告） / result: no errors (${total} warnings or notes)`,
  );
}
