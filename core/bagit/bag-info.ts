import { bagError, type BagError } from './bag-errors';

export interface BagInfoField {
  readonly label: string;
  readonly value: string;
}

/** Labels our profile requires, and those that must not repeat (RFC 8493 §2.2.2). */
export const REQUIRED_INFO = [
  'Source-Organization',
  'External-Identifier',
  'Bag-Group-Identifier',
  'Payload-Oxum',
  'Bagging-Date',
] as const;
const NOT_REPEATABLE = ['bagging-date', 'bag-size', 'payload-oxum', 'bag-group-identifier', 'bag-count'];

export function formatBagInfo(fields: readonly BagInfoField[]): string {
  return fields.map((f) => `${f.label}: ${f.value}\n`).join('');
}

/** `Label: value` lines; indented lines continue the previous value. */
export function parseBagInfo(
  file: string,
  lines: readonly string[],
): { fields: BagInfoField[]; errors: BagError[] } {
  const fields: { label: string; value: string }[] = [];
  const errors: BagError[] = [];
  lines.forEach((line, i) => {
    if (line === '') return;
    const last = fields.at(-1);
    if (/^[ \t]/.test(line) && last) {
      last.value += ` ${line.trim()}`;
      return;
    }
    const m = /^([^:\s][^:]*?)[ \t]*:[ \t]?(.*)$/.exec(line);
    if (!m) {
      errors.push(
        bagError(
          'bagit.info-malformed',
          `${file} 第 ${i + 1} 行不是“标签: 值”`,
          `${file} line ${i + 1} is not "Label: value"`,
          file,
        ),
      );
      return;
    }
    fields.push({ label: m[1] ?? '', value: (m[2] ?? '').trim() });
  });
  const counts = new Map<string, number>();
  for (const f of fields) counts.set(f.label.toLowerCase(), (counts.get(f.label.toLowerCase()) ?? 0) + 1);
  for (const label of NOT_REPEATABLE) {
    if ((counts.get(label) ?? 0) > 1) {
      errors.push(
        bagError('bagit.info-repeated', `${file} 中 ${label} 出现多次`, `${file} repeats ${label}`, file),
      );
    }
  }
  for (const label of REQUIRED_INFO) {
    if (!counts.has(label.toLowerCase())) {
      errors.push(bagError('bagit.info-missing', `${file} 缺少 ${label}`, `${file} lacks ${label}`, file));
    }
  }
  return { fields, errors };
}

export function infoValue(fields: readonly BagInfoField[], label: string): string | undefined {
  return fields.find((f) => f.label.toLowerCase() === label.toLowerCase())?.value;
}

/** `Payload-Oxum: <octets>.<files>`. */
export function parseOxum(value: string): { octets: number; files: number } | null {
  const m = /^(\d{1,16})\.(\d{1,9})$/.exec(value);
  if (!m) return null;
  const octets = Number(m[1]);
  const files = Number(m[2]);
  return Number.isSafeInteger(octets) ? { octets, files } : null;
}
