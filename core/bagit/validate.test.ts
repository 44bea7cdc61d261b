import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memorySnapshot, sha256 } from '../../tests/support/memory-bag';
import { CATALOGUE_FORMAT, pageFileName, type Catalogue } from './catalogue';
import { BAGIT_TXT, planBag } from './build';
import { decodeManifestPath, encodeManifestPath } from './manifest';
import { decodeUtf8, encodeUtf8 } from './utf8';
import { validateBag } from './validate';

function catalogueWith(images: Uint8Array[]): Catalogue {
  return {
    format: CATALOGUE_FORMAT,
    enterprise: { uscc: '91350200776049653A', regNo: null, name: '厦门测试有限公司', bureauCode: '350200' },
    volume: {
      uid: 'u-1',
      archiveNo: '350200-2026-SL-000001',
      volumeType: 'SL',
      year: 2026,
      registrationDate: null,
      bureauCode: '350200',
      declaredPages: images.length,
    },
    batch: null,
    pages: images.map((b, i) => ({
      seq: i + 1,
      file: pageFileName(i + 1, 'image/jpeg'),
      sha256: sha256(b),
      size: b.length,
      mediaType: 'image/jpeg',
      width: null,
      height: null,
      dpiX: 300,
      dpiY: 300,
      colorMode: 'color',
      side: 'front',
      blankScore: null,
      isBlank: false,
      isSeparator: false,
      labelFound: null,
      capturedAt: '2026-03-01T08:00:00.000Z',
      transforms: [],
    })),
    documents: [],
    qa: [],
  };
}

function bagFiles(images: Uint8Array[]): Map<string, Uint8Array> {
  const plan = planBag({ catalogue: catalogueWith(images), baggingDate: '2026-03-01', group: 'B1', sha256 });
  const files = new Map<string, Uint8Array>();
  for (const f of [...plan.payload, ...plan.tags]) {
    const bytes = f.bytes ?? images.find((b) => sha256(b) === f.blobSha256);
    if (!bytes) throw new Error(`no bytes for ${f.path}`);
    files.set(f.path, bytes);
  }
  return files;
}

describe('core/bagit', () => {
  it('plans a bag whose bagit.txt is exactly the RFC text and which validates', () => {
    const images = [encodeUtf8('page one'), encodeUtf8('page two')];
    const files = bagFiles(images);
    expect(new TextDecoder().decode(files.get('bagit.txt'))).toBe(BAGIT_TXT);
    expect([...files.keys()].sort()).toEqual([
      'bag-info.txt',
      'bagit.txt',
      'data/catalogue.json',
      'data/images/p0001.jpg',
      'data/images/p0002.jpg',
      'manifest-sha256.txt',
      'tagmanifest-sha256.txt',
    ]);
    const info = new TextDecoder().decode(files.get('bag-info.txt'));
    expect(info).toContain('Source-Organization: 350200\n');
    expect(info).toContain('External-Identifier: 91350200776049653A\n');
    expect(info).toContain('Bag-Group-Identifier: B1\n');
    const catalogueSize = files.get('data/catalogue.json')?.length ?? 0;
    expect(info).toContain(`Payload-Oxum: ${16 + catalogueSize}.3\n`);
    const report = validateBag(memorySnapshot(files));
    expect(report.errors).toEqual([]);
    expect(report).toMatchObject({ complete: true, valid: true });
    expect(report.catalogue?.pages).toHaveLength(2);
  });

  it('gives the same bytes for the same volume', () => {
    const a = bagFiles([encodeUtf8('x')]);
    const b = bagFiles([encodeUtf8('x')]);
    expect([...a].map(([p, v]) => [p, sha256(v)])).toEqual([...b].map(([p, v]) => [p, sha256(v)]));
  });

  it('tells complete from valid: a changed image is complete but not valid', () => {
    const files = bagFiles([encodeUtf8('page one')]);
    files.set('data/images/p0001.jpg', encodeUtf8('page 0ne'));
    const report = validateBag(memorySnapshot(files));
    expect(report.complete).toBe(true);
    expect(report.valid).toBe(false);
    expect(report.errors.map((e) => e.code)).toEqual(['bagit.digest-mismatch']);
  });

  it('accepts a sha512 manifest alongside', () => {
    const files = bagFiles([encodeUtf8('p')]);
    const lines = [...files]
      .filter(([p]) => p.startsWith('data/'))
      .map(([p, b]) => `${require512(b)}  ${p}\n`)
      .join('');
    files.set('manifest-sha512.txt', encodeUtf8(lines));
    const report = validateBag(memorySnapshot(files), { profile: 'rfc' });
    // The tag manifest does not list manifest-sha512.txt: reported, nothing else.
    expect(report.errors.map((e) => e.code)).toEqual(['bagit.tagmanifest-incomplete']);
    expect([...report.manifests.keys()].sort()).toEqual(['sha256', 'sha512']);
  });

  it('round-trips UTF-8 and manifest path encoding for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(decodeUtf8(encodeUtf8(s))).toBe(s);
        expect(encodeUtf8(s)).toEqual(new TextEncoder().encode(s));
        expect(decodeManifestPath(encodeManifestPath(s))).toBe(s);
      }),
    );
    expect(decodeUtf8(Uint8Array.from([0xc0, 0x80]))).toBeNull(); // overlong NUL
    expect(decodeUtf8(Uint8Array.from([0xed, 0xa0, 0x80]))).toBeNull(); // surrogate
    expect(decodeUtf8(Uint8Array.from([0xe4, 0xb8]))).toBeNull(); // truncated
  });
});

function require512(b: Uint8Array): string {
  return memorySnapshot(new Map([['x', b]])).digest('x', 'sha512') ?? '';
}
