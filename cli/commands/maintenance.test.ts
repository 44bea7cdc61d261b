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
    const app = takeEngineLock(cat.dir); // a running app holds the folder: no restore under it
    const held = await run('restore', '--data', cat.dir, '--from', backup.dir);
    app.release();
    expect(held.code).toBe(1);
    expect(held.err).toMatch(/\[data\.in-use\]|数据目录正由运行中的工作站使用/);
    const real = await run('restore', '--data', cat.dir, '--from', backup.dir);
    expect(real.code).toBe(0);
    expect(real.out).toMatch(/原数据库保存在/);
    expect((await run('maintain', '--data', cat.dir)).code).toBe(0); // the restored folder opens and checks out

    const bad = await run('restore', '--data', cat.dir, '--from', tempDir());
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/不能从该备份恢复/);
  });
});
