import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECK_IDS } from '../../../core/checks/categories';
import type { EngineEvent } from '../../../core/contracts';
import { runFixitySlice } from '../../../db/checks/fixity';
import { engineWithUsers } from '../../../tests/support/engine-users';
import { faultyCatalogue } from '../../../tests/support/faulty-catalogue';
import { tempDir } from '../../../tests/support/temp-dir';

async function setup(options: { faults?: boolean } = {}) {
  const cat = faultyCatalogue(options);
  const t = await engineWithUsers({ db: cat.db, dataDir: cat.dir, now: cat.clock.now });
  const events: EngineEvent[] = [];
  t.engine.events.subscribe((e) => events.push(e));
  return { ...t, cat, events, tech: t.as.technician };
}

describe('系统维护 handlers on a real data folder', () => {
  it('are for technicians and administrators only', async () => {
    const t = await setup({ faults: false });
    for (const who of [t.as.operator, t.as.qa]) {
      expect((await t.fails('maintenance.runChecks', {}, who)).code).toBe('auth.forbidden');
      expect((await t.fails('maintenance.backup', { to: tempDir() }, who)).code).toBe('auth.forbidden');
    }
    expect(await t.ok('maintenance.categories', {}, t.as.admin)).toHaveLength(CHECK_IDS.length);
  });

  it('data checks find exactly the planted faults, report progress per step, and record one run', async () => {
    const t = await setup();
    runFixitySlice(t.cat.db, t.cat.blobs, { maxBlobs: 1_000_000, now: t.cat.clock.now }); // the full re-hash
    const roster = path.join(tempDir(), 'roster.json');
    fs.writeFileSync(roster, JSON.stringify(t.cat.roster));
    const runsBefore = t.cat.db.prepare('SELECT count(*) FROM check_runs').pluck().get() as number;

    const r = await t.ok('maintenance.runChecks', { rosterPath: roster }, t.tech);

    expect(r.categories.map((c) => c.id)).toEqual([...CHECK_IDS]);
    for (const c of r.categories) {
      const found = c.findings.map((f) => `${f.kind} ${f.entityId}`).sort();
      expect({ id: c.id, found }).toEqual({ id: c.id, found: t.cat.expected.get(c.id) ?? [] });
      expect(c.count).toBe(found.length);
      for (const f of c.findings) expect(f.message.zh).toMatch(/[\u4e00-\u9fff]/);
    }
    const steps = t.events.flatMap((e) => (e.name === 'maintenance.progress' ? [e.payload] : []));
    // fixity, 11 single categories, the three image categories together
    expect(steps.at(-1)).toMatchObject({ task: 'checks', done: 13, total: 13 });
    expect(steps.map((s) => s.done)).toEqual([...steps.map((s) => s.done)].sort((a, b) => a - b));
    expect(steps.length).toBe(14);
    const runs = t.cat.db.prepare('SELECT counts FROM check_runs ORDER BY id').pluck().all() as string[];
    expect(runs.length).toBe(runsBefore + 1);
    expect(JSON.parse(runs.at(-1) ?? '{}')).toEqual(
      Object.fromEntries(r.categories.map((c) => [c.id, c.count])),
    );
  });

  it('chosen categories only; a roster that cannot be read is a clear error', async () => {
    const t = await setup();
    const r = await t.ok('maintenance.runChecks', { only: ['page-count', 'no-opening'] }, t.tech);
    expect(r.categories.map((c) => c.id)).toEqual(['no-opening', 'page-count']);
    expect(r.fixity).toBeNull();
    const missing = await t.fails('maintenance.runChecks', { rosterPath: '/nonexistent/roster.csv' }, t.tech);
    expect(missing.code).toBe('roster.unreadable');
    expect(missing.message.zh).toContain('名录');
    expect((await t.fails('maintenance.runChecks', { rosterPath: 'roster.csv' }, t.tech)).code).toBe(
      'maintenance.path',
    );
  });

  it('a fix is previewed exactly, applied only as previewed, listed, and undone from the list', async () => {
    const t = await setup();
    const preview = await t.ok('maintenance.fixPreview', { category: 'redundant-data' }, t.tech);
    expect(preview.changes.length).toBeGreaterThan(0);
    expect(preview.changes.every((c) => c.description.zh.length > 0)).toBe(true);
    const before = await t.ok('maintenance.runChecks', { only: ['redundant-data'] }, t.tech);

    const stale = await t.fails(
      'maintenance.fixApply',
      { category: 'redundant-data', planDigest: '0'.repeat(64) },
      t.tech,
    );
    expect(stale.code).toBe('fix.plan-changed');

    const applied = await t.ok(
      'maintenance.fixApply',
      { category: 'redundant-data', planDigest: preview.planDigest },
      t.tech,
    );
    expect(applied.changes).toBe(preview.changes.length);
    expect(applied.seq).not.toBeNull();
    const after = await t.ok('maintenance.runChecks', { only: ['redundant-data'] }, t.tech);
    expect(after.categories[0]?.count).toBeLessThan(before.categories[0]?.count ?? 0);

    const [listed] = await t.ok('maintenance.fixHistory', {}, t.tech);
    expect(listed).toMatchObject({
      seq: applied.seq,
      category: 'redundant-data',
      changes: preview.changes.length,
      username: 'technician',
      undone: null,
    });
    const undo = await t.ok('maintenance.fixUndo', { seq: applied.seq ?? 0 }, t.tech);
    expect(undo.undoes).toBe(applied.seq);
    const again = await t.ok('maintenance.runChecks', { only: ['redundant-data'] }, t.tech);
    expect(again.categories[0]?.count).toBe(before.categories[0]?.count);
    expect((await t.ok('maintenance.fixHistory', {}, t.tech))[0]?.undone).toMatchObject({ seq: undo.seq });
    expect((await t.fails('maintenance.fixUndo', { seq: applied.seq ?? 0 }, t.tech)).code).toBe(
      'fix.undo-done',
    );
    // Categories without an automatic fix say so.
    expect((await t.fails('maintenance.fixPreview', { category: 'multi-opening' }, t.tech)).code).toBe(
      'fix.not-fixable',
    );
  });

  it('a page-count fix is previewed without a reason and applied with one (the preview still holds)', async () => {
    const t = await setup();
    const preview = await t.ok('maintenance.fixPreview', { category: 'page-count' }, t.tech);
    expect(preview.changes).toHaveLength(1);
    expect(preview.changes[0]?.description.zh).toMatch(/原因待填写/);
    const noReason = await t.fails(
      'maintenance.fixApply',
      { category: 'page-count', planDigest: preview.planDigest },
      t.tech,
    );
    expect(noReason.code).toBe('fix.reason-required');
    const applied = await t.ok(
      'maintenance.fixApply',
      { category: 'page-count', reason: '核对实物', planDigest: preview.planDigest },
      t.tech,
    );
    expect(applied.changes).toBe(1);
    const reasons = t.cat.db
      .prepare('SELECT page_count_reason FROM volumes WHERE page_count_reason IS NOT NULL')
      .pluck()
      .all();
    expect(reasons).toEqual(['核对实物']);
  });

  it('backup is verified and says so; bad folders are explained', async () => {
    const t = await setup({ faults: false });
    const to = path.join(tempDir(), '备份');
    const r = await t.ok('maintenance.backup', { to }, t.tech);
    expect(r.verified).toBe(true);
    expect(fs.existsSync(path.join(r.dir, 'manifest.json'))).toBe(true);
    expect(r.blobs.total).toBeGreaterThan(0);
    expect(r.rows).toBeGreaterThan(0);
    const progress = t.events.flatMap((e) => (e.name === 'maintenance.progress' ? [e.payload] : []));
    expect(progress.at(-1)).toMatchObject({ task: 'backup', done: 2, total: 2 });
    // Each phase is reported as it goes: pages of the database, images, the verification.
    const steps = [...new Set(progress.map((p) => p.step.zh))];
    expect(steps).toEqual(
      expect.arrayContaining(['正在复制数据库（页）', '正在复制图像', '正在校验备份副本']),
    );
    const images = progress.filter((p) => p.step.zh === '正在复制图像').at(-1);
    expect(images).toMatchObject({ done: r.blobs.total, total: r.blobs.total });

    // The backup checks out for a restore; the restore itself is a command run with the app closed.
    const check = await t.ok('maintenance.restoreCheck', { from: r.dir }, t.tech);
    expect(check).toMatchObject({ dir: r.dir, rows: r.rows, tables: r.tables, blobsToCopy: 0 });
    expect(check.command).toBe(`dangan restore --data "${t.cat.dir}" --from "${r.dir}"`);
    fs.rmSync(path.join(r.dir, 'manifest.json'));
    const refused = await t.fails('maintenance.restoreCheck', { from: r.dir }, t.tech);
    expect(refused.code).toBe('restore.refused');
    expect(refused.message.zh).toContain('清单文件缺失或无效');
    expect((await t.fails('maintenance.restoreCheck', { from: 'x' }, t.tech)).code).toBe('maintenance.path');
    expect((await t.fails('maintenance.restoreCheck', { from: r.dir }, t.as.operator)).code).toBe(
      'auth.forbidden',
    );

    expect((await t.fails('maintenance.backup', { to: 'backups' }, t.tech)).code).toBe('maintenance.path');
    const file = path.join(tempDir(), 'a-file');
    fs.writeFileSync(file, 'x');
    const blocked = await t.fails('maintenance.backup', { to: path.join(file, 'sub') }, t.tech);
    expect(blocked.code).toBe('backup.folder');
    expect(blocked.message.zh).toContain('数据未受影响');
    const runs = t.cat.db.prepare('SELECT outcome FROM maintenance_runs ORDER BY id').pluck().all();
    expect(runs).toEqual(['ok', 'error']);
  });

  it('a backup missing an image says so and names it; verifying it for a restore names it too', async () => {
    const t = await setup({ faults: false });
    const page = t.cat.db
      .prepare(
        'SELECT p.blob_sha256 AS sha, v.archive_no AS archiveNo, p.seq FROM pages p JOIN volumes v ON v.id = p.volume_id ORDER BY p.id LIMIT 1',
      )
      .get() as { sha: string; archiveNo: string; seq: number };
    fs.rmSync(t.cat.blobs.pathOf(page.sha));
    const r = await t.ok('maintenance.backup', { to: tempDir() }, t.tech);
    const lost = [
      {
        sha256: page.sha,
        problem: 'missing',
        pages: [{ archiveNo: page.archiveNo, seq: page.seq, use: 'original', deleted: false }],
        pageCount: 1,
      },
    ];
    expect(r.notBackedUp).toEqual(lost);
    const progress = t.events.flatMap((e) => (e.name === 'maintenance.progress' ? [e.payload] : []));
    expect(progress.at(-1)?.step.zh).toBe('备份完成，但有 1 个图像无法备份');
    expect((await t.ok('maintenance.restoreCheck', { from: r.dir }, t.tech)).lost).toEqual(lost);
  });

  it('database maintenance reports integrity, foreign keys and the audit chain; audit verification alone', async () => {
    const t = await setup();
    const r = await t.ok('maintenance.maintain', {}, t.tech);
    expect(r.integrity).toEqual(['ok']);
    const violations = t.cat.db.prepare('PRAGMA foreign_key_check').all().length;
    expect(r.foreignKeys).toBe(violations);
    expect(r.ok).toBe(violations === 0 && r.audit.ok);
    const audit = await t.ok('maintenance.verifyAudit', {}, t.as.admin);
    expect(audit).toMatchObject({ ok: true, seq: null, problem: null });
    expect(audit.checked).toBeGreaterThan(0);
  });
});
