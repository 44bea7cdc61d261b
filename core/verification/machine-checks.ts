import { issue, type CatalogueIssue } from '../cataloguing/issues';
import { countedPages, isContentPage, validateCatalogue, type CataloguePage } from '../cataloguing/rules';
import { coverage } from '../similarity';
import { text, type Text } from '../text';
import { readRegNoCell, readRegNos, readUscc, readUsccCell } from './codes-in-text';
import {
  NO_HOLDER,
  usccOnRegNoEnterprise,
  type CodeHolder,
  type CodeHolderLookup,
} from './uscc-of-regno-enterprise';

export type { CodeHolder, CodeHolderLookup } from './uscc-of-regno-enterprise';

export const MACHINE_CHECK_IDS = [
  'page-count',
  'pages-catalogued',
  'blank-pages',
  'enterprise-codes',
  'label',
  'dpi',
  'duplicate-images',
] as const;
export type MachineCheckId = (typeof MACHINE_CHECK_IDS)[number];

export interface MachineCheck {
  readonly id: MachineCheckId;
  readonly name: Text;
  /** fail: the volume must not pass; warning: QA should look; skipped: could not be checked (says why). */
  readonly status: 'pass' | 'fail' | 'warning' | 'skipped';
  readonly issues: readonly CatalogueIssue[];
  /** enterprise-codes: what was read in the form cells of each form page, and what the check made of it. */
  readonly readings?: readonly FormPageResult[];
}

/** What OCR read in a page's form cells (workstation/ocr/form-reading.ts). */
export interface FormReadingInput {
  readonly layout: 'table' | 'lines' | 'none';
  /** Readings of the code cell, one per pass; empty: no code label found. */
  readonly codeReadings: readonly string[];
  readonly nameText: string;
}

export interface FormPageResult {
  readonly page: number;
  readonly layout: 'table' | 'lines' | 'none';
  /** The code read: the enterprise's when it matched, else the valid code as read, else the raw reading. */
  readonly code: string | null;
  /**
   * null: no code cell was read; false: read, and not confirmed as this enterprise's (another's, a USCC
   * not yet recorded for a 注册号-only enterprise, or unreadable).
   */
  readonly codeMatches: boolean | null;
  readonly name: string | null;
  readonly nameMatches: boolean | null;
}

export interface VerificationPage extends CataloguePage {
  readonly dpiX: number | null;
  readonly dpiY: number | null;
  readonly sha256: string;
  /** The payload of a label found on the page by the capture pipeline, if any. */
  readonly labelFound: string | null;
}

/** What a label names, as the label codec (core/labels) decodes it; null: not one of our labels. */
export interface LabelTarget {
  readonly volumeUid?: string;
  readonly archiveNo?: string;
}
export type LabelDecoder = (payload: string) => LabelTarget | null;

export interface VerificationInput {
  readonly volume: {
    readonly uid: string;
    readonly archiveNo: string;
    readonly volumeType: string;
    readonly declaredPages: number | null;
    readonly pageCountReason: string | null;
  };
  readonly enterprise: { readonly uscc: string | null; readonly regNo: string | null; readonly name: string };
  readonly pages: readonly VerificationPage[];
  readonly documents: readonly {
    readonly typeCode: string;
    readonly title: string;
    readonly docDate: string | null;
    readonly responsible: string | null;
    readonly firstPage: number;
    readonly lastPage: number;
  }[];
  /** OCR text by page position (full page where read, else the title zone); absent = not read. */
  readonly ocrText: ReadonlyMap<number, string>;
  /** What was read in the form cells of pages, by page position (absent: not read). */
  readonly formReadings?: ReadonlyMap<number, FormReadingInput>;
  /**
   * Pages in no catalogued document that the catalogue suggestions take for a registration form (a
   * document of `formTypes`): their cells are checked page by page before the operator sets the type.
   */
  readonly likelyFormPages?: ReadonlySet<number>;
  /**
   * Pairs of content pages whose images are near duplicates (a sheet scanned twice), as the
   * workstation's image comparison found them; `unchecked`: pages it has not compared yet.
   * Absent: only identical images are looked for.
   */
  readonly nearDuplicates?: {
    readonly pairs: readonly { readonly first: number; readonly second: number }[];
    readonly unchecked: readonly number[];
  };
  /**
   * Who holds a code read on the pages here (the enterprise itself through an alias or merge, another
   * enterprise, nobody). Absent: nobody but the enterprise's own codes is known.
   */
  readonly codeHolder?: CodeHolderLookup;
  /** Absent when the label codec is not available: the label check is then skipped. */
  readonly decodeLabel?: LabelDecoder;
  readonly options?: VerificationOptions;
}

