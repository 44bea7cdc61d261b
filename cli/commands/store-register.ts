import type { Command } from 'commander';
import { DomainError } from '../../core/errors';
import { text } from '../../core/text';
import { EXIT } from '../exit-codes';
import type { Io } from '../output';
import { dataDirFromFlag } from '../data-dir-flag';

// Registration of the store commands; each action loads its implementation (./store, ./bag-import) when
// it runs, so that start-up and help stay quick.

function storeDataDir(flag: string | undefined): string {
  const dir = flag ?? process.env['DANGAN_STORE_DATA'];
  if (!dir) {
    throw new DomainError(
      'store.data-required',
      text(
        '须指定 --store-data <目录>（或 $DANGAN_STORE_DATA）',
        '--store-data <dir> (or $DANGAN_STORE_DATA) is required',
      ),
    );
  }
  return dir;
}

export function registerStoreCommands(program: Command, io: Io, result: { code: number }): void {
  const store = program.command('store').description('档案存储端 / the archive store');
  store
    .command('init')
    .description(
      '建立新的存储端数据目录（其他命令只用已有的）/ make a new store data folder (every other command needs an existing one)',
    )
    .option('--store-data <dir>', '存储端数据目录 / store data folder ($DANGAN_STORE_DATA)')
    .option('--json', '以 JSON 输出 / print JSON')
    .action(async (opts: { storeData?: string; json?: boolean }) => {
      const { storeInitCommand } = await import('./store');
      result.code = storeInitCommand(
        { storeData: storeDataDir(opts.storeData), json: opts.json ?? false },
        io,
      );
    });
  store
    .command('serve')
    .description('启动存储端服务 / run the store server')
    .option('--store-data <dir>', '存储端数据目录 / store data folder ($DANGAN_STORE_DATA)')
    .option('--listen <host:port>', '监听地址 / listen address (default 127.0.0.1:8443)')
    .option('--tls-cert <file>', 'TLS 证书 / TLS certificate (PEM)')
    .option('--tls-key <file>', 'TLS 私钥 / TLS private key (PEM)')
    .action(async (opts: { storeData?: string; listen?: string; tlsCert?: string; tlsKey?: string }) => {
      const { storeServeCommand } = await import('./store');
      result.code = await storeServeCommand(
        {
          storeData: storeDataDir(opts.storeData),
          ...(opts.listen === undefined ? {} : { listen: opts.listen }),
          ...(opts.tlsCert === undefined ? {} : { tlsCert: opts.tlsCert }),
          ...(opts.tlsKey === undefined ? {} : { tlsKey: opts.tlsKey }),
        },
        io,
      );
    });
  const client = store.command('client').description('工作站凭据 / workstation credentials');
  client
    .command('add')
    .description('为工作站签发凭据 / issue a credential bound to a bureau')
    .requiredOption('--bureau <code>', '所属局代码 / bureau code')
    .option('--label <text>', '说明 / label')
    .option('--store-data <dir>', '存储端数据目录 / store data folder ($DANGAN_STORE_DATA)')
    .option('--json', '以 JSON 输出 / print JSON')
    .action(async (opts: { bureau: string; label?: string; storeData?: string; json?: boolean }) => {
      const { storeClientAddCommand } = await import('./store');
      result.code = storeClientAddCommand(
        {
          storeData: storeDataDir(opts.storeData),
          bureau: opts.bureau,
          ...(opts.label === undefined ? {} : { label: opts.label }),
          json: opts.json ?? false,
        },
        io,
      );
    });
  store
    .command('trust')
    .description('工作站信任存储端回执公钥 / make this workstation trust a store receipt key')
    .requiredOption('--key-id <id>', '公钥编号 / key id')
    .requiredOption('--public-key <base64>', '公钥 / public key (SPKI DER, base64)')
    .option('--data <dir>', '工作站数据目录 / workstation data folder')
    .action(async (opts: { keyId: string; publicKey: string; data?: string }) => {
      const { openDataFolder } = await import('./data-folder');
      const { TransfersRepo } = await import('../../db/repos/transfers');
      const data = openDataFolder(await dataDirFromFlag(opts.data));
      try {
        new TransfersRepo(data.db).trustStoreKey(opts.keyId, opts.publicKey);
        io.out(`✓ 已信任 trusted: ${opts.keyId}`);
        result.code = EXIT.ok;
      } finally {
        data.close();
      }
    });
}

export function registerBagTransferCommands(bag: Command, io: Io, result: { code: number }): void {
  bag
    .command('import')
    .description('在存储端导入 BagIt 包 / import bags at the store (as the online path does)')
    .argument('<dir...>', '包目录或含多个包的目录 / bag folders, or a folder of bags')
    .option('--store-data <dir>', '存储端数据目录 / store data folder ($DANGAN_STORE_DATA)')
    .option('--store <url>', '远程存储端 / a remote store ($DANGAN_STORE_CLIENT_ID, $DANGAN_STORE_SECRET)')
    .option('--receipts <file>', '回执文件 / where to write the receipt file')
    .action(async (dirs: string[], opts: { storeData?: string; store?: string; receipts?: string }) => {
      if (opts.store !== undefined) {
        const { bagImportRemoteCommand } = await import('./store');
        result.code = await bagImportRemoteCommand(dirs, opts.store, io);
        return;
      }
      const { bagImportCommand } = await import('./bag-import');
      result.code = bagImportCommand(
        dirs,
        {
          storeData: storeDataDir(opts.storeData),
          ...(opts.receipts === undefined ? {} : { receipts: opts.receipts }),
        },
        io,
      );
    });
  bag
    .command('receipts')
    .description('在工作站导入存储端回执 / import the store’s receipt file at the workstation')
    .argument('<file>', 'store-receipts.json')
    .option('--data <dir>', '工作站数据目录 / workstation data folder')
    .action(async (file: string, opts: { data?: string }) => {
      const { bagReceiptsCommand } = await import('./bag-import');
      result.code = bagReceiptsCommand(file, { dataDir: await dataDirFromFlag(opts.data) }, io);
    });
}
