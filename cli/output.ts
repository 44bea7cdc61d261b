import { bilingual, type Text } from '../core/text';

/** Where a command writes; tests pass their own to capture output. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
}

export const processIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

export function line(t: Text): string {
  return bilingual(t);
}
