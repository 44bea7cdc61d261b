import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Db } from '../open';
import { faultyCatalogue, uscc } from '../../tests/support/faulty-catalogue';
import { domainError, OPERATOR, openTestRepos, TECHNICIAN } from '../../tests/support/repos';
import type { BlobStore } from '../blob-store';
import { applyFix, FIXABLE, planFix, planUndo, undoFix } from './fixes';
import { blobStoreInventory } from './inventory';
import { runChecks } from './run';
import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../digest';

/** Every table but the audit log and run history, row by row: what "restored exactly" means. */
function dump(db: Db): Record<string, string[]> {
  const tables = db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT IN ('audit_log', 'check_runs') AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name",
    )
    .pluck()
    .all() as string[];
  // Sorted in JS: some tables are WITHOUT ROWID.
  return Object.fromEntries(
    tables.map((t) => [
      t,
      db
        .prepare(`SELECT * FROM "${t}"`)
        .all()
        .map((r) => JSON.stringify(r))
        .sort(),
    ]),
  );
}

function kinds(db: Db, blobs: BlobStore, category: (typeof FIXABLE)[number]): string[] {
  const report = runChecks(db, { inventory: blobStoreInventory(blobs), only: [category], record: false });
  return report.categories[0]?.findings.map((f) => `${f.kind} ${f.entityId}`).sort() ?? [];
}

describe('dangan fix on the planted faults', () => {
  it('index-error: shows the exact changes, fixes the format faults only, and undo restores every table', () => {
    const cat = faultyCatalogue();
    const before = dump(cat.db);
    const plan = planFix(cat.db, 'index-error');
    expect(plan.changes.map((c) => [c.table, Object.keys(c.columns)])).toEqual([
      ['documents', ['title']],
      ['documents', ['responsible']],
    ]);
    expect(plan.changes[0]?.columns['title']).toEqual(['申请书\u200B（副本）', '申请书（副本）']);
    expect(plan.changes[1]?.columns['responsible']?.[1]).toBe('某'.repeat(200));
    // The full-width code and the lower-case 档号 normalise onto values other rows hold: duplicates,
    // left to a person (merge or renumber), never silently folded together.
    expect(plan.skipped.map((s) => s.table)).toEqual(['enterprises', 'volumes']);

    const applied = applyFix(cat.db, cat.repos.audit, 'index-error', TECHNICIAN);
    expect(applied.auditSeq).not.toBeNull();
    expect(dump(cat.db)).not.toEqual(before);
    const left = kinds(cat.db, cat.blobs, 'index-error');
    expect(left.filter((k) => /dirty-text|too-long/.test(k))).toEqual([]);
    expect(left.some((k) => k.startsWith('index-error.invalid-code'))).toBe(true); // codes are never guessed

    const undone = undoFix(cat.db, cat.repos.audit, applied.auditSeq ?? 0, TECHNICIAN);
    expect(undone.rows).toBe(2);
    expect(dump(cat.db)).toEqual(before);
    expect(cat.repos.audit.verify().ok).toBe(true);
  });

  it('page-error renumbers with document ranges following; page-count needs a reason; redundant-data removes orphans', () => {
    const cat = faultyCatalogue();
    const before = dump(cat.db);
    const renumber = applyFix(cat.db, cat.repos.audit, 'page-error', TECHNICIAN);
    expect(renumber.plan.changes.map((c) => c.columns['seq'])).toEqual([
      [4, 2],
      [5, 3],
    ]);
    expect(kinds(cat.db, cat.blobs, 'page-error').filter((k) => k.includes('seq-gap'))).toEqual([]);

    // The preview needs no reason (it changes nothing); applying does.
    expect(planFix(cat.db, 'page-count').changes).toHaveLength(1);
    expect(domainError(() => applyFix(cat.db, cat.repos.audit, 'page-count', TECHNICIAN)).code).toBe(
      'fix.reason-required',
    );
    const count = applyFix(cat.db, cat.repos.audit, 'page-count', TECHNICIAN, { reason: '核对实物：缺两页' });
    expect(count.plan.changes).toHaveLength(1);
    expect(kinds(cat.db, cat.blobs, 'page-count')).toEqual([]);

    const orphans = applyFix(cat.db, cat.repos.audit, 'redundant-data', TECHNICIAN);
    expect(orphans.plan.changes.map((c) => [c.table, c.action])).toEqual([
      ['page_transforms', 'delete'],
      ['pages', 'delete'],
      ['documents', 'delete'],
    ]);
    // The volume without its enterprise holds archive content: left to a person, and still reported.
    expect(orphans.plan.skipped.map((x) => x.table)).toEqual(['volumes']);
    expect(kinds(cat.db, cat.blobs, 'redundant-data').filter((k) => k.includes('orphan'))).toEqual([
      `redundant-data.orphan-volume ${orphans.plan.skipped[0]?.id}`,
    ]);

    // Undo in reverse order restores the original exactly.
    for (const seq of [orphans.auditSeq, count.auditSeq, renumber.auditSeq]) {
      undoFix(cat.db, cat.repos.audit, seq ?? 0, TECHNICIAN);
    }
    expect(dump(cat.db)).toEqual(before);
  });

  it('refuses to undo twice, to undo over later edits, and to undo what is not a fix', () => {
    const cat = faultyCatalogue();
    const applied = applyFix(cat.db, cat.repos.audit, 'index-error', TECHNICIAN);
    const seq = applied.auditSeq ?? 0;
    const docId = applied.plan.changes[0]?.id;
    cat.db.prepare("UPDATE documents SET title = '后来改过' WHERE id = ?").run(docId);
    expect(domainError(() => undoFix(cat.db, cat.repos.audit, seq, TECHNICIAN)).code).toBe('fix.undo-stale');
    cat.db
      .prepare('UPDATE documents SET title = ? WHERE id = ?')
      .run(applied.plan.changes[0]?.columns['title']?.[1], docId);
    // The preview names every row the undo restores, with its state now and after, and writes nothing.
    const titleOf = (): unknown =>
      cat.db.prepare('SELECT title FROM documents WHERE id = ?').pluck().get(docId);
    const fixedTitle = titleOf();
    const auditRows = (): unknown => cat.db.prepare('SELECT count(*) FROM audit_log').pluck().get();
    const auditBefore = auditRows();
    const preview = planUndo(cat.db, seq);
    expect(preview.rows).toHaveLength(applied.plan.changes.length);
    const row = preview.rows.find((r) => r.table === 'documents' && r.id === docId);
    expect(row?.now?.['title']).toBe(applied.plan.changes[0]?.columns['title']?.[1]);
    expect(row?.restored?.['title']).toBe(applied.plan.changes[0]?.columns['title']?.[0]);
    expect([titleOf(), auditRows()]).toEqual([fixedTitle, auditBefore]);
    undoFix(cat.db, cat.repos.audit, seq, TECHNICIAN);
    expect(domainError(() => undoFix(cat.db, cat.repos.audit, seq, TECHNICIAN)).code).toBe('fix.undo-done');
    expect(domainError(() => undoFix(cat.db, cat.repos.audit, 1, TECHNICIAN)).code).toBe('fix.undo-not-fix');
    expect(domainError(() => undoFix(cat.db, cat.repos.audit, 99999, TECHNICIAN)).code).toBe(
      'fix.undo-unknown',
    );
    expect(domainError(() => planUndo(cat.db, seq)).code).toBe('fix.undo-done');
    expect(domainError(() => planFix(cat.db, 'no-opening')).code).toBe('fix.not-fixable');
  });
});

