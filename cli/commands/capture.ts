import { type Command, InvalidArgumentError, Option } from 'commander';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  deviceMode,
  type DeviceInfo,
  type ScanMode,
  type ScannerDriver,
  type ScanSource,
} from '../../core/scanning/driver';
import { isDomainError } from '../../core/errors';
import { bilingual } from '../../core/text';
import { createRepos, type Actor, type Repos } from '../../db/repos';
import { DemoDriver } from '../../native/demo/demo-driver';
import { allDrivers, discoverAll, driverFor } from '../../native/registry';
import { importFolder, watchImport, type FileOutcome } from '../../workstation/capture/import';
import { CapturePipeline } from '../../workstation/capture/pipeline';
import { resolutionIssues } from '../../workstation/capture/profiles';
import { checkScanTarget, runScan } from '../../workstation/capture/scan';
import { resolveDataDir } from '../../workstation/data-dir';
import { openDataFolder } from './data-folder';
import { findVolume } from './volume-ref';
import { EXIT } from '../exit-codes';
import type { Io } from '../output';

/** Drivers for the capture commands; the demo scanner is always among them. */
function withDemo(drivers: readonly ScannerDriver[]): ScannerDriver[] {
  return drivers.some((d) => d.kind === 'demo') ? [...drivers] : [...drivers, new DemoDriver()];
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
  for (const d of sorted) io.out(`${d.id}\t${d.name}${d.connection ? `\t${d.connection}` : ''}`);
  if (sorted.every((d) => d.id === 'demo')) {
    io.out('未找到扫描仪，可使用演示扫描仪 demo / no scanner found; the demo scanner `demo` is available');
  }
  for (const p of problems) io.err(`! ${p.driver}: ${bilingual(p.message)} (${p.detail})`);
  return EXIT.ok;
}

export interface ScanOptions {
  readonly dataDir: string;
  readonly device: string;
  readonly volume: string;
  readonly source: ScanSource;
  readonly dpi: number;
  /** `auto`: scanned in colour, each page's master colour (seals, red headers) or grey. */
  readonly mode: ScanMode;
  readonly pages?: number;
  readonly seed?: number;
  /** Who scans (audited); default the OS account, as operator. */
  readonly as?: string;
  readonly drivers?: readonly ScannerDriver[];
  /** Worker threads for processing (default: the cores). */
  readonly threads?: number;
}

/** Opens the data folder, the repositories and a started pipeline; `run` gets them; all closed after. */
async function withPipeline(
  dataDir: string,
  threads: number | undefined,
  run: (repos: Repos, pipeline: CapturePipeline) => Promise<number>,
  io: Io,
): Promise<number> {
  const data = openDataFolder(dataDir);
  const repos = createRepos(data.db);
  const pipeline = new CapturePipeline(data.db, repos, data.blobs, threads === undefined ? {} : { threads });
  try {
    pipeline.start();
    return await run(repos, pipeline);
  } catch (e) {
    if (isDomainError(e)) {
      io.err(`错误 error [${e.code}]: ${bilingual(e.text)}`);
      return EXIT.finding;
    }
    throw e;
  } finally {
    await pipeline.close();
    data.close();
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
    `处理完成：${pageIds.length} 页，空白页 ${blank}，纠斜 ${deskewed}，分隔页 ${separators}，失败 ${failed} / processed: ${pageIds.length} pages, ${blank} blank, ${deskewed} deskewed, ${separators} separators, ${failed} failed`,
  );
  if (colour + grey > 0) {
    io.out(`自动彩色：彩色 ${colour} 页，灰度 ${grey} 页 / automatic colour: ${colour} colour, ${grey} grey`);
  }
}

