import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { faultyCatalogue } from '../../tests/support/faulty-catalogue';
import { tempDir } from '../../tests/support/temp-dir';
import { runCli as run } from '../../tests/support/cli';
import { takeEngineLock } from '../../workstation/engine-lock';

describe('dangan maintain, backup, restore', () => {
  it('maintains, backs up, then restores (dry run first) from the command line', async () => {
    const cat = faultyCatalogue({ faults: false, clean: 1 });
    cat.db.close();
    const m = await run('maintain', '--data', cat.dir);
    expect(m.code).toBe(0);
    expect(m.out).toMatch(/审计链 audit chain: \d+ 条完好/);

    const to = tempDir();
    const b = await run('backup', '--data', cat.dir, '--to', to, '--json');
    expect(b.code).toBe(0);
    const backup = JSON.parse(b.out) as { dir: string };
    expect(fs.existsSync(path.join(backup.dir, 'manifest.json'))).toBe(true);

    const dry = await run('restore', '--data', cat.dir, '--from', backup.dir, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/试运行.*校验通过/);
    const app = takeEngineLock(cat.dir); // a running app holds the folder: no restore, no maintain under it
    const before = fs.readFileSync(path.join(cat.dir, 'dangan.db'));
    const held = await run('restore', '--data', cat.dir, '--from', backup.dir);
    const maintained = await run('maintain', '--data', cat.dir);
    app.release();
    for (const r of [held, maintained]) {
      expect(r.code).toBe(1);
      expect(r.err).toMatch(
        /数据目录正由运行中的工作站使用.*The data folder .* is in use by a running workstation/,
      );
    }
    expect(fs.readFileSync(path.join(cat.dir, 'dangan.db')).equals(before)).toBe(true);
    const real = await run('restore', '--data', cat.dir, '--from', backup.dir);
    expect(real.code).toBe(0);
    expect(real.out).toMatch(/原数据库保存在/);
    expect((await run('maintain', '--data', cat.dir)).code).toBe(0); // the restored folder opens and checks out

    const bad = await run('restore', '--data', cat.dir, '--from', tempDir());
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/不能从该备份恢复/);
  });

  it('a backup that could not take an image says which, exits 1, and a restore dry run names it', async () => {
    const cat = faultyCatalogue({ faults: false, clean: 1 });
    const page = cat.db
      .prepare(
        'SELECT p.blob_sha256 AS sha, v.archive_no AS archiveNo, p.seq FROM pages p JOIN volumes v ON v.id = p.volume_id ORDER BY p.id LIMIT 1',
      )
      .get() as { sha: string; archiveNo: string; seq: number };
    cat.db.close();
    fs.rmSync(cat.blobs.pathOf(page.sha));
    const b = await run('backup', '--data', cat.dir, '--to', tempDir());
    expect(b.code).toBe(1);
    expect(b.out).not.toMatch(/备份已完成并通过校验/);
    expect(b.out).toMatch(/备份完成，但有 1 个图像无法备份/);
    const where = `${page.archiveNo} 第 ${page.seq} 页（原图）：文件丢失，摘要 ${page.sha}`;
    expect(b.out).toContain(where);
    const dir = /无法备份（其余内容已通过校验）：(\S+)/.exec(b.out)?.[1] ?? '';
    const dry = await run('restore', '--data', cat.dir, '--from', dir, '--dry-run');
    expect(dry.code).toBe(1);
    expect(dry.out).toMatch(/注意：恢复后仍将缺少 1 个图像——备份中没有，本机也没有完好的副本/);
    expect(dry.out).toContain(where);
  });

  it('refuses --keep 0 before any work, and says a restore needs one dangan-<time> folder', async () => {
    const cat = faultyCatalogue({ faults: false, clean: 1 });
    cat.db.close();
    const to = tempDir();
    expect((await run('backup', '--data', cat.dir, '--to', to)).code).toBe(0);
    const zero = await run('backup', '--data', cat.dir, '--to', to, '--keep', '0');
    expect(zero.code).toBe(2);
    expect(zero.err).toContain('--keep 至少为 1（保留刚做的这一份）：0 / --keep must be at least 1');
    expect(fs.readdirSync(to).filter((n) => n.startsWith('dangan-'))).toHaveLength(1);
    const parent = await run('restore', '--data', cat.dir, '--from', to, '--dry-run');
    expect(parent.code).toBe(2);
    expect(parent.err).toMatch(
      /是备份文件夹，其中有 1 份备份：请选其中一份.*最新的是：.*dangan-\d{8}T\d{6}Z/,
    );
    const made = await run('backup', '--data', cat.dir, '--to', path.join(tempDir(), 'new'));
    expect(made.out).toContain('已新建备份文件夹');
  });
});
