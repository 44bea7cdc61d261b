import type { Endpoint } from './endpoint';

/** 系统维护: database check, backup, audit verification, data checks and guided fixes. */
export const MAINTENANCE_API = {} as const satisfies Record<string, Endpoint>;
