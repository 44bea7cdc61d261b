import path from 'node:path';
import type { OutboxRow, OutboxStatus, Text } from '../../../core/contracts';
import { DomainError } from '../../../core/errors';
import { text } from '../../../core/text';
import type { BlobStore } from '../../../db/blob-store';
import type { OutboxEntry } from '../../../db/repos';
import type { TransfersRepo } from '../../../db/repos/transfers';
import { exportVolumes } from '../../transfer/export';
import { TRANSFERABLE_STATES } from '../../transfer/volume-bag';
import { actorOf, caller, type EngineHandlers, type EngineServices } from '../context';
import { chooseRole } from '../transition-role';

type OutboxHandlers = Pick<
  EngineHandlers,
  'outbox.list' | 'outbox.status' | 'outbox.enqueue' | 'outbox.retry' | 'outbox.cancel' | 'bag.export'
>;

export interface OutboxDeps {
  readonly transfers: TransfersRepo;
  readonly blobs: BlobStore;
}

/** Failure codes the outbox worker records (`code: English message`), told in Chinese on screen. */
const KNOWN_ERRORS: Readonly<Record<string, Text>> = {
  interrupted: text('上传被中断（程序重启），可重试', 'Interrupted by a restart; retry it'),
  'transfer.store-refused': text('档案库拒收该卷', 'The archive store refused the volume'),
  'transfer.not-ready': text('案卷尚未通过校核，不能移交', 'The volume is not verified yet'),
  'store.bag-invalid': text('档案库校验该包未通过', 'The archive store found the bag invalid'),
  'transfer.export-exists': text('目标目录已有内容不同的包', 'A different bag is already there'),
  'transfer.export-invalid': text('写出的包未通过校验', 'The written bag does not validate'),
};

/** The stored error text → a bilingual message: the known code in Chinese, otherwise the raw text. */
export function describeError(raw: string): { code: string | null; message: Text; detail: string } {
  const code = raw.startsWith('interrupted')
    ? 'interrupted'
    : (/^([a-z][a-z0-9.-]*):/.exec(raw)?.[1] ?? null);
  const known = code === null ? undefined : KNOWN_ERRORS[code];
  if (known) return { code, message: known, detail: raw };
  // Network errors and the like have no code: shown as they are, with a Chinese lead-in.
  return { code, message: { zh: `传输失败：${raw}`, en: raw }, detail: raw };
}

/** 上传队列: the outbox (db/repos/outbox) as the technician sees it, and the offline bag export. */
export function outboxHandlers(s: EngineServices, deps: OutboxDeps): OutboxHandlers {
  const { repos } = s;
  const row = (e: OutboxEntry): OutboxRow => {
    const v = repos.volumes.get(e.volumeId);
    return {
      id: e.id,
      volumeId: e.volumeId,
      archiveNo: v.archiveNo,
      enterpriseName: repos.enterprises.get(v.enterpriseId).name,
      kind: e.kind,
      state: e.state,
      target: e.target,
      attempts: e.attempts,
      bytesDone: e.bytesDone,
      bytesTotal: e.bytesTotal,
      lastError: e.lastError === null ? null : describeError(e.lastError),
      createdAt: e.createdAt,
      updatedAt: e.updatedAt,
    };
  };
  /** What the screen says above the queue: no store (nothing uploads) or the latest failure. */
  const status = (): OutboxStatus => {
    const url = s.store.activeUrl();
    const waiting = repos.outbox.list({ states: ['queued', 'failed'] }).filter((e) => e.kind === 'upload');
    const failed = waiting
      .filter((e) => e.state === 'failed' && e.lastError !== null)
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
    return {
      store: url === null ? null : { url, source: s.store.fromEnv !== null ? 'environment' : 'settings' },
      waiting: waiting.length,
      lastFailure:
        failed === undefined || failed.lastError === null
          ? null
          : {
              archiveNo: repos.volumes.get(failed.volumeId).archiveNo,
              error: describeError(failed.lastError),
              at: failed.updatedAt,
              nextRetryAt: deps.transfers.runAfter(failed.id),
            },
    };
  };
  return {
    'outbox.status': () => Promise.resolve(status()),
    'outbox.list': ({ states }) =>
      Promise.resolve(repos.outbox.list(states === undefined ? {} : { states }).map(row)),
    'outbox.enqueue': ({ volumeId }, ctx) => {
      const user = caller(ctx);
      const v = repos.volumes.get(volumeId);
      if (!TRANSFERABLE_STATES.includes(v.state)) {
        throw new DomainError(
          'transfer.not-ready',
          text(
            `案卷 ${v.archiveNo} 尚未通过校核，不能加入上传队列`,
            `Volume ${v.archiveNo} is ${v.state}; only verified volumes can be queued`,
          ),
          { volumeId, state: v.state },
        );
      }
      // A verified volume becomes 待上传 with its entry, in one transaction: the state says where it is.
      const entry = s.db.transaction(() => {
        if (v.state === 'verified') {
          const role = chooseRole(user.roles, 'verified', 'queued');
          repos.volumes.transition(volumeId, 'queued', actorOf(user, role), { expectedState: 'verified' });
        }
        return repos.outbox.enqueue(volumeId, 'upload');
      })();
      return Promise.resolve(row(entry));
    },
    'outbox.retry': ({ id }) => Promise.resolve(row(repos.outbox.retry(id))),
    'outbox.cancel': ({ id }) => Promise.resolve(row(repos.outbox.cancel(id))),
    'bag.export': ({ volumeIds, to }) => {
      // The engine may run as another process with another working folder: only absolute paths.
      if (!path.isAbsolute(to)) {
        throw new DomainError(
          'transfer.export-path',
          text(
            `请输入完整的目标文件夹路径（例如 E:\\移交 或 /media/usb）：${to}`,
            `Give the full path of the target folder: ${to}`,
          ),
          { to },
        );
      }
      const r = exportVolumes(
        { transfers: deps.transfers, blobs: deps.blobs, now: s.now, repos: s.repos },
        volumeIds,
        to,
      );
      return Promise.resolve({
        batch: r.batch,
        to: r.to,
        bags: r.bags.map((b) => ({ archiveNo: b.archiveNo, dir: b.dir, written: b.written })),
      });
    },
  };
}
