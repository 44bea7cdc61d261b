import { describe, expect, it } from 'vitest';
import fujianJson from '../resources/bureaus/fujian.json';
import {
  DEFAULT_PROVINCE,
  bureauForDivision,
  defaultBureau,
  divisionName,
  findBureau,
  loadProvinceConfig,
  provinceBureau,
} from './bureaus';
import { DEFAULT_ARCHIVE_NUMBER_PATTERN } from './archive-number';
import { DomainError } from './errors';

function configError(json: unknown): string {
  try {
    loadProvinceConfig(json);
  } catch (e) {
    if (e instanceof DomainError && e.code === 'config.invalid') return e.text.en;
    throw e;
  }
  throw new Error('expected config.invalid');
}

// A deep copy of the Fujian data to break in tests.
function fujian(): { bureaus: Record<string, unknown>[] } & Record<string, unknown> {
  return JSON.parse(JSON.stringify(fujianJson)) as { bureaus: Record<string, unknown>[] } & Record<
    string,
    unknown
  >;
}

describe('default province (Fujian)', () => {
  it('has the 省局 and ten city-level bureaus with their division codes', () => {
    expect(DEFAULT_PROVINCE.id).toBe('fujian');
    expect(provinceBureau(DEFAULT_PROVINCE)).toMatchObject({
      code: '350000',
      name: '福建省',
      level: 'province',
    });
    const cities = DEFAULT_PROVINCE.bureaus.filter((b) => b.level === 'city');
    expect(cities.map((b) => `${b.division}${b.shortName}`)).toEqual([
      '350100福州',
      '350200厦门',
      '350300莆田',
      '350400三明',
      '350500泉州',
      '350600漳州',
      '350700南平',
      '350800龙岩',
      '350900宁德',
      '350128平潭',
    ]);
    for (const b of DEFAULT_PROVINCE.bureaus) expect(b.code).toBe(b.division);
    expect(findBureau(DEFAULT_PROVINCE, '350128')?.nameEn).toBe('Pingtan Comprehensive Experimental Zone');
    expect(findBureau(DEFAULT_PROVINCE, '350128')?.authority).toBe('平潭综合实验区市场监督管理局');
    expect(findBureau(DEFAULT_PROVINCE, '110000')).toBeUndefined();
    expect(DEFAULT_PROVINCE.archiveNumberPattern).toBe(DEFAULT_ARCHIVE_NUMBER_PATTERN);
    expect(Object.isFrozen(DEFAULT_PROVINCE.bureaus[0])).toBe(true);
  });

  it('maps division codes to their owning bureau', () => {
    const owner = (d: string) => bureauForDivision(DEFAULT_PROVINCE, d)?.shortName;
    expect(owner('350102')).toBe('福州'); // 鼓楼区
    expect(owner('350181')).toBe('福州'); // 福清市
    expect(owner('350203')).toBe('厦门'); // 思明区
    expect(owner('350128')).toBe('平潭'); // exact match beats the 3501 prefix
    expect(owner('350100')).toBe('福州');
    expect(owner('350000')).toBe('省局');
    expect(owner('350583')).toBe('泉州'); // 南安市
    expect(owner('359900')).toBeUndefined();
    expect(owner('110105')).toBeUndefined();
    expect(owner('3501')).toBeUndefined();
    expect(owner('35010X')).toBeUndefined();
  });

  it('defaults a new enterprise to the nearest configured bureau of its division, else the province', () => {
    const code = (d: string | null) => defaultBureau(DEFAULT_PROVINCE, d).code;
    expect(code('350200')).toBe('350200');
    expect(code('350203')).toBe('350200'); // a county: its city
    expect(code('350128')).toBe('350128');
    expect(code('110105')).toBe('350000'); // another province
    expect(code('359900')).toBe('350000');
    expect(code(null)).toBe('350000'); // a 注册号 names no division
  });

  it('names divisions for display', () => {
    expect(divisionName(DEFAULT_PROVINCE, '350200')).toEqual({ zh: '厦门市', en: 'Xiamen' });
    expect(divisionName(DEFAULT_PROVINCE, '350203')).toEqual({
      zh: '厦门市（350203）',
      en: 'Xiamen (350203)',
    });
    expect(divisionName(DEFAULT_PROVINCE, '350128').zh).toBe('平潭综合实验区');
    expect(divisionName(DEFAULT_PROVINCE, '440300')).toEqual({ zh: '440300', en: '440300' });
  });
});

