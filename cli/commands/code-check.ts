import { DEFAULT_PROVINCE, divisionName } from '../../core/bureaus';
import { checkCode, type CodeCheck } from '../../core/codes';
import { suggestUscc } from '../../core/codes/uscc';
import type { Issue } from '../../core/errors';
import { bilingual, text } from '../../core/text';
import { EXIT } from '../exit-codes';
import type { Io } from '../output';

const KIND_NAMES = {
  uscc: text('统一社会信用代码', 'unified social credit code (USCC)'),
  regno: text('注册号', 'registration number'),
  unknown: text('无法识别', 'unknown'),
} as const;

export interface CodeCheckJson {
  input: string;
  normalized: string;
  kind: CodeCheck['kind'];
  valid: boolean;
  errors: Issue[];
  warnings: Issue[];
  parts: CodeCheck['parts'];
  suggestions: string[];
}

/** `dangan code check <code>... [--json]`: exit 0 when every code is valid, 1 otherwise. */
export function codeCheckCommand(codes: readonly string[], options: { json: boolean }, io: Io): number {
  const results: CodeCheckJson[] = codes.map((input) => {
    const r = checkCode(input);
    const suggestions = !r.valid && r.kind === 'uscc' && r.parts ? suggestUscc(r.normalized) : [];
    return {
      input,
      normalized: r.normalized,
      kind: r.kind,
      valid: r.valid,
      errors: r.errors,
      warnings: r.warnings,
      parts: r.parts,
      suggestions,
    };
  });
  if (options.json) io.out(JSON.stringify(results, null, 2));
  else for (const r of results) printOne(r, io);
  return results.every((r) => r.valid) ? EXIT.ok : EXIT.finding;
}

function printOne(r: CodeCheckJson, io: Io): void {
  const verdict = r.valid ? text('✓ 有效', '✓ valid') : text('✗ 无效', '✗ invalid');
  io.out(
    `${r.normalized || JSON.stringify(r.input)}  ${bilingual(KIND_NAMES[r.kind])}  ${bilingual(verdict)}`,
  );
  if (r.normalized !== r.input) io.out(`  输入 input: ${JSON.stringify(r.input)}`);
  for (const e of r.errors) io.out(`  错误 error [${e.code}]: ${bilingual(e.message)}`);
  for (const w of r.warnings) io.out(`  提示 warning [${w.code}]: ${bilingual(w.message)}`);
  const p = r.parts;
  if (p && 'authority' in p) {
    io.out(
      `  登记管理部门 authority: ${p.authority.code}${p.authority.name ? ` ${bilingual(p.authority.name)}` : ''}`,
    );
    io.out(
      `  机构类别 category: ${p.category.code}${p.category.name ? ` ${bilingual(p.category.name)}` : ''}`,
    );
    io.out(
      `  登记机关行政区划 division: ${p.division} ${bilingual(divisionName(DEFAULT_PROVINCE, p.division))}`,
    );
    io.out(`  主体标识码 organization code: ${p.organizationCode}`);
    io.out(`  校验码 check character: ${p.checkChar}`);
  } else if (p) {
    io.out(
      `  登记机关行政区划 division: ${p.division} ${bilingual(divisionName(DEFAULT_PROVINCE, p.division))}`,
    );
    io.out(`  校验位 check digit: ${p.checkDigit}`);
  }
  if (r.suggestions.length > 0) {
    io.out(
      `  可能的正确代码（仅供核对，不会自动更正） possible intended codes (to check against the paper, never applied):`,
    );
    for (const s of r.suggestions) io.out(`    ${s}`);
  }
}
