/** A user-facing message in both locales. Chinese is the primary locale; English is the second. */
export interface Text {
  readonly zh: string;
  readonly en: string;
}

export type Locale = 'zh' | 'en';

export function text(zh: string, en: string): Text {
  return { zh, en };
}

/** One line for a terminal or a log, Chinese first: `中文 / English`. */
export function bilingual(t: Text): string {
  return `${t.zh} / ${t.en}`;
}
