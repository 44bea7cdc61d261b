import { isDomainError, type DomainError } from '../../core/errors';

/** Runs `fn` and returns the DomainError it throws; fails when it throws nothing or something else. */
export function domainError(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (isDomainError(e)) return e;
    throw e;
  }
  throw new Error('expected a DomainError, nothing was thrown');
}

/** The DomainError a promise rejects with; fails when it resolves or rejects with something else. */
export async function rejection(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (e) {
    if (isDomainError(e)) return e;
    throw e;
  }
  throw new Error('expected a rejection with a DomainError, the promise resolved');
}
