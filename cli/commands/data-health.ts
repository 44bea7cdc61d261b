import { InvalidArgumentError, type Command } from 'commander';
import { CHECK_IDS, type CheckId } from '../../core/checks/categories';
import { EXIT } from '../exit-codes';
import type { Io } from '../output';
import { dataDirFromFlag } from '../data-dir-flag';

/**
 * A usage error naming what was not understood, then the ids that are (once: the id list is the same in
 * both languages). Used for `--only` and `fix <category>`, checked in the action rather than by
 * commander, whose invalid-argument line would repeat a bilingual message in both of its lines.
 */
function unknownIds(
  io: Io,
  what: { zh: string; en: string },
  unknown: readonly string[],
  known: readonly string[],
): number {
  const zh = unknown.join(', ') || '（空）';
  const en = unknown.join(', ') || '(none given)';
  io.err(`用法错误：未知的${what.zh} ${zh} / usage error: unknown ${what.en} ${en}`);
  io.err(`可用 / known: ${known.join(', ')}`);
  io.err('(用 --help 查看用法 / add --help for usage)');
  return EXIT.usage;
}

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError('应为非负整数 / expected a non-negative integer');
  return n;
}

interface Targets {
  readonly data?: string | undefined;
  readonly storeData?: string | undefined;
}

/** `--data` with `--store-data`: a usage error (exit 2), said before anything is opened. */
function bothTargets(opts: Targets, io: Io, result: { code: number }): boolean {
  if (opts.data === undefined || opts.storeData === undefined) return false;
  io.err(
    '用法错误：请只指定 --data 或 --store-data 之一 / usage error: give only one of --data or --store-data',
  );
  result.code = EXIT.usage;
  return true;
}

