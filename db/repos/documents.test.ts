import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { OPERATOR, openTestRepos, seedVolume } from '../../tests/support/repos';
import type { DocumentInput } from './documents';

function setup(pageCount = 6) {
  const t = openTestRepos();
  const { volumeId } = seedVolume(t.repos);
  for (let i = 0; i < pageCount; i++) {
    const sha256 = createHash('sha256').update(`p${i}`).digest('hex');
    t.repos.pages.addCaptured({ volumeId, blob: { sha256, size: 1, mediaType: 'image/jpeg' } });
  }
  return { ...t, volumeId, docs: t.repos.documents };
}

const APP: DocumentInput = {
  typeCode: 'APP',
  title: '公司登记（备案）申请书',
  docDate: '20260105',
  firstPage: 1,
  lastPage: 2,
};
const AOA: DocumentInput = { typeCode: 'AOA', title: '公司章程', firstPage: 3, lastPage: 5 };
const LIC: DocumentInput = {
  typeCode: 'LIC',
  title: '营业执照（副本）复印件',
  responsible: ' 厦门市市场监督管理局 ',
  firstPage: 6,
  lastPage: 6,
};

describe('DocumentsRepo.replaceAll', () => {
  it('saves the catalogue as a whole, in order, normalising the text fields', () => {
    const { docs, volumeId, repos } = setup();
    const saved = docs.replaceAll(volumeId, [APP, { ...AOA, title: ' 公司\u200B章程 ' }, LIC], OPERATOR);
    expect(saved.map((d) => [d.seq, d.typeCode, d.title, d.firstPage, d.lastPage])).toEqual([
      [1, 'APP', '公司登记（备案）申请书', 1, 2],
      [2, 'AOA', '公司章程', 3, 5],
      [3, 'LIC', '营业执照（副本）复印件', 6, 6],
    ]);
    expect(saved[2]).toMatchObject({ responsible: '厦门市市场监督管理局', docDate: null });
    expect(docs.list(volumeId)).toEqual(saved);
    expect([...repos.audit.records()].at(-1)).toMatchObject({
      action: 'document.replace-all',
      details: { count: 3 },
    });
  });

  it('replaces the previous catalogue entirely', () => {
    const { docs, volumeId } = setup();
    docs.replaceAll(volumeId, [APP, AOA, LIC], OPERATOR);
    docs.replaceAll(volumeId, [{ ...APP, lastPage: 6 }], OPERATOR);
    expect(docs.list(volumeId).map((d) => [d.typeCode, d.firstPage, d.lastPage])).toEqual([['APP', 1, 6]]);
    expect(docs.replaceAll(volumeId, [], OPERATOR)).toEqual([]);
  });

  it('names the rule a document breaks, and keeps the old catalogue', () => {
    const { docs, volumeId } = setup();
    docs.replaceAll(volumeId, [APP], OPERATOR);
    const cases: [DocumentInput[], string][] = [
      [[{ ...APP, typeCode: 'XYZ' }], 'documents.invalid-type'],
      [[{ ...APP, title: '  ' }], 'field.required'],
      [[{ ...APP, docDate: '20250229' }], 'documents.invalid-date'],
      [[{ ...APP, docDate: '2026-01-05' }], 'documents.invalid-date'],
      [[{ ...APP, lastPage: 7 }], 'documents.range-outside'],
      [[{ ...APP, firstPage: 2, lastPage: 1 }], 'documents.range-outside'],
      [[{ ...APP, firstPage: 0 }], 'documents.range-outside'],
      [[APP, { ...AOA, firstPage: 2 }], 'documents.overlap'],
      [[APP, { ...AOA, firstPage: 4 }], 'documents.gap'],
      [[{ ...APP, firstPage: 2 }], 'documents.gap'],
    ];
    for (const [list, code] of cases) {
      expect(() => docs.replaceAll(volumeId, list, OPERATOR), code).toThrow(
        expect.objectContaining({ code }),
      );
    }
    expect(docs.list(volumeId).map((d) => d.typeCode)).toEqual(['APP']);
    expect(() => docs.replaceAll(99, [], OPERATOR)).toThrow(
      expect.objectContaining({ code: 'volume.not-found' }),
    );
  });

  it('accepts 29 February in a leap year and counts only live pages', () => {
    const { docs, volumeId, repos } = setup();
    expect(docs.replaceAll(volumeId, [{ ...APP, docDate: '20240229', lastPage: 6 }], OPERATOR)).toHaveLength(
      1,
    );
    const last = repos.pages.list(volumeId).at(-1)!;
    repos.pages.softDelete(last.id, OPERATOR);
    expect(() => docs.replaceAll(volumeId, [{ ...APP, lastPage: 6 }], OPERATOR)).toThrow(
      expect.objectContaining({ code: 'documents.range-outside' }),
    );
  });
});
