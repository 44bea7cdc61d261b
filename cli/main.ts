import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { registerBagCommands } from './commands/bag-register';
import { registerCataloguingCommands } from './commands/cataloguing-register';
import { registerStoreCommands } from './commands/store-register';
import { registerDataHealthCommands } from './commands/data-health';
import { registerLabelCommands } from './commands/label-register';
import { registerCaptureCommands } from './commands/capture-register';
import { registerUserCommands } from './commands/users-register';
import { isDomainError } from '../core/errors';
import { dataDirFromFlag } from './data-dir-flag';
import { EXIT } from './exit-codes';
import { processIo, type Io } from './output';
import { translateUsageError } from './usage-errors';
import { useBilingualHelp } from './help-text';

function dataOption(): Option {
  return new Option(
    '--data <dir>',
    '工作站数据目录 / workstation data folder (default: $DANGAN_DATA or the app-data folder)',
  );
}

function parseBlobSample(value: string): number | 'all' {
  if (value === 'all') return 'all';
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError('应为非负整数或 all / expected a non-negative integer or "all"');
  return n;
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('应为 0–65535 的端口号 / expected a port number 0–65535');
  return n;
}

/**
 * Every command is registered up front (names, options, help); each loads the modules it runs on (sharp,
 * SQLite, fastify, the engine…) only in its action, so that start-up and help cost only what is used.
 */
export function buildProgram(io: Io): { program: Command; result: { code: number } } {
  const result = { code: EXIT.ok as number };
  const program = useBilingualHelp(new Command('dangan'))
    .description(
      '档案 Dangan — 企业登记档案数字化工作站 / scanning and cataloguing workstation for enterprise registration archives',
    )
    .exitOverride()
    .configureOutput({
      writeOut: (s) => {
        io.out(s.trimEnd());
      },
      writeErr: (s) => {
        io.err(s.trimEnd());
      },
      outputError: (s) => {
        io.err(translateUsageError(s));
      },
    })
    .showHelpAfterError('(用 --help 查看用法 / add --help for usage)');

  const code = program
    .command('code')
    .description('统一社会信用代码与注册号 / unified social credit codes and registration numbers');
  code
    .command('check')
    .description('校验代码 / validate codes (USCC per GB 32100-2015, 15-digit 注册号 per ISO 7064 MOD 11,10)')
    .argument('<code...>', '要校验的代码 / codes to check')
    .option('--json', '以 JSON 输出 / print JSON')
    .action(async (codes: string[], opts: { json?: boolean }) => {
      const { codeCheckCommand } = await import('./commands/code-check');
      result.code = codeCheckCommand(codes, { json: opts.json ?? false }, io);
    });

  const db = program.command('db').description('本地档案数据库 / the local archive database');
  db.command('check')
    .description(
      '检查数据库完整性、外键、审计链与图像文件 / check integrity, foreign keys, audit chain and blobs',
    )
    .addOption(dataOption())
    .option('--blobs <n|all>', '抽查的图像数，或 all / blobs to re-hash, or "all"', parseBlobSample, 50)
    .option('--json', '以 JSON 输出 / print JSON')
    .action(async (opts: { data?: string; blobs: number | 'all'; json?: boolean }) => {
      const { dbCheckCommand } = await import('./commands/db-check');
      result.code = dbCheckCommand(
        { dataDir: await dataDirFromFlag(opts.data), blobs: opts.blobs, json: opts.json ?? false },
        io,
      );
    });

  program
    .command('start')
    .description('启动工作站 / start the workstation')
    .addOption(dataOption())
    .option('--browser', '浏览器模式，即使有 Electron / browser mode even where Electron exists')
    .option('--port <n>', '浏览器模式端口（默认随机）/ browser-mode port (default: any free one)', parsePort)
    .option('--check', '只准备数据目录并退出 / only prepare the data folder, then exit')
    .action(async (opts: { data?: string; browser?: boolean; port?: number; check?: boolean }) => {
      const { startCommand } = await import('./commands/start');
      result.code = await startCommand(
        {
          dataDir: await dataDirFromFlag(opts.data),
          mode: opts.browser ? 'browser' : 'auto',
          check: opts.check ?? false,
          ...(opts.port !== undefined ? { port: opts.port } : {}),
        },
        io,
      );
    });

  registerBagCommands(program, io, result);
  registerStoreCommands(program, io, result);
  registerDataHealthCommands(program, io, result);
  registerLabelCommands(program, io, result);
  registerCataloguingCommands(program, io, result);
  registerCaptureCommands(program, io, result);
  registerUserCommands(program, io, result);

  return { program, result };
}

/** Runs the CLI and returns its exit code (0 ok, 1 finding or invalid input, 2 usage error). */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  const { program, result } = buildProgram(io);
  try {
    await program.parseAsync([...argv]);
    return result.code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Asked-for help and version end in a CommanderError with exit code 0; they are not failures.
      // Everything else (unknown option, missing argument or subcommand) is a usage error.
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    // An expected failure no command caught (an unusable data folder, say): one line, not a stack trace.
    if (isDomainError(e)) {
      const { printError } = await import('./commands/data-folder');
      printError(e, io);
      return EXIT.finding;
    }
    throw e;
  }
}
