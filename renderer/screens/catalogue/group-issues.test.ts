import { describe, expect, it } from 'vitest';
import type { CatalogueIssueView } from '../../../core/contracts/api-cataloguing';
import { groupIssues, pageRanges } from './group-issues';

const loose = (page: number): CatalogueIssueView => ({
  code: 'catalogue.page-uncatalogued',
  severity: 'error',
  page,
  message: { zh: `第 ${page} 页不属于任何一件`, en: `Page ${page} belongs to no document` },
});
const other: CatalogueIssueView = {
  code: 'catalogue.none',
  severity: 'error',
  message: { zh: '尚未著录任何文件', en: 'No documents yet' },
};

describe('rule findings grouped for reading', () => {
  it('ten pages outside every document before any document exists are one line', () => {
    const shown = groupIssues([...Array.from({ length: 10 }, (_, i) => loose(i + 1)), other]);
    expect(shown).toHaveLength(2);
    expect(shown[0]?.message.zh).toBe('第 1–10 页（共 10 页）不属于任何一件');
    expect(shown[0]?.message.en).toBe('Pages 1–10 (10) belong to no document');
    expect(shown[0]?.page).toBe(1);
    expect(shown[1]).toBe(other);
  });

  it('gaps become ranges; a single page stays as the engine said it; other findings keep their order', () => {
    expect(pageRanges([9, 1, 2, 3, 5, 7, 8], '、')).toBe('1–3、5、7–9');
    const shown = groupIssues([other, loose(7), loose(3), loose(4)]);
    expect(shown.map((x) => x.message.zh)).toEqual([
      '尚未著录任何文件',
      '第 3–4、7 页（共 3 页）不属于任何一件',
    ]);
    expect(shown[1]?.page).toBe(3);
    const single = [loose(2), other];
    expect(groupIssues(single)).toEqual(single);
  });
});
