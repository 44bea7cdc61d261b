import { describe, expect, it } from 'vitest';
import { isDomainError } from '../errors';
import { csvRows, parseRoster } from './roster';

const A = '91350200776049653A';
const B = '91350500798359476R';

function failure(fn: () => unknown): { code: string; zh: string; en: string } {
  try {
    fn();
  } catch (e) {
    if (isDomainError(e)) return { code: e.code, zh: e.text.zh, en: e.text.en };
    throw e;
  }
  throw new Error('expected a failure');
}

describe('parseRoster', () => {
  it('reads JSON arrays and {entries}, normalising codes and folding status words', () => {
    expect(
      parseRoster(JSON.stringify([{ code: ` ${A.toLowerCase()} `, status: '存续' }]), 'json').entries,
    ).toEqual([{ code: A, status: 'active' }]);
    expect(parseRoster(JSON.stringify({ entries: [{ code: B, status: '注销' }] }), 'json')).toEqual({
      entries: [{ code: B, status: 'deleted' }],
      problems: [],
    });
  });

  it('reads CSV with Chinese headers, quotes, CRLF and a BOM', () => {
    const csv = `\uFEFF名称,统一社会信用代码,状态\r\n"厦门,测试""公司""",${A},在业\r\n其他,${B},已注销\r\n\r\n`;
    expect(parseRoster(csv, 'csv').entries).toEqual([
      { code: A, status: 'active' },
      { code: B, status: 'deleted' },
    ]);
    expect(csvRows('a,"b\nc"\n')).toEqual([['a', 'b\nc']]);
  });

  it('refuses a file that is no roster, or holds no usable line, with a bilingual error naming the lines', () => {
    expect(failure(() => parseRoster('{not json', 'json'))).toMatchObject({ code: 'roster.invalid' });
    const bad = failure(() => parseRoster(JSON.stringify([{ code: '123', status: 'active' }]), 'json'));
    expect(bad.zh).toMatch(/名录文件无效/);
    expect(bad.en).toMatch(/item 1: code "123" is not/);
    expect(bad.zh).toMatch(/第 1 项：代码 "123" 不是/);
    const csv = failure(() => parseRoster(`code,status\n${A},maybe\n`, 'csv'));
    expect(csv.en).toMatch(/line 2.*unknown status "maybe"/);
    expect(failure(() => parseRoster('name,other\nx,y\n', 'csv')).en).toMatch(/header needs a code column/);
    expect(failure(() => parseRoster('code,status\n"open', 'csv')).en).toMatch(/not closed/);
  });

  it('reports bad lines (line number and reason, both languages) and keeps the rest', () => {
    const wrongCheck = `${A.slice(0, 17)}${A.endsWith('0') ? '1' : '0'}`;
    const lines = [
      'code,status',
      `${A},存续`, // 2
      `${B},注销`, // 3
      '91350200MA2YBC456Z,存续', // 4: well formed, wrong check character
      `${wrongCheck},存续`, // 5
      '9135020077604965,存续', // 6: 16 characters
      `${A},maybe`, // 7: unknown status
      '12345,注销', // 8
      `${B},存续`, // 9: B was 注销 on line 3
    ];
    const r = parseRoster(lines.join('\n'), 'csv');
    expect(r.entries).toEqual([{ code: A, status: 'active' }]);
    expect(r.problems.map((p) => [p.line, p.code])).toEqual([
      [4, '91350200MA2YBC456Z'],
      [5, wrongCheck],
      [6, '9135020077604965'],
      [7, A],
      [8, '12345'],
      [9, B],
    ]);
    const [p4, p5, p6, , , p9] = r.problems;
    expect(p4?.problem.zh).toMatch(/^第 4 行：代码 "91350200MA2YBC456Z" 无效：/);
    expect(p5?.problem.zh).toMatch(/^第 5 行：代码 "\w+" 无效：.*校验/);
    expect(p5?.problem.en).toMatch(/^line 5: code "\w+" is invalid: .*check/i);
    expect(p6?.problem.zh).toMatch(
      /^第 6 行：代码 "9135020077604965" 不是 18 位统一社会信用代码或 15 位注册号$/,
    );
    expect(p9?.problem.zh).toMatch(/^第 9 行：代码 .* 的状态与第 3 行矛盾（注销 \/ 存续），本代码不作对照$/);
    // (Line 7's English names the accepted status words, some of them Chinese.)
    for (const p of [p4, p5, p6, p9]) expect(p?.problem.en).not.toMatch(/[\u4e00-\u9fff]/);
  });
});
