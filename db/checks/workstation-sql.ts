import { buildCheckSql, WORKSTATION_DIALECT } from './check-sql';

/**
 * The check queries for the workstation schema (check-sql.ts builds them for either schema): live
 * volumes are those neither soft-deleted nor withdrawn; live pages are not soft-deleted.
 */
export const WORKSTATION_SQL = buildCheckSql(WORKSTATION_DIALECT);
