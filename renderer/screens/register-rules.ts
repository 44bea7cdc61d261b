/** Does the search text look like a code rather than a name (so it is worth checking as one)? */
export function looksLikeCode(q: string): boolean {
  return /^[0-9A-Za-z０-９Ａ-Ｚａ-ｚ]{14,19}$/.test(q);
}
