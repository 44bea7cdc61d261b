import { createContext, useContext, useMemo, type ReactNode } from 'react';
import type { Locale, Text } from '../../core/contracts';

export interface I18n {
  readonly locale: Locale;
  /** A UI string, written Chinese first with its English beside it. */
  readonly t: (zh: string, en: string) => string;
  /** A message from the engine. */
  readonly tx: (text: Text) => string;
}

export function makeI18n(locale: Locale): I18n {
  return {
    locale,
    t: (zh, en) => (locale === 'zh' ? zh : en),
    tx: (text) => (locale === 'zh' ? text.zh : text.en),
  };
}

const I18nContext = createContext<I18n>(makeI18n('zh'));

export function I18nProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  const value = useMemo(() => makeI18n(locale), [locale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  return useContext(I18nContext);
}

const LOCALE_KEY = 'dangan.locale';

export function savedLocale(): Locale {
  return localStorage.getItem(LOCALE_KEY) === 'en' ? 'en' : 'zh';
}

export function saveLocale(locale: Locale): void {
  localStorage.setItem(LOCALE_KEY, locale);
}
