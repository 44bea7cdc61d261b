import type { Endpoint } from './endpoint';

/** 扫描: devices, scan jobs, the pages of a volume, their images and page operations. */
export const CAPTURE_API = {} as const satisfies Record<string, Endpoint>;
