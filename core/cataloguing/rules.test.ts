import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasErrors } from './issues';
import {
  assignPageNumbers,
  countedPages,
  validateCatalogue,
  type CataloguePage,
  type DocumentDraft,
} from './rules';

function pages(spec: string): CataloguePage[] {
  // c = content, b = blank, s = separator
  return Array.from(spec).map((c, i) => ({ seq: i + 1, isBlank: c === 'b', isSeparator: c === 's' }));
}

function doc(firstPage: number, lastPage: number, over: Partial<DocumentDraft> = {}): DocumentDraft {
  return { typeCode: 'APP', title: '公司设立登记申请书', docDate: '20240315', firstPage, lastPage, ...over };
}

const codes = (input: Parameters<typeof validateCatalogue>[0]) => validateCatalogue(input).map((i) => i.code);

describe('cataloguing rules', () => {
  it('accepts a complete catalogue whose separator cover and trailing blank stay outside documents', () => {
    const result = validateCatalogue({
      volumeType: 'SL',
      pages: pages('sccbcb'),
      documents: [doc(2, 4), doc(5, 5, { typeCode: 'AOA', title: '公司章程' })],
      declaredPages: 3,
    });
    expect(result).toEqual([]);
  });

  it('names the page that belongs to no document', () => {
    const result = validateCatalogue({
      volumeType: 'SL',
      pages: pages('cccc'),
      documents: [doc(1, 2), doc(4, 4, { typeCode: 'AOA', title: '章程' })],
      declaredPages: 4,
    });
    expect(result).toEqual([
      expect.objectContaining({ code: 'catalogue.page-uncatalogued', page: 3, severity: 'error' }),
    ]);
    expect(result[0]?.message.zh).toContain('第 3 页');
    expect(result[0]?.message.en).toContain('Page 3');
  });

  it('reports overlaps once per pair, out-of-order and out-of-range documents', () => {
    expect(
      validateCatalogue({
        volumeType: 'SL',
        pages: pages('ccccc'),
        documents: [doc(1, 3), doc(2, 5)],
        declaredPages: 5,
      }).filter((i) => i.code === 'catalogue.overlap'),
    ).toEqual([expect.objectContaining({ page: 2, document: 2 })]);
    expect(
      codes({ volumeType: 'SL', pages: pages('cccc'), documents: [doc(3, 4), doc(1, 2)], declaredPages: 4 }),
    ).toContain('catalogue.out-of-order');
    expect(codes({ volumeType: 'SL', pages: pages('cc'), documents: [doc(1, 3)], declaredPages: 2 })).toEqual(
      ['catalogue.range-invalid', 'catalogue.page-uncatalogued', 'catalogue.page-uncatalogued'],
    );
  });

  it('requires a reason when the declared page count differs from the counted pages', () => {
    const base = { volumeType: 'SL', pages: pages('ccbc'), documents: [doc(1, 4)] };
    expect(codes({ ...base, declaredPages: 4 })).toEqual(['catalogue.page-count']);
    expect(codes({ ...base, declaredPages: 4, pageCountReason: '原卷第 3 页缺失，已核对' })).toEqual([]);
    expect(codes({ ...base, declaredPages: 3 })).toEqual([]);
    expect(codes({ ...base, declaredPages: null })).toEqual(['catalogue.pages-undeclared']);
  });

  it('requires the DA/T 18 fields: type, title, real date YYYYMMDD, responsible party where the type needs one', () => {
    const found = validateCatalogue({
      volumeType: 'SL',
      pages: pages('cccc'),
      documents: [
        doc(1, 1, { typeCode: 'XXX' }),
        doc(2, 2, { title: '  ' }),
        doc(3, 3, { docDate: '20240231' }),
        doc(4, 4, { typeCode: 'SHR', title: '股东会决议', responsible: null, docDate: null }),
      ],
      declaredPages: 4,
    }).map((i) => [i.code, i.document]);
    expect(found).toEqual([
      ['catalogue.type-unknown', 1],
      ['catalogue.title-missing', 2],
      ['catalogue.date-invalid', 3],
      ['catalogue.date-missing', 4],
      ['catalogue.responsible-missing', 4],
    ]);
  });

  it('refuses a document made only of blank pages and warns about a separator inside a document', () => {
    expect(
      codes({
        volumeType: 'SL',
        pages: pages('cbbcsc'),
        documents: [doc(1, 1), doc(2, 3), doc(4, 6)],
        declaredPages: 3,
      }),
    ).toEqual(['catalogue.blank-document', 'catalogue.separator-inside']);
  });

  it('warns when a type is unusual for the volume type', () => {
    expect(
      codes({
        volumeType: 'SL',
        pages: pages('c'),
        documents: [doc(1, 1, { typeCode: 'LQR', title: '清算报告' })],
        declaredPages: 1,
      }),
    ).toEqual(['catalogue.type-unusual']);
  });

  it('numbers content pages only', () => {
    expect(assignPageNumbers(pages('sccbc'))).toEqual([null, 1, 2, null, 3]);
    expect(countedPages(pages('sccbc'))).toBe(3);
  });

  it('property: any split of the content pages into consecutive documents is valid; dropping one page is not', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('c', 'b'), { minLength: 1, maxLength: 30 }).map((a) => ['c', ...a].join('')),
        fc.array(fc.boolean(), { maxLength: 31 }),
        (spec, cuts) => {
          const ps = pages(spec);
          const docs: DocumentDraft[] = [];
          let start = 1;
          for (let p = 2; p <= ps.length; p++) {
            if (cuts[p - 1] === true && ps[p - 1]?.isBlank === false) {
              docs.push(doc(start, p - 1));
              start = p;
            }
          }
          docs.push(doc(start, ps.length));
          const input = { volumeType: 'SL', pages: ps, documents: docs, declaredPages: countedPages(ps) };
          expect(hasErrors(validateCatalogue(input))).toBe(false);
          // shrink the last document by one content page at its end, if that leaves a content page out
          const last = docs.at(-1);
          if (last && last.lastPage > last.firstPage && !ps[last.lastPage - 1]?.isBlank) {
            const shrunk = [...docs.slice(0, -1), { ...last, lastPage: last.lastPage - 1 }];
            expect(codes({ ...input, documents: shrunk })).toContain('catalogue.page-uncatalogued');
          }
        },
      ),
    );
  });
});
