import { bagError, type BagError } from './bag-errors';
import { decodeUtf8 } from './utf8';

/**
 * Decodes a tag file: strict UTF-8, no byte-order mark, one line-ending convention throughout
 * (RFC 8493 allows LF, CRLF or CR; a file that mixes them was edited by hand or damaged).
 */
export function readTagText(
  file: string,
  bytes: Uint8Array,
): { lines: string[]; errors: BagError[] } | { lines: null; errors: BagError[] } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return {
      lines: null,
      errors: [
        bagError(
          'bagit.bom',
          `${file} 以字节顺序标记（BOM）开头`,
          `${file} starts with a byte-order mark`,
          file,
        ),
      ],
    };
  }
  const s = decodeUtf8(bytes);
  if (s === null) {
    return {
      lines: null,
      errors: [bagError('bagit.encoding', `${file} 不是有效的 UTF-8`, `${file} is not valid UTF-8`, file)],
    };
  }
  const endings = new Set<string>();
  for (const m of s.matchAll(/\r\n|\r|\n/g)) endings.add(m[0]);
  const errors: BagError[] = [];
  if (endings.size > 1) {
    errors.push(
      bagError(
        'bagit.line-ending',
        `${file} 混用了不同的换行符`,
        `${file} mixes line endings (LF, CRLF, CR)`,
        file,
      ),
    );
  }
  const lines = s.split(/\r\n|\r|\n/);
  if (lines.at(-1) === '') lines.pop();
  return { lines, errors };
}
