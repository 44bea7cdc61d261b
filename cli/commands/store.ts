import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import { findBureau, DEFAULT_PROVINCE } from '../../core/bureaus';
import { TransfersRepo } from '../../db/repos/transfers';
import { buildStoreApp } from '../../store/server';
import { resolveDataDir } from '../../workstation/data-dir';
import { EXIT } from '../exit-codes';
import type { Io } from '../output';
import { bagImportCommand, bagReceiptsCommand } from './bag-import';
import { bagDirsOf } from './bag';
import { openDataFolder, openStoreFolder, STORE_FOLDER } from './data-folder';
import { DomainError, isDomainError } from '../../core/errors';
import { bilingual, text } from '../../core/text';
import { uploadBagDir } from '../../workstation/transfer/upload-bag-dir';

/** `dangan bag import <dir>... --store <url>`: through the online protocol; credentials from the environment. */
async function bagImportRemoteCommand(dirs: readonly string[], url: string, io: Io): Promise<number> {
  const clientId = process.env['DANGAN_STORE_CLIENT_ID'];
  const secret = process.env['DANGAN_STORE_SECRET'];
  if (!clientId || !secret) {
    io.err(
      '需要 $DANGAN_STORE_CLIENT_ID 与 $DANGAN_STORE_SECRET / set $DANGAN_STORE_CLIENT_ID and $DANGAN_STORE_SECRET',
    );
    return EXIT.usage;
  }
  let failed = 0;
  for (const dir of bagDirsOf(dirs)) {
    try {
      const r = await uploadBagDir({ url, clientId, secret }, dir);
      io.out(`${r.created ? '✓ 已入库 committed' : '= 已存在 already there'}: ${dir}`);
    } catch (e) {
      if (!isDomainError(e)) throw e;
      failed++;
      io.out(`✗ 已拒绝 refused: ${dir}: ${bilingual(e.text)} [${e.code}]`);
    }
  }
  return failed === 0 ? EXIT.ok : EXIT.finding;
}

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

/**
 * `dangan store init --store-data <dir>`: the one command that makes a store data folder (a new path or
 * an empty folder), so that a typo in `--store-data` elsewhere is refused instead of serving or
 * importing into a new, empty store. An existing store folder is left as it is (upgraded if older).
 * Prints the receipt key a workstation trusts (`dangan store trust`).
 */
export function storeInitCommand(options: { storeData: string; json: boolean }, io: Io): number {
  const created = !fs.existsSync(path.join(options.storeData, STORE_FOLDER.dbFile));
  const store = openStoreFolder(options.storeData, { create: true });
  try {
    const out = {
      storeData: path.resolve(store.dir),
      created,
      storeKeyId: store.key.keyId,
      storePublicKey: store.key.publicKey,
    };
    if (options.json) io.out(JSON.stringify(out, null, 2));
    else {
      io.out(
        `${created ? '✓ 已建立档案库数据目录 store data folder made' : '= 已是档案库数据目录 already a store data folder'}: ${out.storeData}`,
      );
      io.out(`存储端回执公钥 store receipt key ${out.storeKeyId}: ${out.storePublicKey}`);
    }
    return EXIT.ok;
  } finally {
    store.close();
  }
}

/** `dangan store client add --bureau <code>`: prints the credential once (only its hash is kept). */
export function storeClientAddCommand(
  options: { storeData: string; bureau: string; label?: string; json: boolean },
  io: Io,
): number {
  if (!findBureau(DEFAULT_PROVINCE, options.bureau)) {
    io.err(`未知的局代码 / unknown bureau code: ${options.bureau}`);
    return EXIT.finding;
  }
  const store = openStoreFolder(options.storeData);
  try {
    const secret = randomBytes(32).toString('base64url');
    const client = store.repo.addClient(options.bureau, options.label ?? null, secret);
    const out = {
      clientId: client.clientId,
      secret,
      bureauCode: client.bureauCode,
      storeKeyId: store.key.keyId,
      storePublicKey: store.key.publicKey,
    };
    if (options.json) io.out(JSON.stringify(out, null, 2));
    else {
      io.out(`客户端 client id: ${out.clientId}`);
      io.out(`密钥 secret (只显示一次 shown once): ${out.secret}`);
      io.out(`所属局 bureau: ${out.bureauCode}`);
      io.out(`存储端回执公钥 store receipt key ${out.storeKeyId}: ${out.storePublicKey}`);
    }
    return EXIT.ok;
  } finally {
    store.close();
  }
}

/** `dangan store serve`: runs until SIGINT/SIGTERM. */
export async function storeServeCommand(
  options: { storeData: string; listen?: string; tlsCert?: string; tlsKey?: string },
  io: Io,
): Promise<number> {
  const store = openStoreFolder(options.storeData);
  const listen = options.listen ?? store.config.listen ?? '127.0.0.1:8443';
  const m = /^(.*):(\d+)$/.exec(listen);
  if (!m) {
    io.err(`--listen 应为 主机:端口 / --listen must be host:port: ${listen}`);
    store.close();
    return EXIT.usage;
  }
  const certFile = options.tlsCert ?? store.config.tlsCert;
  const keyFile = options.tlsKey ?? store.config.tlsKey;
  const https =
    certFile && keyFile ? { cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) } : undefined;
  const app = buildStoreApp(store, https ? { https } : {});
  await app.listen({ host: m[1] ?? '127.0.0.1', port: Number(m[2]) });
  const port = (app.server.address() as AddressInfo).port;
  io.out(
    `档案存储端已启动 / store listening on ${https ? 'https' : 'http'}://${m[1] ?? ''}:${port} (receipt key ${store.key.keyId})`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await app.close();
  store.close();
  return EXIT.ok;
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
    .action((opts: { storeData?: string; json?: boolean }) => {
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
    .action((opts: { bureau: string; label?: string; storeData?: string; json?: boolean }) => {
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
    .action((opts: { keyId: string; publicKey: string; data?: string }) => {
      const data = openDataFolder(resolveDataDir({ flag: opts.data }));
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
        result.code = await bagImportRemoteCommand(dirs, opts.store, io);
        return;
      }
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
    .action((file: string, opts: { data?: string }) => {
      result.code = bagReceiptsCommand(file, { dataDir: resolveDataDir({ flag: opts.data }) }, io);
    });
}