export interface VerificationOptions {
  /** DA/T 31: at least 200 dpi; 300 where OCR is planned. Default 200. */
  readonly minDpi?: number;
  /** Document types that are registration forms carrying the enterprise's code and name. */
  readonly formTypes?: readonly string[];
  /** Share of the name's character pairs the OCR text must hold to count as found. Default 0.75. */
  readonly nameCoverage?: number;
}

export const DEFAULT_FORM_TYPES: readonly string[] = ['APP', 'LIC'];

const NAMES: Readonly<Record<MachineCheckId, Text>> = {
  'page-count': text('页数核对', 'Page count'),
  'pages-catalogued': text('每页均已著录', 'Every content page catalogued'),
  'blank-pages': text('空白页未作正文著录', 'Blank pages not catalogued as content'),
  'enterprise-codes': text('登记表上的代码与名称', 'Code and name on the registration forms'),
  label: text('卷皮二维码标签', 'QR label on the cover'),
  dpi: text('分辨率', 'Resolution'),
  'duplicate-images': text('重复图像', 'Duplicate images'),
};

function check(
  id: MachineCheckId,
  issues: CatalogueIssue[],
  skippedWhy?: Text,
  readings?: readonly FormPageResult[],
): MachineCheck {
  const extra = readings === undefined || readings.length === 0 ? {} : { readings };
  if (skippedWhy !== undefined) {
    return {
      id,
      name: NAMES[id],
      status: 'skipped',
      issues: [issue('warning', `verify.${id}.skipped`, skippedWhy)],
      ...extra,
    };
  }
  const status = issues.some((i) => i.severity === 'error') ? 'fail' : issues.length > 0 ? 'warning' : 'pass';
  return { id, name: NAMES[id], status, issues, ...extra };
}

/**
 * The machine checks of 图文校核 (DA/T 31: every machine-checkable item on 100 % of pages): page count,
 * every content page in a document, no blank page catalogued as content, the enterprise's code and name
 * on the registration forms, our label on the cover naming this volume, resolution, no image twice.
 */
export function runMachineChecks(input: VerificationInput): MachineCheck[] {
  const pages = [...input.pages].sort((a, b) => a.seq - b.seq);
  const catalogue = validateCatalogue({
    volumeType: input.volume.volumeType,
    pages,
    documents: input.documents,
    declaredPages: input.volume.declaredPages,
    pageCountReason: input.volume.pageCountReason,
  });
  const pick = (codes: readonly string[]) => catalogue.filter((i) => codes.includes(i.code));
  return [
    pageCount(input, pages),
    check(
      'pages-catalogued',
      pick([
        'catalogue.page-uncatalogued',
        'catalogue.overlap',
        'catalogue.range-invalid',
        'catalogue.empty',
      ]),
    ),
    check('blank-pages', pick(['catalogue.blank-document', 'catalogue.starts-blank'])),
    enterpriseCodes(input),
    label(input, pages),
    dpi(input, pages),
    duplicates(pages, input.nearDuplicates),
  ];
}

