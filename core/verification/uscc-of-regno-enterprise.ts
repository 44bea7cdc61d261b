import { issue, type CatalogueIssue } from '../cataloguing/issues';
import { text, type Text } from '../text';

/**
 * An enterprise registered before 2015 may be known here only by its 15-digit 注册号 while its later
 * forms and licence print the 统一社会信用代码 it was given since. Such a USCC is news to record, not
 * another enterprise's code — unless another enterprise here holds it.
 */

/** Who holds a code in this catalogue. */
export type CodeHolder =
  /** This enterprise: its own code, an alias of it, or a record merged with it. */
  | { readonly kind: 'self' }
  | { readonly kind: 'other'; readonly id: number; readonly name: string }
  | { readonly kind: 'none' };
export type CodeHolderLookup = (code: string) => CodeHolder;

export const NO_HOLDER: CodeHolder = { kind: 'none' };

/**
 * Whether the USCC's 登记管理机关 division (positions 3–8) fits the 注册号's (its first 6 digits): the same
 * division, the same city (a district bureau issues codes for the city's earlier registrations; 长乐市
 * 350182 became 长乐区 350112), or either issued by the province's own bureau (xx0000). A mismatch is a
 * hint only: an enterprise that moved (迁移) keeps its 注册号's division but gets its USCC where it went.
 */
export function regionsAgree(uscc: string, regNo: string): boolean {
  const a = uscc.slice(2, 8);
  const b = regNo.slice(0, 6);
  if (a.slice(0, 4) === b.slice(0, 4)) return true;
  const provincial = a.endsWith('0000') || b.endsWith('0000');
  return provincial && a.slice(0, 2) === b.slice(0, 2);
}

interface Where {
  readonly page?: number;
  readonly document?: number;
}

function place(where: Where): { zh: string; en: string } {
  return where.document === undefined
    ? { zh: `第 ${where.page ?? '?'} 页`, en: `page ${where.page ?? '?'}` }
    : { zh: `第 ${where.document} 件`, en: `document ${where.document}` };
}

/**
 * What a valid USCC read on a page (or in a document) of an enterprise known only by `regNo` means:
 * another enterprise's here → an error unless the page also shows this enterprise's 注册号 (then the two
 * records are probably one enterprise: a warning to link them); held by nobody → a notice that it can
 * be recorded as this enterprise's, with the region plausibility; `unconfirmed` (neither the 注册号 nor
 * the name seen) says so instead of proposing it.
 */
export function usccOnRegNoEnterprise(
  code: string,
  regNo: string,
  holder: CodeHolder,
  where: Where,
  confirmed: boolean,
  regNoSeen: boolean,
): CatalogueIssue | null {
  const at = place(where);
  const loc = { page: where.page, document: where.document };
  if (holder.kind === 'self') return null;
  if (holder.kind === 'other') {
    const whose = text(
      `另一企业“${holder.name}”（记录 ${holder.id}）`,
      `another enterprise, "${holder.name}" (record ${holder.id})`,
    );
    if (regNoSeen) {
      return issue(
        'warning',
        'verify.form-uscc-held',
        text(
          `${at.zh}印有本企业的注册号 ${regNo}，但其统一社会信用代码 ${code} 在本系统中属于${whose.zh}：如为同一企业，请关联两条记录`,
          `${cap(at.en)} shows this enterprise's registration number ${regNo}, but its USCC ${code} belongs here to ${whose.en}: if they are one enterprise, link the two records`,
        ),
        loc,
      );
    }
    return issue(
      'error',
      where.document === undefined ? 'verify.form-uscc-other' : 'verify.uscc-mismatch',
      text(
        `${at.zh}的统一社会信用代码 ${code} 属于本系统中的${whose.zh}，不是本企业的（本企业注册号 ${regNo}）`,
        `The USCC on ${at.en}, ${code}, belongs here to ${whose.en}, not to this enterprise (registration number ${regNo})`,
      ),
      loc,
    );
  }
  if (!confirmed) {
    return issue(
      'warning',
      'verify.uscc-unconfirmed',
      text(
        `${at.zh}印有统一社会信用代码 ${code}，但未见本企业的注册号 ${regNo} 和名称：请核实是否为本企业的材料`,
        `${cap(at.en)} shows USCC ${code} but neither this enterprise's registration number ${regNo} nor its name: check that it belongs to this enterprise`,
      ),
      loc,
    );
  }
  const hint = usccRegionHint(code, regNo);
  const region = hint.agrees
    ? text(`（${hint.text.zh}）`, ` (${hint.text.en})`)
    : text(`；但${hint.text.zh}`, `; but ${hint.text.en}`);
  const proposal = issue(
    'warning',
    'verify.uscc-unrecorded',
    text(
      `${at.zh}印有统一社会信用代码 ${code}，本企业只登记了注册号 ${regNo}，本系统中也无其他企业使用该代码：可补录为本企业的统一社会信用代码${region.zh}`,
      `${cap(at.en)} shows USCC ${code}; this enterprise is registered here only by its registration number ${regNo} and no other enterprise here has the code: it can be recorded as this enterprise's USCC${region.en}`,
    ),
    loc,
  );
  // The code itself, so that a screen can offer to record it in one action (enterprises.recordUscc).
  return { ...proposal, proposedUscc: code };
}

/**
 * Whether a USCC's 登记管理机关 division fits the 注册号's, in words: the finding above and the
 * confirmation before recording the code say the same.
 */
export function usccRegionHint(
  uscc: string,
  regNo: string,
): { readonly agrees: boolean; readonly text: Text } {
  const division = uscc.slice(2, 8);
  const regNoDivision = regNo.slice(0, 6);
  return regionsAgree(uscc, regNo)
    ? {
        agrees: true,
        text: text(
          `代码的登记管理机关区划 ${division} 与注册号的 ${regNoDivision} 相符`,
          `the code's registration division ${division} agrees with the registration number's ${regNoDivision}`,
        ),
      }
    : {
        agrees: false,
        text: text(
          `代码的登记管理机关区划 ${division} 与注册号的 ${regNoDivision} 不符（迁移后赋码？），请核实`,
          `the code's registration division ${division} differs from the registration number's ${regNoDivision} (issued after a move?): check it`,
        ),
      };
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
