import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { seedVolume } from '../../tests/support/repos';
import { PROCESS_JOB } from './pipeline';
import { openTestCapture } from '../../tests/support/capture-pipeline';

describe('backpressure', () => {
  it('captures a burst far ahead of processing, with never more than maxInFlight pages in the workers', async () => {
    const { db, repos, pipeline } = openTestCapture({ threads: 1, maxInFlight: 2 });
    pipeline.start();
    const { volumeId } = seedVolume(repos);
    const pages = 16;
    const images = await Promise.all(
      Array.from({ length: pages }, (_, i) =>
        sharp({
          create: { width: 640, height: 900, channels: 3, background: { r: 250, g: 250 - i, b: 240 } },
        })
          .jpeg()
          .toBuffer(),
      ),
    );
    const running = db
      .prepare("SELECT count(*) FROM jobs WHERE kind = ? AND state = 'running'")
      .pluck()
      .bind(PROCESS_JOB);
    const counts = () => pipeline.capture.counts();
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, running.get() as number);
    }, 5);
    try {
      // Capture does not wait for processing: every page is acknowledged while most still wait.
      for (const bytes of images) {
        pipeline.capturePage(volumeId, { bytes, mediaType: 'image/jpeg', dpi: 100, mode: 'gray' });
        peak = Math.max(peak, running.get() as number);
      }
      expect(repos.pages.list(volumeId)).toHaveLength(pages);
      expect(counts().pending).toBeGreaterThan(pages / 2);
      await pipeline.idle();
    } finally {
      clearInterval(sampler);
    }
    expect(counts()).toEqual({ pending: 0, done: pages, failed: 0 });
    // The durable queue held the rest: at most maxInFlight pages were ever handed to the pool.
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(2);
  }, 60_000);
});
