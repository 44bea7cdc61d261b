import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { seedVolume } from '../../../tests/support/repos';
import { tempDir } from '../../../tests/support/temp-dir';
import { openTestWorkstation, seedVerifiedVolume } from '../../../tests/support/transfer-fixtures';
import { engineWithUsers } from '../../../tests/support/engine-users';
import { describeError } from './outbox';

/** An engine over a real workstation data folder, with an admin, an operator, a technician and a QA user. */
async function setup() {
  const dir = tempDir();
  const ws = openTestWorkstation(dir);
  const t = await engineWithUsers({ db: ws.data.db, dataDir: dir, now: ws.clock.now });
  return {
    ws,
    engine: t.engine,
    call: t.call,
    ok: t.ok,
    fails: t.fails,
    op: t.as.operator,
    tech: t.as.technician,
    qa: t.as.qa,
    admin: t.as.admin,
  };
}

describe('outbox handlers', () => {
  it('lets operators and technicians queue a verified volume, once, and lists it with its archive number', async () => {
    const t = await setup();
    const v = seedVerifiedVolume(t.ws);
    const queued = await t.ok('outbox.enqueue', { volumeId: v.volumeId }, t.op);
    expect(queued).toMatchObject({
      volumeId: v.volumeId,
      archiveNo: v.archiveNo,
      enterpriseName: '厦门测试有限公司',
      state: 'queued',
      attempts: 0,
      lastError: null,
    });
    // The volume says where it is: 待上传, audited as the operator's doing.
    expect(t.ws.repos.volumes.get(v.volumeId).state).toBe('queued');
    const again = await t.ok('outbox.enqueue', { volumeId: v.volumeId }, t.tech);
    expect(again.id).toBe(queued.id);
    expect(await t.ok('outbox.list', {}, t.tech)).toHaveLength(1);
    expect(await t.ok('outbox.list', { states: ['failed'] }, t.op)).toHaveLength(0);
  });

  it('refuses volumes not yet verified, unknown volumes and malformed input', async () => {
    const t = await setup();
    const raw = seedVolume(t.ws.repos, 7);
    const notReady = await t.fails('outbox.enqueue', { volumeId: raw.volumeId }, t.op);
    expect(notReady.code).toBe('transfer.not-ready');
    expect(notReady.message.zh).toContain('尚未通过校核');
    expect((await t.fails('outbox.enqueue', { volumeId: 9999 }, t.op)).code).toBe('volume.not-found');
    const bad = await t.call('outbox.enqueue', { volumeId: -1 }, t.op);
    expect(bad.ok ? null : bad.error.code).toBe('request.invalid');
    expect(t.ws.repos.outbox.list()).toHaveLength(0);
  });

  it('denies by role: QA and admin may not queue; only technicians retry, cancel and export', async () => {
    const t = await setup();
    const v = seedVerifiedVolume(t.ws);
    expect((await t.fails('outbox.enqueue', { volumeId: v.volumeId }, t.qa)).code).toBe('auth.forbidden');
    expect((await t.fails('outbox.list', {}, t.admin)).code).toBe('auth.forbidden');
    const e = await t.ok('outbox.enqueue', { volumeId: v.volumeId }, t.op);
    expect((await t.fails('outbox.cancel', { id: e.id }, t.op)).code).toBe('auth.forbidden');
    expect((await t.fails('outbox.retry', { id: e.id }, t.op)).code).toBe('auth.forbidden');
    const to = path.join(tempDir(), 'usb');
    expect((await t.fails('bag.export', { volumeIds: [v.volumeId], to }, t.op)).code).toBe('auth.forbidden');
    expect(fs.existsSync(to)).toBe(false);
    expect(t.ws.repos.outbox.get(e.id).state).toBe('queued');
  });

  it('retries a failed upload, cancels a live one, and refuses illegal state changes', async () => {
    const t = await setup();
    const v = seedVerifiedVolume(t.ws);
    const e = await t.ok('outbox.enqueue', { volumeId: v.volumeId }, t.op);
    expect((await t.fails('outbox.retry', { id: e.id }, t.tech)).code).toBe('outbox.illegal-state');
    t.ws.repos.outbox.markSending(e.id);
    t.ws.repos.outbox.progress(e.id, 400, 1000);
    t.ws.repos.outbox.fail(e.id, 'transfer.store-refused: The store refused the bag');
    const [failed] = await t.ok('outbox.list', { states: ['failed'] }, t.tech);
    expect(failed).toMatchObject({ attempts: 1, bytesDone: 400, bytesTotal: 1000 });
    expect(failed?.lastError?.message.zh).toBe('档案库拒收该卷');
    expect((await t.ok('outbox.retry', { id: e.id }, t.tech)).state).toBe('queued');
    expect((await t.ok('outbox.cancel', { id: e.id }, t.tech)).state).toBe('cancelled');
    expect((await t.fails('outbox.cancel', { id: e.id }, t.tech)).code).toBe('outbox.illegal-state');
    expect((await t.fails('outbox.retry', { id: 424242 }, t.tech)).code).toBe('outbox.not-found');
    // A cancelled entry is history: the volume can be queued afresh.
    expect((await t.ok('outbox.enqueue', { volumeId: v.volumeId }, t.op)).id).not.toBe(e.id);
  });

  it('exports bags to an absolute folder and refuses a relative one', async () => {
    const t = await setup();
    const v = seedVerifiedVolume(t.ws);
    const rel = await t.fails('bag.export', { volumeIds: [v.volumeId], to: 'usb/bags' }, t.tech);
    expect(rel.code).toBe('transfer.export-path');
    expect(rel.message.zh).toContain('完整的目标文件夹路径');
    const to = path.join(tempDir(), 'usb');
    const r = await t.ok('bag.export', { volumeIds: [v.volumeId], to }, t.tech);
    expect(r.bags).toEqual([{ archiveNo: v.archiveNo, dir: expect.any(String) as string, written: true }]);
    expect(fs.existsSync(path.join(to, r.bags[0]!.dir, 'manifest-sha256.txt'))).toBe(true);
    expect(fs.existsSync(path.join(to, 'batch-manifest.json'))).toBe(true);
  });
});

