import type { CheckId } from '../../core/checks/categories';
import { WORKSTATION_SQL } from './workstation-sql';

export type CheckSchemaName = 'workstation' | 'store';

/**
 * The check queries per database schema. The rules (core/checks/) are shared; only the SQL differs.
 * The store's schema (issue 6) is plugged in here when its tables exist: a map from every category to
 * its queries returning (kind, entity_type, entity_id, details), as workstation-sql.ts does.
 */
export const CHECK_SCHEMAS: Readonly<
  Record<CheckSchemaName, Readonly<Record<CheckId, readonly string[]>> | undefined>
> = {
  workstation: WORKSTATION_SQL,
  store: undefined,
};
