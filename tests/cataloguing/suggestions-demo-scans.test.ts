import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarize, type ScoreSummary } from '../../core/cataloguing/accuracy';
import { TesseractPool } from '../../workstation/ocr/tesseract-pool';
import { measureDemoSuggestions, type SuggestionRun } from '../support/demo-scan-suggestions';

/**
 * The cataloguing suggestions on real scans of demo files (the demo scanner through the engine's capture
 * pipeline, real tesseract.js, `catalogue.suggest`), scored against what the demo printed. One volume by
 * default (about a minute on a quiet machine); DANGAN_SUGGESTION_VOLUMES=3 covers the three scan
 * profiles (feeder grey, duplex with blank backs, colour at 200 dpi behind a label cover sheet).
 * The floors are what the classifier reaches (bench: `npm run bench -- suggestions`), less a margin.
 */
const VOLUMES = Number(process.env['DANGAN_SUGGESTION_VOLUMES'] ?? 1);
const LONG = 20 * 60_000;

let pool: TesseractPool;
let run: SuggestionRun;
beforeAll(async () => {
  pool = await TesseractPool.create();
  run = await measureDemoSuggestions({ count: VOLUMES, pool, timeoutMs: LONG });
}, LONG);
afterAll(async () => {
  await pool.terminate();
});

function score(stage: string): ScoreSummary {
  const s = run.scores[stage]?.['engine'];
  if (s === undefined) throw new Error(`no ${stage} stage`);
  return summarize(s);
}

describe('suggestions on scanned demo files', () => {
  it('finds every document and its type from the title zones alone', () => {
    const s = score('title');
    expect(s.documents).toBe(6 * VOLUMES);
    expect(s.boundary_recall).toBeGreaterThanOrEqual(0.95);
    expect(s.boundary_precision).toBeGreaterThanOrEqual(0.95);
    expect(s.type_accuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('with the full pages read: titles, the printed dates, and 责任者', () => {
    const s = score('full');
    expect(s.boundary_f1).toBeGreaterThanOrEqual(0.95);
    expect(s.type_accuracy).toBeGreaterThanOrEqual(0.95);
    expect(s.title_accuracy).toBeGreaterThanOrEqual(0.8);
    expect(s.date_accuracy).toBeGreaterThanOrEqual(0.8);
    expect(s.responsible_accuracy).toBeGreaterThanOrEqual(0.5);
  });

  it('never files the premises proof or the licence as an identity document', () => {
    for (const v of run.volumes) {
      const engine = v.suggestions['full']?.['engine'] ?? [];
      for (const t of v.truth.filter((d) => d.typeCode === 'ADR' || d.typeCode === 'LIC')) {
        const holding = engine.find((d) => d.firstPage <= t.firstPage && t.firstPage <= d.lastPage);
        expect(holding?.typeCode, `seed ${v.seed}, page ${t.firstPage}`).toBe(t.typeCode);
      }
    }
  });
});
