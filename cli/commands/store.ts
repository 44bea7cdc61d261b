import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { findBureau, DEFAULT_PROVINCE } from '../../core/bureaus';
import { buildStoreApp } from '../../store/server';
import { EXIT } from '../exit-codes';
import type { Io } from '../output';
import { bagDirsOf } from './bag';
import { openStoreFolder, STORE_FOLDER } from './data-folder';
import { isDomainError } from '../../core/errors';
import { bilingual } from '../../core/text';
import { uploadBagDir } from '../../workstation/transfer/upload-bag-dir';

/** `dangan bag import <dir>... --store <url>`: through the online protocol; credentials from the environment. */
export async function bagImportRemoteCommand(dirs: readonly string[], url: string, io: Io): Promise<number> {
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
