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
    expect(parseRoster(JSON.stringify([{ code: ` ${A.toLowerCase()} `, status: '存续' }]), 'json')).toEqual([
      { code: A, status: 'active' },
    ]);
    expect(parseRoster(JSON.stringify({ entries: [{ code: B, status: '注销' }] }), 'json')).toEqual([
      { code: B, status: 'deleted' },
    ]);
  });

  it('reads CSV with Chinese headers, quotes, CRLF and a BOM', () => {
    const csv = `\uFEFF名称,统一社会信用代码,状态\r\n"厦门,测试""公司""",${A},在业\r\n其他,${B},已注销\r\n\r\n`;
    expect(parseRoster(csv, 'csv')).toEqual([
      { code: A, status: 'active' },
      { code: B, status: 'deleted' },
    ]);
    expect(csvRows('a,"b\nc"\n')).toEqual([['a', 'b\nc']]);
  });

  it('refuses malformed rosters with a bilingual error naming the line', () => {
    expect(failure(() => parseRoster('{not json', 'json'))).toMatchObject({ code: 'roster.invalid' });
    const bad = failure(() => parseRoster(JSON.stringify([{ code: '123', status: 'active' }]), 'json'));
    expect(bad.zh).toMatch(/名录文件无效/);
    expect(bad.en).toMatch(/0\.code/);
    const csv = failure(() => parseRoster(`code,status\n${A},maybe\n`, 'csv'));
    expect(csv.en).toMatch(/line 2.*unknown status "maybe"/);
    expect(failure(() => parseRoster('name,other\nx,y\n', 'csv')).en).toMatch(/header needs a code column/);
    expect(failure(() => parseRoster(`code,status\n${A},active\n${A},deleted\n`, 'csv')).en).toMatch(
      /conflicting/,
    );
    expect(failure(() => parseRoster('code,status\n"open', 'csv')).en).toMatch(/not closed/);
  });
});
