// Piscina worker entry. Worker threads do not inherit the tsx loader the main thread registered in
// process (bin/dangan.js), so the worker registers it before loading the TypeScript module.
import { register } from 'tsx/esm/api';
import sharp from 'sharp';

register();
// One libvips thread per worker: the pool already has one worker per core.
sharp.concurrency(1);
// Every page is new: libvips' operation cache would only hold memory.
sharp.cache(false);
const { processPage } = await import('./process-page.ts');

export default processPage;
