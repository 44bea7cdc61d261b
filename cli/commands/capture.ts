import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  deviceMode,
  type DeviceInfo,
  type ScanMode,
  type ScannerDriver,
  type ScanSource,
} from '../../core/scanning/driver';
import { defaultScanMode, SCAN_MODE_NAMES } from '../../core/scanning/default-mode';
import { DomainError, isDomainError } from '../../core/errors';
import { STATE_NAMES } from '../../core/lifecycle';
import { bilingual, text } from '../../core/text';
import { createRepos, type Actor, type Repos, type Volume } from '../../db/repos';
import { DemoDriver } from '../../native/demo/demo-driver';
import { allDrivers, discoverAll, driverFor } from '../../native/registry';
import { importFile, importFolder, type FileOutcome } from '../../workstation/capture/import';
import { watchHotFolder, type HotFolderOptions } from '../../native/folder/hot-folder';
import { CapturePipeline } from '../../workstation/capture/pipeline';
import { resolutionIssues } from '../../workstation/capture/profiles';
import { checkScanTarget, runScan, type ScanReport } from '../../workstation/capture/scan';
import { captureOperator } from './capture-operator';
import { refuseWhileEngineRuns } from '../../workstation/engine-lock';
import { openDataFolder, printError } from './data-folder';
import { findVolume } from './volume-ref';
import { EXIT } from '../exit-codes';
import type { Io } from '../output';

/** Drivers for the capture commands; the demo scanner is always among them. */
function withDemo(drivers: readonly ScannerDriver[]): ScannerDriver[] {
  return drivers.some((d) => d.kind === 'demo') ? [...drivers] : [...drivers, new DemoDriver()];
}

/** `1 page`, `2 pages`: English counts; Chinese needs no plural. */
export function countOf(n: number, noun: string): string {
  return `${n} ${n === 1 ? noun : `${noun}s`}`;
}

export interface DevicesOptions {
  readonly json: boolean;
  readonly drivers?: readonly ScannerDriver[];
}

/** `dangan devices`: every scanner found, the demo scanner always last (the default when none is found). */
export async function devicesCommand(options: DevicesOptions, io: Io): Promise<number> {
  const drivers = withDemo(options.drivers ?? allDrivers());
  const { devices, problems } = await discoverAll(drivers, { timeoutMs: 15_000 });
  const sorted: DeviceInfo[] = [
    ...devices.filter((d) => d.id !== 'demo'),
    ...devices.filter((d) => d.id === 'demo'),
  ];
  if (options.json) {
    io.out(JSON.stringify({ devices: sorted, problems }, null, 2));
    return EXIT.ok;
  }
  for (const d of sorted) {
    // Our own devices' names in both languages; a device's own name as it reports it.
    const name = d.displayName === undefined ? d.name : bilingual(d.displayName);
    io.out(`${d.id}\t${name}${d.connection ? `\t${d.connection}` : ''}`);
  }
  if (sorted.every((d) => d.id === 'demo')) {
    io.out('未找到扫描仪，可使用演示扫描仪 demo / no scanner found; the demo scanner `demo` is available');
  }
  for (const p of problems) io.err(`! ${p.driver}: ${bilingual(p.message)} (${p.detail})`);
  return EXIT.ok;
}

/** Options the two capture commands share: where, into which volume, as whom. */
export interface CaptureTarget {
  readonly dataDir: string;
  readonly volume: string;
  /**
   * Who scans or imports (audited): an active user holding the scan operator role. Default: the OS
   * login name, if a user of that name may scan.
   */
  readonly as?: string;
  /** Scan more into a volume marked 扫描完成 (scanned): it goes back to 扫描中, as the UI's 补扫 does. */
  readonly reopen?: boolean;
  /** Worker threads for processing (default: the cores). */
  readonly threads?: number;
}

