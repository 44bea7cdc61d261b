import { describe, expect, it } from 'vitest';
import type { ScanEvent } from '../core/scanning/driver';
import { collect, createScanSession } from './session';

const page = { bytes: new Uint8Array([1]), mediaType: 'image/png' as const, dpi: 300, mode: 'gray' as const };
const types = (events: ScanEvent[]) =>
  events.map((e) =>
    e.type === 'error' ? `error:${e.category}` : e.type === 'page' ? `page${e.index}` : e.type,
  );

describe('scan session', () => {
  it('numbers pages, ends with one done, and puts a failure just before it', async () => {
    const events = await collect(
      createScanSession(async (c) => {
        c.page(page);
        c.progress(0.5);
        c.page(page);
        c.fail('paper-jam', 'first');
        c.fail('io', 'second reason is ignored');
        await Promise.resolve();
      }),
    );
    expect(types(events)).toEqual(['page0', 'progress', 'page1', 'error:paper-jam', 'done']);
    expect(events.at(-1)).toEqual({ type: 'done', pages: 2 });
    expect(events.at(-2)).toMatchObject({
      detail: 'first',
      message: { zh: expect.stringContaining('卡纸') as unknown },
    });
  });

  it('reports cancelled when the consumer cancels, and stops the routine through the signal', async () => {
    let sawAbort = false;
    const session = createScanSession(async (c) => {
      c.page(page);
      await new Promise<void>((resolve) => {
        c.signal.addEventListener('abort', () => {
          resolve();
        });
      });
      sawAbort = true;
    });
    const events: ScanEvent[] = [];
    for await (const e of session) {
      events.push(e);
      if (e.type === 'page') session.cancel();
    }
    expect(sawAbort).toBe(true);
    expect(types(events)).toEqual(['page0', 'error:cancelled', 'done']);
  });

  it('cancels when the consumer stops iterating', async () => {
    let signal: AbortSignal | undefined;
    const session = createScanSession(async (c) => {
      signal = c.signal;
      c.page(page);
      await new Promise<void>((resolve) => {
        c.signal.addEventListener('abort', () => {
          resolve();
        });
      });
    });
    for await (const e of session) if (e.type === 'page') break;
    expect(signal?.aborted).toBe(true);
  });

  it('turns a routine that throws into an unknown error, keeping its pages', async () => {
    const events = await collect(
      createScanSession((c) => {
        c.page(page);
        return Promise.reject(new Error('driver bug'));
      }),
    );
    expect(types(events)).toEqual(['page0', 'error:unknown', 'done']);
    expect(events[1]).toMatchObject({ detail: 'driver bug' });
  });
});