/** `dangan scan`: scans into a volume; each page is printed once it is safely stored. */
export async function scanCommand(options: ScanOptions, io: Io): Promise<number> {
  const drivers = withDemo(options.drivers ?? allDrivers());
  const driver =
    options.device === 'demo' && options.seed !== undefined
      ? new DemoDriver({ seed: options.seed })
      : driverFor(drivers, options.device);
  return withPipeline(
    options.dataDir,
    options.threads,
    async (repos, pipeline) => {
      const volume = findVolume(repos, options.volume);
      const actor: Actor = { userId: null, username: options.as ?? os.userInfo().username, role: 'operator' };
      // Refused before the scanner moves: a verified volume takes no pages.
      checkScanTarget(repos, volume.id, actor);
      for (const issue of resolutionIssues(options.dpi)) io.err(`! ${bilingual(issue.message)}`);
      const session = driver.scan(options.device, {
        source: options.source,
        dpi: options.dpi,
        mode: deviceMode(options.mode),
        ...(options.pages !== undefined ? { maxPages: options.pages } : {}),
        subject: (({ name, uscc }) => ({ name, uscc }))(repos.enterprises.get(volume.enterpriseId)),
      });
      const report = await runScan(pipeline, session, volume.id, {
        repos,
        actor,
        autoColour: options.mode === 'auto',
        onPage: (p) => {
          io.out(`已保存 saved\t第 ${p.seq} 页 page ${p.seq}\t${p.id}\t${p.blobSha256}`);
        },
      });
      if (report.error) {
        io.err(`扫描中断 scan stopped [${report.error.category}]: ${bilingual(report.error.message)}`);
        io.err(`已保存 ${report.pages.length} 页 / ${report.pages.length} pages were saved`);
      }
      await pipeline.idle();
      summary(
        repos,
        pipeline,
        report.pages.map((p) => p.id),
        io,
      );
      return report.error && report.error.category !== 'no-paper' ? EXIT.finding : EXIT.ok;
    },
    io,
  );
}

export interface ImportOptions {
  readonly dataDir: string;
  readonly folder: string;
  readonly volume: string;
  readonly watch: boolean;
  /** Who imports (audited); default the OS account, as operator. */
  readonly as?: string;
  readonly threads?: number;
  /** For tests: stop watching when this resolves (the CLI stops on Ctrl-C). */
  readonly until?: Promise<void>;
}

function printOutcome(o: FileOutcome, io: Io): void {
  const name = path.basename(o.file);
  if (o.kind === 'taken') io.out(`已导入 imported\t${name}\t${o.pageIds.length} 页 pages`);
  else if (o.kind === 'skipped') io.out(`跳过 skipped\t${name}\t${bilingual(o.reason)}`);
  else io.err(`拒收 refused\t${name}\t[${o.error.code}] ${bilingual(o.error.text)}`);
}

/** `dangan import`: takes a folder's scans into a volume, or watches it as a hot folder. */
export async function importCommand(options: ImportOptions, io: Io): Promise<number> {
  if (!fs.existsSync(options.folder) || !fs.statSync(options.folder).isDirectory()) {
    io.err(`找不到文件夹 / no such folder: ${options.folder}`);
    return EXIT.finding;
  }
  return withPipeline(
    options.dataDir,
    options.threads,
    async (repos, pipeline) => {
      const volume = findVolume(repos, options.volume);
      const outcomes: FileOutcome[] = [];
      const note = (o: FileOutcome) => {
        outcomes.push(o);
        printOutcome(o, io);
      };
      const keep = {
        repos,
        actor: { userId: null, username: options.as ?? os.userInfo().username, role: 'operator' } as const,
      };
      if (options.watch) {
        const hot = watchImport(pipeline, volume.id, options.folder, note, { keep });
        await hot.ready;
        io.out(`正在监视 watching ${path.resolve(options.folder)}（Ctrl-C 结束 / Ctrl-C to stop）`);
        await (options.until ??
          new Promise<void>((resolve) => {
            process.once('SIGINT', () => {
              resolve();
            });
          }));
        await hot.close();
      } else {
        await importFolder(pipeline, volume.id, options.folder, note, keep);
      }
      await pipeline.idle();
      const pageIds = outcomes.flatMap((o) => (o.kind === 'taken' ? o.pageIds : []));
      summary(repos, pipeline, pageIds, io);
      const refused = outcomes.filter((o) => o.kind === 'refused').length;
      if (refused > 0) io.err(`${refused} 个文件被拒收 / ${refused} files refused`);
      return refused > 0 ? EXIT.finding : EXIT.ok;
    },
    io,
  );
}