export interface ScanOptions extends CaptureTarget {
  readonly device: string;
  readonly source: ScanSource;
  readonly dpi: number;
  /**
   * `auto`: scanned in colour, each page's master colour (seals, red headers) or grey. Without it, the
   * scan screen's default for the device (core/scanning/default-mode.ts), printed.
   */
  readonly mode?: ScanMode;
  readonly pages?: number;
  /** Demo scanner: same seed, same pages. Without it a fresh seed, printed so a run can be repeated. */
  readonly seed?: number;
  readonly drivers?: readonly ScannerDriver[];
  /** For tests: stops the scan as Ctrl-C does (the CLI listens for SIGINT and SIGTERM). */
  readonly stop?: Promise<void>;
}

interface Checked {
  readonly volume: Volume;
  readonly actor: Actor;
}

/**
 * 扫描完成 is the operator's word that a volume is done: more pages only with --reopen, which moves it
 * back to 扫描中 (the transition is audited when the first page commits) and says so. Checked when a
 * command starts and before each file a watched folder brings (the app may mark it scanned meanwhile).
 */
function finishedVolumeRule(volume: Volume, reopen: boolean, io: Io | null): void {
  if (volume.state !== 'scanned') return;
  if (!reopen) {
    throw new DomainError(
      'capture.volume-scanned',
      text(
        `案卷 ${volume.archiveNo} 已扫描完成，下一步是著录。确需补扫请加 --reopen（案卷回到“扫描中”，记入审计日志）`,
        `Volume ${volume.archiveNo} is marked scanned; cataloguing comes next. To scan more into it add --reopen (it goes back to scanning, audited)`,
      ),
      { volumeId: volume.id, state: volume.state },
    );
  }
  io?.out(
    bilingual(
      text(
        `补扫：案卷 ${volume.archiveNo} 由“${STATE_NAMES.scanned.zh}”回到“${STATE_NAMES.scanning.zh}”（记入审计日志）`,
        `scan more: volume ${volume.archiveNo} goes back from scanned to scanning (audited)`,
      ),
    ),
  );
}

/**
 * A file a watched folder brings for a volume marked 扫描完成 meanwhile, without --reopen: refused and
 * left where it is, unrecorded, so a later `import --reopen` (or the next run once the volume is
 * reopened) takes it. Null when the file may be imported.
 */
function heldForFinishedVolume(
  volume: Volume,
  reopen: boolean,
  file: string,
  io: Io | null,
): FileOutcome | null {
  try {
    finishedVolumeRule(volume, reopen, io);
    return null;
  } catch (e) {
    if (!isDomainError(e)) throw e;
    const error = new DomainError(
      e.code,
      text(
        `${e.text.zh}。文件未导入，留在文件夹中；继续监视`,
        `${e.text.en}. The file is not imported and stays in the folder; still watching`,
      ),
      { ...e.details, file: path.resolve(file) },
    );
    return { kind: 'refused', file: path.resolve(file), error };
  }
}

/**
 * Prints the data folder, opens it, checks operator and volume — refusing before anything is written —
 * and only then starts a pipeline for `run`; everything is closed after. A DomainError is one line.
 */
async function withCapture(
  target: CaptureTarget,
  io: Io,
  run: (repos: Repos, pipeline: CapturePipeline, checked: Checked) => Promise<number>,
): Promise<number> {
  io.out(`数据目录 data folder: ${target.dataDir}`);
  let data: ReturnType<typeof openDataFolder> | null = null;
  let pipeline: CapturePipeline | null = null;
  try {
    data = openDataFolder(target.dataDir);
    // The open app runs its own pipeline on this folder: one would return the other's jobs to the queue.
    refuseWhileEngineRuns(data.dir);
    const repos = createRepos(data.db);
    const actor = captureOperator(repos, target.as);
    const volume = findVolume(repos, target.volume);
    checkScanTarget(repos, volume.id, actor);
    finishedVolumeRule(volume, target.reopen === true, io);
    pipeline = new CapturePipeline(
      data.db,
      repos,
      data.blobs,
      target.threads === undefined ? {} : { threads: target.threads },
    );
    pipeline.start();
    return await run(repos, pipeline, { volume, actor });
  } catch (e) {
    if (isDomainError(e)) {
      printError(e, io);
      return EXIT.finding;
    }
    throw e;
  } finally {
    await pipeline?.close();
    data?.close();
  }
}

