import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { validateUscc } from '../../core/codes';
import type { ScanEvent, ScannedPage } from '../../core/scanning/driver';
import { DemoDriver, sheetsOfFile } from './demo-driver';
import { demoEnterprise } from './enterprise';
import { seededRandom } from './random';

async function collect(session: AsyncIterable<ScanEvent>): Promise<ScanEvent[]> {
  const out: ScanEvent[] = [];
  for await (const e of session) out.push(e);
  return out;
}

const pagesOf = (events: ScanEvent[]): ScannedPage[] =>
  events.filter((e): e is ScannedPage => e.type === 'page');

/** Share of pixels darker than mid-grey in the middle of the page (ignores the dark backing at the edges). */
async function inkCoverage(bytes: Uint8Array): Promise<number> {
  const meta = await sharp(bytes).metadata();
  const w = meta.width;
  const h = meta.height;
  const { data } = await sharp(bytes)
    .extract({
      left: Math.round(w * 0.1),
      top: Math.round(h * 0.1),
      width: Math.round(w * 0.8),
      height: Math.round(h * 0.8),
    })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  let dark = 0;
  for (const v of data) if (v < 128) dark++;
  return dark / data.length;
}

describe('demo scanner', () => {
  it('is always discoverable as `demo` and describes its capabilities', async () => {
    const driver = new DemoDriver();
    expect((await driver.discover()).map((d) => d.id)).toEqual(['demo']);
    const caps = await driver.capabilities('demo');
    expect(caps.sources).toEqual(expect.arrayContaining(['feeder', 'duplex', 'flatbed']));
    expect(caps.resolutions).toContain(300);
    await expect(driver.capabilities('sane:nope')).rejects.toMatchObject({ code: 'scan.device-unknown' });
  });

  it('makes enterprises with valid codes (GB 32100 and the GB 11714 organization check)', () => {
    const r = seededRandom(42);
    for (let i = 0; i < 50; i++) {
      const e = demoEnterprise(r);
      const result = validateUscc(e.uscc);
      expect(result.valid, e.uscc).toBe(true);
      expect(result.warnings, e.uscc).toEqual([]);
      expect(e.name).toMatch(/有限公司$/);
    }
  });

  it('delivers the same bytes for the same seed and different pages for another seed', async () => {
    const job = { source: 'feeder', dpi: 75, mode: 'gray', maxPages: 2 } as const;
    const a = pagesOf(await collect(new DemoDriver({ seed: 5 }).scan('demo', job)));
    const b = pagesOf(await collect(new DemoDriver({ seed: 5 }).scan('demo', job)));
    const c = pagesOf(await collect(new DemoDriver({ seed: 6 }).scan('demo', job)));
    expect(a).toHaveLength(2);
    expect(Buffer.from(a[0]!.bytes).equals(Buffer.from(b[0]!.bytes))).toBe(true);
    expect(Buffer.from(a[1]!.bytes).equals(Buffer.from(b[1]!.bytes))).toBe(true);
    expect(Buffer.from(a[0]!.bytes).equals(Buffer.from(c[0]!.bytes))).toBe(false);
  });

  it('scans duplex with printed fronts and blank backs, at the asked resolution and mode', async () => {
    const events = await collect(
      new DemoDriver().scan('demo', { source: 'duplex', dpi: 100, mode: 'gray', maxPages: 4 }),
    );
    const pages = pagesOf(events);
    expect(pages.map((p) => p.side)).toEqual(['front', 'back', 'front', 'back']);
    expect(events.at(-1)).toEqual({ type: 'done', pages: 4 });
    const meta = await sharp(pages[0]!.bytes).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.channels).toBe(1);
    expect(meta.width).toBe(827); // 210 mm at 100 dpi
    expect(meta.density).toBe(100);
    const front = await inkCoverage(pages[0]!.bytes);
    const back = await inkCoverage(pages[1]!.bytes);
    expect(front).toBeGreaterThan(0.005);
    expect(back).toBeLessThan(0.0005);
  });

  it('writes line art as CCITT G4 TIFF and keeps red in colour scans', async () => {
    const lineart = pagesOf(
      await collect(
        new DemoDriver().scan('demo', { source: 'feeder', dpi: 100, mode: 'lineart', maxPages: 1 }),
      ),
    );
    expect(lineart[0]!.mediaType).toBe('image/tiff');
    const meta = await sharp(lineart[0]!.bytes).metadata();
    expect(meta.format).toBe('tiff');
    expect(meta.bitsPerSample).toBe(1);
    expect(meta.density).toBe(100);
    // G4 compresses a text page far below its 1-bit size (827 × 1169 px / 8 ≈ 121 kB).
    expect(lineart[0]!.bytes.length).toBeLessThan(40_000);
    // Page 2 of the application form carries the red company seal.
    const colour = pagesOf(
      await collect(new DemoDriver().scan('demo', { source: 'feeder', dpi: 75, mode: 'color', maxPages: 2 })),
    );
    const { data, info } = await sharp(colour[1]!.bytes).raw().toBuffer({ resolveWithObject: true });
    let red = 0;
    for (let i = 0; i < data.length; i += info.channels) {
      if (data[i]! > 150 && data[i + 1]! < 110 && data[i + 2]! < 110) red++;
    }
    expect(red).toBeGreaterThan(50);
  });

  it("prints the job's subject on the first file only; the next file stays as it was", async () => {
    const file = sheetsOfFile().length;
    const job = { source: 'feeder', dpi: 75, mode: 'gray', maxPages: file + 1 } as const;
    const plain = pagesOf(await collect(new DemoDriver().scan('demo', job)));
    const subject = { name: '厦门鹭岛恒信科技有限公司', uscc: '91350200776049653A' };
    const named = pagesOf(await collect(new DemoDriver().scan('demo', { ...job, subject })));
    expect(named).toHaveLength(file + 1);
    expect(Buffer.from(named[0]!.bytes).equals(Buffer.from(plain[0]!.bytes))).toBe(false);
    expect(Buffer.from(named[file]!.bytes).equals(Buffer.from(plain[file]!.bytes))).toBe(true);
  });

  it('stops when cancelled, saying so, and refuses an unknown device', async () => {
    const session = new DemoDriver().scan('demo', { source: 'feeder', dpi: 75, mode: 'gray', maxPages: 10 });
    const seen: ScanEvent[] = [];
    for await (const e of session) {
      seen.push(e);
      if (e.type === 'page') session.cancel();
    }
    expect(pagesOf(seen)).toHaveLength(1);
    // The session contract: at most one error, then exactly one `done`.
    expect(seen.slice(-2)).toEqual([
      expect.objectContaining({ type: 'error', category: 'cancelled' }),
      { type: 'done', pages: 1 },
    ]);
    const gone = await collect(new DemoDriver().scan('escl:x', { source: 'feeder', dpi: 300, mode: 'gray' }));
    expect(gone).toEqual([
      expect.objectContaining({ type: 'error', category: 'device-gone' }),
      { type: 'done', pages: 0 },
    ]);
  });
});
