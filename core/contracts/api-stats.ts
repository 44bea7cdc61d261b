import type { Endpoint } from './endpoint';

/** 统计: the figures behind the charts. */
export const STATS_API = {} as const satisfies Record<string, Endpoint>;
