import { DomainError } from './errors';
import { text } from './text';

export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/**
 * JSON with object keys sorted (by UTF-16 code units) and no whitespace, so equal values always give
 * equal bytes — what a hash chain or a manifest digest needs. Refuses values JSON cannot carry
 * faithfully (NaN, Infinity, undefined, functions) instead of silently changing them.
 */
export function canonicalJson(value: unknown): string {
  return encode(value, '$');
}

function encode(value: unknown, where: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw unsupported(where, String(value));
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v, i) => encode(v, `${where}[${i}]`)).join(',')}]`;
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${encode(v, `${where}.${k}`)}`).join(',')}}`;
    }
    default:
      throw unsupported(where, typeof value);
  }
}

function unsupported(where: string, what: string): DomainError {
  return new DomainError(
    'json.unsupported',
    text(`${where} 的值 ${what} 无法表示为 JSON`, `${where}: ${what} cannot be represented in JSON`),
    {
      where,
    },
  );
}
