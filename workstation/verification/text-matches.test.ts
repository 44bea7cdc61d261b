import { describe, expect, it } from 'vitest';
import { matchWords } from './text-matches';

const WANTED = { uscc: '91350200776049653A', regNo: null, name: '厦门测试有限公司' };

describe('marking the enterprise code and name in an OCR line', () => {
  it('finds the code across words, through OCR confusions and one inserted character', () => {
    expect(matchWords(['代码', '9I35O2007760', '49653A'], WANTED)).toEqual([null, 'uscc', 'uscc']);
    // tesseract read one character too many inside the code (as on our demo form).
    expect(matchWords(['913502007760496534A'], WANTED)).toEqual(['uscc']);
    // Another valid-looking code is not ours.
    expect(matchWords(['91350500798359476R'], WANTED)).toEqual([null]);
  });

  it('finds the name whole, or its longest run of at least 4 characters, one character a word', () => {
    expect(matchWords(Array.from('名称厦门测试有限公司'), WANTED)).toEqual([
      null,
      null,
      ...Array.from({ length: 8 }, () => 'name'),
    ]);
    // OCR misread the first character: the rest still counts.
    expect(matchWords(Array.from('夏门测试有限公司章程'), WANTED)).toEqual([
      null,
      ...Array.from({ length: 7 }, () => 'name'),
      null,
      null,
    ]);
    // Three characters in common are not the name.
    expect(matchWords(Array.from('有限公'), WANTED)).toEqual([null, null, null]);
  });

  it('finds a 15-digit 注册号 when that is what the enterprise has', () => {
    const marks = matchWords(['注册号', '110108000000016'], {
      uscc: null,
      regNo: '110108000000016',
      name: '某某',
    });
    expect(marks).toEqual([null, 'regno']);
  });
});
