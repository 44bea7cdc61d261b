import { describe, expect, it } from 'vitest';
import { DEFAULT_DPI, MIN_DPI, modeForDocument, profileFor, resolutionIssues } from './profiles';

describe('capture profiles (DA/T 31)', () => {
  it('scans at 300 dpi by default, JPEG for colour and grey, CCITT G4 for line art', () => {
    expect(DEFAULT_DPI).toBe(300);
    expect(profileFor('gray')).toMatchObject({ dpi: 300, master: 'jpeg' });
    expect(profileFor('color', 400)).toMatchObject({ dpi: 400, master: 'jpeg' });
    expect(profileFor('lineart')).toMatchObject({ master: 'tiff-g4' });
  });

  it('warns, in both languages, about a page under the 200 dpi floor or without a resolution; not at 200', () => {
    expect(MIN_DPI).toBe(200);
    expect(resolutionIssues(200)).toEqual([]);
    expect(resolutionIssues(300)).toEqual([]);
    const [low] = resolutionIssues(199);
    expect(low?.code).toBe('capture.dpi-low');
    expect(low?.message.zh).toContain('199 dpi');
    expect(low?.message.en).toContain('below the DA/T 31 floor of 200 dpi');
    expect(resolutionIssues(null).map((i) => i.code)).toEqual(['capture.dpi-unknown']);
  });

  it('scans documents that carry seals or red headers in colour, plain text in grey', () => {
    for (const title of [
      '营业执照',
      '股东会决议',
      '法定代表人身份证明',
      '准予设立登记通知书',
      '执行董事决定',
    ]) {
      expect(modeForDocument(title)).toBe('color');
    }
    for (const title of ['公司章程', '公司设立登记申请书', '房屋租赁合同']) {
      expect(modeForDocument(title)).toBe('gray');
    }
  });
});
