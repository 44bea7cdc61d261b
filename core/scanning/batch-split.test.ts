import { describe, expect, it } from 'vitest';
import { splitBatch, type SplitPage } from './batch-split';

const page = (id: number, label: string | null = null, patchT = false): SplitPage => ({ id, label, patchT });

describe('splitBatch', () => {
  it('starts a volume at each label or Patch-T sheet and keeps separators out of the content', () => {
    const segments = splitBatch([
      page(1, 'DGN1:A'),
      page(2),
      page(3),
      page(4, null, true),
      page(5, 'DGN1:B'),
      page(6),
      page(7, null, true),
      page(8),
    ]);
    expect(segments).toEqual([
      { label: 'DGN1:A', separators: [1], pages: [2, 3] },
      { label: 'DGN1:B', separators: [4, 5], pages: [6] },
      { label: null, separators: [7], pages: [8] },
    ]);
  });

  it('keeps pages before the first separator as their own segment and drops empty ones', () => {
    expect(splitBatch([page(1), page(2, null, true), page(3, null, true), page(4)])).toEqual([
      { label: null, separators: [], pages: [1] },
      { label: null, separators: [2, 3], pages: [4] },
    ]);
    expect(splitBatch([])).toEqual([]);
  });
});
