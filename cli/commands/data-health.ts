import { InvalidArgumentError, type Command } from 'commander';
import { CHECK_IDS, type CheckId } from '../../core/checks/categories';
import { parseOnly } from '../../core/checks/finding';
import { isDomainError } from '../../core/errors';
import type { Io } from '../output';
import { dataDirFromFlag } from '../data-dir-flag';

function onlyOption(value: string): CheckId[] {
  try {
    return parseOnly(value, CHECK_IDS);
  } catch (e) {
    if (isDomainError(e)) throw new InvalidArgumentError(`${e.text.zh} / ${e.text.en}`);
    throw e;
  }
}

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError('应为非负整数 / expected a non-negative integer');
  return n;
}

/**
 * The data-health commands (issue 7): check, fix, maintain, backup, restore, report. Registered from
 * cli/main.ts with one call so that this area grows without touching the shared file again. Each action
 * loads its implementation when it runs: start-up and help stay quick.
 */
export function registerDataHealthCommands(program: Command, io: Io, result: { code: number }): void {
  program
    .command('check')
    .description('月度数据检错 / the monthly data checks (检错)')
    .option('--data <dir>', '工作站数据目录 / workstation data folder')
    .option('--store-data <dir>', '档案库数据目录 / archive store data folder')
    .option('--roster <file>', '登记系统名录（CSV 或 JSON）/ registration roster (CSV or JSON)')
    .option('--only <ids>', `只检查这些类别 / only these categories (${CHECK_IDS.join(',')})`, onlyOption)
    .option('--json', '以 JSON 输出 / print JSON')
    .option('--xlsx <file>', '写出 Excel 报表 / write an Excel report')
    .option(
      '--fixity-runs <n>',
      '完整复核分摊的运行次数，0 为本次不复核 / runs a full re-hash is spread over (0: skip)',
      nonNegativeInt,
      30,
    )
    .option('--no-decode', '完整复核只查结构，不解码图像 / fixity slice: structure only, no full decode')
    .option(
      '--full-listing',
      '重新读取全部存储目录 / list every storage folder again (finds files damaged in place)',
    )
    .action(
      async (opts: {
        data?: string;
        storeData?: string;
        roster?: string;
        only?: CheckId[];
        json?: boolean;
        xlsx?: string;
        fixityRuns: number;
        decode: boolean;
        fullListing?: boolean;
      }) => {
        const { checkCommand } = await import('./check');
        result.code = await checkCommand(
          {
            data: opts.data,
            storeData: opts.storeData,
            roster: opts.roster,
            only: opts.only,
            json: opts.json ?? false,
            xlsx: opts.xlsx,
            fixityRuns: opts.fixityRuns,
            decode: opts.decode,
            fullListing: opts.fullListing ?? false,
          },
          io,
        );
      },
    );

  program
    .command('fix')
    .description(
      '自动修正（改错），可撤销 / automatic corrections (改错), undoable: fix <category> --dry-run|--apply, fix undo <audit id>',
    )
    .argument('<category>', 'redundant-data | index-error | page-error | page-count | undo')
    .argument('[auditId]', '撤销时的审计记录号 / the audit record to undo')
    .option('--data <dir>', '工作站数据目录 / workstation data folder')
    .option('--dry-run', '只显示将做的修改 / show the changes only')
    .option('--apply', '执行修改 / make the changes')
    .option('--reason <text>', '更正原因（page-count 必填）/ why (required for page-count)')
    .option('--json', '以 JSON 输出 / print JSON')
    .action(
      async (
        category: string,
        auditId: string | undefined,
        opts: { data?: string; dryRun?: boolean; apply?: boolean; reason?: string; json?: boolean },
      ) => {
        if (category !== 'undo' && (opts.dryRun ?? false) === (opts.apply ?? false)) {
          io.err('请指定 --dry-run 或 --apply 之一 / give exactly one of --dry-run or --apply');
          result.code = 2;
          return;
        }
        const { fixCommand } = await import('./fix');
        result.code = fixCommand(
          {
            dataDir: await dataDirFromFlag(opts.data),
            category,
            auditId,
            mode: opts.apply === true ? 'apply' : 'dry-run',
            reason: opts.reason,
            json: opts.json ?? false,
          },
          io,
        );
      },
    );

  program
    .command('maintain')
    .description(
      '数据库维护：完整性、外键、ANALYZE、空间回收、WAL 检查点、审计链、按保留期清理 / database maintenance',
    )
    .option('--data <dir>', '工作站数据目录 / workstation data folder')
    .option('--json', '以 JSON 输出 / print JSON')
    .action(async (opts: { data?: string; json?: boolean }) => {
      const { maintainCommand } = await import('./maintenance');
      result.code = maintainCommand(
        { dataDir: await dataDirFromFlag(opts.data), json: opts.json ?? false },
        io,
      );
    });

  program
    .command('backup')
    .description('在线备份并校验 / online backup, verified before it counts')
    .requiredOption('--to <dir>', '备份目录 / backup folder')
    .option('--data <dir>', '工作站数据目录 / workstation data folder')
    .option('--keep <n>', '保留的备份数 / backups to keep', nonNegativeInt, 7)
    .option('--json', '以 JSON 输出 / print JSON')
    .action(async (opts: { to: string; data?: string; keep: number; json?: boolean }) => {
      const { backupCommand } = await import('./maintenance');
      result.code = await backupCommand(
        {
          dataDir: await dataDirFromFlag(opts.data),
          to: opts.to,
          keep: opts.keep,
          json: opts.json ?? false,
        },
        io,
      );
    });

  program
    .command('restore')
    .description('从备份恢复（工作站须已关闭）/ restore from a backup (the workstation must be closed)')
    .requiredOption('--from <backup>', '备份目录 dangan-<时间> / a backup folder dangan-<time>')
    .option('--data <dir>', '工作站数据目录 / workstation data folder')
    .option('--dry-run', '只校验并显示将做的事 / verify and show what would happen')
    .option('--json', '以 JSON 输出 / print JSON')
    .action(async (opts: { from: string; data?: string; dryRun?: boolean; json?: boolean }) => {
      const { restoreCommand } = await import('./maintenance');
      result.code = restoreCommand(
        {
          dataDir: await dataDirFromFlag(opts.data),
          from: opts.from,
          dryRun: opts.dryRun ?? false,
          json: opts.json ?? false,
        },
        io,
      );
    });

  program
    .command('report')
    .description('综合统计 / statistics')
    .command('monthly')
    .description(
      '月度统计：数字化量、质检、移交、检错趋势 / monthly figures: digitization, QA, transfers, check trend',
    )
    .requiredOption('--month <YYYY-MM>', '月份（北京时间）/ the month (China Standard Time)')
    .option('--data <dir>', '工作站数据目录 / workstation data folder')
    .option('--xlsx <file>', '写出 Excel 报表 / write an Excel workbook')
    .option('--json', '以 JSON 输出 / print JSON')
    .action(async (opts: { month: string; data?: string; xlsx?: string; json?: boolean }) => {
      const { reportMonthlyCommand } = await import('./report');
      result.code = await reportMonthlyCommand(
        {
          dataDir: await dataDirFromFlag(opts.data),
          month: opts.month,
          xlsx: opts.xlsx,
          json: opts.json ?? false,
        },
        io,
      );
    });
}
