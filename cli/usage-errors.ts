// Commander writes its usage errors in English only; the CLI speaks Chinese first, so each known
// message gets its Chinese line. Unknown ones pass through unchanged (still with the usage hint).
const TRANSLATIONS: readonly [RegExp, (m: RegExpMatchArray) => string][] = [
  [/^error: unknown option '(.+)'/, (m) => `未知选项 ${m[1] ?? ''}`],
  [/^error: unknown command '(.+)'/, (m) => `未知命令 ${m[1] ?? ''}`],
  [/^error: missing required argument '(.+)'/, (m) => `缺少必需参数 ${m[1] ?? ''}`],
  [/^error: too many arguments/, () => '参数过多'],
  [/^error: required option '(.+)' not specified/, (m) => `缺少必需选项 ${m[1] ?? ''}`],
  [
    /^error: option '(.+)' cannot be used with (?:option|environment variable) '(.+)'/,
    (m) => `选项 ${m[1] ?? ''} 不能与 ${m[2] ?? ''} 同时使用`,
  ],
  [/^error: option '(.+)' argument missing/, (m) => `选项 ${m[1] ?? ''} 缺少值`],
  [
    /^error: option '(.+)' argument '(.*)' is invalid\. (.*)/,
    (m) => `选项 ${m[1] ?? ''} 的值 “${m[2] ?? ''}” 无效。${m[3] ?? ''}`,
  ],
];

export function translateUsageError(message: string): string {
  const trimmed = message.trim();
  for (const [pattern, zh] of TRANSLATIONS) {
    const m = trimmed.match(pattern);
    if (m) return `用法错误：${zh(m)}\n${trimmed}`;
  }
  return trimmed;
}
