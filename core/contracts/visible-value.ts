/**
 * A stored value with its spaces and invisible characters made visible — "350200-2019-SL-000001␣", never
 * a look-alike of another value. Shared by the finding texts (core/checks) and the screens showing them.
 */
export function visibleValue(value: string): string {
  return value.replace(/[\p{Cc}\p{Cf}\p{Z}]/gu, (c) =>
    c === ' ' ? '␣' : `⟨U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}⟩`,
  );
}
