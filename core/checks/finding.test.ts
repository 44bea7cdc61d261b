import { describe, expect, it } from 'vitest';
import { CATEGORIES, CHECK_IDS } from './categories';
import { buildReport, describeFinding, hasErrors, parseOnly } from './finding';
import { FINDING_KINDS } from './kinds';

describe('check categories and kinds', () => {
  it('lists the fourteen categories of the contract, each with kinds, a Chinese name and a fix', () => {
    expect(CATEGORIES.map((c) => c.id)).toEqual([...CHECK_IDS]);
    expect(CATEGORIES).toHaveLength(14);
    for (const c of CATEGORIES) {
      expect(c.name).toMatch(/[\u4e00-\u9fff]/);
      const kinds = Object.entries(FINDING_KINDS).filter(([, k]) => k.category === c.id);
      expect(kinds.length, c.id).toBeGreaterThan(0);
      for (const [key] of kinds) expect(key.startsWith(`${c.id}.`)).toBe(true);
      // A category is auto-fixable exactly when one of its kinds is.
      expect(
        kinds.some(([, k]) => k.autoFix),
        c.id,
      ).toBe(c.autoFix);
    }
  });

  it('describes a raw finding and sorts errors first; unknown kinds are bugs', () => {
    const f = describeFinding({
      kind: 'page-count.mismatch',
      entityType: 'volume',
      entityId: '7',
      details: { archiveNo: '350200-2026-SL-000001', declared: 5, counted: 3 },
    });
    expect(f.message.zh).toBe('案卷 350200-2026-SL-000001 著录 5 页，实有 3 页');
    expect(() => describeFinding({ kind: 'x.y', entityType: 'page', entityId: '1', details: {} })).toThrow();
    const report = buildReport(
      ['image-wrong'],
      [
        { kind: 'image-wrong.low-dpi', entityType: 'page', entityId: '2', details: {} },
        { kind: 'image-wrong.fixity', entityType: 'blob', entityId: 'b', details: {} },
      ],
    );
    expect(report.categories[0]?.findings.map((x) => x.severity)).toEqual(['error', 'warning']);
    expect(hasErrors(report)).toBe(true);
    expect(hasErrors(buildReport(['image-wrong'], []))).toBe(false);
  });

  it('parses --only and names unknown categories', () => {
    expect(parseOnly('page-count, no-opening', CHECK_IDS)).toEqual(['no-opening', 'page-count']);
    expect(() => parseOnly('page-count,nope', CHECK_IDS)).toThrow(/nope/);
    expect(() => parseOnly(' , ', CHECK_IDS)).toThrow(/none given/);
  });
});

describe('finding ids (what a UI links to)', () => {
  it('names the entity and the records holding it, from the entity and the ids in details', () => {
    const page = describeFinding({
      kind: 'image-wrong.low-dpi',
      entityType: 'page',
      entityId: '42',
      details: { enterpriseId: 3, volumeId: 7, pageId: 42, seq: 5, archiveNo: 'A-1', dpi: 150, floor: 200 },
    });
    expect(page.ids).toEqual({ enterpriseId: 3, volumeId: 7, pageId: 42, pageSeq: 5 });
    const dup = describeFinding({
      kind: 'dup-archive-no.same',
      entityType: 'volume',
      entityId: '8',
      details: { normalised: 'A-1', volumeIds: [8, 9], archiveNos: ['A-1', 'a-1'] },
    });
    expect(dup.ids).toEqual({ volumeId: 8, volumeIds: [8, 9] });
    const blob = describeFinding({
      kind: 'image-redundant.orphan-file',
      entityType: 'blob',
      entityId: 'ab'.repeat(32),
      details: { sha256: 'ab'.repeat(32), size: 3 },
    });
    expect(blob.ids).toEqual({ sha256: 'ab'.repeat(32) });
  });
});
