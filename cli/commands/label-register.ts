import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import type { Io } from '../output';
import { dataDirFromFlag } from '../data-dir-flag';

// Registration of the label commands; each action loads its implementation (./label) when it runs, so
// that start-up and help stay quick.

function parseNonNegative(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError('应为非负整数 / expected a non-negative integer');
  return n;
}

function parsePositive(value: string): number {
  const n = parseNonNegative(value);
  if (n === 0) throw new InvalidArgumentError('应为正整数 / expected a positive integer');
  return n;
}

export function registerLabelCommands(program: Command, io: Io, result: { code: number }): void {
  const label = program.command('label').description('案卷二维码标签 / QR volume labels');
  // The layout names live with the PDF code (pdf-lib): loaded only once `label` is dispatched, before
  // any of its help (`label pdf --help`, `label help pdf`) or actions (parseAsync awaits the hook).
  const layout = new Option('--layout <name>', '').default('a4-3x8');
  program.hook('preSubcommand', async (_, sub) => {
    if (sub !== label) return;
    const { LAYOUT_NAMES } = await import('../../workstation/labels/label-pdf');
    layout.description = `版式 / layout: ${LAYOUT_NAMES.join(', ')}`;
  });
  label
    .command('pdf')
    .description('生成标签或分隔页 PDF / make label sheets or cover/separator sheets as PDF')
    .addOption(new Option('--data <dir>', '工作站数据目录 / workstation data folder'))
    .requiredOption('--volume <id...>', '案卷编号、UID 或档号 / volume ids, uids or 档号')
    .requiredOption('-o, --out <file.pdf>', '输出文件 / output file')
    .addOption(layout)
    .option(
      '--skip <n>',
      '首页跳过已用的标签位 / positions already used on the first sheet',
      parseNonNegative,
      0,
    )
    .action(async (opts: { data?: string; volume: string[]; out: string; layout: string; skip: number }) => {
      const { labelPdfCommand } = await import('./label');
      result.code = await labelPdfCommand(
        {
          dataDir: await dataDirFromFlag(opts.data),
          volumes: opts.volume,
          out: opts.out,
          layout: opts.layout,
          skip: opts.skip,
        },
        io,
      );
    });
  label
    .command('read')
    .description('识别扫描图像上的案卷标签 / find volume labels on scanned images')
    .argument('<image...>', '图像文件 / image files')
    .option(
      '--dpi <n>',
      '扫描分辨率（图像未注明时）/ scan resolution when the file does not say',
      parsePositive,
    )
    .option('--json', '以 JSON 输出 / print JSON')
    .action(async (images: string[], opts: { json?: boolean; dpi?: number }) => {
      const { labelReadCommand } = await import('./label');
      result.code = await labelReadCommand(
        images,
        { json: opts.json ?? false, ...(opts.dpi === undefined ? {} : { dpi: opts.dpi }) },
        io,
      );
    });
}
