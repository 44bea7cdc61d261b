import { describe, expect, it } from 'vitest';
import type { ScanEvent, ScanSession } from '../../core/scanning/driver';
import { isDomainError } from '../../core/errors';
import { DemoDriver } from '../../native/demo/demo-driver';
import { createScanSession } from '../../native/session';
import { OPERATOR, QA, seedVolume } from '../../tests/support/repos';
import { verifyVolume } from '../../tests/support/volume-states';
import { runScan } from './scan';
import { openTestCapture } from '../../tests/support/capture-pipeline';

function setup() {
  // Capture only: these tests are about the volume's state, not about processing.
  const { repos, pipeline } = openTestCapture();
  const { volumeId } = seedVolume(repos);
  return { repos, pipeline, volumeId };
}

const demo = (pages: number) =>
  new DemoDriver({ seed: 3 }).scan('demo', { source: 'feeder', dpi: 100, mode: 'gray', maxPages: pages });

describe('scanning into a volume keeps its lifecycle', () => {
  it('moves a registered volume to scanning with its first page, audited once', async () => {
    const { repos, pipeline, volumeId } = setup();
    const seen: string[] = [];
    const report = await runScan(pipeline, demo(3), volumeId, {
      repos,
      actor: OPERATOR,
      onPage: () => seen.push(repos.volumes.get(volumeId).state),
    });
    expect(report.pages).toHaveLength(3);
    // Already scanning when the first page is acknowledged.
    expect(seen).toEqual(['scanning', 'scanning', 'scanning']);
    const moves = [...repos.audit.records()].filter((r) => r.action === 'volume.transition');
    expect(moves).toHaveLength(1);
    expect(moves[0]).toMatchObject({
      username: 'op-wang',
      outcome: 'ok',
      details: { from: 'registered', to: 'scanning', action: 'start-scan', role: 'operator' },
    });

    // A second run leaves it in scanning and adds no transition.
    await runScan(pipeline, demo(1), volumeId, { repos, actor: OPERATOR });
    expect(repos.volumes.get(volumeId).state).toBe('scanning');
    expect([...repos.audit.records()].filter((r) => r.action === 'volume.transition')).toHaveLength(1);
    expect(repos.pages.list(volumeId)).toHaveLength(4);
  });

  it('takes more pages into a scanned volume (补扫) through resume-scan', async () => {
    const { repos, pipeline, volumeId } = setup();
    repos.volumes.transition(volumeId, 'scanning', OPERATOR);
    repos.volumes.transition(volumeId, 'scanned', OPERATOR);
    await runScan(pipeline, demo(1), volumeId, { repos, actor: OPERATOR });
    expect(repos.volumes.get(volumeId).state).toBe('scanning');
    expect([...repos.audit.records()].at(-1)).toMatchObject({
      action: 'volume.transition',
      details: { from: 'scanned', to: 'scanning', action: 'resume-scan' },
    });
  });

  it('leaves a volume registered when the scan delivers no page', async () => {
    const { repos, pipeline, volumeId } = setup();
    const empty: ScanSession = createScanSession((control) => {
      control.fail('no-paper');
      return Promise.resolve();
    });
    const report = await runScan(pipeline, empty, volumeId, { repos, actor: OPERATOR });
    expect(report.error?.category).toBe('no-paper');
    expect(repos.volumes.get(volumeId).state).toBe('registered');
  });

  it('refuses a verified volume with a bilingual reason, before taking anything, and stops the scanner', async () => {
    const { repos, pipeline, volumeId } = setup();
    verifyVolume(repos, volumeId);
    const session = demo(5);
    const failure = await runScan(pipeline, session, volumeId, { repos, actor: OPERATOR }).catch(
      (e: unknown) => e,
    );
    expect(isDomainError(failure) && failure.code).toBe('capture.volume-state');
    expect(isDomainError(failure) && failure.text.zh).toContain('已校核');
    expect(isDomainError(failure) && failure.text.en).toContain('verified');
    expect(repos.pages.list(volumeId)).toEqual([]);
    expect(repos.volumes.get(volumeId).state).toBe('verified');
    // The session was cancelled and has ended: nothing more comes out of it.
    const rest: ScanEvent[] = [];
    for await (const e of session) rest.push(e);
    expect(rest).toEqual([]);
  });

  it('refuses someone whose role may not start a scan', async () => {
    const { repos, pipeline, volumeId } = setup();
    const failure = await runScan(pipeline, demo(1), volumeId, { repos, actor: QA }).catch((e: unknown) => e);
    expect(isDomainError(failure) && failure.code).toBe('lifecycle.forbidden');
    expect(repos.volumes.get(volumeId).state).toBe('registered');
  });

  it('stops taking pages once the volume leaves scanning mid-run, keeping those before', async () => {
    const { repos, pipeline, volumeId } = setup();
    let withdrawn = false;
    const failure = await runScan(pipeline, demo(4), volumeId, {
      repos,
      actor: OPERATOR,
      onPage: (p) => {
        if (p.seq === 2 && !withdrawn) {
          withdrawn = true;
          repos.volumes.transition(volumeId, 'withdrawn', { ...OPERATOR, role: 'technician' });
        }
      },
    }).catch((e: unknown) => e);
    expect(isDomainError(failure) && failure.code).toBe('capture.volume-state');
    expect(repos.pages.list(volumeId).map((p) => p.seq)).toEqual([1, 2]);
  });
});
