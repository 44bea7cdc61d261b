import { allowedTransitions, VOLUME_STATES, type VolumeState } from '../../../core/lifecycle';
import type { Role } from '../../../core/roles';
import { text } from '../../../core/text';
import type { Dashboard } from '../../../core/contracts';
import type { QueueRejection } from '../../../core/contracts/models';
import { QaReviewsRepo } from '../../../db/repos/qa-reviews';
import { caller, type EngineHandlers, type EngineServices } from '../context';
import { volumeView } from '../views';
import { lastRejection } from './cataloguing';

const QUEUE_PREVIEW = 20;
const STALE_SCAN_HOURS = 24;

/** States in which a volume waits for one of these roles (withdrawing is a correction, not work). */
export function queueStates(roles: readonly Role[]): VolumeState[] {
  return VOLUME_STATES.filter((state) =>
    roles.some((role) => allowedTransitions(state, role).some((t) => t.action !== 'withdraw')),
  );
}

/** Local midnight of `now`: "today" is the operator's calendar day. */
export function startOfDay(now: Date): Date {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate());
}

/** QA's reasons for sending the volume back, without who decided each (the review's reviewer says it). */
function queueRejection(reviews: QaReviewsRepo, volumeId: number): QueueRejection | null {
  const r = lastRejection(reviews, volumeId);
  if (r === null) return null;
  return {
    reviewer: r.reviewer,
    finishedAt: r.finishedAt,
    problems: r.problems.map((p) => ({
      targetKind: p.targetKind,
      targetSeq: p.targetSeq,
      reasonCode: p.reasonCode,
      reason: p.reason,
      note: p.note,
    })),
  };
}

/** 工作台: my queue by state, today's counts, what needs attention. */
export function dashboardHandlers(s: EngineServices): Pick<EngineHandlers, 'dashboard.get'> {
  const { repos, queries } = s;
  const reviews = new QaReviewsRepo(s.db, s.now);
  return {
    'dashboard.get': (_input, ctx) => {
      const user = caller(ctx);
      const counts = new Map(queries.stateCounts().map((c) => [c.state, c.count]));
      const queue: Dashboard['queue'] = [];
      for (const state of queueStates(user.roles)) {
        const count = counts.get(state) ?? 0;
        if (count === 0) continue;
        const volumes = repos.volumes.listByState([state], QUEUE_PREVIEW);
        const names = queries.enterprisesOf(volumes.map((v) => v.id));
        queue.push({
          state,
          count,
          volumes: volumes.map((v) => ({
            ...volumeView(v),
            enterpriseName: names.get(v.id)?.enterpriseName ?? '',
            enterpriseCode: names.get(v.id)?.enterpriseCode ?? null,
            ...(state === 'rejected' ? { rejection: queueRejection(reviews, v.id) } : {}),
          })),
        });
      }

      const now = s.now();
      // Operators see their own output; QA, technicians and administrators see the whole station's.
      const mine = user.roles.length === 1 && user.roles[0] === 'operator';
      const today = queries.since(startOfDay(now).toISOString(), mine ? user.id : null);

      const attention: Dashboard['attention'] = [];
      if (user.roles.includes('operator')) {
        for (const v of repos.volumes.listByState(['rejected'], 20)) {
          attention.push({
            kind: 'rejected',
            volumeId: v.id,
            message: text(
              `案卷 ${v.archiveNo} 被退回，需返工`,
              `Volume ${v.archiveNo} was rejected: rework it`,
            ),
          });
        }
        const before = new Date(now.getTime() - STALE_SCAN_HOURS * 3_600_000).toISOString();
        for (const v of queries.staleScanning(before)) {
          attention.push({
            kind: 'stale-scan',
            volumeId: v.id,
            message: text(
              `案卷 ${v.archiveNo} 扫描已超过 ${STALE_SCAN_HOURS} 小时未完成`,
              `Volume ${v.archiveNo} has been scanning for over ${STALE_SCAN_HOURS} hours`,
            ),
          });
        }
      }
      if (user.roles.includes('admin')) {
        const at = now.toISOString();
        for (const id of queries.userIds()) {
          const u = repos.users.get(id);
          if (u.disabledAt === null && u.lockedUntil !== null && u.lockedUntil > at) {
            attention.push({
              kind: 'locked-user',
              userId: u.id,
              message: text(
                `账号 ${u.username} 因多次登录失败被锁定至 ${u.lockedUntil}`,
                `Account ${u.username} is locked after failed logins until ${u.lockedUntil}`,
              ),
            });
          }
        }
      }
      if (user.roles.includes('technician') || user.roles.includes('admin')) {
        for (const o of repos.outbox.list({ states: ['failed'] })) {
          attention.push({
            kind: 'outbox-failed',
            volumeId: o.volumeId,
            message: text(
              `案卷 ${o.volumeId} 上传失败：${o.lastError ?? ''}`,
              `Upload of volume ${o.volumeId} failed: ${o.lastError ?? ''}`,
            ),
          });
        }
      }
      return Promise.resolve({ queue, today, attention });
    },
  };
}
