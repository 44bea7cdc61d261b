import { type Command, InvalidArgumentError, Option } from 'commander';
import type { ScanMode, ScanSource } from '../../core/scanning/driver';
import type { Io } from '../output';
import { dataDirFromFlag } from '../data-dir-flag';
import type { CaptureTarget } from './capture';

// Registration of the capture commands; each action loads its implementation (./capture: drivers, the
// page pipeline, sharp) when it runs, so that start-up and help stay quick.

function parseIntIn(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`应为 ${min}–${max} 的整数 / expected an integer ${min}–${max}`);
    }
    return n;
  };
}

const dataOption = () =>
  new Option(
    '--data <dir>',
    '工作站数据目录 / workstation data folder (default: $DANGAN_DATA or the app-data folder; printed first)',
  );
const asOption = () =>
  new Option(
    '--as <user>',
    '扫描员的用户名，须为有扫描员角色的在用账号；缺省为本机登录名（须有同名的扫描员账号）/ the operator’s username: an active user with the scan operator role (default: the login name, if such a user exists)',
  );
const reopenOption = () =>
  new Option(
    '--reopen',
    '补扫：案卷已扫描完成时也扫入（回到“扫描中”，记入审计日志）/ scan more into a volume marked scanned (it goes back to scanning, audited)',
  );

interface TargetFlags {
  data?: string;
  volume: string;
  as?: string;
  reopen?: boolean;
}

async function target(opts: TargetFlags): Promise<CaptureTarget> {
  return {
    dataDir: await dataDirFromFlag(opts.data),
    volume: opts.volume,
    reopen: opts.reopen ?? false,
    ...(opts.as !== undefined ? { as: opts.as } : {}),
  };
}

export function registerCaptureCommands(program: Command, io: Io, result: { code: number }): void {
  program
    .command('devices')
    .description(
      '列出扫描设备（演示扫描仪 demo 总在其中）/ list scanning devices (the demo scanner is always there)',
    )
    .option('--json', '以 JSON 输出 / print JSON')
    .action(async (opts: { json?: boolean }) => {
      const { devicesCommand } = await import('./capture');
      result.code = await devicesCommand({ json: opts.json ?? false }, io);
    });

  program
    .command('scan')
    .description('扫描到案卷（一次扫描为一个批次）/ scan into a volume (one run, one batch)')
    .addOption(dataOption())
    .requiredOption('--device <id>', '设备 / device id (see `dangan devices`; `demo` needs no hardware)')
    .requiredOption('--volume <id>', '案卷编号、UID 或档号 / volume id, uid or 档号')
    .addOption(asOption())
    .addOption(reopenOption())
    .addOption(
      new Option('--source <source>', '纸张来源 / paper source')
        .choices(['feeder', 'flatbed', 'duplex'])
        .default('feeder'),
    )
    .option('--dpi <n>', '分辨率 / resolution (DA/T 31: 300 default, 200 minimum)', parseIntIn(50, 1200), 300)
    .addOption(
      new Option(
        '--mode <mode>',
        '色彩模式 / colour mode (auto 自动: 彩色扫描，有印章、红头的页保存为彩色，其余灰度 / scanned in colour, pages with seals or red headers kept in colour, the rest grey; 缺省与扫描界面相同：设备能扫彩色时为自动，否则灰度 / default as in the scan screen: auto where the device scans in colour, else gray)',
      ).choices(['auto', 'color', 'gray', 'lineart']),
    )
    .option('--pages <n>', '页数（演示扫描仪）/ pages (demo scanner)', parseIntIn(1, 100_000))
    .option(
      '--seed <n>',
      '演示扫描仪的随机种子（缺省每次不同，并打印出来）/ demo scanner seed (default: a fresh one, printed)',
      parseIntIn(0, 2 ** 31),
    )
    .action(
      async (
        opts: TargetFlags & {
          device: string;
          source: ScanSource;
          dpi: number;
          mode?: ScanMode;
          pages?: number;
          seed?: number;
        },
      ) => {
        const { scanCommand } = await import('./capture');
        result.code = await scanCommand(
          {
            ...(await target(opts)),
            device: opts.device,
            source: opts.source,
            dpi: opts.dpi,
            ...(opts.mode !== undefined ? { mode: opts.mode } : {}),
            ...(opts.pages !== undefined ? { pages: opts.pages } : {}),
            ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
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
    .addOption(asOption())
    .addOption(reopenOption())
    .option('--watch', '持续监视（热文件夹）/ keep watching (hot folder)')
    .action(async (folder: string, opts: TargetFlags & { watch?: boolean }) => {
      const { importCommand } = await import('./capture');
      result.code = await importCommand({ ...(await target(opts)), folder, watch: opts.watch ?? false }, io);
    });
}
