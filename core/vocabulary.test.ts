import { describe, expect, it } from 'vitest';
import { DomainError } from './errors';
import {
  DOCUMENT_TYPES,
  VOLUME_TYPES,
  documentTypeByCode,
  documentTypesForVolumeType,
  loadDocumentTypes,
  loadVolumeTypes,
  volumeTypeByCode,
  volumeTypeByName,
} from './vocabulary';

function configIssue(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError && e.code === 'config.invalid') return e.text.en;
    throw e;
  }
  throw new Error('expected config.invalid');
}

describe('volume types', () => {
  it('are the eight registration events with their 档号 codes', () => {
    expect(VOLUME_TYPES.map((t) => `${t.code}${t.name}`)).toEqual([
      'SL设立',
      'BG变更',
      'ZX注销',
      'DX吊销',
      'QR迁入',
      'QC迁出',
      'BA备案',
      'QT其他',
    ]);
    expect(VOLUME_TYPES.filter((t) => t.isOpening).map((t) => t.code)).toEqual(['SL']);
    expect(VOLUME_TYPES.filter((t) => t.isCancellation).map((t) => t.code)).toEqual(['ZX']);
  });

  it('are found by code, name, alias and English name', () => {
    expect(volumeTypeByCode('BG')?.name).toBe('变更');
    expect(volumeTypeByCode('bg')).toBeUndefined();
    const cases: [string, string][] = [
      ['设立', 'SL'],
      ['开业', 'SL'],
      ['设立(开业)', 'SL'],
      ['设立（开业）登记卷', 'SL'],
      [' 注销登记 ', 'ZX'],
      ['注销卷', 'ZX'],
      ['其它', 'QT'],
      ['change', 'BG'],
      ['Transfer in', 'QR'],
    ];
    for (const [name, code] of cases) expect(volumeTypeByName(name)?.code, name).toBe(code);
    for (const name of ['', '登记', '卷', '合并', 'SL']) expect(volumeTypeByName(name), name).toBeUndefined();
  });

  it('refuses duplicate codes, names claimed twice and malformed codes', () => {
    const base = { nameEn: 'X', aliases: [], isOpening: false, isCancellation: false };
    expect(
      configIssue(() =>
        loadVolumeTypes([
          { ...base, code: 'SL', name: '设立' },
          { ...base, code: 'SL', name: '变更', nameEn: 'Y' },
        ]),
      ),
    ).toContain('1.code: duplicate code SL');
    expect(
      configIssue(() =>
        loadVolumeTypes([
          { ...base, code: 'SL', name: '设立', aliases: ['开业'] },
          { ...base, code: 'KY', name: '开业', nameEn: 'Y' },
        ]),
      ),
    ).toContain('already names SL');
    expect(configIssue(() => loadVolumeTypes([{ ...base, code: 'sl', name: '设立' }]))).toContain('0.code');
    expect(configIssue(() => loadVolumeTypes([{ ...base, code: 'SL', name: '设立', extra: 1 }]))).toContain(
      '0',
    );
  });
});

describe('document types', () => {
  it('cover the registration file with unique codes and keywords', () => {
    expect(DOCUMENT_TYPES.length).toBeGreaterThanOrEqual(19);
    const names = DOCUMENT_TYPES.map((d) => d.name);
    for (const n of [
      '申请书',
      '章程',
      '股东会决议',
      '董事会决议',
      '身份证明',
      '营业执照',
      '核准通知书',
      '清算报告',
      '公告',
      '其他材料',
    ]) {
      expect(names).toContain(n);
    }
    const codes = DOCUMENT_TYPES.map((d) => d.code);
    expect(new Set(codes).size).toBe(codes.length);
    const keywords = DOCUMENT_TYPES.flatMap((d) => d.titleKeywords);
    expect(new Set(keywords).size).toBe(keywords.length);
    for (const d of DOCUMENT_TYPES) {
      expect(d.code).toMatch(/^[A-Z][A-Z0-9]{1,7}$/);
      expect(d.titleKeywords.length).toBeGreaterThan(0);
      for (const v of d.volumeTypes ?? []) expect(volumeTypeByCode(v), `${d.code} → ${v}`).toBeDefined();
    }
    expect(documentTypeByCode('AOA')?.titleKeywords).toEqual(
      expect.arrayContaining(['章程', '公司章程', '章程修正案']),
    );
    expect(documentTypeByCode('XYZ')).toBeUndefined();
  });

  it('lists the documents of a volume type in their typical order', () => {
    const zx = documentTypesForVolumeType('ZX').map((d) => d.code);
    expect(zx[0]).toBe('APP');
    expect(zx).toEqual(expect.arrayContaining(['LQR', 'CRN', 'TAX', 'OTH']));
    expect(zx).not.toContain('AOA');
    const orders = documentTypesForVolumeType('SL').map((d) => d.order);
    expect(orders).toEqual([...orders].sort((a, b) => a - b));
  });

  it('refuses empty keywords, shared keywords and unknown volume types', () => {
    const base = { nameEn: 'X', order: 1 };
    expect(
      configIssue(() =>
        loadDocumentTypes([{ ...base, code: 'APP', name: '申请书', titleKeywords: [] }], VOLUME_TYPES),
      ),
    ).toContain('0.titleKeywords');
    expect(
      configIssue(() =>
        loadDocumentTypes([{ ...base, code: 'APP', name: '申请书', titleKeywords: [' '] }], VOLUME_TYPES),
      ),
    ).toContain('0.titleKeywords.0');
    expect(
      configIssue(() =>
        loadDocumentTypes(
          [
            { ...base, code: 'APP', name: '申请书', titleKeywords: ['申请书'] },
            { ...base, code: 'APX', name: '申请', titleKeywords: ['申请书'] },
          ],
          VOLUME_TYPES,
        ),
      ),
    ).toContain('1.titleKeywords.0: keyword "申请书" already belongs to APP');
    expect(
      configIssue(() =>
        loadDocumentTypes(
          [{ ...base, code: 'APP', name: '申请书', titleKeywords: ['申请书'], volumeTypes: ['XX'] }],
          VOLUME_TYPES,
        ),
      ),
    ).toContain('0.volumeTypes.0: unknown volume type XX');
  });

  it('are frozen', () => {
    expect(Object.isFrozen(DOCUMENT_TYPES)).toBe(true);
    expect(Object.isFrozen(VOLUME_TYPES[0]!.aliases)).toBe(true);
  });
});
