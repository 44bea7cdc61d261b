import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// The `dangan` command as a newcomer runs it: a real process through bin/dangan.js.
describe('bin/dangan.js', () => {
  it('checks a code in a child process with the documented exit codes', () => {
    const ok = execFileSync(process.execPath, ['bin/dangan.js', 'code', 'check', '91350200776049653A'], {
      encoding: 'utf8',
    });
    expect(ok).toMatch(/91350200776049653A .*✓ 有效/);
    const bad = spawnSync(process.execPath, ['bin/dangan.js', 'code', 'check', '91350200776049653B'], {
      encoding: 'utf8',
    });
    expect(bad.status).toBe(1);
    const usage = spawnSync(process.execPath, ['bin/dangan.js', 'frobnicate'], { encoding: 'utf8' });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/未知命令/);
  });
});