function summary(repos: Repos, pipeline: CapturePipeline, pageIds: readonly number[], io: Io): void {
  let blank = 0;
  let deskewed = 0;
  let separators = 0;
  let failed = 0;
  let colour = 0;
  let grey = 0;
  for (const id of pageIds) {
    const page = repos.pages.get(id);
    const proc = pipeline.capture.processing(id);
    if (page.isBlank) blank++;
    if (page.isSeparator) separators++;
    if (proc?.deskewed) deskewed++;
    if (proc?.state === 'failed') failed++;
    if (proc?.autoColour && proc.masterMode === 'color') colour++;
    if (proc?.autoColour && proc.masterMode === 'gray') grey++;
  }
  io.out(
    `处理完成：${pageIds.length} 页，空白页 ${blank}，纠斜 ${deskewed}，分隔页 ${separators}，失败 ${failed} / processed: ${countOf(pageIds.length, 'page')}, ${blank} blank, ${deskewed} deskewed, ${countOf(separators, 'separator')}, ${failed} failed`,
  );
  if (colour + grey > 0) {
    io.out(`自动彩色：彩色 ${colour} 页，灰度 ${grey} 页 / automatic colour: ${colour} colour, ${grey} grey`);
  }
}

/** Resolves on the first SIGINT or SIGTERM (Ctrl-C), or with `also`; `off` stops listening. */
function stopSignal(also?: Promise<void>): { stopped: Promise<void>; off: () => void } {
  let resolveStop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => {
    resolveStop = resolve;
  });
  const on = () => {
    resolveStop();
  };
  process.once('SIGINT', on);
  process.once('SIGTERM', on);
  void also?.then(on);
  return {
    stopped,
    off: () => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
    },
  };
}

/**
 * `dangan scan`: scans into a volume as one batch (批次), like the app's scan runs; each page is
 * printed once it is safely stored. Ctrl-C stops the scanner; the pages saved so far are kept.
 */
export async function scanCommand(options: ScanOptions, io: Io): Promise<number> {
  const seed = options.device === 'demo' ? (options.seed ?? randomInt(0, 2 ** 31)) : undefined;
  const driver =
    seed !== undefined
      ? new DemoDriver({ seed })
      : driverFor(withDemo(options.drivers ?? allDrivers()), options.device);
  return withCapture(options, io, async (repos, pipeline, { volume, actor }) => {
    if (seed !== undefined && options.seed === undefined) {
      io.out(`演示扫描仪种子 demo seed: ${seed}（用 --seed ${seed} 可重现 / repeat with --seed ${seed}）`);
    }
    for (const issue of resolutionIssues(options.dpi)) io.err(`! ${bilingual(issue.message)}`);
    const mode = options.mode ?? defaultScanMode((await driver.capabilities(options.device)).colorModes);
    if (options.mode === undefined) {
      const name = SCAN_MODE_NAMES[mode];
      io.out(
        `色彩模式：${name.zh}，缺省（--mode 可另选）/ colour mode: ${name.en}, the default (--mode picks another)`,
      );
    }
    const batch = repos.batches.open({
      device: options.device,
      // As the engine records its runs (capture-service.ts): the volume lets an interrupted run be named.
      profile: {
        volumeId: volume.id,
        source: options.source,
        dpi: options.dpi,
        mode,
        ...(options.pages !== undefined ? { pages: options.pages } : {}),
        ...(seed !== undefined ? { seed } : {}),
      },
      operatorId: actor.userId,
    });
    const session = driver.scan(options.device, {
      source: options.source,
      dpi: options.dpi,
      mode: deviceMode(mode),
      ...(options.pages !== undefined ? { maxPages: options.pages } : {}),
      subject: (({ name, uscc }) => ({ name, uscc }))(repos.enterprises.get(volume.enterpriseId)),
    });
    const stop = stopSignal(options.stop);
    let running = true;
    void stop.stopped.then(() => {
      if (running) session.cancel();
    });
    let report: ScanReport;
    try {
      report = await runScan(pipeline, session, volume.id, {
        repos,
        actor,
        batchId: batch.id,
        autoColour: mode === 'auto',
        onPage: (p) => {
          io.out(`已保存 saved\t第 ${p.seq} 页 page ${p.seq}\t${p.id}\t${p.blobSha256}`);
        },
      });
    } catch (e) {
      repos.batches.abort(batch.id); // the pages stored before the failure stay, in this batch
      throw e;
    } finally {
      running = false;
      stop.off();
    }
    const ok = report.error === null || report.error.category === 'no-paper';
    if (ok) repos.batches.close(batch.id);
    else repos.batches.abort(batch.id);
    if (report.error) {
      const n = report.pages.length;
      io.err(`扫描中断 scan stopped [${report.error.category}]: ${bilingual(report.error.message)}`);
      io.err(`已保存 ${n} 页 / ${countOf(n, 'page')} ${n === 1 ? 'was' : 'were'} saved`);
    }
    await pipeline.idle();
    summary(
      repos,
      pipeline,
      report.pages.map((p) => p.id),
      io,
    );
    return ok ? EXIT.ok : EXIT.finding;
  });
}

