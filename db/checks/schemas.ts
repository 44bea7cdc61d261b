import type { CheckId } from '../../core/checks/categories';
import { STORE_SQL } from './store-sql';
import { WORKSTATION_SQL } from './workstation-sql';

export type CheckSchemaName = 'workstation' | 'store';

/**
 * The check queries per database schema. The rules (core/checks/) are shared; only the SQL differs:
 * a map from every category to its queries returning (kind, entity_type, entity_id, details).
 */
export const CHECK_SCHEMAS: Readonly<
  Record<CheckSchemaName, Readonly<Record<CheckId, readonly string[]>> | undefined>
> = {
  workstation: WORKSTATION_SQL,
  store: STORE_SQL,
};
