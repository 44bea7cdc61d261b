import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  algorithmsIn,
  filesToRead,
  validateBag,
  type BagAlgorithm,
  type BagEntry,
  type BagError,
  type BagPlan,
  type BagReport,
  type ValidateOptions,
} from '../../core/bagit';
import { fsyncDirectory, mkdirDurably, writeFileDurably } from '../../db/durable-file';

/**
 * Lists a bag folder without following links: symlinks and special files are reported as such (the
 * validator refuses them), never read through.
 */
export function listBagDir(dir: string): BagEntry[] {
  const entries: BagEntry[] = [];
  const walk = (rel: string) => {
    for (const name of fs.readdirSync(path.join(dir, rel)).sort()) {
      const relPath = rel === '' ? name : `${rel}/${name}`;
      const st = fs.lstatSync(path.join(dir, relPath));
      if (st.isSymbolicLink()) entries.push({ path: relPath, kind: 'symlink', size: 0 });
      else if (st.isDirectory()) {
        entries.push({ path: relPath, kind: 'dir', size: 0 });
        walk(relPath);
      } else if (st.isFile()) entries.push({ path: relPath, kind: 'file', size: st.size });
      else entries.push({ path: relPath, kind: 'other', size: st.size });
    }
  };
  walk('');
  return entries;
}

function hashFile(file: string, algs: readonly BagAlgorithm[]): Map<BagAlgorithm, string> {
  const hashes = algs.map((a) => [a, createHash(a)] as const);
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      for (const [, h] of hashes) h.update(buf.subarray(0, n));
    }
  } finally {
    fs.closeSync(fd);
  }
  return new Map(hashes.map(([a, h]) => [a, h.digest('hex')]));
}

export interface BagDirReport extends BagReport {
  readonly path: string;
}

/** Validates the bag in `dir`: lists it, reads its tag files, hashes every file once per algorithm used. */
export function validateBagDir(dir: string, options: ValidateOptions = {}): BagDirReport {
  let entries: BagEntry[];
  try {
    if (!fs.statSync(dir).isDirectory()) throw new Error('not a folder');
    entries = listBagDir(dir);
  } catch (e) {
    const error: BagError = {
      code: 'bagit.declaration-missing',
      message: {
        zh: `无法读取包目录：${dir}`,
        en: `cannot read the bag folder ${dir}: ${e instanceof Error ? e.message : String(e)}`,
      },
    };
    return {
      path: dir,
      complete: false,
      valid: false,
      errors: [error],
      info: [],
      manifests: new Map(),
      catalogue: null,
    };
  }
  const small = new Map<string, Uint8Array>();
  const limit = options.limits?.maxTagFileBytes ?? 64 * 1024 ** 2;
  for (const p of filesToRead(entries)) {
    const e = entries.find((x) => x.path === p);
    if (e && e.size <= limit) small.set(p, fs.readFileSync(path.join(dir, p)));
  }
  const algs = algorithmsIn(entries);
  const maxFile = options.limits?.maxFileBytes ?? 1024 ** 3;
  const digests = new Map<string, Map<BagAlgorithm, string>>();
  for (const e of entries) {
    if (e.kind === 'file' && e.size <= maxFile) digests.set(e.path, hashFile(path.join(dir, e.path), algs));
  }
  const report = validateBag(
    { entries, read: (p) => small.get(p), digest: (p, alg) => digests.get(p)?.get(alg) },
    options,
  );
  return { path: dir, ...report };
}

/**
 * Writes a planned bag durably into `target`: everything goes into `<target>.partial` first (each file
 * fsynced), the tag manifest last, then one rename makes the bag appear whole. A crash leaves either
 * no bag or a `.partial` folder that is never mistaken for one.
 */
export function writeBagDir(target: string, plan: BagPlan, readBlob: (sha256: string) => Uint8Array): void {
  const partial = `${target}.partial`;
  fs.rmSync(partial, { recursive: true, force: true });
  mkdirDurably(partial);
  for (const f of [...plan.payload, ...plan.tags]) {
    const file = path.join(partial, ...f.path.split('/'));
    mkdirDurably(path.dirname(file));
    const bytes = f.bytes ?? (f.blobSha256 !== undefined ? readBlob(f.blobSha256) : undefined);
    if (!bytes) throw new Error(`no bytes for ${f.path}`);
    writeFileDurably(file, bytes);
  }
  fs.renameSync(partial, target);
  fsyncDirectory(path.dirname(target));
}
