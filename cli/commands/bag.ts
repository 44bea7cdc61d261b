import fs from 'node:fs';
import path from 'node:path';
import { isDomainError } from '../../core/errors';
import { bilingual } from '../../core/text';
import { createRepos } from '../../db/repos';
import { TransfersRepo } from '../../db/repos/transfers';
import { validateBagDir, type BagDirReport } from '../../workstation/transfer/bag-dir';
import { BATCH_MANIFEST, exportVolumes } from '../../workstation/transfer/export';
import { EXIT } from '../exit-codes';
import type { Io } from '../output';
import { openDataFolder } from './data-folder';
import { findVolume } from './volume-ref';

export interface BagValidateJson {
  path: string;
  complete: boolean;
  valid: boolean;
  errors: { code: string; file?: string; message: string }[];
}

/** The bag folders named by `dirs`: a bag itself, or a folder holding bags (with a batch manifest). */
export function bagDirsOf(dirs: readonly string[]): string[] {
  const out: string[] = [];
  for (const d of dirs) {
    if (!fs.existsSync(path.join(d, 'bagit.txt')) && fs.existsSync(path.join(d, BATCH_MANIFEST))) {
      for (const name of fs.readdirSync(d).sort()) {
        const sub = path.join(d, name);
        if (fs.statSync(sub).isDirectory() && !name.endsWith('.partial')) out.push(sub);
      }
    } else out.push(d);
  }
  return out;
}

/** `dangan bag validate <dir>... [--json]`: exit 1 when any bag is invalid. */
export function bagValidateCommand(dirs: readonly string[], options: { json: boolean }, io: Io): number {
  const reports: BagDirReport[] = bagDirsOf(dirs).map((d) => validateBagDir(d));
  const json: BagValidateJson[] = reports.map((r) => ({
    path: r.path,
    complete: r.complete,
    valid: r.valid,
    errors: r.errors.map((e) => ({
      code: e.code,
      ...(e.file === undefined ? {} : { file: e.file }),
      message: bilingual(e.message),
    })),
  }));
  if (options.json) io.out(JSON.stringify(json, null, 2));
  else {
    for (const r of json) {
      const verdict = r.valid
        ? '✓ 有效 valid'
        : r.complete
          ? '✗ 完整但无效 complete, not valid'
          : '✗ 不完整 incomplete';
      io.out(`${verdict}: ${r.path}`);
      for (const e of r.errors) io.out(`    [${e.code}] ${e.message}`);
    }
  }
  return reports.every((r) => r.valid) ? EXIT.ok : EXIT.finding;
}

/** `dangan bag export --volume <id>... --to <dir>`. */
export function bagExportCommand(
  options: { dataDir: string; volumes: readonly string[]; to: string; batch?: string },
  io: Io,
): number {
  const data = openDataFolder(options.dataDir);
  try {
    const repos = createRepos(data.db);
    const ids = options.volumes.map((v) => findVolume(repos, v).id);
    const transfers = new TransfersRepo(data.db);
    const result = exportVolumes(
      { transfers, blobs: data.blobs, now: () => new Date(), repos },
      ids,
      options.to,
      options.batch,
    );
    for (const b of result.bags) {
      io.out(
        `${b.written ? '✓ 已写出 written' : '= 已存在 unchanged'}: ${path.join(result.to, b.dir)} (${b.archiveNo}, Payload-Oxum ${b.payloadOxum})`,
      );
    }
    io.out(
      `批次 batch ${result.batch}: ${result.bags.length} 个包 bags → ${path.join(result.to, BATCH_MANIFEST)}`,
    );
    io.out('待导入存储端回执 / waiting for the store’s receipt file (dangan bag receipts <file>)');
    return EXIT.ok;
  } catch (e) {
    if (isDomainError(e)) {
      io.err(`${bilingual(e.text)} [${e.code}]`);
      return EXIT.finding;
    }
    throw e;
  } finally {
    data.close();
  }
}
