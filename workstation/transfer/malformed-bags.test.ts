import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BagErrorCode } from '../../core/bagit';
import { tempDir } from '../../tests/support/temp-dir';
import { bagsDir, openTestWorkstation, seedVerifiedVolume } from '../../tests/support/transfer-fixtures';
import { validateBagDir } from './bag-dir';
import { exportVolumes } from './export';

// Every malformed bag is generated here from a valid one; none is committed as files.

const sha = (b: Uint8Array | string, alg = 'sha256') => createHash(alg).update(b).digest('hex');

function template(): string {
  const ws = openTestWorkstation();
  const v = seedVerifiedVolume(ws, { pages: 2, pageBytes: 500 });
  const to = bagsDir();
  const r = exportVolumes({ ...ws, now: ws.clock.now }, [v.volumeId], to, 'B');
  ws.data.close();
  return path.join(to, r.bags[0]?.dir ?? '');
}

class Bag {
  constructor(readonly dir: string) {}
  p(rel: string): string {
    return path.join(this.dir, ...rel.split('/'));
  }
  read(rel: string): string {
    return fs.readFileSync(this.p(rel), 'utf8');
  }
  write(rel: string, content: string | Uint8Array): this {
    fs.mkdirSync(path.dirname(this.p(rel)), { recursive: true });
    fs.writeFileSync(this.p(rel), content);
    return this;
  }
  edit(rel: string, fn: (s: string) => string): this {
    return this.write(rel, fn(this.read(rel)));
  }
  remove(rel: string): this {
    fs.rmSync(this.p(rel), { recursive: true, force: true });
    return this;
  }
  /** Adds a payload file and lists it in the manifest (so only the intended fault remains). */
  addPayload(rel: string, content: string): this {
    this.write(rel, content);
    return this.edit('manifest-sha256.txt', (s) => `${s}${sha(content)}  ${rel}\n`)
      .fixOxum()
      .reseal();
  }
  /** Recomputes Payload-Oxum from the files under data/. */
  fixOxum(): this {
    let octets = 0;
    let files = 0;
    const walk = (d: string) => {
      for (const n of fs.readdirSync(d)) {
        const st = fs.lstatSync(path.join(d, n));
        if (st.isDirectory()) walk(path.join(d, n));
        else if (st.isFile()) {
          octets += st.size;
          files++;
        }
      }
    };
    walk(this.p('data'));
    return this.edit('bag-info.txt', (s) =>
      s.replace(/Payload-Oxum: .*/, `Payload-Oxum: ${octets}.${files}`),
    );
  }
  /** Rewrites the tag manifest's digests for the tag files it lists. */
  reseal(): this {
    return this.edit('tagmanifest-sha256.txt', (s) =>
      s
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => {
          const file = l.slice(66);
          return fs.existsSync(this.p(file)) ? `${sha(fs.readFileSync(this.p(file)))}  ${file}` : l;
        })
        .join('\n')
        .concat('\n'),
    );
  }
  rehashPayload(rel: string): this {
    return this.edit('manifest-sha256.txt', (s) =>
      s.replace(new RegExp(`^[0-9a-f]{64}  ${rel}$`, 'm'), `${sha(fs.readFileSync(this.p(rel)))}  ${rel}`),
    ).reseal();
  }
}

interface Case {
  readonly name: string;
  readonly expect: BagErrorCode;
  /** true: the only fault reported is `expect` (others may accompany it when a fault implies more). */
  readonly only: boolean;
  readonly complete?: boolean;
  readonly mutate: (bag: Bag) => void;
}

const IMG = 'data/images/p0001.jpg';

