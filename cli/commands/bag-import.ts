import path from 'node:path';
import { canonicalJson } from '../../core/canonical-json';
import { isDomainError } from '../../core/errors';
import { bilingual } from '../../core/text';
import { receiptFileSchema, type SignedReceipt } from '../../core/bagit';
import { writeFileDurably } from '../../db/durable-file';
import { importListedBag } from '../../store/offline-import';
import { listBagDir, validateBagDir } from '../../workstation/transfer/bag-dir';
import { acceptReceipt, verifyReceipt } from '../../workstation/transfer/receipt';
import { createRepos } from '../../db/repos';
import { TransfersRepo } from '../../db/repos/transfers';
import fs from 'node:fs';
import { EXIT } from '../exit-codes';
import type { Io } from '../output';
import { bagDirsOf } from './bag';
import { openDataFolder, openStoreFolder } from './data-folder';

export const RECEIPTS_FILE = 'store-receipts.json';

/**
 * `dangan bag import <dir>... --store-data <dir>`: validates each bag, ingests the valid ones exactly as
 * the online path does, and writes the signed receipts to `store-receipts.json` in the (first) folder
 * given, for the workstation to import. Exit 1 when any bag was refused.
 */
export function bagImportCommand(
  dirs: readonly string[],
  options: { storeData: string; receipts?: string },
  io: Io,
): number {
  const store = openStoreFolder(options.storeData);
  const receipts: SignedReceipt[] = [];
  let refused = 0;
  try {
    for (const dir of bagDirsOf(dirs)) {
      const report = validateBagDir(dir);
      if (!report.valid || !report.catalogue) {
        refused++;
        io.out(`✗ 已拒绝 refused: ${dir}`);
        for (const e of report.errors) io.out(`    [${e.code}] ${bilingual(e.message)}`);
        continue;
      }
      try {
        const r = importListedBag(store, dir, listBagDir(dir), report.catalogue.volume.bureauCode);
        receipts.push(r.receipt);
        io.out(
          `${r.created ? '✓ 已入库 committed' : '= 已存在 already there'}: ${dir} → ${r.receipt.body.archiveNo} v${r.receipt.body.version}`,
        );
      } catch (e) {
        if (!isDomainError(e)) throw e;
        refused++;
        io.out(`✗ 已拒绝 refused: ${dir}: ${bilingual(e.text)} [${e.code}]`);
      }
    }
  } finally {
    store.close();
  }
  const first = dirs[0] ?? '.';
  const target =
    options.receipts ??
    path.join(fs.existsSync(path.join(first, 'bagit.txt')) ? path.dirname(first) : first, RECEIPTS_FILE);
  const file = { format: 'dangan-receipts/1' as const, receipts };
  writeFileDurably(target, Buffer.from(`${canonicalJson(file)}\n`));
  io.out(`回执 receipts: ${receipts.length} → ${target}`);
  return refused === 0 ? EXIT.ok : EXIT.finding;
}

/** `dangan bag receipts <file> --data <dir>`: checks and records the store's receipts for exported bags. */
export function bagReceiptsCommand(file: string, options: { dataDir: string }, io: Io): number {
  const parsed = receiptFileSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) {
    io.err(`回执文件格式不正确 / not a receipt file: ${file}`);
    return EXIT.finding;
  }
  const data = openDataFolder(options.dataDir);
  let failed = 0;
  try {
    const repos = createRepos(data.db);
    const transfers = new TransfersRepo(data.db);
    const trusted = transfers.trustedStoreKeys();
    for (const raw of parsed.data.receipts) {
      try {
        const receipt = verifyReceipt(raw, trusted);
        const r = acceptReceipt({ repos, transfers }, receipt, 'offline');
        io.out(
          `${r.recorded ? '✓ 已移交 transferred' : '= 已记录 already recorded'}: ${receipt.body.archiveNo} v${receipt.body.version}`,
        );
      } catch (e) {
        if (!isDomainError(e)) throw e;
        failed++;
        io.out(`✗ ${raw.body.archiveNo}: ${bilingual(e.text)} [${e.code}]`);
      }
    }
  } finally {
    data.close();
  }
  return failed === 0 ? EXIT.ok : EXIT.finding;
}