describe('province configuration', () => {
  it('defaults a bureau code to its division and the pattern to the default', () => {
    const c = fujian();
    delete c['archiveNumberPattern'];
    for (const b of c.bureaus) delete b['code'];
    const config = loadProvinceConfig(c);
    expect(config.archiveNumberPattern).toBe(DEFAULT_ARCHIVE_NUMBER_PATTERN);
    expect(config.bureaus.map((b) => b.code)).toEqual(DEFAULT_PROVINCE.bureaus.map((b) => b.code));
  });

  it('accepts another province with its own codes and extra divisions', () => {
    const config = loadProvinceConfig({
      id: 'hebei',
      name: '河北省',
      nameEn: 'Hebei Province',
      archiveNumberPattern: '{bureau}/{year}/{serial:5}',
      bureaus: [
        {
          code: 'HB',
          division: '130000',
          name: '河北省',
          shortName: '省局',
          nameEn: 'Hebei',
          level: 'province',
          authority: 'a',
          authorityEn: 'a',
        },
        {
          code: 'SJZ',
          division: '130100',
          name: '石家庄市',
          shortName: '石家庄',
          nameEn: 'Shijiazhuang',
          level: 'city',
          authority: 'b',
          authorityEn: 'b',
        },
        {
          code: 'XA',
          division: '133100',
          name: '雄安新区',
          shortName: '雄安',
          nameEn: 'Xiong’an New Area',
          level: 'city',
          authority: 'c',
          authorityEn: 'c',
          extraDivisions: ['130629', '130632', '130638'],
        },
      ],
    });
    expect(bureauForDivision(config, '130632')?.code).toBe('XA');
    expect(bureauForDivision(config, '130102')?.code).toBe('SJZ');
    // 唐山 (1302) has no bureau of its own here: its counties fall back to the province.
    expect(defaultBureau(config, '130203').code).toBe('HB');
  });

  it('refuses duplicate codes and divisions, naming the path', () => {
    const c = fujian();
    c.bureaus[2]!['code'] = '350100';
    c.bureaus[3]!['division'] = '350100';
    const msg = configError(c);
    expect(msg).toContain('bureaus.2.code: duplicate bureau code 350100');
    expect(msg).toContain('bureaus.3.division: division 350100 is claimed twice');
  });

  it('requires exactly one province-level bureau', () => {
    const none = fujian();
    none.bureaus[0]!['level'] = 'city';
    expect(configError(none)).toContain('exactly one province-level bureau is required, found 0');
    const two = fujian();
    two.bureaus[1]!['level'] = 'province';
    expect(configError(two)).toContain('found 2');
  });

  it('checks division codes, bureau codes, the pattern and unknown keys', () => {
    // Field errors stop zod before the cross-field checks, so those are probed one at a time.
    const c = fujian();
    c.bureaus[1]!['division'] = '35010';
    c.bureaus[3]!['code'] = 'xm';
    c.bureaus[4]!['nickname'] = 'x';
    const msg = configError(c);
    expect(msg).toContain('bureaus.1.division: division code must be 6 digits');
    expect(msg).toContain('bureaus.3.code');
    expect(msg).toContain('bureaus.4');
    expect(configError({ ...fujian(), archiveNumberPattern: '{bureau}{serial:6}' })).toContain(
      'archiveNumberPattern',
    );
    const outside = fujian();
    outside.bureaus[2]!['division'] = '440100';
    expect(configError(outside)).toContain('bureaus.2.division: division 440100 is outside province 350000');
    expect(configError(null)).toContain('(root)');
  });
});
