import type { Endpoint } from './endpoint';

/** 图文校核: machine checks, the QA queue, review decisions. */
export const VERIFICATION_API = {} as const satisfies Record<string, Endpoint>;
