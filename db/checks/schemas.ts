import type { CheckId } from '../../core/checks/categories';
import type { Text } from '../../core/text';
import { STORE_NOT_CHECKED, STORE_SQL } from './store-sql';
import { WORKSTATION_SQL } from './workstation-sql';

export type CheckSchemaName = 'workstation' | 'store';

export interface CheckSchema {
  /** Every category's queries returning (kind, entity_type, entity_id, details). */
  readonly sql: Readonly<Record<CheckId, readonly string[]>>;
  /** Per category, what this schema cannot hold (a note in the report instead of a silent skip). */
  readonly notChecked: Readonly<Partial<Record<CheckId, Text>>>;
}

/**
 * The check queries per database schema, both built by check-sql.ts from one set of query shapes (the
 * rules in core/checks/ are shared), with what each schema cannot hold: choosing a schema chooses both.
 */
export const CHECK_SCHEMAS: Readonly<Record<CheckSchemaName, CheckSchema>> = {
  workstation: { sql: WORKSTATION_SQL, notChecked: {} },
  store: { sql: STORE_SQL, notChecked: STORE_NOT_CHECKED },
};
