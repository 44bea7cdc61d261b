import { describe, expect, it } from 'vitest';
import { faultyCatalogue } from '../../tests/support/faulty-catalogue';
import { openDatabase } from '../../db/open';
import path from 'node:path';
import { runCli as run } from '../../tests/support/cli';

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
    const cat = faultyCatalogue({ clean: 1 });
    cat.db.close();
    const before = titles(cat.dir);
    const dry = await run('fix', 'index-error', '--dry-run', '--data', cat.dir);
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/将修正 2 处（试运行，未改动）/);
    expect(dry.out).toContain('title: "申请书\u200B（副本）" → "申请书（副本）"');
    expect(dry.out).toMatch(/跳过 skipped enterprises/);
    expect(titles(cat.dir)).toEqual(before);

    const applied = await run('fix', 'index-error', '--apply', '--data', cat.dir, '--json');
    expect(applied.code).toBe(0);
    const result = JSON.parse(applied.out) as { auditSeq: number; changes: unknown[] };
    expect(result.changes).toHaveLength(2);
    expect(titles(cat.dir)).not.toEqual(before);

    const undo = await run('fix', 'undo', String(result.auditSeq), '--data', cat.dir);
    expect(undo.code).toBe(0);
    expect(undo.out).toMatch(/已撤销修正/);
    expect(titles(cat.dir)).toEqual(before);
    const again = await run('fix', 'undo', String(result.auditSeq), '--data', cat.dir);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/已于审计记录 \d+ 撤销/);
  });

  it('needs exactly one mode, a reason for page counts, and a fixable category', async () => {
    const cat = faultyCatalogue({ faults: false, clean: 1 });
    cat.db.close();
    expect((await run('fix', 'page-count', '--data', cat.dir)).code).toBe(2);
    const noReason = await run('fix', 'page-count', '--apply', '--data', cat.dir);
    expect(noReason.code).toBe(1);
    expect(noReason.err).toMatch(/须说明原因/);
    const notFixable = await run('fix', 'no-opening', '--dry-run', '--data', cat.dir);
    expect(notFixable.err).toMatch(/没有可自动执行的修正/);
    expect((await run('fix', 'undo', 'x', '--data', cat.dir)).code).toBe(2);
  });
});