function pageCount(input: VerificationInput, pages: readonly VerificationPage[]): MachineCheck {
  const counted = countedPages(pages);
  const declared = input.volume.declaredPages;
  if (declared === null) {
    return check('page-count', [
      issue(
        'warning',
        'verify.pages-undeclared',
        text(`未登记页数（实有 ${counted} 页）`, `No declared page count (${counted} pages counted)`),
      ),
    ]);
  }
  if (declared === counted) return check('page-count', []);
  const reason = (input.volume.pageCountReason ?? '').trim();
  return check('page-count', [
    issue(
      reason === '' ? 'error' : 'warning',
      'verify.page-count',
      reason === ''
        ? text(
            `登记页数 ${declared}，实有 ${counted} 页，未说明原因`,
            `Declared ${declared} pages, counted ${counted}, no reason recorded`,
          )
        : text(
            `登记页数 ${declared}，实有 ${counted} 页；原因：${reason}`,
            `Declared ${declared} pages, counted ${counted}; reason: ${reason}`,
          ),
    ),
  ]);
}

/** Chinese characters of a reading (a name read from a cell: punctuation and stray marks dropped). */
function hanzi(s: string): string {
  return Array.from(s)
    .filter((c) => /[\u3400-\u9fff]/u.test(c))
    .join('');
}

/**
 * A name read whole from its cell that holds less than this share of the enterprise's distinctive name
 * (its character pairs, the legal form left out) is another enterprise's.
 */
const OTHER_NAME_BELOW = 0.4;

/** The name without its legal form: every 有限公司 shares those pairs. */
function distinctive(name: string): string {
  return name.replace(/(股份有限公司|有限责任公司|有限公司|合伙企业|公司|商行|厂)$/u, '');
}

/**
 * One form page's cells against the enterprise: a valid code that is not the enterprise's, or a name
 * that clearly differs while the code does not confirm the page, is an error naming the page. On a page
 * of an enterprise known only by its 注册号, a USCC no other enterprise here holds is a code to record.
 */
