import type { Text } from './text';

/**
 * An expected, explainable failure of a domain rule (bad input, illegal transition, ...).
 * `code` is stable and machine-readable (`uscc.check`, `lifecycle.illegal`); `message` is for people.
 * Anything else thrown is a bug.
 */
export class DomainError extends Error {
  readonly code: string;
  readonly text: Text;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: string, message: Text, details: Record<string, unknown> = {}) {
    super(`${message.en} [${code}]`);
    this.name = 'DomainError';
    this.code = code;
    this.text = message;
    this.details = details;
  }
}

/** A finding of a validator: an error or a warning, with its stable code and bilingual message. */
export interface Issue {
  readonly code: string;
  readonly message: Text;
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}
