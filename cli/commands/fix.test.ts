import { describe, expect, it } from 'vitest';
import { faultyCatalogue } from '../../tests/support/faulty-catalogue';
import { openDatabase } from '../../db/open';
import path from 'node:path';
import { runCli as run } from '../../tests/support/cli';
import { tempDir } from '../../tests/support/temp-dir';
import { takeEngineLock } from '../../workstation/engine-lock';
import { addUser } from '../../tests/support/capture-data';

/** The planted catalogue with the technician the tests act as (`--as tech-chen`) and an operator. */
async function catalogue(options: Parameters<typeof faultyCatalogue>[0] = { clean: 1 }) {
  const cat = faultyCatalogue(options);
  await addUser(cat.repos, 'tech-chen', ['technician']);
  await addUser(cat.repos, 'op-wang', ['operator']);
  cat.db.close();
  return cat;
}
const AS = ['--as', 'tech-chen'];

function titles(dir: string): string[] {
  const { db } = openDatabase(path.join(dir, 'dangan.db'), { readonly: true });
  try {
    return db.prepare('SELECT title FROM documents ORDER BY id').pluck().all() as string[];
  } finally {
    db.close();
  }
}

describe('dangan fix', () => {
  it('--dry-run shows the exact changes and changes nothing; --apply makes them; undo restores', async () => {
    const cat = await catalogue();
    const before = titles(cat.dir);
    const dry = await run('fix', 'index-error', '--dry-run', '--data', cat.dir);
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/将修正 2 处（试运行，未改动）/);
    expect(dry.out).toContain('title: "申请书\u200B（副本）" → "申请书（副本）"');
    expect(dry.out).toMatch(/跳过 skipped enterprises/);
    expect(titles(cat.dir)).toEqual(before);

    const applied = await run('fix', 'index-error', '--apply', ...AS, '--data', cat.dir, '--json');
    expect(applied.code).toBe(0);
    const result = JSON.parse(applied.out) as { auditSeq: number; changes: unknown[] };
    expect(result.changes).toHaveLength(2);
    expect(titles(cat.dir)).not.toEqual(before);

    // A dry run of the undo lists the rows it would restore and changes nothing.
    const fixed = titles(cat.dir);
    const undoDry = await run('fix', 'undo', String(result.auditSeq), '--dry-run', '--data', cat.dir);
    expect(undoDry.code).toBe(0);
    expect(undoDry.out).toMatch(/将撤销修正 \d+，恢复 2 条记录（试运行，未改动）/);
    expect(undoDry.out).toContain('title: "申请书（副本）" → "申请书\u200B（副本）"');
    expect(titles(cat.dir)).toEqual(fixed);
    const undoDryJson = await run(
      'fix',
      'undo',
      String(result.auditSeq),
      '--dry-run',
      '--json',
      '--data',
      cat.dir,
    );
    expect(JSON.parse(undoDryJson.out)).toMatchObject({
      undone: false,
      undoes: result.auditSeq,
      auditSeq: null,
    });
    expect(titles(cat.dir)).toEqual(fixed);

    const undo = await run('fix', 'undo', String(result.auditSeq), ...AS, '--data', cat.dir);
    expect(undo.code).toBe(0);
    expect(undo.out).toMatch(/已撤销修正/);
    expect(titles(cat.dir)).toEqual(before);
    const again = await run('fix', 'undo', String(result.auditSeq), ...AS, '--data', cat.dir);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/已于审计记录 \d+ 撤销/);
  });

  it('needs exactly one mode, a reason for page counts, and a fixable category', async () => {
    const cat = await catalogue({ faults: false, clean: 1 });
    expect((await run('fix', 'page-count', '--data', cat.dir)).code).toBe(2);
    // A preview changes nothing, so it needs no reason; applying does.
    const { db } = openDatabase(path.join(cat.dir, 'dangan.db'));
    db.prepare(
      'UPDATE volumes SET declared_pages = declared_pages + 2 WHERE id = (SELECT min(id) FROM volumes)',
    ).run();
    db.close();
    const preview = await run('fix', 'page-count', '--dry-run', '--data', cat.dir);
    expect(preview.code).toBe(0);
    expect(preview.out).toMatch(/将修正 1 处.*\n.*页数 5 改为 3（原因待填写）/);
    const noReason = await run('fix', 'page-count', '--apply', ...AS, '--data', cat.dir);
    expect(noReason.code).toBe(1);
    expect(noReason.err).toMatch(/须说明原因/);
    const withReason = await run(
      'fix',
      'page-count',
      '--apply',
      '--reason',
      '核对实物',
      ...AS,
      '--data',
      cat.dir,
    );
    expect(withReason.out).toMatch(/已修正 1 处[^]*原因：核对实物/);
    const notFixable = await run('fix', 'no-opening', '--dry-run', '--data', cat.dir);
    expect(notFixable.err).toMatch(/没有可自动执行的修正/);
    const unknown = await run('fix', 'nothing', '--dry-run', '--data', cat.dir);
    expect(unknown.code).toBe(2);
    expect(unknown.err.split('\n').slice(0, 2)).toEqual([
      '用法错误：未知的类别 nothing / usage error: unknown category nothing',
      '可用 / known: redundant-data, index-error, page-error, page-count, undo',
    ]);
    expect((await run('fix', 'undo', 'x', '--data', cat.dir)).code).toBe(2);
  });

  it('undo of an unknown, a non-fix or an already-undone record, or over a later edit, is refused and changes nothing', async () => {
    const cat = await catalogue();
    const applied = await run('fix', 'index-error', '--apply', ...AS, '--data', cat.dir, '--json');
    const { auditSeq, changes } = JSON.parse(applied.out) as {
      auditSeq: number;
      changes: { table: string; id: number }[];
    };
    const unknown = await run('fix', 'undo', '99999', ...AS, '--data', cat.dir);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(
      /没有审计记录 99999：无此修正记录 \/ No audit record 99999: no such fix record/,
    );
    expect((await run('fix', 'undo', '99999', '--dry-run', '--data', cat.dir)).err).toMatch(/无此修正记录/);
    expect((await run('fix', 'undo', '1', ...AS, '--data', cat.dir)).err).toMatch(/不是一次自动修正/);
    // Someone edits a fixed row afterwards: undoing would lose that edit.
    const edited = changes[0]?.id ?? 0;
    const { db } = openDatabase(path.join(cat.dir, 'dangan.db'));
    db.prepare("UPDATE documents SET title = '后来改过' WHERE id = ?").run(edited);
    db.close();
    const after = titles(cat.dir);
    const stale = await run('fix', 'undo', String(auditSeq), ...AS, '--data', cat.dir);
    expect(stale.code).toBe(1);
    expect((await run('fix', 'undo', String(auditSeq), '--dry-run', '--data', cat.dir)).err).toMatch(
      /不能撤销/,
    );
    expect((await run('fix', 'undo', String(auditSeq), '--dry-run', '--apply', '--data', cat.dir)).code).toBe(
      2,
    );
    expect(stale.err).toMatch(
      new RegExp(
        `修正后这些记录又被修改过，不能撤销：documents ${edited} \\/ These rows changed after the fix`,
      ),
    );
    expect(titles(cat.dir)).toEqual(after);
  });

  it('--apply and undo are refused while the app holds the data folder; a dry run is not', async () => {
    const cat = await catalogue();
    const before = titles(cat.dir);
    const lock = takeEngineLock(cat.dir);
    try {
      expect((await run('fix', 'index-error', '--dry-run', '--data', cat.dir)).code).toBe(0);
      for (const args of [
        ['fix', 'index-error', '--apply'],
        ['fix', 'undo', '1'],
      ]) {
        const r = await run(...args, ...AS, '--data', cat.dir);
        expect({ args, code: r.code }).toEqual({ args, code: 1 });
        expect(r.err).toMatch(
          /数据目录正由运行中的工作站使用.* \/ The data folder .* is in use by a running workstation/,
        );
      }
    } finally {
      lock.release();
    }
    expect(titles(cat.dir)).toEqual(before);
    expect((await run('fix', 'index-error', '--apply', ...AS, '--data', cat.dir)).code).toBe(0);
  });

  it('a store is not corrected: --store-data is refused, saying where to fix', async () => {
    const r = await run('fix', 'page-count', '--dry-run', '--store-data', tempDir());
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /不在档案库改错：请在工作站修正后重新移交.* \/ .*fix on the workstation and send the volume again/,
    );
  });

  it('--apply and undo act as an active technician or admin named by --as, and the audit names them', async () => {
    const cat = await catalogue();
    const before = titles(cat.dir);
    const operator = await run('fix', 'index-error', '--apply', '--as', 'op-wang', '--data', cat.dir);
    expect(operator.code).toBe(1);
    expect(operator.err).toMatch(
      /用户 op-wang（.*）没有.*角色，不能执行自动修正[^/]* \/ User op-wang .* cannot apply an automatic fix/,
    );
    const nobody = await run('fix', 'index-error', '--apply', '--as', 'nobody', '--data', cat.dir);
    expect(nobody.err).toMatch(/没有用户名为“nobody”的用户/);
    expect(titles(cat.dir)).toEqual(before);
    const applied = await run('fix', 'index-error', '--apply', ...AS, '--data', cat.dir, '--json');
    const { auditSeq } = JSON.parse(applied.out) as { auditSeq: number };
    expect((await run('fix', 'undo', String(auditSeq), '--as', 'op-wang', '--data', cat.dir)).err).toMatch(
      /不能撤销自动修正/,
    );
    expect((await run('fix', 'undo', String(auditSeq), ...AS, '--data', cat.dir)).code).toBe(0);
    const { db } = openDatabase(path.join(cat.dir, 'dangan.db'), { readonly: true });
    try {
      const who = db
        .prepare(
          "SELECT action, username, user_id IS NOT NULL AS known FROM audit_log WHERE action LIKE 'fix.%' ORDER BY seq",
        )
        .all();
      expect(who).toEqual([
        { action: 'fix.apply', username: 'tech-chen', known: 1 },
        { action: 'fix.undo', username: 'tech-chen', known: 1 },
      ]);
    } finally {
      db.close();
    }
    expect(titles(cat.dir)).toEqual(before);
  });
});
