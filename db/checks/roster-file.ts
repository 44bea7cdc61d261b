import fs from 'node:fs';
import path from 'node:path';
import { parseRoster, type Roster } from '../../core/checks/roster';
import { DomainError } from '../../core/errors';
import { text } from '../../core/text';

/**
 * The largest roster read: a province's registration system lists a few million codes (about 40 bytes
 * each as CSV); anything far beyond is not a roster, and reading it would exhaust memory first.
 */
export const ROSTER_MAX_BYTES = 256 * 1024 * 1024;

/**
 * Reads a roster file for `dangan check` and the 系统维护 screen: its size is checked before reading,
 * its bytes decoded as UTF-8 (with or without a BOM) or, when they are not UTF-8, as GB18030 (what
 * Excel on a Chinese Windows saves as “CSV”), then parsed by core/checks/roster.ts.
 */
export function readRosterFile(file: string): Roster {
  let bytes: Buffer;
  try {
    const size = fs.statSync(file).size;
    if (size > ROSTER_MAX_BYTES) {
      throw new DomainError(
        'roster.too-large',
        text(
          `名录文件过大（${mib(size)} MiB，上限 ${mib(ROSTER_MAX_BYTES)} MiB）：${file}；请只导出代码和状态两列，或按分局拆分`,
          `The roster ${file} is too large (${mib(size)} MiB, at most ${mib(ROSTER_MAX_BYTES)} MiB): export only the code and status columns, or one bureau at a time`,
        ),
        { file, size },
      );
    }
    bytes = fs.readFileSync(file);
  } catch (e) {
    if (e instanceof DomainError) throw e;
    throw new DomainError(
      'roster.unreadable',
      text(
        `无法读取名录文件 ${file}：请确认文件存在且可读`,
        `Cannot read the roster ${file}: ${e instanceof Error ? e.message : String(e)}`,
      ),
      { file },
    );
  }
  return parseRoster(decode(bytes), path.extname(file).toLowerCase() === '.json' ? 'json' : 'csv');
}

function decode(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

const mib = (n: number) => Math.ceil(n / 1024 / 1024);