describe('outbox.status', () => {
  it('says when no store is configured: queued volumes only wait', async () => {
    const t = await setup();
    const v = seedVerifiedVolume(t.ws);
    expect(await t.ok('outbox.status', {}, t.op)).toEqual({ store: null, waiting: 0, lastFailure: null });
    await t.ok('outbox.enqueue', { volumeId: v.volumeId }, t.op);
    expect(await t.ok('outbox.status', {}, t.tech)).toEqual({ store: null, waiting: 1, lastFailure: null });
    expect((await t.fails('outbox.status', {}, t.qa)).code).toBe('auth.forbidden');
  });

  it('gives the last error and the next try when the configured store cannot be reached', async () => {
    // A port nothing listens on: opened, then closed.
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const dir = tempDir();
    const ws = openTestWorkstation(dir);
    const url = `http://127.0.0.1:${port}`;
    const t = await engineWithUsers({
      db: ws.data.db,
      dataDir: dir,
      now: ws.clock.now,
      store: { url, clientId: 'ws-1', secret: 's'.repeat(32) },
      transferWorker: { intervalMs: 3_600_000, baseBackoffMs: 60_000, random: () => 1 },
    });
    try {
      const v = seedVerifiedVolume(ws);
      await t.ok('outbox.enqueue', { volumeId: v.volumeId }, t.as.operator);
      expect(await t.ok('outbox.status', {}, t.as.operator)).toEqual({
        store: { url, source: 'environment' },
        waiting: 1,
        lastFailure: null,
      });
      await t.engine.transfer?.runNow();
      const status = await t.ok('outbox.status', {}, t.as.technician);
      expect(status.store).toEqual({ url, source: 'environment' });
      expect(status.waiting).toBe(1);
      expect(status.lastFailure).toMatchObject({ archiveNo: v.archiveNo, error: { code: null } });
      expect(status.lastFailure?.error.detail).toMatch(/ECONNREFUSED|fetch failed/u);
      // The first back-off (60 s with this random) from the moment it failed.
      const at = Date.parse(status.lastFailure?.at ?? '');
      expect(Date.parse(status.lastFailure?.nextRetryAt ?? '') - at).toBe(60_000);
    } finally {
      await t.engine.close();
    }
  });
});

describe('describeError', () => {
  it('gives known codes in Chinese and keeps unknown text as it is', () => {
    expect(describeError('interrupted (restart)')).toMatchObject({ code: 'interrupted' });
    expect(describeError('interrupted (restart)').message.zh).toContain('程序重启');
    expect(describeError('connect ECONNREFUSED 127.0.0.1:9')).toEqual({
      code: null,
      message: { zh: '传输失败：connect ECONNREFUSED 127.0.0.1:9', en: 'connect ECONNREFUSED 127.0.0.1:9' },
      detail: 'connect ECONNREFUSED 127.0.0.1:9',
    });
  });
});