const CASES: Case[] = [
  {
    name: 'no bagit.txt',
    expect: 'bagit.declaration-missing',
    only: false,
    mutate: (b) => b.remove('bagit.txt'),
  },
  {
    name: 'BagIt-Version 0.97',
    expect: 'bagit.declaration-malformed',
    only: true,
    mutate: (b) => b.edit('bagit.txt', (s) => s.replace('1.0', '0.97')).reseal(),
  },
  {
    name: 'bagit.txt with a third line',
    expect: 'bagit.declaration-malformed',
    only: true,
    mutate: (b) => b.edit('bagit.txt', (s) => `${s}Extra: 1\n`).reseal(),
  },
  {
    name: 'bagit.txt with a BOM',
    expect: 'bagit.bom',
    only: true,
    mutate: (b) => b.edit('bagit.txt', (s) => `\uFEFF${s}`).reseal(),
  },
  {
    name: 'no data/ folder',
    expect: 'bagit.payload-dir-missing',
    only: false,
    mutate: (b) => b.remove('data'),
  },
  {
    name: 'no payload manifest',
    expect: 'bagit.manifest-missing',
    only: false,
    mutate: (b) => b.remove('manifest-sha256.txt'),
  },
  {
    name: 'an md5 manifest',
    expect: 'bagit.algorithm-unsupported',
    only: true,
    mutate: (b) => b.write('manifest-md5.txt', `${sha(b.read(IMG), 'md5')}  ${IMG}\n`),
  },
  {
    name: 'a short digest',
    expect: 'bagit.manifest-line-malformed',
    only: false,
    mutate: (b) => b.edit('manifest-sha256.txt', (s) => s.replace(/^[0-9a-f]{64}/, 'abc123')).reseal(),
  },
  {
    name: 'a line without a path',
    expect: 'bagit.manifest-line-malformed',
    only: true,
    mutate: (b) => b.edit('manifest-sha256.txt', (s) => `${s}${'0'.repeat(64)}\n`).reseal(),
  },
  {
    name: 'a duplicate entry',
    expect: 'bagit.manifest-duplicate',
    only: true,
    mutate: (b) => b.edit('manifest-sha256.txt', (s) => `${s}${s.split('\n')[0] ?? ''}\n`).reseal(),
  },
  {
    name: 'the tag manifest listing itself',
    expect: 'bagit.manifest-lists-itself',
    only: true,
    mutate: (b) => b.edit('tagmanifest-sha256.txt', (s) => `${s}${'0'.repeat(64)}  tagmanifest-sha256.txt\n`),
  },
  {
    name: 'a payload manifest listing a tag file',
    expect: 'bagit.manifest-outside-payload',
    only: true,
    mutate: (b) =>
      b.edit('manifest-sha256.txt', (s) => `${s}${sha(b.read('bagit.txt'))}  bagit.txt\n`).reseal(),
  },
  {
    name: 'the tag manifest listing a payload file',
    expect: 'bagit.tagmanifest-lists-payload',
    only: true,
    mutate: (b) => b.edit('tagmanifest-sha256.txt', (s) => `${s}${sha(b.read(IMG))}  ${IMG}\n`),
  },
  {
    name: 'the tag manifest not listing the payload manifest',
    expect: 'bagit.tagmanifest-incomplete',
    only: true,
    mutate: (b) =>
      b.edit('tagmanifest-sha256.txt', (s) =>
        s
          .split('\n')
          .filter((l) => !l.endsWith('  manifest-sha256.txt'))
          .join('\n'),
      ),
  },
  {
    name: 'a path with ..',
    expect: 'bagit.path-unsafe',
    only: true,
    mutate: (b) =>
      b.edit('manifest-sha256.txt', (s) => `${s}${'0'.repeat(64)}  data/../../etc/passwd\n`).reseal(),
  },
  {
    name: 'an absolute path',
    expect: 'bagit.path-unsafe',
    only: true,
    mutate: (b) => b.edit('manifest-sha256.txt', (s) => `${s}${'0'.repeat(64)}  /etc/passwd\n`).reseal(),
  },
  {
    name: 'a Windows drive path',
    expect: 'bagit.path-unsafe',
    only: true,
    mutate: (b) =>
      b.edit('manifest-sha256.txt', (s) => `${s}${'0'.repeat(64)}  C:/Windows/win.ini\n`).reseal(),
  },
  {
    name: 'a symlink in the payload',
    expect: 'bagit.symlink',
    only: true,
    mutate: (b) => {
      fs.symlinkSync('/etc/hostname', b.p('data/images/link.jpg'));
    },
  },
  {
    name: 'a named pipe in the payload',
    expect: 'bagit.special-file',
    only: true,
    mutate: (b) => {
      execFileSync('mkfifo', [b.p('data/images/pipe.jpg')]);
    },
  },
  {
    name: 'a listed image missing',
    expect: 'bagit.payload-missing',
    only: true,
    mutate: (b) => b.remove(IMG).fixOxum().reseal(),
  },
  {
    name: 'an unlisted file (Thumbs.db)',
    expect: 'bagit.payload-unlisted',
    only: false,
    mutate: (b) => b.write('data/images/Thumbs.db', 'x').fixOxum().reseal(),
  },
  {
    name: 'a tag file listed but missing',
    expect: 'bagit.tag-missing',
    only: true,
    mutate: (b) => b.edit('tagmanifest-sha256.txt', (s) => `${s}${'0'.repeat(64)}  notes.txt\n`),
  },
  {
    name: 'a fetch.txt',
    expect: 'bagit.fetch-unsupported',
    only: true,
    mutate: (b) => b.write('fetch.txt', `http://example.invalid/x - ${IMG}\n`),
  },
  {
    name: 'a manifest that is not UTF-8',
    expect: 'bagit.encoding',
    only: true,
    mutate: (b) =>
      b
        .write(
          'manifest-sha256.txt',
          Buffer.concat([Buffer.from(b.read('manifest-sha256.txt')), Buffer.from([0xff, 0x0a])]),
        )
        .reseal(),
  },
  {
    name: 'mixed line endings in bag-info.txt',
    expect: 'bagit.line-ending',
    only: true,
    mutate: (b) => b.edit('bag-info.txt', (s) => s.replace('\n', '\r\n')).reseal(),
  },
  {
    name: 'a bag-info line without a colon',
    expect: 'bagit.info-malformed',
    only: true,
    mutate: (b) => b.edit('bag-info.txt', (s) => `${s}Just some words\n`).reseal(),
  },
  {
    name: 'Payload-Oxum given twice',
    expect: 'bagit.info-repeated',
    only: true,
    mutate: (b) => b.edit('bag-info.txt', (s) => `${s}${/Payload-Oxum: .*\n/.exec(s)?.[0] ?? ''}`).reseal(),
  },
  {
    name: 'no External-Identifier',
    expect: 'bagit.info-missing',
    only: true,
    mutate: (b) => b.edit('bag-info.txt', (s) => s.replace(/External-Identifier: .*\n/, '')).reseal(),
  },
  {
    name: 'a malformed Payload-Oxum',
    expect: 'bagit.oxum-malformed',
    only: true,
    mutate: (b) =>
      b.edit('bag-info.txt', (s) => s.replace(/Payload-Oxum: .*/, 'Payload-Oxum: lots')).reseal(),
  },
  {
    name: 'a wrong Payload-Oxum',
    expect: 'bagit.oxum-mismatch',
    only: true,
    mutate: (b) =>
      b.edit('bag-info.txt', (s) => s.replace(/Payload-Oxum: (\d+)/, 'Payload-Oxum: 1$1')).reseal(),
  },
  {
    name: 'a 2 GiB (sparse) image',
    expect: 'bagit.size-absurd',
    only: false,
    mutate: (b) => {
      fs.truncateSync(b.p(IMG), 2 * 1024 ** 3);
    },
  },
  {
    name: 'a non-ASCII payload name',
    expect: 'bagit.path-not-portable',
    only: true,
    mutate: (b) => b.addPayload('data/images/页.jpg', 'img'),
  },
  {
    name: 'names differing only by case',
    expect: 'bagit.path-case-collision',
    only: true,
    mutate: (b) => b.addPayload('data/images/P0001.jpg', 'img'),
  },
  {
    name: 'no catalogue.json',
    expect: 'bagit.catalogue-missing',
    only: true,
    mutate: (b) =>
      b
        .remove('data/catalogue.json')
        .edit('manifest-sha256.txt', (s) =>
          s
            .split('\n')
            .filter((l) => !l.endsWith('data/catalogue.json'))
            .join('\n'),
        )
        .fixOxum()
        .reseal(),
  },
  {
    name: 'a catalogue whose page digest disagrees with the manifest',
    expect: 'bagit.catalogue-invalid',
    only: true,
    complete: true,
    mutate: (b) =>
      b
        .edit('data/catalogue.json', (s) =>
          s.replace(/"sha256":"[0-9a-f]{64}"/, `"sha256":"${'1'.repeat(64)}"`),
        )
        .rehashPayload('data/catalogue.json'),
  },
  {
    name: 'a changed image (complete, not valid)',
    expect: 'bagit.digest-mismatch',
    only: true,
    complete: true,
    mutate: (b) => {
      const bytes = fs.readFileSync(b.p(IMG));
      bytes[10] = (bytes[10] ?? 0) ^ 0xff;
      fs.writeFileSync(b.p(IMG), bytes);
    },
  },
  {
    name: 'bag-info edited after sealing',
    expect: 'bagit.tag-digest-mismatch',
    only: true,
    complete: true,
    mutate: (b) =>
      b.edit('bag-info.txt', (s) => s.replace('Bag-Group-Identifier: B', 'Bag-Group-Identifier: C')),
  },
];

describe(`malformed bags (${CASES.length} kinds)`, () => {
  it('the template bag is valid', () => {
    const t = template();
    expect(validateBagDir(t).errors).toEqual([]);
  });

  it('refuses each malformed bag with the right error code', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(25);
    const t = template();
    const work = tempDir();
    const failures: string[] = [];
    CASES.forEach((c, i) => {
      const dir = path.join(work, `case-${i}`);
      fs.cpSync(t, dir, { recursive: true });
      c.mutate(new Bag(dir));
      const report = validateBagDir(dir);
      const codes = [...new Set(report.errors.map((e) => e.code))];
      const ok =
        !report.valid &&
        codes.includes(c.expect) &&
        (!c.only || codes.length === 1) &&
        (c.complete === undefined || report.complete === c.complete) &&
        (c.complete !== undefined || !report.complete);
      if (!ok)
        failures.push(
          `${c.name}: expected ${c.expect}, got ${codes.join(', ')} (complete=${report.complete})`,
        );
    });
    expect(failures).toEqual([]);
  });
});
