import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../open';
import { fakeClock, openTestRepos } from '../../tests/support/repos';
import { JobsRepo } from './jobs';

describe('JobsRepo', () => {
  it('hands out the most urgent ready job first', () => {
    const { repos, clock } = openTestRepos();
    const jobs = repos.jobs;
    const low = jobs.enqueue({ kind: 'ocr', payload: { pageId: 1 } });
    const urgent = jobs.enqueue({ kind: 'ocr', payload: { pageId: 2 }, priority: 10 });
    const later = jobs.enqueue({
      kind: 'ocr',
      payload: { pageId: 3 },
      priority: 0,
      runAfter: new Date(clock.now().getTime() + 60_000),
    });
    const low2 = jobs.enqueue({ kind: 'ocr', payload: { pageId: 4 } });
    expect(low).toMatchObject({
      state: 'pending',
      attempts: 0,
      maxAttempts: 3,
      priority: 100,
      payload: { pageId: 1 },
    });
    expect(jobs.claim('w1')).toMatchObject({ id: urgent.id, state: 'running', attempts: 1, lockedBy: 'w1' });
    expect(jobs.claim('w1')?.id).toBe(low.id);
    expect(jobs.claim('w1')?.id).toBe(low2.id);
    expect(jobs.claim('w1')).toBeNull(); // `later` is not ready yet
    clock.advance(60_000);
    expect(jobs.claim('w2')?.id).toBe(later.id);
  });

  it('claims only the kinds asked for', () => {
    const { repos } = openTestRepos();
    const ocr = repos.jobs.enqueue({ kind: 'ocr', payload: null });
    const check = repos.jobs.enqueue({ kind: 'check', payload: null, priority: 1 });
    expect(repos.jobs.claim('w', ['ocr'])?.id).toBe(ocr.id);
    expect(repos.jobs.claim('w', ['ocr', 'thumbnail'])).toBeNull();
    expect(repos.jobs.claim('w', [])).toBeNull();
    expect(repos.jobs.claim('w')?.id).toBe(check.id);
  });

  it('retries a failed job with exponential back-off, then gives up', () => {
    const { repos, clock } = openTestRepos({ jobs: { backoffBaseMs: 1000 } });
    const jobs = repos.jobs;
    const j = jobs.enqueue({ kind: 'ocr', payload: {}, maxAttempts: 3 });
    jobs.claim('w');
    expect(jobs.fail(j.id, 'tesseract crashed')).toMatchObject({
      state: 'pending',
      lastError: 'tesseract crashed',
      runAfter: '2026-03-01T08:00:01.000Z',
      lockedBy: null,
    });
    expect(jobs.claim('w')).toBeNull();
    clock.advance(1000);
    jobs.claim('w');
    expect(jobs.fail(j.id, 'again').runAfter).toBe('2026-03-01T08:00:03.000Z'); // 2 s after the second failure
    clock.advance(2000);
    expect(jobs.claim('w')?.attempts).toBe(3);
    expect(jobs.fail(j.id, 'and again')).toMatchObject({
      state: 'failed',
      attempts: 3,
      lastError: 'and again',
    });
    clock.advance(3_600_000);
    expect(jobs.claim('w')).toBeNull();
    expect(jobs.counts()).toEqual({ pending: 0, running: 0, done: 0, failed: 1 });
  });

  it('completes only running jobs, and only for their holder when a worker is named', () => {
    const { repos } = openTestRepos();
    const j = repos.jobs.enqueue({ kind: 'ocr', payload: {} });
    expect(() => repos.jobs.complete(j.id)).toThrow(expect.objectContaining({ code: 'job.not-running' }));
    repos.jobs.claim('w1');
    expect(() => repos.jobs.complete(j.id, 'w2')).toThrow(
      expect.objectContaining({ code: 'job.not-running' }),
    );
    expect(() => repos.jobs.fail(j.id, 'x', 'w2')).toThrow(
      expect.objectContaining({ code: 'job.not-running' }),
    );
    expect(repos.jobs.complete(j.id, 'w1').state).toBe('done');
    expect(() => repos.jobs.complete(j.id, 'w1')).toThrow(
      expect.objectContaining({ code: 'job.not-running' }),
    );
    expect(() => repos.jobs.get(99)).toThrow(expect.objectContaining({ code: 'job.not-found' }));
  });

  it('after a crash, returns the dead workers’ jobs to the queue — or fails those out of attempts', () => {
    const { repos, clock } = openTestRepos();
    const jobs = repos.jobs;
    const a = jobs.enqueue({ kind: 'ocr', payload: {} });
    const b = jobs.enqueue({ kind: 'ocr', payload: {}, maxAttempts: 1 });
    jobs.claim('dead');
    jobs.claim('dead');
    clock.advance(1000);
    const fresh = jobs.enqueue({ kind: 'ocr', payload: {} });
    jobs.claim('alive');
    expect(jobs.recoverStale(new Date(clock.now().getTime() - 500))).toBe(2);
    expect(jobs.get(a.id)).toMatchObject({ state: 'pending', lockedBy: null, attempts: 1 });
    expect(jobs.get(b.id)).toMatchObject({ state: 'failed', lastError: 'worker stopped before finishing' });
    expect(jobs.get(fresh.id)).toMatchObject({ state: 'running', lockedBy: 'alive' });
    expect(() => jobs.complete(a.id, 'dead')).toThrow(expect.objectContaining({ code: 'job.not-running' }));
    expect(jobs.counts()).toEqual({ pending: 1, running: 1, done: 0, failed: 1 });
  });

  it('property: enqueue/claim/complete/fail/recover never lose a job nor give one to two workers at once', () => {
    type Op =
      | { op: 'enqueue'; priority: number; maxAttempts: number }
      | { op: 'claim'; worker: number }
      | { op: 'complete' | 'fail'; worker: number; pick: number }
      | { op: 'stale-complete'; pick: number }
      | { op: 'recover' }
      | { op: 'tick'; ms: number };
    const worker = fc.nat({ max: 3 });
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      fc.record({
        op: fc.constant('enqueue' as const),
        priority: fc.integer({ min: 0, max: 3 }),
        maxAttempts: fc.integer({ min: 1, max: 3 }),
      }),
      fc.record({ op: fc.constant('claim' as const), worker }),
      fc.record({ op: fc.constantFrom('complete' as const, 'fail' as const), worker, pick: fc.nat() }),
      fc.record({ op: fc.constant('stale-complete' as const), pick: fc.nat() }),
      fc.record({ op: fc.constant('recover' as const) }),
      fc.record({ op: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 5000 }) }),
    );

    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const { file } = openTestRepos();
        const clock = fakeClock();
        // Two connections, as two engine processes would have; workers alternate between them.
        const other = openDatabase(file).db;
        const { db } = openDatabase(file);
        try {
          const queues = [
            new JobsRepo(db, clock.now, { backoffBaseMs: 1000 }),
            new JobsRepo(other, clock.now, { backoffBaseMs: 1000 }),
          ];
          const q = (w: number) => queues[w % 2]!;
          const enqueued = new Set<number>();
          const holder = new Map<number, number>(); // job → worker currently holding it
          const done = new Set<number>();
          const orphans: { job: number; worker: number }[] = []; // holdings lost to a recovery

          for (const o of ops) {
            switch (o.op) {
              case 'enqueue':
                enqueued.add(
                  q(0).enqueue({
                    kind: 'k',
                    payload: { n: enqueued.size },
                    priority: o.priority,
                    maxAttempts: o.maxAttempts,
                  }).id,
                );
                break;
              case 'claim': {
                const job = q(o.worker).claim(`w${o.worker}`);
                if (job) {
                  expect(holder.has(job.id)).toBe(false); // nobody else holds it
                  expect(done.has(job.id)).toBe(false);
                  holder.set(job.id, o.worker);
                }
                break;
              }
              case 'complete':
              case 'fail': {
                const mine = [...holder].filter(([, w]) => w === o.worker).map(([j]) => j);
                const job = mine[o.pick % Math.max(1, mine.length)];
                if (job === undefined) break;
                holder.delete(job);
                if (o.op === 'complete') {
                  q(o.worker).complete(job, `w${o.worker}`);
                  done.add(job);
                } else {
                  q(o.worker).fail(job, 'boom', `w${o.worker}`);
                }
                break;
              }
              case 'stale-complete': {
                // A worker presumed dead comes back and reports: refused unless it got the job again.
                const orphan = orphans[o.pick % Math.max(1, orphans.length)];
                if (orphan === undefined) break;
                if (holder.get(orphan.job) === orphan.worker) break;
                expect(() => q(orphan.worker).complete(orphan.job, `w${orphan.worker}`)).toThrow();
                break;
              }
              case 'recover':
                for (const [job, w] of holder) orphans.push({ job, worker: w });
                q(1).recoverStale(clock.now());
                holder.clear();
                break;
              case 'tick':
                clock.advance(o.ms);
                break;
            }

            // Invariants, read through one connection.
            const rows = db
              .prepare('SELECT id, state, locked_by, attempts, max_attempts FROM jobs')
              .all() as {
              id: number;
              state: string;
              locked_by: string | null;
              attempts: number;
              max_attempts: number;
            }[];
            expect(new Set(rows.map((r) => r.id))).toEqual(enqueued);
            for (const r of rows) {
              expect(r.attempts).toBeLessThanOrEqual(r.max_attempts);
              if (done.has(r.id)) expect(r.state).toBe('done');
              if (r.state === 'running') expect(r.locked_by).toBe(`w${holder.get(r.id) ?? -1}`);
              else expect(holder.has(r.id)).toBe(false);
            }
            const counts = q(0).counts();
            expect(counts.pending + counts.running + counts.done + counts.failed).toBe(enqueued.size);
          }
        } finally {
          other.close();
          db.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});