describe('改错 clauses the planted faults do not reach', () => {
  it('full-width characters in a code that no other row holds are folded to half-width, and undone', () => {
    const cat = faultyCatalogue({ faults: false, clean: 2 });
    const fw = (x: string) => x.replace(/[0-9A-Z]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));
    const code = uscc(501);
    const e = cat.repos.enterprises.create(
      { uscc: uscc(500), name: '厦门全角有限公司', bureauCode: '350200' },
      OPERATOR,
    );
    cat.db.prepare('UPDATE enterprises SET uscc = ? WHERE id = ?').run(fw(code), e.id);
    const before = dump(cat.db);
    expect(kinds(cat.db, cat.blobs, 'index-error')).toContain(`index-error.unnormalised-code ${e.id}`);
    const applied = applyFix(cat.db, cat.repos.audit, 'index-error', TECHNICIAN);
    expect(applied.plan.changes.map((c) => [c.table, c.id, c.columns['uscc']])).toEqual([
      ['enterprises', e.id, [fw(code), code]],
    ]);
    expect(kinds(cat.db, cat.blobs, 'index-error')).toEqual([]);
    undoFix(cat.db, cat.repos.audit, applied.auditSeq ?? 0, TECHNICIAN);
    expect(dump(cat.db)).toEqual(before);
  });

  it('a fix is one transaction: a failure part-way leaves every row and the audit log as they were', () => {
    const cat = faultyCatalogue();
    const before = dump(cat.db);
    const audit = cat.db.prepare('SELECT count(*) FROM audit_log').pluck().get();
    // The orphan pages go first, then the documents: the documents' delete fails after the pages'.
    cat.db.exec(
      "CREATE TEMP TRIGGER no_doc_delete BEFORE DELETE ON documents BEGIN SELECT RAISE(ABORT, 'disk gone'); END",
    );
    expect(() => applyFix(cat.db, cat.repos.audit, 'redundant-data', TECHNICIAN)).toThrow(/disk gone/);
    cat.db.exec('DROP TRIGGER temp.no_doc_delete');
    expect(dump(cat.db)).toEqual(before);
    expect(cat.db.prepare('SELECT count(*) FROM audit_log').pluck().get()).toBe(audit);
  });
});

