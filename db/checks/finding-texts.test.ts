import { describe, expect, it } from 'vitest';
import type { Json } from '../../core/canonical-json';
import { COLLIDING_FIX, FINDING_KINDS, visibleValue } from '../../core/checks/kinds';
import { parseRoster } from '../../core/checks/roster';
import { faultyCatalogue } from '../../tests/support/faulty-catalogue';
import { planFix } from './fixes';
import { runFixitySlice } from './fixity';
import { blobStoreInventory } from './inventory';
import { runChecks } from './run';

/** Chinese characters and CJK punctuation (、，：“” as written in Chinese, full-width forms). */
const CJK = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef\u201c\u201d]/u;
/** Details that hold the catalogue's own data (a name, a stored value), which may well be Chinese. */
const DATA_KEYS = ['name', 'value', 'normalised', 'error'];

function planted() {
  const cat = faultyCatalogue();
  runFixitySlice(cat.db, cat.blobs, { maxBlobs: 1_000_000, now: cat.clock.now });
  return runChecks(cat.db, {
    inventory: blobStoreInventory(cat.blobs),
    roster: cat.roster,
    // A roster line that could not be used.
    rosterProblems: parseRoster(`code,status\n${cat.roster[0]?.code ?? ''},存续\n12345,注销\n`, 'csv')
      .problems,
    now: cat.clock.now(),
  }).categories;
}

describe('finding texts', () => {
  it('the English half of every planted finding holds no Chinese beyond the data it quotes', () => {
    const categories = planted();
    const findings = categories.flatMap((c) => c.findings);
    const kinds = new Set(findings.map((f) => f.kind));
    // Every kind is planted, so every text builder is exercised (a duplicate page number cannot be
    // planted: UNIQUE(version_id, seq) refuses it; its text is covered below).
    expect(Object.keys(FINDING_KINDS).filter((k) => !kinds.has(k))).toEqual(['page-error.seq-duplicate']);
    const chinese = findings.flatMap((f) => {
      const quoted = DATA_KEYS.map((k) => f.details[k]).filter((v): v is string => typeof v === 'string');
      let en = `${f.message.en} | ${f.fix.en}`;
      for (const q of quoted) en = en.split(q).join('').split(visibleValue(q)).join('');
      return CJK.test(en) ? [`${f.kind}: ${f.message.en} | ${f.fix.en}`] : [];
    });
    expect(chinese).toEqual([]);
    expect(categories.flatMap((c) => c.notes.map((n) => n.en)).filter((en) => CJK.test(en))).toEqual([]);
  });

  it('English counts are singular for one', () => {
    const one = (kind: keyof typeof FINDING_KINDS, details: Record<string, Json>) =>
      FINDING_KINDS[kind].message(details).en;
    expect(one('image-missing.pages', { archiveNo: 'A', pages: 1, seqs: [3] })).toBe(
      'Volume A: the image of 1 page is missing (page 3)',
    );
    expect(one('image-missing.pages', { archiveNo: 'A', pages: 2, seqs: [3, 4] })).toBe(
      'Volume A: the images of 2 pages are missing (pages 3, 4)',
    );
    expect(one('page-error.seq-duplicate', { archiveNo: 'A', seq: 2, pageIds: [7, 8] })).not.toMatch(CJK);
    expect(one('no-opening.missing', { code: 'C', volumes: 1 })).toBe(
      'Enterprise C has 1 volume but no opening volume',
    );
    expect(one('page-error.uncatalogued', { archiveNo: 'A', seqs: [5] })).toBe(
      'Volume A: page 5 belongs to no document',
    );
    expect(one('deleted-upstream.deleted-in-roster', { code: 'C', status: '已注销', volumes: 1 })).toBe(
      'Enterprise C is cancelled in the roster but holds 1 active volume',
    );
  });

  it('a stored value shows its spaces and invisible characters', () => {
    expect(visibleValue('350200-2019-SL-000001 ')).toBe('350200-2019-SL-000001␣');
    expect(visibleValue('A\u200bB\u3000')).toBe('A⟨U+200B⟩B⟨U+3000⟩');
    const m = FINDING_KINDS['index-error.unnormalised-code'].message({
      field: '档号',
      value: '350200-2019-SL-000001 ',
      normalised: '350200-2019-SL-000001',
    });
    expect(m.zh).toContain('“350200-2019-SL-000001␣”');
    expect(m.en).toBe(
      'Archive number "350200-2019-SL-000001␣" has full-width or invisible characters; should be 350200-2019-SL-000001',
    );
  });

  it('a code the automatic fix would skip (its normal form is taken) is tagged manual, the others auto', () => {
    const cat = faultyCatalogue();
    // One more: a 档号 written in lower case whose normal form no other volume holds.
    const own = cat.db
      .prepare("SELECT id, archive_no FROM volumes WHERE archive_no GLOB '*[A-Z]*' ORDER BY id DESC LIMIT 1")
      .get() as { id: number; archive_no: string };
    cat.db
      .prepare('UPDATE volumes SET archive_no = ? WHERE id = ?')
      .run(`${own.archive_no.toLowerCase()} `, own.id);
    const report = runChecks(cat.db, { inventory: blobStoreInventory(cat.blobs), only: ['index-error'] });
    const codes = report.categories
      .flatMap((c) => c.findings)
      .filter((f) => f.kind === 'index-error.unnormalised-code');
    const skipped = new Set(planFix(cat.db, 'index-error').skipped.map((x) => `${x.table}:${x.id}`));
    const table = { enterprise: 'enterprises', volume: 'volumes' } as Record<string, string>;
    expect(codes.length).toBeGreaterThanOrEqual(3);
    for (const f of codes) {
      const manual = skipped.has(`${table[f.entityType] ?? ''}:${f.entityId}`);
      expect({ id: f.entityId, autoFix: f.autoFix, fix: f.fix }).toEqual({
        id: f.entityId,
        autoFix: !manual,
        fix: manual ? COLLIDING_FIX : FINDING_KINDS['index-error.unnormalised-code'].fix,
      });
    }
    const mine = codes.find((f) => f.entityId === String(own.id));
    expect(mine?.autoFix).toBe(true);
    expect(mine?.message.zh).toContain(`${own.archive_no.toLowerCase()}␣`);
    expect(codes.filter((f) => !f.autoFix).length).toBeGreaterThan(0);
  });
});
