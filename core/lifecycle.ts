import { DomainError } from './errors';
import { ROLE_NAMES } from './roles';
import type { Role } from './roles';
import { text } from './text';
import type { Text } from './text';

/**
 * The volume (案卷) lifecycle, enforced here and nowhere else (the UI only asks allowedTransitions).
 *
 *   registered → scanning ⇄ scanned ⇄ catalogued → verified ⇄ queued → transferred → archived
 *   catalogued | verified | queued → rejected → (rework) → scanned | catalogued
 *   registered … queued, rejected → withdrawn
 *
 * Who may do what:
 * - operator (扫描员): the production steps — scan, add pages, catalogue, reopen the catalogue before
 *   QA, rework a rejected volume, queue (and unqueue) a verified volume for upload, and withdraw a
 *   volume that is still only registered (a mistyped registration).
 * - qa (质检员): verify (the 图文校核 sign-off) and reject; reject is allowed from catalogued, and
 *   from verified/queued when a fault turns up later, as long as the volume has not left.
 * - technician (运维人员): queue/unqueue, transfer (the outbox acts on the technician's behalf),
 *   archive (the store's receipt), withdraw from any state before transferred.
 * - admin (管理员): corrective acts only — withdraw, reject, unqueue. Not the production steps and
 *   never `verify`: the QA sign-off must come from someone who did not administer the data
 *   (separation of duties, 等保 2.0). An admin who must scan is given the operator role as well.
 *
 * After `transferred` the volume belongs to the store: corrections there go through 改错, not back
 * through this machine. `archived` and `withdrawn` are terminal.
 */

export const VOLUME_STATES = [
  'registered',
  'scanning',
  'scanned',
  'catalogued',
  'verified',
  'queued',
  'transferred',
  'archived',
  'rejected',
  'withdrawn',
] as const;

export type VolumeState = (typeof VOLUME_STATES)[number];

export const STATE_NAMES: Readonly<Record<VolumeState, Text>> = Object.freeze({
  registered: text('已登记', 'Registered'),
  scanning: text('扫描中', 'Scanning'),
  scanned: text('已扫描', 'Scanned'),
  catalogued: text('已著录', 'Catalogued'),
  verified: text('已校核', 'Verified'),
  queued: text('待上传', 'Queued for upload'),
  transferred: text('已移交', 'Transferred'),
  archived: text('已归档', 'Archived'),
  rejected: text('已退回', 'Rejected'),
  withdrawn: text('已撤销', 'Withdrawn'),
});

export const TRANSITION_ACTIONS = [
  'start-scan',
  'finish-scan',
  'resume-scan',
  'catalogue',
  'reopen',
  'verify',
  'reject',
  'rework',
  'queue',
  'unqueue',
  'transfer',
  'archive',
  'withdraw',
] as const;

export type TransitionAction = (typeof TRANSITION_ACTIONS)[number];

export interface Transition {
  readonly from: VolumeState;
  readonly to: VolumeState;
  readonly action: TransitionAction;
  readonly roles: readonly Role[];
  readonly name: Text;
}

function t(
  from: VolumeState,
  to: VolumeState,
  action: TransitionAction,
  roles: readonly Role[],
  name: Text,
): Transition {
  return Object.freeze({ from, to, action, roles: Object.freeze([...roles]), name });
}

const WITHDRAW = text('撤销', 'Withdraw');
const REJECT = text('退回', 'Reject');
const WITHDRAWABLE: readonly VolumeState[] = [
  'scanning',
  'scanned',
  'catalogued',
  'verified',
  'queued',
  'rejected',
];

