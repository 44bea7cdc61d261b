import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SuggestedDocumentView } from '../../../core/contracts/api-cataloguing';
import { acceptAll, acceptOne, documentAt, mergeIntoPrevious, startAt, type Draft } from './drafts';

const doc = (first: number, last: number, typeCode = 'APP', title = 't') => ({
  typeCode,
  title,
  docDate: '20260301',
  responsible: null,
  firstPage: first,
  lastPage: last,
});
const suggestion = (first: number, last: number, typeCode: string, title: string): SuggestedDocumentView => ({
  typeCode,
  title,
  firstPage: first,
  lastPage: last,
  confidence: 0.9,
  keyword: title,
});
const ranges = (d: Draft) => d.map((x) => [x.firstPage, x.lastPage]);

describe('keyboard editing of a draft catalogue', () => {
  it('B inside a document splits it; B on a page no document holds runs to the next document', () => {
    const split = startAt([doc(1, 6)], 4, 6, '20260301');
    expect(ranges(split.draft)).toEqual([
      [1, 3],
      [4, 6],
    ]);
    expect(split.index).toBe(1);
    expect(split.draft[1]).toMatchObject({ typeCode: '', title: '', docDate: '20260301' });
    const gap = startAt([doc(1, 2), doc(6, 8)], 3, 8, null);
    expect(ranges(gap.draft)).toEqual([
      [1, 2],
      [3, 5],
      [6, 8],
    ]);
    expect(gap.index).toBe(1);
    // At a document's first page nothing changes.
    expect(startAt([doc(1, 6)], 1, 6, null).draft).toEqual([doc(1, 6)]);
  });

  it('X merges a document into the one before it', () => {
    expect(ranges(mergeIntoPrevious([doc(1, 2), doc(3, 5), doc(6, 6)], 1))).toEqual([
      [1, 5],
      [6, 6],
    ]);
    expect(mergeIntoPrevious([doc(1, 2)], 0)).toEqual([]);
  });

  it('Enter takes a suggestion without losing what was typed; A takes them all', () => {
    const typed = [doc(1, 5, 'APP', '公司设立登记申请书')];
    const one = acceptOne(typed, suggestion(3, 5, 'AOA', '公司章程'), 5, null);
    expect(ranges(one.draft)).toEqual([
      [1, 2],
      [3, 5],
    ]);
    expect(one.draft[1]).toMatchObject({ typeCode: 'AOA', title: '公司章程' });
    expect(one.draft[0]?.title).toBe('公司设立登记申请书');
    const all = acceptAll(
      [{ ...doc(1, 5, 'APP', '我改过的题名'), responsible: '股东会' }],
      [suggestion(1, 2, 'APP', '申请书'), suggestion(3, 5, 'AOA', '章程')],
      '20260301',
    );
    expect(all).toEqual([
      {
        typeCode: 'APP',
        title: '我改过的题名',
        docDate: '20260301',
        responsible: '股东会',
        firstPage: 1,
        lastPage: 2,
      },
      { typeCode: 'AOA', title: '章程', docDate: '20260301', responsible: null, firstPage: 3, lastPage: 5 },
    ]);
  });

  it('the date and 责任者 read off a document go into the draft; what the operator typed stays', () => {
    const read = {
      ...suggestion(3, 5, 'LIC', '营业执照'),
      docDate: '20260305',
      responsible: '厦门市市场监督管理局',
    };
    const one = acceptOne([doc(1, 2, 'APP', '申请书')], read, 5, '20260312');
    expect(one.draft[1]).toMatchObject({ docDate: '20260305', responsible: '厦门市市场监督管理局' });
    const typed = [{ ...doc(3, 5, 'LIC', '营业执照'), docDate: '20260101', responsible: '我填的' }];
    expect(acceptOne(typed, read, 5, '20260312').draft[0]).toMatchObject({
      docDate: '20260101',
      responsible: '我填的',
    });
    expect(acceptAll([], [read, suggestion(6, 6, 'ADR', '证明')], '20260312')).toMatchObject([
      { docDate: '20260305', responsible: '厦门市市场监督管理局' },
      { docDate: '20260312', responsible: null },
    ]);
  });

  it('B anywhere keeps documents in order, without overlaps, covering the same pages', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 15 }),
        (n, presses) => {
          let draft: Draft = [];
          for (const p of presses.filter((x) => x <= n)) draft = startAt(draft, p, n, null).draft;
          for (let i = 1; i < draft.length; i++) {
            const a = draft[i - 1];
            const b = draft[i];
            if (!a || !b) continue;
            expect(a.lastPage).toBeLessThan(b.firstPage);
          }
          for (const p of presses.filter((x) => x <= n))
            expect(documentAt(draft, p)).toBeGreaterThanOrEqual(0);
          // From the first press on, every page is in a document.
          const first = Math.min(...presses.filter((x) => x <= n));
          if (Number.isFinite(first)) {
            for (let p = first; p <= n; p++) expect(documentAt(draft, p)).toBeGreaterThanOrEqual(0);
          }
        },
      ),
    );
  });
});
