import { describe, expect, it } from 'vitest';
import { openTestRepos, seedVolume } from '../../tests/support/repos';
import { PageOcrRepo, segmentForIndex } from './page-ocr';

function page(repos: ReturnType<typeof openTestRepos>['repos'], volumeId: number, n: number) {
  const sha256 = n.toString(16).padStart(64, 'a');
  return repos.pages.addCaptured({ volumeId, blob: { sha256, size: 1, mediaType: 'image/png' } });
}

const word = { text: '章', confidence: 90, bbox: { x0: 1, y0: 2, x1: 3, y1: 4 }, line: 0 };

describe('page OCR text and its full-text index', () => {
  it('segments Chinese per character and keeps other words whole', () => {
    expect(segmentForIndex('公司章程 2024年 ABC-12')).toBe('公 司 章 程 2024 年 ABC-12');
  });

  it('finds pages by any Chinese substring, one or more characters, and replaces a page’s earlier reading', () => {
    const { db, repos, clock } = openTestRepos();
    const { volumeId } = seedVolume(repos);
    const ocr = new PageOcrRepo(db, clock.now);
    const p1 = page(repos, volumeId, 1);
    const p2 = page(repos, volumeId, 2);
    const base = {
      zone: 'full',
      blobSha256: p1.blobSha256,
      words: [word],
      confidence: 91,
      engine: 'test',
      attempts: 1,
    } as const;
    ocr.saveDone({ ...base, pageId: p1.id, text: '厦门测试有限公司章程\n第一章 总则' });
    ocr.saveDone({ ...base, pageId: p2.id, text: '股东会决议' });
    expect(ocr.search('章程').map((h) => h.seq)).toEqual([1]);
    expect(ocr.search('决').map((h) => h.seq)).toEqual([2]);
    expect(ocr.search('有限公司章程', { volumeId }).map((h) => h.snippet)).toEqual([
      '厦门测试[有限公司章程]第一…',
    ]);
    expect(ocr.search('程有')).toEqual([]); // a phrase, not characters anywhere
    expect(ocr.search('"')).toEqual([]);

    ocr.saveDone({ ...base, pageId: p1.id, text: '公司章程修正案' });
    expect(ocr.search('总则')).toEqual([]);
    expect(ocr.get(p1.id, 'full')?.words).toEqual([word]);

    ocr.saveFailed({
      pageId: p2.id,
      zone: 'full',
      blobSha256: p2.blobSha256,
      error: 'boom',
      engine: 'test',
      attempts: 3,
    });
    expect(ocr.search('决议')).toEqual([]);
    expect(ocr.listForVolume(volumeId, 'full').map((r) => [r.seq, r.state])).toEqual([
      [1, 'done'],
      [2, 'failed'],
    ]);
  });
});