function formPage(
  page: number,
  reading: FormReadingInput,
  enterprise: VerificationInput['enterprise'],
  minCoverage: number,
  holderOf: CodeHolderLookup,
): { result: FormPageResult; issues: CatalogueIssue[]; usccSaid: string | null } {
  const { uscc, regNo, name } = enterprise;
  const issues: CatalogueIssue[] = [];
  let code: string | null = null;
  let codeMatches: boolean | null = null;
  let otherCode: string | null = null;
  /** A USCC on the page of a 注册号-only enterprise, judged once the name is read. */
  let newUscc: { code: string; holder: CodeHolder; regNoSeen: boolean } | null = null;
  if (reading.codeReadings.length > 0) {
    const cell = readUsccCell(reading.codeReadings, uscc);
    // Forms before the USCC (2015) print the 注册号: the enterprise's own 注册号 confirms the page too.
    const old = readRegNoCell(reading.codeReadings, regNo);
    // So does a code recorded for the enterprise otherwise (an alias, a merged record).
    const mine = (c: string | null, matched: boolean) =>
      !matched && c !== null && holderOf(c).kind === 'self';
    const usccMatches = (uscc !== null && cell.matches) || mine(cell.code, cell.matches);
    const regNoMatches = (regNo !== null && old.matches) || mine(old.code, old.matches);
    codeMatches = usccMatches || regNoMatches;
    code =
      (regNoMatches && !usccMatches ? old.code : cell.code) ??
      old.code ??
      reading.codeReadings.find((r) => r.trim() !== '') ??
      null;
    if (!codeMatches && cell.code === null && old.code !== null && old.code !== regNo) {
      otherCode = old.code;
      issues.push(
        issue(
          'error',
          'verify.form-regno-other',
          text(
            `第 ${page} 页的注册号 ${old.code} 不是本企业的（本企业 ${regNo ?? uscc ?? '无代码'}）`,
            `The registration number on page ${page}, ${old.code}, is not this enterprise's (${regNo ?? uscc ?? 'no code'})`,
          ),
          { page },
        ),
      );
    }
    if (uscc === null && regNo !== null && cell.code !== null && !usccMatches) {
      const holder = holderOf(cell.code);
      newUscc = { code: cell.code, holder, regNoSeen: regNoMatches };
      if (holder.kind === 'other' && !regNoMatches) otherCode = cell.code;
    } else if (!codeMatches && cell.code !== null && cell.code !== uscc) {
      otherCode = cell.code;
      issues.push(
        issue(
          'error',
          'verify.form-uscc-other',
          text(
            `第 ${page} 页的统一社会信用代码 ${cell.code} 不是本企业的（本企业 ${uscc ?? enterprise.regNo ?? '无代码'}）`,
            `The USCC on page ${page}, ${cell.code}, is not this enterprise's (${uscc ?? enterprise.regNo ?? 'no code'})`,
          ),
          { page },
        ),
      );
    }
  }
  const read = hanzi(reading.nameText);
  const nameMatches = read.length === 0 ? null : coverage(name, read) >= minCoverage;
  let nameOther = false;
  if (read.length >= 4 && otherCode === null && coverage(distinctive(name), read) < OTHER_NAME_BELOW) {
    // A matching code with another name is a former name (名称变更): QA looks. Without it, another firm.
    nameOther = true;
    issues.push(
      issue(
        codeMatches === true ? 'warning' : 'error',
        'verify.form-name-other',
        text(
          `第 ${page} 页的企业名称“${read}”不是本企业的（本企业“${name}”）`,
          `The name on page ${page}, "${read}", is not this enterprise's ("${name}")`,
        ),
        { page },
      ),
    );
  }
  // Another firm's name on the page speaks for itself: its USCC is not proposed for this enterprise.
  if (newUscc !== null && regNo !== null && !(nameOther && !newUscc.regNoSeen)) {
    const said = usccOnRegNoEnterprise(
      newUscc.code,
      regNo,
      newUscc.holder,
      { page },
      newUscc.regNoSeen || nameMatches === true,
      newUscc.regNoSeen,
    );
    if (said !== null) issues.push(said);
  }
  return {
    result: { page, layout: reading.layout, code, codeMatches, name: read === '' ? null : read, nameMatches },
    issues,
    usccSaid: otherCode ?? newUscc?.code ?? null,
  };
}

