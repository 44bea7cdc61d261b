import type { Issue } from '../errors';
import type { Text } from '../text';

/**
 * A finding of the cataloguing or verification rules: an Issue with how bad it is and what it concerns —
 * a page (1-based position in the volume) and/or a document (1-based position in the catalogue).
 */
export interface CatalogueIssue extends Issue {
  readonly severity: 'error' | 'warning';
  readonly page?: number;
  readonly document?: number;
  /** verify.uscc-unrecorded: the USCC read, which may be recorded as the enterprise's (enterprises.recordUscc). */
  readonly proposedUscc?: string;
}

export function issue(
  severity: 'error' | 'warning',
  code: string,
  message: Text,
  where: { page?: number | undefined; document?: number | undefined } = {},
): CatalogueIssue {
  return {
    severity,
    code,
    message,
    ...(where.page === undefined ? {} : { page: where.page }),
    ...(where.document === undefined ? {} : { document: where.document }),
  };
}

export function hasErrors(issues: readonly CatalogueIssue[]): boolean {
  return issues.some((i) => i.severity === 'error');
}
