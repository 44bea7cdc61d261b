import { type Command, InvalidArgumentError, Option } from 'commander';
import type { Io } from '../output';
import type {
  CatalogueSaveOptions,
  CatalogueSuggestOptions,
  EnterpriseCreateOptions,
  EnterpriseFindOptions,
  EnterpriseSetUsccOptions,
  VerifyOptions,
  VolumeCreateOptions,
} from './cataloguing';

// Registration of the registration and cataloguing commands; each action loads its implementation
// (./cataloguing: the database, OCR, machine checks) when it runs, so that start-up and help stay quick.

type Result = { code: number };

function dataOption(): Option {
  return new Option('--data <dir>', '工作站数据目录 / workstation data folder');
}

function parseInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('应为整数 / expected an integer');
  return n;
}

const CATALOGUE_FILE_HELP =
  '著录 JSON：文件数组或 {documents, pageCountReason} / JSON: an array of documents or {documents, pageCountReason}';

export function registerCataloguingCommands(program: Command, io: Io, result: Result): void {
  const enterprise = program.command('enterprise').description('企业（市场主体）/ enterprises');
  enterprise
    .command('find')
    .description('按统一社会信用代码、注册号或名称查找 / find by USCC, 注册号 or name (prefix, fuzzy)')
    .argument('<query>', '代码或名称 / code or name')
    .addOption(dataOption())
    .option('--json', '以 JSON 输出 / print JSON')
    .action(async (query: string, opts: EnterpriseFindOptions) => {
      const { enterpriseFindCommand } = await import('./cataloguing');
      result.code = await enterpriseFindCommand(query, opts, io);
    });
  enterprise
    .command('create')
    .description('登记企业 / register an enterprise')
    .addOption(dataOption())
    .option('--uscc <code>', '统一社会信用代码 / USCC')
    .option('--reg-no <code>', '注册号 / 15-digit registration number')
    .requiredOption('--name <name>', '企业名称 / name')
    .option(
      '--bureau <code>',
      '登记机关代码（默认：代码所属行政区划的局，区县归市，其余归省局）/ registration authority code (default: the bureau of the code’s division, a county’s city, else the province)',
    )
    .option('--as <user>', '操作人 / acting user (default: the login name)')
    .option('--json', '以 JSON 输出 / print JSON')
    .action(async (opts: EnterpriseCreateOptions) => {
      const { enterpriseCreateCommand } = await import('./cataloguing');
      result.code = await enterpriseCreateCommand(opts, io);
    });

  enterprise
    .command('set-uscc')
    .description(
      '补录统一社会信用代码（只有注册号的企业，记为其代码别名）/ record the USCC of an enterprise known only by its 注册号 (kept as a code alias)',
    )
    .argument('<enterprise>', '企业编号或注册号 / enterprise id or 注册号')
    .argument('<code>', '统一社会信用代码 / USCC')
    .addOption(dataOption())
    .option('--as <user>', '操作人 / acting user (default: the login name)')
    .option('--json', '以 JSON 输出 / print JSON')
    .action(async (ref: string, code: string, opts: EnterpriseSetUsccOptions) => {
      const { enterpriseSetUsccCommand } = await import('./cataloguing');
      result.code = await enterpriseSetUsccCommand(ref, code, opts, io);
    });

  const volume = program.command('volume').description('案卷 / volumes');
  volume
    .command('create')
    .description(
      '登记案卷（档号自动编排，先查重）/ register a volume (next 档号, duplicate-digitization guard)',
    )
    .addOption(dataOption())
    .requiredOption('--enterprise <id|code>', '企业编号或代码 / enterprise id, USCC or 注册号')
    .option('--type <code>', '案卷类型（默认 SL）/ volume type (SL BG ZX DX QR QC BA QT; default SL)')
    .option(
      '--year <yyyy>',
      '年度（默认：登记日期的年份，否则今年）/ year (default: the registration date’s, else this year)',
      parseInteger,
    )
    .option(
      '--bureau <code>',
      "档案所属局代码（默认：企业的所属局）/ owning bureau code (default: the enterprise's)",
    )
    .option('--date <yyyymmdd>', '登记日期 / registration date')
    .option('--pages <n>', '登记页数 / declared page count', parseInteger)
    .option('--reason <text>', '已有同类案卷时继续的原因 / reason to continue when the guard finds a volume')
    .option('--as <user>', '操作人 / acting user')
    .option('--json', '以 JSON 输出 / print JSON')
    .action(async (opts: VolumeCreateOptions) => {
      const { volumeCreateCommand } = await import('./cataloguing');
      result.code = await volumeCreateCommand(opts, io);
    });

  const catalogue = program.command('catalogue').description('著录标引 / cataloguing');
  catalogue
    .command('suggest')
    .description('由题名区文字识别建议分件与类型 / propose documents and types from title-zone OCR')
    .argument('<volume>', '案卷编号、UID 或档号 / volume id, uid or 档号')
    .addOption(dataOption())
    .option('--no-ocr', '不先识别未识别的题名区 / do not OCR title zones that have not been read')
    .option('--json', '以 JSON 输出 / print JSON')
    .action(async (ref: string, opts: CatalogueSuggestOptions) => {
      const { catalogueSuggestCommand } = await import('./cataloguing');
      result.code = await catalogueSuggestCommand(ref, opts, io);
    });
  catalogue
    .command('set')
    .description(
      '保存著录（整卷替换）：有问题也保存为草稿，像“保存”一样 / save the catalogue of a volume (replaces it); kept as a draft with its findings, as 保存 does',
    )
    .argument('<volume>', '案卷编号、UID 或档号 / volume id, uid or 档号')
    .requiredOption('--file <json>', CATALOGUE_FILE_HELP)
    .addOption(dataOption())
    .option(
      '--finish',
      '保存并完成著录（同 catalogue finish）/ save and finish (as catalogue finish): every rule must pass',
    )
    .option('--as <user>', '操作人 / acting user')
    .option('--json', '以 JSON 输出 / print JSON')
    .action(async (ref: string, opts: CatalogueSaveOptions) => {
      const { saveCatalogue } = await import('./cataloguing');
      result.code = await saveCatalogue(ref, opts, opts.finish === true, io);
    });
  catalogue
    .command('finish')
    .alias('complete')
    .description(
      '完成著录，提交图文校核（所有规则须通过）/ finish cataloguing for QA: refused, with the findings, unless every rule passes',
    )
    .argument('<volume>', '案卷编号、UID 或档号 / volume id, uid or 档号')
    .option('--file <json>', `${CATALOGUE_FILE_HELP}（默认：已保存的著录 / default: the catalogue as saved）`)
    .addOption(dataOption())
    .option('--as <user>', '操作人 / acting user')
    .option('--json', '以 JSON 输出 / print JSON')
    .action(async (ref: string, opts: CatalogueSaveOptions) => {
      const { saveCatalogue } = await import('./cataloguing');
      result.code = await saveCatalogue(ref, opts, true, io);
    });

  program
    .command('verify')
    .description(
      '图文校核机检（页数、著录、空白页、代码与名称、标签、分辨率、重复图像）/ machine checks of a volume',
    )
    .argument('<volume>', '案卷编号、UID 或档号 / volume id, uid or 档号')
    .addOption(dataOption())
    .option('--min-dpi <n>', '最低分辨率 / resolution floor (DA/T 31: 200)', parseInteger)
    .option('--json', '以 JSON 输出 / print JSON')
    .action(async (ref: string, opts: VerifyOptions) => {
      const { verifyCommand } = await import('./cataloguing');
      result.code = await verifyCommand(ref, opts, io);
    });
}