/** The folder a maintenance command works on: a store's, or a workstation's (default folder without --data). */
async function target(opts: Targets): Promise<{ dataDir: string; store: boolean }> {
  if (opts.storeData !== undefined) return { dataDir: opts.storeData, store: true };
  return { dataDir: await dataDirFromFlag(opts.data), store: false };
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
    .option('--only <ids>', `只检查这些类别 / only these categories (${CHECK_IDS.join(',')})`)
    .option('--json', '以 JSON 输出 / print JSON')
    .option('--xlsx <file>', '写出 Excel 报表 / write an Excel report')
    .option(
      '--fixity-runs <n>',
      '完整复核分摊的运行次数：每次重新计算约 1/n 图像的摘要（至少 1 个），n 次运行内每个图像都复核一次，大小不变的内容损坏也能发现；0 为本次不复核 / ' +
        'runs the full re-hash is spread over: each run re-hashes about 1/n of the images (at least one), so every image, and damage that keeps its size, is checked within n runs; 0: skip',
      nonNegativeInt,
      30,
    )
    .option('--no-decode', '完整复核只查结构，不解码图像 / fixity slice: structure only, no full decode')
    .option(
      '--full-listing',
      '重新列出全部存储目录，不信任上次的目录时间戳：可发现丢失和大小改变的文件；大小不变的内容损坏只能由完整复核（--fixity-runs）发现 / ' +
        'list every storage folder again, not trusting the stamps of the last listing: finds missing files and changed sizes; damage that keeps the size is found only by the re-hash (--fixity-runs)',
    )
    .action(
      async (opts: {
        data?: string;
        storeData?: string;
        roster?: string;
        only?: string;
        json?: boolean;
        xlsx?: string;
        fixityRuns: number;
        decode: boolean;
        fullListing?: boolean;
      }) => {
        let only: CheckId[] | undefined;
        if (opts.only !== undefined) {
          const ids = opts.only
            .split(',')
            .map((x) => x.trim())
            .filter((x) => x !== '');
          const unknown = ids.filter((id) => !(CHECK_IDS as readonly string[]).includes(id));
          if (unknown.length > 0 || ids.length === 0) {
            result.code = unknownIds(io, { zh: '检错类别', en: 'check category' }, unknown, CHECK_IDS);
            return;
          }
          only = CHECK_IDS.filter((id) => ids.includes(id));
        }
        const { checkCommand } = await import('./check');
        result.code = await checkCommand(
          {
            data: opts.data,
            storeData: opts.storeData,
            roster: opts.roster,
            only,
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
    .option('--store-data <dir>', '（不适用：档案库不做改错）/ (not applicable: a store is not corrected)')
    .option(
      '--dry-run',
      '只显示将做的修改（撤销时：将恢复的记录）/ show the changes only (undo: the rows it would restore)',
    )
    .option('--apply', '执行修改（撤销不加参数即执行）/ make the changes (an undo runs without a flag too)')
    .option(
      '--reason <text>',
      '更正原因（page-count 执行时必填，预览不需要）/ why (page-count: required to apply, not to preview)',
    )
    .option(
      '--as <user>',
      '以此用户执行并记入审计（须为有技术员或管理员角色的在用用户；默认本机登录名）/ the user the audit names (an active technician or admin; default: the login name)',
    )
    .option('--json', '以 JSON 输出 / print JSON')
    .action(
      async (
        category: string,
        auditId: string | undefined,
        opts: {
          data?: string;
          storeData?: string;
          dryRun?: boolean;
          apply?: boolean;
          reason?: string;
          as?: string;
          json?: boolean;
        },
      ) => {
        if (opts.storeData !== undefined) {
          // A store holds received versions, each sealed by its manifest digest: a correction there
          // would make the archive differ from what was sent. Corrections are made on the workstation
          // and sent again as a new version.
          io.err(
            '档案库中的案卷版本已封存，不在档案库改错：请在工作站修正后重新移交（dangan check --store-data 可查看问题） / ' +
              'A store’s volume versions are sealed and are not corrected there: fix on the workstation and send the volume again (dangan check --store-data lists the findings)',
          );
          result.code = 2;
          return;
        }
        const { FIXABLE } = await import('../../db/checks/fixes');
        if (category !== 'undo' && !(CHECK_IDS as readonly string[]).includes(category)) {
          result.code = unknownIds(io, { zh: '类别', en: 'category' }, [category], [...FIXABLE, 'undo']);
          return;
        }
        // An undo runs without a flag (as before) or --apply, and previews with --dry-run.
        const dryRun = opts.dryRun ?? false;
        const apply = opts.apply ?? (category === 'undo' && !dryRun);
        if (dryRun === apply) {
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
            mode: apply ? 'apply' : 'dry-run',
            reason: opts.reason,
            as: opts.as,
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
    .option(
      '--store-data <dir>',
      '档案库数据目录（请先停止 store serve）/ archive store data folder (stop store serve first)',
    )
    .option('--json', '以 JSON 输出 / print JSON')
    .action(async (opts: { data?: string; storeData?: string; json?: boolean }) => {
      if (bothTargets(opts, io, result)) return;
      const { maintainCommand, maintainStoreCommand } = await import('./maintenance');
      const json = opts.json ?? false;
      result.code =
        opts.storeData !== undefined
          ? maintainStoreCommand({ storeDir: opts.storeData, json }, io)
          : maintainCommand({ dataDir: await dataDirFromFlag(opts.data), json }, io);
    });

  program
    .command('backup')
    .description('在线备份并校验 / online backup, verified before it counts')
    .requiredOption('--to <dir>', '备份目录 / backup folder')
    .option('--data <dir>', '工作站数据目录 / workstation data folder')
    .option(
      '--store-data <dir>',
      '档案库数据目录（含 keys/ 与 store.json）/ archive store data folder (with keys/, store.json)',
    )
    .option('--keep <n>', '保留的备份数 / backups to keep', nonNegativeInt, 7)
    .option('--json', '以 JSON 输出 / print JSON')
    .action(async (opts: { to: string; data?: string; storeData?: string; keep: number; json?: boolean }) => {
      if (bothTargets(opts, io, result)) return;
      const { backupCommand } = await import('./maintenance');
      result.code = await backupCommand(
        {
          ...(await target(opts)),
          to: opts.to,
          keep: opts.keep,
          json: opts.json ?? false,
        },
        io,
      );
    });

  program
    .command('restore')
    .description(
      '从备份恢复（工作站或 store serve 须已关闭）/ restore from a backup (the workstation or store serve must be stopped)',
    )
    .requiredOption('--from <backup>', '备份目录 dangan-<时间> / a backup folder dangan-<time>')
    .option('--data <dir>', '工作站数据目录 / workstation data folder')
    .option('--store-data <dir>', '档案库数据目录 / archive store data folder')
    .option('--dry-run', '只校验并显示将做的事 / verify and show what would happen')
    .option('--json', '以 JSON 输出 / print JSON')
    .action(
      async (opts: { from: string; data?: string; storeData?: string; dryRun?: boolean; json?: boolean }) => {
        if (bothTargets(opts, io, result)) return;
        const { restoreCommand } = await import('./maintenance');
        result.code = restoreCommand(
          {
            ...(await target(opts)),
            from: opts.from,
            dryRun: opts.dryRun ?? false,
            json: opts.json ?? false,
          },
          io,
        );
      },
    );

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
