import type { Command } from 'commander';
import { Option } from 'commander';
import type { Io } from '../output';
import { dataDirFromFlag } from '../data-dir-flag';
import { registerBagTransferCommands } from './store-register';

// Registration of the bag commands; each action loads its implementation (./bag) when it runs, so that
// start-up and help stay quick.

export function registerBagCommands(program: Command, io: Io, result: { code: number }): void {
  const bag = program.command('bag').description('BagIt 包（离线移交）/ BagIt bags (offline transfer)');
  bag
    .command('export')
    .description('把案卷写成 BagIt 包 / write volumes as BagIt bags with a batch manifest')
    .addOption(new Option('--data <dir>', '工作站数据目录 / workstation data folder'))
    .requiredOption('--volume <id...>', '案卷编号或 UID / volume ids or uids')
    .requiredOption('--to <dir>', '目标目录（如移动硬盘）/ target folder (e.g. a removable disk)')
    .option('--batch <name>', '批次名 / batch name (Bag-Group-Identifier)')
    .action(async (opts: { data?: string; volume: string[]; to: string; batch?: string }) => {
      const { bagExportCommand } = await import('./bag');
      result.code = bagExportCommand(
        {
          dataDir: await dataDirFromFlag(opts.data),
          volumes: opts.volume,
          to: opts.to,
          ...(opts.batch === undefined ? {} : { batch: opts.batch }),
        },
        io,
      );
    });
  bag
    .command('validate')
    .description('校验 BagIt 包（完整性与有效性）/ validate bags (complete and valid)')
    .argument('<dir...>', '包目录，或含 batch-manifest.json 的目录 / bag folders, or a folder of bags')
    .option('--json', '以 JSON 输出 / print JSON')
    .action(async (dirs: string[], opts: { json?: boolean }) => {
      const { bagValidateCommand } = await import('./bag');
      result.code = bagValidateCommand(dirs, { json: opts.json ?? false }, io);
    });
  registerBagTransferCommands(bag, io, result);
}
