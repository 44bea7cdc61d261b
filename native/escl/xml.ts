import { XMLParser } from 'fast-xml-parser';

// eSCL documents are namespaced (scan:, pwg:) but the prefixes vary between devices; parsing
// without them and reading elements by local name is what works across vendors.
const ARRAYS = new Set([
  'ColorMode',
  'DocumentFormat',
  'DocumentFormatExt',
  'DiscreteResolution',
  'SettingProfile',
  'JobInfo',
  'AdfOption',
  'Intent',
  'JobStateReason',
]);

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => ARRAYS.has(name),
});

export type XmlNode = Record<string, unknown>;

export function parseXml(body: string): XmlNode {
  // Some devices send `<!doctype …>` in lower case, which XML parsers reject.
  const parsed: unknown = parser.parse(body.replace(/<!doctype/gi, '<!DOCTYPE'));
  return typeof parsed === 'object' && parsed !== null ? (parsed as XmlNode) : {};
}

export function child(node: unknown, name: string): XmlNode | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  const value = (node as XmlNode)[name];
  if (Array.isArray(value)) return value[0] as XmlNode | undefined;
  return typeof value === 'object' && value !== null ? (value as XmlNode) : undefined;
}

export function children(node: unknown, name: string): XmlNode[] {
  if (typeof node !== 'object' || node === null) return [];
  const value = (node as XmlNode)[name];
  const list: unknown[] = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((v): v is XmlNode => typeof v === 'object' && v !== null);
}

/** Text of a child element (also of one that carries attributes). */
export function textOf(node: unknown, name: string): string | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  const value = (node as XmlNode)[name];
  const first: unknown = Array.isArray(value) ? value[0] : value;
  if (typeof first === 'string') return first;
  if (typeof first === 'object' && first !== null) {
    const t = (first as XmlNode)['#text'];
    return typeof t === 'string' ? t : undefined;
  }
  return undefined;
}

export function textsOf(node: unknown, name: string): string[] {
  if (typeof node !== 'object' || node === null) return [];
  const value = (node as XmlNode)[name];
  const list: unknown[] = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.flatMap((v) => {
    if (typeof v === 'string') return [v];
    const t = typeof v === 'object' && v !== null ? (v as XmlNode)['#text'] : undefined;
    return typeof t === 'string' ? [t] : [];
  });
}

export function numberOf(node: unknown, name: string): number | undefined {
  const t = textOf(node, name);
  const n = t === undefined ? NaN : Number(t);
  return Number.isFinite(n) ? n : undefined;
}

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