/** Every legal transition; a (from, to) pair appears at most once. */
export const TRANSITIONS: readonly Transition[] = Object.freeze([
  t('registered', 'scanning', 'start-scan', ['operator'], text('开始扫描', 'Start scanning')),
  t('scanning', 'scanned', 'finish-scan', ['operator'], text('完成扫描', 'Finish scanning')),
  t('scanned', 'scanning', 'resume-scan', ['operator'], text('补扫', 'Scan more pages')),
  t('scanned', 'catalogued', 'catalogue', ['operator'], text('完成著录', 'Finish cataloguing')),
  t('catalogued', 'scanned', 'reopen', ['operator'], text('重新著录', 'Reopen cataloguing')),
  t('catalogued', 'verified', 'verify', ['qa'], text('校核通过', 'Pass verification')),
  t('catalogued', 'rejected', 'reject', ['qa', 'admin'], REJECT),
  t('verified', 'rejected', 'reject', ['qa', 'admin'], REJECT),
  t('queued', 'rejected', 'reject', ['qa', 'admin'], REJECT),
  t(
    'rejected',
    'scanned',
    'rework',
    ['operator'],
    text('返工（重扫或重新著录）', 'Rework (rescan or recatalogue)'),
  ),
  t(
    'rejected',
    'catalogued',
    'rework',
    ['operator'],
    text('返工（修改著录）后重新提交', 'Rework catalogue and resubmit'),
  ),
  t('verified', 'queued', 'queue', ['operator', 'technician'], text('加入上传队列', 'Queue for upload')),
  t(
    'queued',
    'verified',
    'unqueue',
    ['operator', 'technician', 'admin'],
    text('移出上传队列', 'Remove from upload queue'),
  ),
  t('queued', 'transferred', 'transfer', ['technician'], text('移交', 'Transfer')),
  t('transferred', 'archived', 'archive', ['technician'], text('归档', 'Archive')),
  t('registered', 'withdrawn', 'withdraw', ['operator', 'technician', 'admin'], WITHDRAW),
  ...WITHDRAWABLE.map((from) => t(from, 'withdrawn', 'withdraw', ['technician', 'admin'], WITHDRAW)),
]);

function stateLabel(s: VolumeState): Text {
  const n = STATE_NAMES[s] as Text | undefined;
  return n === undefined ? text(s, s) : text(`“${n.zh}”（${s}）`, `${s} (${n.zh})`);
}

/**
 * Check a transition. Returns its table row, or throws `lifecycle.illegal` when no such transition
 * exists and `lifecycle.forbidden` when it exists but this role may not make it.
 */
export function transition(from: VolumeState, to: VolumeState, role: Role): Transition {
  const row = TRANSITIONS.find((r) => r.from === from && r.to === to);
  const a = stateLabel(from);
  const b = stateLabel(to);
  if (row === undefined) {
    throw new DomainError(
      'lifecycle.illegal',
      text(`案卷状态不能从${a.zh}变为${b.zh}`, `A volume cannot go from ${a.en} to ${b.en}`),
      { from, to, role },
    );
  }
  if (!row.roles.includes(role)) {
    const who = (ROLE_NAMES[role] as Text | undefined) ?? text(role, role);
    const allowed = row.roles.map((r) => ROLE_NAMES[r]);
    throw new DomainError(
      'lifecycle.forbidden',
      text(
        `${who.zh}无权执行“${row.name.zh}”（${a.zh} → ${b.zh}），仅限：${allowed.map((x) => x.zh).join('、')}`,
        `Role ${role} may not ${row.action} (${a.en} → ${b.en}); allowed: ${row.roles.join(', ')}`,
      ),
      { from, to, role, action: row.action, allowedRoles: row.roles },
    );
  }
  return row;
}

/** The transitions this role may make from this state (what the UI offers). */
export function allowedTransitions(from: VolumeState, role: Role): readonly Transition[] {
  return TRANSITIONS.filter((r) => r.from === from && r.roles.includes(role));
}

/** A terminal state has no way out, for anyone. */
export function isTerminal(state: VolumeState): boolean {
  return !TRANSITIONS.some((r) => r.from === state);
}

export function isVolumeState(value: unknown): value is VolumeState {
  return typeof value === 'string' && (VOLUME_STATES as readonly string[]).includes(value);
}
