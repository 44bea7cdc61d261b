import { describe, expect, it } from 'vitest';
import { runCli as run } from '../tests/support/cli';

describe('help in both languages', () => {
  it('commander’s own words come with their Chinese, on every level', async () => {
    const top = await run('--help');
    expect(top.code).toBe(0);
    expect(top.out).toMatch(/^用法 Usage: dangan \[options\] \[command\]/);
    expect(top.out).toContain('选项 Options:');
    expect(top.out).toContain('命令 Commands:');
    expect(top.out).toMatch(/-h, --help\s+显示帮助 \/ display help for command/);
    expect(top.out).toMatch(/help \[command\]\s+显示某个命令的帮助 \/ display help for a command/);

    const scan = await run('scan', '--help');
    expect(scan.out).toMatch(/^用法 Usage: dangan scan \[options\]/);
    expect(scan.out).toMatch(/-h, --help\s+显示帮助 \/ display help for command/);
    // Choices and defaults: the labels translated, the values and the option's own text untouched.
    expect(scan.out).toMatch(/\(可选 choices: "feeder", "flatbed",\s+"duplex", 默认 default: "feeder"\)/);
    expect(scan.out).toMatch(/300 default, 200 minimum\) \(默认\s+default: 300\)/);

    const imp = await run('import', '--help');
    expect(imp.out).toContain('参数 Arguments:');
    expect(imp.out).not.toMatch(/^(Usage|Options|Arguments):/m);
  });
});