function parseIntIn(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`应为 ${min}–${max} 的整数 / expected an integer ${min}–${max}`);
    }
    return n;
  };
}

const dataOption = () => new Option('--data <dir>', '工作站数据目录 / workstation data folder');

export function registerCaptureCommands(program: Command, io: Io, result: { code: number }): void {
  program
    .command('devices')
    .description(
      '列出扫描设备（演示扫描仪 demo 总在其中）/ list scanning devices (the demo scanner is always there)',
    )
    .option('--json', '以 JSON 输出 / print JSON')
    .action(async (opts: { json?: boolean }) => {
      result.code = await devicesCommand({ json: opts.json ?? false }, io);
    });

  program
    .command('scan')
    .description('扫描到案卷 / scan into a volume')
    .addOption(dataOption())
    .requiredOption('--device <id>', '设备 / device id (see `dangan devices`; `demo` needs no hardware)')
    .requiredOption('--volume <id>', '案卷编号、UID 或档号 / volume id, uid or 档号')
    .addOption(
      new Option('--source <source>', '纸张来源 / paper source')
        .choices(['feeder', 'flatbed', 'duplex'])
        .default('feeder'),
    )
    .option('--dpi <n>', '分辨率 / resolution (DA/T 31: 300 default, 200 minimum)', parseIntIn(50, 1200), 300)
    .addOption(
      new Option(
        '--mode <mode>',
        '色彩模式 / colour mode (auto 自动: 彩色扫描，有印章、红头的页保存为彩色，其余灰度 / scanned in colour, pages with seals or red headers kept in colour, the rest grey)',
      )
        .choices(['auto', 'color', 'gray', 'lineart'])
        .default('gray'),
    )
    .option('--pages <n>', '页数（演示扫描仪）/ pages (demo scanner)', parseIntIn(1, 100_000))
    .option('--seed <n>', '演示扫描仪的随机种子 / demo scanner seed', parseIntIn(0, 2 ** 31))
    .option('--as <user>', '扫描员 / operator (default: the login name)')
    .action(
      async (opts: {
        data?: string;
        device: string;
        volume: string;
        source: ScanSource;
        dpi: number;
        mode: ScanMode;
        pages?: number;
        seed?: number;
        as?: string;
      }) => {
        result.code = await scanCommand(
          {
            dataDir: resolveDataDir({ flag: opts.data }),
            device: opts.device,
            volume: opts.volume,
            source: opts.source,
            dpi: opts.dpi,
            mode: opts.mode,
            ...(opts.pages !== undefined ? { pages: opts.pages } : {}),
            ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
            ...(opts.as !== undefined ? { as: opts.as } : {}),
          },
          io,
        );
      },
    );

  program
    .command('import')
    .description('从文件夹导入扫描图像（JPEG、PNG、TIFF）/ import scans from a folder (JPEG, PNG, TIFF)')
    .argument('<folder>', '文件夹 / folder')
    .addOption(dataOption())
    .requiredOption('--volume <id>', '案卷编号、UID 或档号 / volume id, uid or 档号')
    .option('--watch', '持续监视（热文件夹）/ keep watching (hot folder)')
    .option('--as <user>', '扫描员 / operator (default: the login name)')
    .action(async (folder: string, opts: { data?: string; volume: string; watch?: boolean; as?: string }) => {
      result.code = await importCommand(
        {
          dataDir: resolveDataDir({ flag: opts.data }),
          folder,
          volume: opts.volume,
          watch: opts.watch ?? false,
          ...(opts.as !== undefined ? { as: opts.as } : {}),
        },
        io,
      );
    });
}
