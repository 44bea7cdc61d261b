import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { poolAccuracy, scoreSuggestions, type SuggestionAccuracy } from '../../core/cataloguing/accuracy';
import { createRepos, type Actor } from '../../db/repos';
import { PageOcrRepo } from '../../db/repos/page-ocr';
import { suggestForVolume } from '../../workstation/cataloguing/suggest';
import { openDataDir } from '../../workstation/data-dir';
import { OcrService } from '../../workstation/ocr/ocr-service';
import type { Recognizer } from '../../workstation/ocr/tesseract-pool';
import { planVolume, renderVolume } from './demo-volume';
import { addDemoPages } from './volume-pages';

const ACTOR: Actor = { userId: null, username: 'demo', role: 'operator' };
const TYPES = ['SL', 'BG', 'ZX'] as const;

export interface AccuracyRun {
  readonly pooled: SuggestionAccuracy;
  readonly volumes: number;
  readonly pages: number;
  readonly titleZoneMs: number;
}

/**
 * Generates `count` demo volumes (types SL, BG, ZX in turn; seeded, so reproducible), OCRs their title
 * zones through the real job queue and pool, and scores the classifier's suggestions against the truth.
 */
export async function measureSuggestionAccuracy(
  recognizer: Recognizer & { size?: number },
  options: { count: number; firstSeed?: number; maxDocuments?: number; scanned?: boolean },
): Promise<AccuracyRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-accuracy-'));
  const data = openDataDir(dir);
  try {
    const repos = createRepos(data.db, { jobs: { backoffBaseMs: 0 } });
    const ocr = new PageOcrRepo(data.db);
    const service = new OcrService(repos, ocr, data.blobs, recognizer);
    const e = repos.enterprises.create(
      { uscc: '91350200776049653A', name: '厦门测试有限公司', bureauCode: '350200' },
      ACTOR,
    );
    const truths: { volumeId: number; truth: { typeCode: string; firstPage: number; lastPage: number }[] }[] =
      [];
    let pages = 0;
    for (let i = 0; i < options.count; i++) {
      const seed = (options.firstSeed ?? 1) + i;
      const type = TYPES[i % TYPES.length] ?? 'SL';
      const plan = planVolume(type, seed, { uscc: e.uscc ?? '', name: e.name }).slice(
        0,
        options.maxDocuments ?? 99,
      );
      const demo = await renderVolume(plan, {
        seed,
        blankAfter: seed % 2 === 0 ? [0] : [],
        scanned: options.scanned ?? false,
      });
      const volume = repos.volumes.create(
        {
          enterpriseId: e.id,
          archiveNo: `350200-2024-${type}-${String(i + 1).padStart(6, '0')}`,
          volumeType: type,
          year: 2024,
          bureauCode: '350200',
        },
        ACTOR,
      );
      addDemoPages(repos, data.blobs, volume.id, demo.pages);
      pages += demo.pages.length;
      const truth = plan.map((d, index) => {
        const own = demo.pages.filter((p) => p.document === index);
        return { typeCode: d.typeCode, firstPage: own[0]?.seq ?? 0, lastPage: own.at(-1)?.seq ?? 0 };
      });
      truths.push({ volumeId: volume.id, truth });
      service.enqueueVolume(volume.id, { zones: ['title'] });
    }
    const started = performance.now();
    await service.drain({ concurrency: recognizer.size ?? 1 });
    const titleZoneMs = performance.now() - started;
    const scores = truths.map(({ volumeId, truth }) => {
      const suggested = suggestForVolume(repos, ocr, volumeId).documents;
      return scoreSuggestions(truth, suggested);
    });
    return { pooled: poolAccuracy(scores), volumes: options.count, pages, titleZoneMs };
  } finally {
    data.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
