import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECK_IDS } from '../../core/checks/categories';
import { ROSTER_MAX_BYTES } from '../../db/checks/roster-file';
import { openDatabase } from '../../db/open';
import { faultyCatalogue } from '../../tests/support/faulty-catalogue';
import { runCli as run } from '../../tests/support/cli';
import { tempDir } from '../../tests/support/temp-dir';

// Bad input to `dangan check`: each is told in Chinese and English, exits non-zero before the checks
// start (no check run is recorded), and leaves the data as it was.

function checkRuns(dir: string): number {
  const { db } = openDatabase(path.join(dir, 'dangan.db'), { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM check_runs').pluck().get() as number;
  } finally {
    db.close();
  }
}

/** GB18030 bytes of a CSV as Excel on a Chinese Windows saves it (header 统一社会信用代码,状态). */
function gbkCsv(code: string, status: 'active' | 'deleted'): Buffer {
  return Buffer.concat([
    Buffer.from('cdb3d2bbc9e7bbe1d0c5d3c3b4fac2eb2cd7b4ccac0d0a', 'hex'),
    Buffer.from(`${code},`),
    Buffer.from(status === 'active' ? 'b4e6d0f8' : 'd7a2cffa', 'hex'), // 存续 / 注销
    Buffer.from('0d0a', 'hex'),
  ]);
}

describe('dangan check refuses bad input clearly and loses nothing', () => {
  it('malformed rosters: bad codes, wrong columns, empty, header only, wrong JSON shape, too large', async () => {
    const cat = faultyCatalogue({ faults: false, clean: 1 });
    cat.db.close();
    const dir = tempDir();
    const cases: [string, string | Buffer, RegExp][] = [
      [
        'codes.csv',
        'code,status\n123,active\n',
        /第 2 行：代码 "123" 不是.*\/ Invalid roster \(CSV\): .*line 2: code "123"/,
      ],
      ['columns.csv', 'name,other\nx,y\n', /首行须有代码列.*\/ .*the header needs a code column/],
      ['empty.csv', '', /文件是空的 \/ .*the file is empty/],
      ['header.csv', 'code,status\r\n', /没有任何可用的企业记录.* \/ .*holds no usable entries/],
      ['empty.json', '', /不是有效的 JSON.* \/ .*not valid JSON/],
      ['none.json', '[]', /没有任何可用的企业记录/],
      ['shape.json', '{"codes": ["x"]}', /格式应为 \[\{"code".* \/ .*expected \[\{"code"/],
      ['items.json', '[{"uscc": "x"}]', /第 1 项：缺少代码；缺少状态 \/ .*item 1: no code, no status/],
      ['missing.csv', '', /无法读取名录文件 .*\/ Cannot read the roster/],
    ];
    for (const [name, content, message] of cases) {
      const file = path.join(dir, name);
      if (name !== 'missing.csv') fs.writeFileSync(file, content);
      const r = await run('check', '--data', cat.dir, '--roster', file, '--only', 'deleted-upstream');
      expect({ name, code: r.code, out: r.out }).toEqual({ name, code: 1, out: '' });
      expect(r.err, name).toMatch(message);
    }
    // Too large: refused from its size before a byte is read (a sparse file: no disk used).
    const huge = path.join(dir, 'huge.csv');
    fs.writeFileSync(huge, 'code,status\n');
    fs.truncateSync(huge, ROSTER_MAX_BYTES + 1);
    const big = await run('check', '--data', cat.dir, '--roster', huge);
    expect(big.code).toBe(1);
    expect(big.err).toMatch(/名录文件过大（257 MiB，上限 256 MiB）.* \/ The roster .* is too large/);
    expect(checkRuns(cat.dir)).toBe(0);
  });

  it('reads a roster with a BOM, and one saved in GB18030 (Excel on a Chinese Windows)', async () => {
    const cat = faultyCatalogue({ faults: false, clean: 2 });
    cat.db.close();
    const [a, b] = cat.roster;
    if (!a || !b) throw new Error('fixture');
    const dir = tempDir();
    const bom = path.join(dir, 'bom.json');
    fs.writeFileSync(bom, `\uFEFF${JSON.stringify([a, { code: b.code, status: 'deleted' }])}`);
    const gbk = path.join(dir, 'gbk.csv');
    fs.writeFileSync(gbk, Buffer.concat([gbkCsv(a.code, 'active'), gbkCsv(b.code, 'deleted').subarray(23)]));
    for (const file of [bom, gbk]) {
      const r = await run(
        'check',
        '--data',
        cat.dir,
        '--roster',
        file,
        '--only',
        'deleted-upstream',
        '--json',
      );
      const report = JSON.parse(r.out) as {
        categories: { findings: { kind: string; details: { code: string } }[] }[];
      };
      expect(report.categories[0]?.findings.map((f) => [f.kind, f.details.code])).toEqual([
        ['deleted-upstream.deleted-in-roster', b.code],
      ]);
    }
  });

  it('an unknown --only id, an --xlsx path in a missing folder or naming a folder', async () => {
    const cat = faultyCatalogue({ faults: false, clean: 1 });
    cat.db.close();
    const only = await run('check', '--data', cat.dir, '--only', 'page-count,nope');
    expect(only.code).toBe(2);
    // Said once: one bilingual line, then the ids (the same in both languages).
    expect(only.err.split('\n').slice(0, 2)).toEqual([
      '用法错误：未知的检错类别 nope / usage error: unknown check category nope',
      `可用 / known: ${CHECK_IDS.join(', ')}`,
    ]);
    expect(only.err.match(/nope/g)).toHaveLength(2);
    const dir = tempDir();
    const missing = path.join(dir, 'no-such-folder', 'report.xlsx');
    const x1 = await run('check', '--data', cat.dir, '--only', 'page-count', '--xlsx', missing);
    expect(x1.code).toBe(1);
    expect(x1.err).toMatch(
      /无法写入报表 .*文件夹 .*no-such-folder 不存在.*检查尚未开始 \/ Cannot write the report .*does not exist/,
    );
    const x2 = await run('check', '--data', cat.dir, '--only', 'page-count', '--xlsx', dir);
    expect(x2.err).toMatch(/这是一个文件夹.* \/ .*it is a folder/);
    expect(fs.existsSync(path.dirname(missing))).toBe(false);
    expect(checkRuns(cat.dir)).toBe(0);
  });

  it('a roster with bad lines: each is a finding (line and reason), the rest is checked', async () => {
    const cat = faultyCatalogue({ faults: false, clean: 2 });
    cat.db.close();
    const [a, b] = cat.roster;
    const file = path.join(tempDir(), 'roster.csv');
    const lines = [
      '统一社会信用代码,状态',
      `${a?.code},存续`,
      '913502,存续',
      `${b?.code},注销`,
      '91350200MA2YBC456Z,存续',
    ];
    fs.writeFileSync(file, lines.join('\n'));
    const r = await run('check', '--data', cat.dir, '--roster', file, '--only', 'deleted-upstream', '--json');
    const report = JSON.parse(r.out) as {
      categories: { findings: { kind: string; entityId: string; message: { zh: string; en: string } }[] }[];
    };
    const findings = report.categories[0]?.findings ?? [];
    expect(findings.map((f) => [f.kind, f.entityId]).sort()).toEqual(
      [
        ['deleted-upstream.deleted-in-roster', expect.any(String)],
        ['deleted-upstream.roster-line', '913502'],
        ['deleted-upstream.roster-line', '91350200MA2YBC456Z'],
      ].sort(),
    );
    const invalid = findings.find((f) => f.entityId === '91350200MA2YBC456Z');
    expect(invalid?.message.zh).toMatch(/^名录第 5 行：代码 "91350200MA2YBC456Z" 无效：.*（该行未作对照）$/);
    expect(invalid?.message.en).toMatch(
      /^Roster line 5: code "91350200MA2YBC456Z" is invalid: .*\(the line was not compared\)$/,
    );
    expect(findings.some((f) => f.kind === 'deleted-upstream.unknown-here')).toBe(false);
    expect(checkRuns(cat.dir)).toBe(1);
  });
});
