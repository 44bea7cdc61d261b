import { describe, expect, it } from 'vitest';
import { PageOcrRepo } from '../../db/repos/page-ocr';
import { blankPage } from '../../tests/support/demo-volume';
import { OPERATOR, seedVolume } from '../../tests/support/repos';
import { enqueueOrientation, ORIENTATION_JOB } from './orientation';
import { orientationStep } from './orientation-step';
import type { Recognizer } from './tesseract-pool';
import { openTestCapture } from '../../tests/support/capture-pipeline';

/** A fake recognizer that counts calls: these cases must be decided without reading anything. */
function countingFake() {
  const fake = {
    calls: 0,
    engine: 'fake',
    recognize: () => {
      fake.calls++;
      return Promise.reject(new Error('no read expected'));
    },
  };
  return fake satisfies Recognizer;
}

async function setup() {
  const { db, repos, blobs, pipeline } = openTestCapture();
  const { volumeId } = seedVolume(repos);
  const image = { bytes: await blankPage(), mediaType: 'image/png', dpi: 150, mode: 'gray' as const };
  const pages = [pipeline.capturePage(volumeId, image), pipeline.capturePage(volumeId, image)];
  const turned: number[] = [];
  const step = orientationStep({
    repos,
    capture: pipeline.capture,
    blobs,
    ocr: new PageOcrRepo(db),
    turn: (pageId) => {
      turned.push(pageId);
      return Promise.resolve();
    },
    reread: () => 0,
  });
  return { repos, volumeId, pages, step, turned };
}

describe('the OCR runner’s orientation step', () => {
  it('drops the checks of a catalogued volume’s pages without reading them', async () => {
    const { repos, volumeId, pages, step, turned } = await setup();
    expect(
      enqueueOrientation(
        repos,
        pages.map((p) => p.id),
      ),
    ).toBe(2);
    for (const to of ['scanning', 'scanned', 'catalogued'] as const)
      repos.volumes.transition(volumeId, to, OPERATOR);
    const fake = countingFake();
    const runs = await step(fake, () => false);
    expect(runs.map((r) => [r.pageId, r.verdict, r.turned])).toEqual(pages.map((p) => [p.id, null, false]));
    expect(fake.calls).toBe(0);
    expect(turned).toEqual([]);
    expect(repos.jobs.pendingOf([ORIENTATION_JOB])).toBe(0);
  });

  it('stops when the runner closes, leaving the checks queued', async () => {
    const { repos, pages, step } = await setup();
    enqueueOrientation(
      repos,
      pages.map((p) => p.id),
    );
    const fake = countingFake();
    expect(await step(fake, () => true)).toEqual([]);
    expect(fake.calls).toBe(0);
    expect(repos.jobs.pendingOf([ORIENTATION_JOB])).toBe(2);
  });
});
