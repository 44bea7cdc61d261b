import path from 'node:path';
import { onTestFinished } from 'vitest';
import { BlobStore } from '../../db/blob-store';
import type { ReposOptions } from '../../db/repos';
import { CapturePipeline, type PipelineOptions } from '../../workstation/capture/pipeline';
import { openTestRepos } from './repos';
import { tempDir } from './temp-dir';

/**
 * Closes `pipeline` (its workers and timers) when the test ends, before the test's database: vitest
 * runs onTestFinished callbacks last registered first.
 */
export function closedAtTestEnd(pipeline: CapturePipeline): CapturePipeline {
  onTestFinished(() => pipeline.close());
  return pipeline;
}

/**
 * Test repositories, a blob folder and a capture pipeline over them, closed when the test ends. With
 * `threads: 0` (the default) it captures only: processing is up to the test.
 */
export function openTestCapture(
  options: PipelineOptions = { threads: 0 },
  reposOptions: Omit<ReposOptions, 'now'> = {},
) {
  const { db, repos } = openTestRepos(reposOptions);
  const blobs = new BlobStore(path.join(tempDir(), 'blobs'));
  const pipeline = closedAtTestEnd(new CapturePipeline(db, repos, blobs, options));
  return { db, repos, blobs, pipeline };
}