function enterpriseCodes(input: VerificationInput): MachineCheck {
  const formTypes = input.options?.formTypes ?? DEFAULT_FORM_TYPES;
  const minCoverage = input.options?.nameCoverage ?? 0.75;
  const forms = input.documents.filter((d) => formTypes.includes(d.typeCode));
  const likely = [...(input.likelyFormPages ?? [])].sort((a, b) => a - b);
  if (forms.length === 0 && likely.length === 0)
    return check('enterprise-codes', [], text('本卷没有登记表类文件', 'The volume has no registration form'));
  const { uscc, regNo, name } = input.enterprise;
  const holderOf = input.codeHolder ?? (() => NO_HOLDER);
  const issues: CatalogueIssue[] = [];
  const readings: FormPageResult[] = [];
  let read = 0;
  forms.forEach((d) => {
    const doc = input.documents.indexOf(d) + 1;
    const texts: string[] = [];
    const reported = new Set<string>();
    let nameSeen = false;
    let pageErrors = false; // a page of the document was reported already
    for (let p = d.firstPage; p <= d.lastPage; p++) {
      const t = input.ocrText.get(p);
      if (t !== undefined) texts.push(t);
      const form = input.formReadings?.get(p);
      if (form === undefined || form.layout === 'none') continue;
      const page = formPage(p, form, input.enterprise, minCoverage, holderOf);
      readings.push(page.result);
      issues.push(...page.issues);
      if (page.issues.length > 0) pageErrors = true;
      if (page.usccSaid !== null) reported.add(page.usccSaid);
      if (page.result.nameMatches === true) nameSeen = true;
      // The cells' readings count for the document as a whole too (the code found in its cell).
      if (page.result.codeMatches === true) texts.push(uscc ?? regNo ?? '');
      else texts.push(...form.codeReadings);
      texts.push(form.nameText);
    }
    if (texts.length === 0) return;
    read++;
    const all = texts.join('\n');
    const where = { document: doc, page: d.firstPage };
    if (uscc !== null) {
      const r = readUscc(all, uscc);
      const mine = r.exact.filter((c) => c !== uscc && holderOf(c).kind === 'self');
      const others = r.exact.filter((c) => c !== uscc && !reported.has(c) && !mine.includes(c));
      // The enterprise's code, or one recorded for it as an alias, confirms the document.
      const confirmed = r.matches || mine.length > 0;
      if (!confirmed && others.length > 0) {
        issues.push(
          issue(
            'error',
            'verify.uscc-mismatch',
            text(
              `第 ${doc} 件上的统一社会信用代码为 ${others.join('、')}，与本企业 ${uscc} 不符`,
              `Document ${doc} shows USCC ${others.join(', ')}, not this enterprise's ${uscc}`,
            ),
            where,
          ),
        );
      } else if (!confirmed && reported.size === 0) {
        issues.push(
          issue(
            'warning',
            'verify.uscc-not-found',
            text(
              `第 ${doc} 件中未识别到统一社会信用代码 ${uscc}`,
              `USCC ${uscc} not recognised in document ${doc}`,
            ),
            where,
          ),
        );
      }
    } else if (regNo !== null) {
      const found = readRegNos(all);
      const usccs = readUscc(all, null).exact;
      if (found.length > 0 && !found.includes(regNo)) {
        issues.push(
          issue(
            'error',
            'verify.regno-mismatch',
            text(
              `第 ${doc} 件上的注册号为 ${found.join('、')}，与本企业 ${regNo} 不符`,
              `Document ${doc} shows registration number ${found.join(', ')}, not this enterprise's ${regNo}`,
            ),
            where,
          ),
        );
      } else {
        // A later form or licence prints the USCC the enterprise was given since 2015.
        const seen = found.includes(regNo);
        for (const c of usccs.filter((x) => !reported.has(x))) {
          const confirmed = seen || nameSeen || coverage(name, all) >= minCoverage;
          const said = usccOnRegNoEnterprise(c, regNo, holderOf(c), where, confirmed, seen);
          if (said !== null) issues.push(said);
        }
      }
      if (found.length === 0 && usccs.length === 0) {
        issues.push(
          issue(
            'warning',
            'verify.regno-not-found',
            text(
              `第 ${doc} 件中未识别到注册号 ${regNo}`,
              `Registration number ${regNo} not recognised in document ${doc}`,
            ),
            where,
          ),
        );
      }
    }
    // A document whose page was found to be another enterprise's says so once, by that page.
    if (!nameSeen && !pageErrors && coverage(name, all) < minCoverage) {
      issues.push(
        issue(
          'warning',
          'verify.name-not-found',
          text(
            `第 ${doc} 件中未识别到企业名称“${name}”`,
            `Enterprise name "${name}" not recognised in document ${doc}`,
          ),
          where,
        ),
      );
    }
  });
  // Pages not catalogued yet that look like a form: their own cells only (no document to speak for).
  for (const p of likely) {
    const form = input.formReadings?.get(p);
    if (form === undefined || form.layout === 'none') continue;
    const page = formPage(p, form, input.enterprise, minCoverage, holderOf);
    readings.push(page.result);
    issues.push(...page.issues);
    read++;
  }
  if (read === 0)
    return check(
      'enterprise-codes',
      [],
      text('登记表尚未完成文字识别', 'The registration forms have not been OCR’d yet'),
    );
  return check('enterprise-codes', issues, undefined, readings);
}