describe('property: apply then undo restores the database exactly', () => {
  const fault = fc.oneof(
    fc.record({
      kind: fc.constant('dirty' as const),
      at: fc.nat(5),
      junk: fc.constantFrom('\u200B', '\u0007', '  ', '\uFEFF', '\t'),
    }),
    fc.record({ kind: fc.constant('long' as const), at: fc.nat(5), extra: fc.integer({ min: 1, max: 40 }) }),
    fc.record({ kind: fc.constant('gap' as const), at: fc.nat(2), shift: fc.integer({ min: 1, max: 4 }) }),
    fc.record({ kind: fc.constant('count' as const), at: fc.nat(2), declared: fc.nat(9) }),
    fc.record({ kind: fc.constant('orphan' as const), at: fc.nat(2) }),
    fc.record({ kind: fc.constant('code' as const), at: fc.nat(2) }),
  );

  it('for random mixes of fixable faults, in every fixable category', () => {
    fc.assert(
      fc.property(fc.array(fault, { minLength: 1, maxLength: 6 }), (faults) => {
        const { db, repos } = openTestRepos();
        const volumes = [0, 1, 2].map((i) => {
          const e = repos.enterprises.create(
            { uscc: uscc(i + 1), name: `测试${i}有限公司`, bureauCode: '350200' },
            OPERATOR,
          );
          const v = repos.volumes.create(
            {
              enterpriseId: e.id,
              archiveNo: `350200-2026-SL-00000${i + 1}`,
              volumeType: 'SL',
              year: 2026,
              bureauCode: '350200',
              declaredPages: 3,
            },
            OPERATOR,
          );
          for (let p = 0; p < 3; p++) {
            // Rows only: fixes never read image bytes.
            const sha256 = sha256Hex(randomBytes(16));
            repos.pages.addCaptured({ volumeId: v.id, blob: { sha256, size: 64, mediaType: 'image/jpeg' } });
          }
          repos.documents.replaceAll(
            v.id,
            [
              { typeCode: 'APP', title: '申请书', firstPage: 1, lastPage: 2, responsible: '张三' },
              { typeCode: 'AOA', title: '章程', firstPage: 3, lastPage: 3 },
            ],
            OPERATOR,
          );
          db.prepare("UPDATE volumes SET state = 'catalogued' WHERE id = ?").run(v.id);
          return { ...v, enterpriseId: e.id };
        });
        const docs = db.prepare('SELECT id FROM documents ORDER BY id').pluck().all() as number[];
        for (const f of faults) {
          const v = volumes[f.kind === 'dirty' || f.kind === 'long' ? 0 : f.at % 3];
          if (!v) continue;
          const doc = docs[('at' in f ? f.at : 0) % docs.length];
          if (f.kind === 'dirty')
            db.prepare('UPDATE documents SET title = title || ? WHERE id = ?').run(f.junk, doc);
          if (f.kind === 'long')
            db.prepare('UPDATE documents SET responsible = ? WHERE id = ?').run(
              '李'.repeat(200 + f.extra),
              doc,
            );
          if (f.kind === 'gap') {
            db.prepare(
              'UPDATE pages SET seq = seq + ? WHERE volume_id = ? AND seq = (SELECT max(seq) FROM pages WHERE volume_id = ?)',
            ).run(f.shift, v.id, v.id);
          }
          if (f.kind === 'count')
            db.prepare('UPDATE volumes SET declared_pages = ? WHERE id = ?').run(f.declared, v.id);
          if (f.kind === 'code') {
            db.prepare('UPDATE volumes SET archive_no = lower(archive_no) WHERE id = ?').run(v.id);
          }
          if (f.kind === 'orphan') {
            db.pragma('foreign_keys = OFF');
            db.prepare(
              "INSERT OR IGNORE INTO documents (volume_id, seq, type_code, title, first_page, last_page, created_at, updated_at) VALUES (?, 9, 'APP', '孤立', 1, 1, 't', 't')",
            ).run(9000 + f.at);
            db.pragma('foreign_keys = ON');
          }
        }
        const before = dump(db);
        let changed = 0;
        let manual = 0;
        for (const category of FIXABLE) {
          const applied = applyFix(db, repos.audit, category, TECHNICIAN, { reason: '核对' });
          manual += applied.plan.skipped.length;
          if (applied.auditSeq !== null) {
            changed += applied.plan.changes.length;
            undoFix(db, repos.audit, applied.auditSeq, TECHNICIAN);
          }
          expect(dump(db)).toEqual(before);
        }
        // Every generated fault is fixed or, when a fix would leave a document without pages (a gap
        // after the last page), handed over as a manual case.
        expect(changed + manual).toBeGreaterThan(0);
        expect(repos.audit.verify().ok).toBe(true);
        db.close();
      }),
      { numRuns: Number(process.env['DANGAN_PROPERTY_RUNS'] ?? 8) },
    );
  });
});
