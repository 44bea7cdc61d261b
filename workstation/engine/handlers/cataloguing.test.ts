import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { engineFixture, scannedVolume, wordsOf } from '../../../tests/support/engine-fixture';
import { OPERATOR } from '../../../tests/support/repos';

/** An A4 page at 150 dpi with a printed title and a line of body text (rendered by librsvg, Noto CJK). */
async function titledPage(title: string): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1240" height="1754">
    <rect width="100%" height="100%" fill="#fff"/>
    <text x="620" y="190" font-size="64" text-anchor="middle" font-family="Noto Sans CJK SC">${title}</text>
    <text x="140" y="330" font-size="30" font-family="Noto Sans CJK SC">第一条 为规范公司的组织和行为，制定本章程。</text>
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

const APP = { typeCode: 'APP', title: '公司设立登记申请书', docDate: '20260301', responsible: null };
const AOA = { typeCode: 'AOA', title: '公司章程', docDate: '20260301', responsible: null };

describe('cataloguing handlers', () => {
  it('lists the pages with 页号 (none for blank pages) and the rule findings of an empty catalogue', async () => {
    const t = await engineFixture();
    const { volumeId } = await scannedVolume(t.ws, 4, { blank: [2], declaredPages: 3 });
    const c = await t.ok('catalogue.get', { volumeId }, t.op);
    expect(c.pages.map((p) => p.pageNo)).toEqual([1, null, 2, 3]);
    expect(c.pages[1]?.isBlank).toBe(true);
    expect(c.countedPages).toBe(3);
    expect(c.editable).toBe(true);
    expect(c.rejection).toBeNull();
    expect(c.issues.map((i) => i.code)).toEqual(
      expect.arrayContaining(['catalogue.page-uncatalogued', 'catalogue.empty']),
    );
    expect(c.issues.find((i) => i.code === 'catalogue.page-uncatalogued')?.message.zh).toMatch(
      /第 1 页不属于任何一件/,
    );
  });

  it('validates a draft live and saves half-done work with its findings; only finishing needs every rule', async () => {
    const t = await engineFixture();
    const { volumeId } = await scannedVolume(t.ws, 4);
    const SHR = { typeCode: 'SHR', title: '股东会决议', docDate: '20260301', responsible: null };
    // Half done: a resolution without its 责任者, a document started with B (no type, no title yet), page 4 in none.
    const draft = [
      { ...APP, firstPage: 1, lastPage: 1 },
      { ...SHR, firstPage: 2, lastPage: 2 },
      { typeCode: '', title: '', docDate: null, responsible: null, firstPage: 3, lastPage: 3 },
    ];
    const issues = await t.ok('catalogue.validate', { volumeId, documents: draft }, t.op);
    expect(issues.map((i) => [i.code, i.document ?? i.page])).toEqual(
      expect.arrayContaining([
        ['catalogue.responsible-missing', 2],
        ['catalogue.type-unknown', 3],
        ['catalogue.page-uncatalogued', 4],
      ]),
    );
    const saved = await t.ok('catalogue.save', { volumeId, documents: draft }, t.op);
    expect(saved.documents).toEqual(draft);
    expect(saved.volume.state).toBe('scanned');
    expect(saved.issues.map((i) => i.code)).toEqual(expect.arrayContaining(issues.map((i) => i.code)));
    // Reopened later: the half-done work is there, findings and all.
    const reloaded = await t.ok('catalogue.get', { volumeId }, t.op);
    expect(reloaded.documents).toEqual(draft);
    expect(reloaded.issues.filter((i) => i.severity === 'error').length).toBeGreaterThanOrEqual(3);

    // Finishing is refused whole: the heading counts, each finding is listed once (in details.issues).
    const refused = await t.fails('catalogue.finish', { volumeId, documents: draft }, t.op);
    expect(refused.code).toBe('catalogue.invalid');
    const listed = refused.details?.['issues'] as { message: { zh: string } }[];
    expect(refused.message.zh).toContain(`还有 ${listed.length} 个错误`);
    expect(listed.map((i) => i.message.zh)).toEqual(
      expect.arrayContaining([expect.stringContaining('“股东会决议”须填写责任者')]),
    );
    for (const i of listed) expect(refused.message.zh).not.toContain(i.message.zh);
    expect((await t.ok('catalogue.get', { volumeId }, t.op)).volume.state).toBe('scanned');

    // What cannot be stored is still refused, and the saved draft stays as it was.
    const overlap = [
      { ...APP, firstPage: 1, lastPage: 2 },
      { ...AOA, firstPage: 2, lastPage: 4 },
    ];
    expect((await t.fails('catalogue.save', { volumeId, documents: overlap }, t.op)).code).toBe(
      'documents.overlap',
    );
    const outside = [{ ...APP, firstPage: 1, lastPage: 5 }];
    expect((await t.fails('catalogue.save', { volumeId, documents: outside }, t.op)).code).toBe(
      'documents.range-outside',
    );
    const unreal = [{ ...APP, docDate: '20260231', firstPage: 1, lastPage: 4 }];
    expect((await t.fails('catalogue.save', { volumeId, documents: unreal }, t.op)).code).toBe(
      'documents.invalid-date',
    );
    expect((await t.ok('catalogue.get', { volumeId }, t.op)).documents).toEqual(draft);

    const good = [
      { ...APP, firstPage: 1, lastPage: 1 },
      { ...SHR, responsible: '全体股东', firstPage: 2, lastPage: 2 },
      { ...AOA, firstPage: 3, lastPage: 4 },
    ];
    const done = await t.ok('catalogue.finish', { volumeId, documents: good }, t.op);
    expect(done.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(done.volume.state).toBe('catalogued');
    // QA and technicians read, but do not catalogue.
    expect((await t.fails('catalogue.save', { volumeId, documents: good }, t.qa)).code).toBe(
      'auth.forbidden',
    );
  });

  it('needs a reason when the declared page count differs, then finishes through the lifecycle', async () => {
    const t = await engineFixture();
    const { volumeId } = await scannedVolume(t.ws, 2, { declaredPages: 5 });
    const docs = [{ ...APP, firstPage: 1, lastPage: 2 }];
    const refused = await t.fails('catalogue.finish', { volumeId, documents: docs }, t.op);
    expect(JSON.stringify(refused.details?.['issues'])).toContain('登记页数 5 与实有页数 2 不符');
    const withReason = await t.ok(
      'catalogue.pageCountReason',
      { volumeId, reason: '封面和封底未编页' },
      t.op,
    );
    expect(withReason.pageCountReason).toBe('封面和封底未编页');
    expect(withReason.issues.some((i) => i.code === 'catalogue.page-count')).toBe(false);
    const done = await t.ok('catalogue.finish', { volumeId, documents: docs }, t.op);
    expect(done.volume.state).toBe('catalogued');
    expect(done.editable).toBe(false);
    // Catalogued: waiting for QA, no more changes without reopening.
    const again = await t.fails('catalogue.save', { volumeId, documents: docs }, t.op);
    expect(again.code).toBe('catalogue.not-editable');
    expect(again.message.zh).toContain('重新著录');
  });

  it('suggests documents from the stored title-zone readings and says which pages are unread', async () => {
    const t = await engineFixture();
    const { volumeId, pageIds } = await scannedVolume(t.ws, 4);
    const titles = ['公司设立登记申请书', '', '公司章程', ''];
    pageIds.slice(0, 3).forEach((pageId, i) => {
      const title = titles[i] ?? '';
      const lines = title === '' ? [['第二页正文内容，说明事项如下']] : [[title], ['正文内容说明']];
      t.ocr.saveDone({
        pageId,
        zone: 'title',
        blobSha256: t.ws.repos.pages.get(pageId).blobSha256,
        text: lines.map((l) => l.join('')).join('\n'),
        // Titles are printed larger than body text.
        words: wordsOf(lines).map((w) =>
          w.line === 0 && title !== '' ? { ...w, bbox: { ...w.bbox, y1: w.bbox.y0 + 80 } } : w,
        ),
        confidence: 90,
        engine: 'stored reading',
        attempts: 1,
      });
    });
    const s = await t.ok('catalogue.suggest', { volumeId }, t.op);
    expect(s.documents.map((d) => [d.typeCode, d.firstPage, d.lastPage])).toEqual([
      ['APP', 1, 2],
      ['AOA', 3, 4],
    ]);
    expect(s.ocr).toEqual({ read: 3, failed: 0, unread: [4], running: false, fullRead: 0 });
    const c = await t.ok('catalogue.get', { volumeId }, t.op);
    expect(c.pages.map((p) => p.titleOcr)).toEqual(['done', 'done', 'done', 'none']);
    expect(c.pages[0]?.heading).toBe('公司设立登记申请书');
  });

  it('orders the type picker with the types usual in the volume first and marks those needing a 责任者', async () => {
    const t = await engineFixture();
    const types = await t.ok('catalogue.types', { volumeType: 'ZX' }, t.op);
    const firstUnusual = types.findIndex((x) => !x.usual);
    expect(firstUnusual).toBeGreaterThan(0);
    expect(types.slice(firstUnusual).every((x) => !x.usual)).toBe(true);
    expect(types.find((x) => x.code === 'LIC')?.responsibleRequired).toBe(true);
    expect(types.find((x) => x.code === 'APP')?.responsibleRequired).toBe(false);
  });

  it('reads unread title zones in the background when asked (real tesseract), then suggests from them', async () => {
    const t = await engineFixture({ ocr: { idleMs: 100 } });
    const { volumeId, pageIds } = await scannedVolume(t.ws, 1);
    // The page's processed image: a titled page in place of the plain one.
    const put = t.ws.blobs.put(await titledPage('有限公司章程'));
    t.ws.repos.pages.addBlob({ sha256: put.sha256, size: put.size, mediaType: 'image/png' });
    const pageId = pageIds[0] ?? 0;
    t.ws.repos.pages.addTransform(pageId, { kind: 'crop', params: {}, resultSha256: put.sha256 }, OPERATOR);
    const first = await t.ok('catalogue.suggest', { volumeId, read: true }, t.op);
    expect(first.ocr.unread).toEqual([1]);
    expect(first.ocr.running).toBe(true);
    let s = first;
    for (let i = 0; i < 120 && s.ocr.running; i++) {
      await new Promise((r) => setTimeout(r, 500));
      s = await t.ok('catalogue.suggest', { volumeId }, t.op);
    }
    expect(s.ocr).toMatchObject({ read: 1, unread: [], running: false });
    expect(s.documents.map((d) => [d.typeCode, d.firstPage, d.lastPage])).toEqual([['AOA', 1, 1]]);
    expect((await t.ok('catalogue.get', { volumeId }, t.op)).pages[0]?.heading).toContain('章程');
  }, 120_000);
});
