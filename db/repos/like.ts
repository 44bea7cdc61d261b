/** Escapes LIKE wildcards for use with `ESCAPE '\'`, so `100%_安` matches itself and nothing else. */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
