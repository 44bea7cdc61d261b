import { afterAll, beforeAll } from 'vitest';
import { TesseractPool } from '../../workstation/ocr/tesseract-pool';

/**
 * The real tesseract.js pool (chi_sim, offline) a test file or describe block reads with: started
 * before its first test (loading the model takes seconds, more on a loaded machine) and terminated
 * after its last. Call it where `beforeAll` could be called; `pool()` gives the pool inside a test.
 */
export function tesseractForTests(size: number): () => TesseractPool {
  let pool: TesseractPool | undefined;
  beforeAll(async () => {
    pool = await TesseractPool.create({ size });
  }, 60_000);
  afterAll(async () => {
    await pool?.terminate();
  });
  return () => {
    if (pool === undefined) throw new Error('the tesseract pool starts in beforeAll, before any test');
    return pool;
  };
}