export interface ImportOptions extends CaptureTarget {
  readonly folder: string;
  readonly watch: boolean;
  /** For tests: stop watching when this resolves (the CLI stops on Ctrl-C). */
  readonly until?: Promise<void>;
  /** For tests: how long a file's size must stay put before it is taken (default 2 s). */
  readonly hotFolder?: HotFolderOptions;
}

function printOutcome(o: FileOutcome, io: Io): void {
  const name = path.basename(o.file);
  const n = o.kind === 'taken' ? o.pageIds.length : 0;
  if (o.kind === 'taken') io.out(`已导入 imported\t${name}\t${n} 页 ${n === 1 ? 'page' : 'pages'}`);
  else if (o.kind === 'skipped') io.out(`跳过 skipped\t${name}\t${bilingual(o.reason)}`);
  else io.err(`拒收 refused\t${name}\t[${o.error.code}] ${bilingual(o.error.text)}`);
}

/** `dangan import`: takes a folder's scans into a volume, or watches it as a hot folder. */
export async function importCommand(options: ImportOptions, io: Io): Promise<number> {
  if (!fs.existsSync(options.folder) || !fs.statSync(options.folder).isDirectory()) {
    io.err(`找不到文件夹 / no such folder: ${options.folder}`);
    return EXIT.finding;
  }
  return withCapture(options, io, async (repos, pipeline, { volume, actor }) => {
    const outcomes: FileOutcome[] = [];
    const note = (o: FileOutcome) => {
      outcomes.push(o);
      printOutcome(o, io);
    };
    const keep = { repos, actor };
    if (options.watch) {
      const reopen = options.reopen === true;
      let before = volume.state; // the 补扫 line is printed once per reopening, not before every file
      const hot = watchHotFolder(
        options.folder,
        async (file) => {
          const now = repos.volumes.get(volume.id);
          const held = heldForFinishedVolume(now, reopen, file, before === 'scanned' ? null : io);
          before = now.state;
          note(held ?? (await importFile(pipeline, volume.id, file, keep)));
          if (held === null) before = repos.volumes.get(volume.id).state;
        },
        options.hotFolder ?? {},
      );
      await hot.ready;
      io.out(`正在监视 watching ${path.resolve(options.folder)}（Ctrl-C 结束 / Ctrl-C to stop）`);
      const stop = stopSignal(options.until);
      await stop.stopped;
      stop.off();
      await hot.close();
    } else {
      await importFolder(pipeline, volume.id, options.folder, note, keep);
    }
    await pipeline.idle();
    const pageIds = outcomes.flatMap((o) => (o.kind === 'taken' ? o.pageIds : []));
    summary(repos, pipeline, pageIds, io);
    const refused = outcomes.filter((o) => o.kind === 'refused').length;
    if (refused > 0) io.err(`${refused} 个文件被拒收 / ${countOf(refused, 'file')} refused`);
    return refused > 0 ? EXIT.finding : EXIT.ok;
  });
}