function label(input: VerificationInput, pages: readonly VerificationPage[]): MachineCheck {
  if (input.decodeLabel === undefined) {
    return check('label', [], text('未安装标签识别组件，跳过', 'Label reading is not available; skipped'));
  }
  const decode = input.decodeLabel;
  const issues: CatalogueIssue[] = [];
  const ours = pages
    .map((p) => ({ page: p.seq, target: p.labelFound === null ? null : decode(p.labelFound) }))
    .filter((x): x is { page: number; target: LabelTarget } => x.target !== null);
  if (ours.length === 0) {
    issues.push(
      issue(
        'warning',
        'verify.label-missing',
        text('卷皮上未识别到本系统的二维码标签', 'No label of ours was found on the cover'),
      ),
    );
  }
  for (const { page, target } of ours) {
    // The volume uid is what a label is for; a label without one is judged by its 档号.
    const names =
      target.volumeUid !== undefined
        ? target.volumeUid === input.volume.uid
        : target.archiveNo === input.volume.archiveNo;
    if (!names) {
      issues.push(
        issue(
          'error',
          'verify.label-other-volume',
          text(
            `第 ${page} 页的标签属于其他案卷（${target.archiveNo ?? target.volumeUid ?? '?'}）`,
            `The label on page ${page} names another volume (${target.archiveNo ?? target.volumeUid ?? '?'})`,
          ),
          { page },
        ),
      );
    }
  }
  return check('label', issues);
}

function dpi(input: VerificationInput, pages: readonly VerificationPage[]): MachineCheck {
  const floor = input.options?.minDpi ?? 200;
  const issues: CatalogueIssue[] = [];
  for (const p of pages) {
    if (p.dpiX === null || p.dpiY === null) {
      issues.push(
        issue(
          'warning',
          'verify.dpi-unknown',
          text(`第 ${p.seq} 页分辨率未知`, `Page ${p.seq}: resolution unknown`),
          { page: p.seq },
        ),
      );
    } else if (Math.min(p.dpiX, p.dpiY) < floor) {
      issues.push(
        issue(
          'error',
          'verify.dpi-low',
          text(
            `第 ${p.seq} 页分辨率 ${Math.min(p.dpiX, p.dpiY)} dpi，低于 ${floor} dpi`,
            `Page ${p.seq}: ${Math.min(p.dpiX, p.dpiY)} dpi, below ${floor} dpi`,
          ),
          { page: p.seq },
        ),
      );
    }
  }
  return check('dpi', issues);
}

function duplicates(
  pages: readonly VerificationPage[],
  near: VerificationInput['nearDuplicates'],
): MachineCheck {
  const first = new Map<string, number>();
  const issues: CatalogueIssue[] = [];
  for (const p of pages) {
    const earlier = first.get(p.sha256);
    if (earlier === undefined) first.set(p.sha256, p.seq);
    else if (isContentPage(p)) {
      issues.push(
        issue(
          'error',
          'verify.duplicate-image',
          text(
            `第 ${p.seq} 页与第 ${earlier} 页是同一图像`,
            `Page ${p.seq} is the same image as page ${earlier}`,
          ),
          { page: p.seq },
        ),
      );
    }
  }
  // A near duplicate is a judgement from pixels, not proof: QA looks (warning), the volume is not failed.
  for (const { first: a, second: b } of near?.pairs ?? []) {
    issues.push(
      issue(
        'warning',
        'verify.near-duplicate-image',
        text(
          `第 ${b} 页与第 ${a} 页疑似同一张纸重复扫描（图像近似）`,
          `Page ${b} looks like a second scan of the sheet on page ${a} (near-duplicate image)`,
        ),
        { page: b },
      ),
    );
  }
  const unchecked = near?.unchecked ?? [];
  if (unchecked.length > 0) {
    issues.push(
      issue(
        'warning',
        'verify.near-duplicate-unchecked',
        text(
          `${unchecked.length} 页尚未做近似图像比对（第 ${unchecked.join('、')} 页）`,
          `${unchecked.length} page(s) not yet compared for near duplicates (pages ${unchecked.join(', ')})`,
        ),
      ),
    );
  }
  return check('duplicate-images', issues);
}
