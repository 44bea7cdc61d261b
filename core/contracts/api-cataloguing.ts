import type { Endpoint } from './endpoint';

/** 著录标引: documents of a volume, suggestions, saving the catalogue. */
export const CATALOGUING_API = {} as const satisfies Record<string, Endpoint>;
