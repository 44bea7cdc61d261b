import { describe, expect, it } from 'vitest';
import type { Repos } from '../../db/repos';
import { domainError, OPERATOR, openTestRepos, seedVolume } from '../../tests/support/repos';
import { CataloguingEngine } from './engine';

/** Adds pages by flag letters: c content, b blank, s separator (blob rows only: no image needed here). */
function addPages(repos: Repos, volumeId: number, spec: string): void {
  Array.from(spec).forEach((c, i) => {
    const sha256 = (volumeId * 1000 + i).toString(16).padStart(64, '0');
    const page = repos.pages.addCaptured({ volumeId, blob: { sha256, size: 1, mediaType: 'image/png' } });
    repos.pages.setFlags(page.id, { isBlank: c === 'b', isSeparator: c === 's' });
  });
}

const APP = { typeCode: 'APP', title: '公司设立登记申请书', docDate: '20240315' } as const;
const AOA = { typeCode: 'AOA', title: '公司章程', docDate: '20240310' } as const;

describe('cataloguing engine', () => {
  it('saves a valid catalogue, leaving the cover sheet and a blank back outside, and finishes the volume', () => {
    const { db, repos } = openTestRepos();
    const { volumeId } = seedVolume(repos);
    addPages(repos, volumeId, 'sccbc');
    repos.volumes.transition(volumeId, 'scanning', OPERATOR);
    repos.volumes.transition(volumeId, 'scanned', OPERATOR);
    const engine = new CataloguingEngine(db, repos);
    const view = engine.save(
      volumeId,
      [
        { ...APP, firstPage: 2, lastPage: 3 },
        { ...AOA, firstPage: 5, lastPage: 5 },
      ],
      OPERATOR,
      { pageCountReason: '卷皮未登记页数', finish: true },
    );
    expect(view.volume.state).toBe('catalogued');
    expect(view.documents.map((d) => [d.typeCode, d.firstPage, d.lastPage])).toEqual([
      ['APP', 2, 3],
      ['AOA', 5, 5],
    ]);
    expect(view.pageNumbers).toEqual([null, 1, 2, null, 3]);
    expect(view.issues.map((i) => i.code)).toEqual(['catalogue.pages-undeclared']);
    expect(view.volume.pageCountReason).toBe('卷皮未登记页数');
  });

  it('refuses to finish a catalogue with errors, names them, and changes nothing', () => {
    const { db, repos } = openTestRepos();
    const { volumeId } = seedVolume(repos);
    addPages(repos, volumeId, 'ccc');
    const engine = new CataloguingEngine(db, repos);
    engine.save(volumeId, [{ ...APP, firstPage: 1, lastPage: 3 }], OPERATOR);
    const e = domainError(() =>
      engine.save(volumeId, [{ ...APP, firstPage: 1, lastPage: 1 }], OPERATOR, { finish: true }),
    );
    expect(e.code).toBe('catalogue.invalid');
    const listed = e.details['issues'] as readonly { message: { zh: string } }[];
    expect(e.text.zh).toContain(`还有 ${listed.length} 个错误`);
    expect(listed.map((i) => i.message.zh).join('；')).toContain('第 2 页不属于任何一件');
    expect(engine.load(volumeId).documents.map((d) => d.lastPage)).toEqual([3]);
    expect(repos.volumes.get(volumeId).state).toBe('registered');
  });

  it('saves a draft with errors (gaps, no type, no title) and keeps the findings', () => {
    const { db, repos } = openTestRepos();
    const { volumeId } = seedVolume(repos);
    addPages(repos, volumeId, 'cccc');
    const engine = new CataloguingEngine(db, repos);
    const view = engine.save(
      volumeId,
      [
        { ...APP, firstPage: 1, lastPage: 1 },
        { typeCode: '', title: ' ', docDate: null, responsible: null, firstPage: 3, lastPage: 3 },
      ],
      OPERATOR,
    );
    expect(view.documents.map((d) => [d.typeCode, d.title, d.firstPage])).toEqual([
      ['APP', APP.title, 1],
      ['', '', 3],
    ]);
    expect(view.issues.map((i) => i.code)).toEqual(
      expect.arrayContaining(['catalogue.page-uncatalogued', 'catalogue.type-unknown']),
    );
  });
});
