import { DomainError } from '../errors';
import { text, type Text } from '../text';

/** How QA samples a volume. Defaults per DA/T 31-2017. */
export interface SamplingRule {
  /** Machine-checkable items: share of pages checked by machine (DA/T 31: 100 %). */
  readonly machinePercent: number;
  /** Pages looked at by a person: at least this share (DA/T 31: ≥ 5 %). */
  readonly manualPagePercent: number;
  /** Catalogue entries compared with their images (DA/T 31: 100 %). */
  readonly cataloguePercent: number;
  /** At least this many pages, however small the volume. */
  readonly minPages: number;
}

export const DEFAULT_SAMPLING: SamplingRule = Object.freeze({
  machinePercent: 100,
  manualPagePercent: 5,
  cataloguePercent: 100,
  minPages: 1,
});

export function checkSamplingRule(rule: SamplingRule): SamplingRule {
  const pct = (n: number) => Number.isFinite(n) && n >= 0 && n <= 100;
  if (
    !pct(rule.machinePercent) ||
    !pct(rule.manualPagePercent) ||
    !pct(rule.cataloguePercent) ||
    !Number.isInteger(rule.minPages) ||
    rule.minPages < 0
  ) {
    throw new DomainError(
      'qa.invalid-rule',
      text('抽检规则无效：比例应在 0–100 之间', 'Invalid sampling rule: shares must be 0–100'),
      { rule },
    );
  }
  if (rule.machinePercent < 100 || rule.cataloguePercent < 100 || rule.manualPagePercent < 5) {
    throw new DomainError(
      'qa.rule-below-standard',
      text(
        '抽检规则低于 DA/T 31 要求（机检 100%、人工抽检不少于 5%、目录与图像对应 100%）',
        'The sampling rule is below DA/T 31 (machine 100 %, manual at least 5 %, catalogue-to-image 100 %)',
      ),
      { rule },
    );
  }
  return rule;
}

/** A deterministic generator (mulberry32): the same volume and review draw the same sample again. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The pages a reviewer must look at: ⌈manual % × content pages⌉ (at least minPages, at most all),
 * drawn without replacement from the content pages with a seeded generator. Sorted.
 */
export function samplePages(contentPages: readonly number[], rule: SamplingRule, seed: number): number[] {
  const n = contentPages.length;
  const want = Math.min(n, Math.max(rule.minPages, Math.ceil((n * rule.manualPagePercent) / 100)));
  const pool = [...contentPages];
  const random = prng(seed);
  for (let i = 0; i < want; i++) {
    const j = i + Math.floor(random() * (n - i));
    const a = pool[i];
    const b = pool[j];
    if (a === undefined || b === undefined) break;
    pool[i] = b;
    pool[j] = a;
  }
  return pool.slice(0, want).sort((x, y) => x - y);
}

/** Problems a reviewer can report (plus free text). */
export const QA_REASONS: readonly { readonly code: string; readonly name: Text }[] = Object.freeze([
  { code: 'image-illegible', name: text('图像不清晰', 'Image not legible') },
  { code: 'image-skewed', name: text('图像歪斜', 'Image skewed') },
  { code: 'image-cropped', name: text('图像边缘缺失', 'Page edge cut off') },
  {
    code: 'image-colour',
    name: text('色彩模式不当（印章、红头不可辨）', 'Wrong colour mode (seals or red headers lost)'),
  },
  { code: 'page-missing', name: text('漏扫页面', 'Page missing') },
  { code: 'page-extra', name: text('多扫或重复页面', 'Extra or repeated page') },
  { code: 'page-order', name: text('页序错误', 'Pages out of order') },
  { code: 'catalogue-type', name: text('文件类型错误', 'Wrong document type') },
  { code: 'catalogue-title', name: text('题名错误', 'Wrong title') },
  { code: 'catalogue-date', name: text('日期错误', 'Wrong date') },
  { code: 'catalogue-responsible', name: text('责任者错误', 'Wrong responsible party') },
  { code: 'catalogue-range', name: text('页码范围错误', 'Wrong page range') },
  { code: 'other', name: text('其他（见说明）', 'Other (see note)') },
]);

export function qaReason(code: string): { code: string; name: Text } | undefined {
  return QA_REASONS.find((r) => r.code === code);
}
