import type { Json } from '../../core/canonical-json';
import { DomainError, isDomainError } from '../../core/errors';
import { decodeLabel } from '../../core/labels/label-codec';
import { splitBatch } from '../../core/scanning/batch-split';
import { text, type Text } from '../../core/text';
import type { CaptureRepo, PageOp } from '../../db/repos/capture';
import type { Actor, Repos, Volume } from '../../db/repos';
import type { Db } from '../../db/open';
import { assertEditable } from './editable';
import { checkScanTarget, admitPages, WORKSTATION_OPERATOR } from './scan';

// Splitting a scanned batch into its volumes. A page with our QR volume label, or a Patch-T sheet, opens
// a segment (core/scanning/batch-split.ts); here each segment is given a home: the volume its label
// names, or for a Patch-T segment without a label the next of the volumes registered for the batch.
// `previewSplitVolume` says what would go where (the 扫描 screen shows it); `applySplitVolume` moves the
// pages in one transaction, audited, and undoable from the source volume like any page operation.

export interface SplitOptions {
  /**
   * Volumes registered for this batch, in scan order, after the one scanned into: each Patch-T segment
   * without a label goes into the next of them. Without them, such a segment cannot be placed.
   */
  readonly nextVolumes?: readonly number[];
}

export interface SplitSegmentPlan {
  /** The label payload that opened the segment; null for the source's own leading pages or Patch-T only. */
  readonly label: string | null;
  /** 档号 named by the label (decoded), when there is one. */
  readonly archiveNo: string | null;
  /** Where the pages go: the source volume, another volume, or null when no home was found. */
  readonly volumeId: number | null;
  /** How the home was chosen. */
  readonly by: 'source' | 'label' | 'patch-t';
  /** Label and Patch-T sheets: kept with the segment, flagged as separators, excluded from documents. */
  readonly separators: readonly number[];
  /** Content pages, in order. */
  readonly pages: readonly number[];
  /** The segment leaves the source volume. */
  readonly moves: boolean;
  /** Why the segment cannot be placed (then nothing can be applied until it is resolved). */
  readonly problem: Text | null;
}

export interface SplitPlan {
  readonly volumeId: number;
  /** Segments in scan order; the first usually stays in the source volume. */
  readonly segments: readonly SplitSegmentPlan[];
  /** Pages not processed yet: their labels and Patch-T sheets are not known, so nothing can be applied. */
  readonly pendingPages: number;
  /** Pages (content and separators) that would move. */
  readonly movingPages: number;
  /** True when there is something to move, nothing pending and no segment with a problem. */
  readonly canApply: boolean;
  /** Changes whenever the plan would; `applySplitVolume` refuses a plan that is no longer current. */
  readonly fingerprint: string;
}

export interface SplitResult {
  readonly op: PageOp;
  /** Pages moved, by target volume. */
  readonly moved: readonly { readonly volumeId: number; readonly pageIds: readonly number[] }[];
}

/** What the undo of a split needs (stored in page_ops.undo under `split`). */
interface SplitUndo {
  readonly order: readonly number[];
  readonly moved: readonly { readonly volumeId: number; readonly pageIds: readonly number[] }[];
}

function findLabelled(repos: Repos, payload: string): { archiveNo: string | null; volume: Volume | null } {
  const decoded = decodeLabel(payload);
  if (!decoded.ok) return { archiveNo: null, volume: null };
  const { archiveNo, volumeId: uid } = decoded.label;
  return { archiveNo, volume: repos.volumes.byUid(uid) ?? repos.volumes.findByArchiveNo(archiveNo) };
}

/** Why pages cannot go into this volume, or null when they can. */
function refusal(repos: Repos, volumeId: number, actor: Actor): Text | null {
  try {
    checkScanTarget(repos, volumeId, actor);
    return null;
  } catch (e) {
    if (isDomainError(e)) return e.text;
    throw e;
  }
}

/** What would go where if the volume's pages were split now. Reads only. */
export function previewSplitVolume(
  repos: Repos,
  capture: CaptureRepo,
  volumeId: number,
  options: SplitOptions = {},
  actor: Actor = WORKSTATION_OPERATOR,
): SplitPlan {
  repos.volumes.get(volumeId);
  const pages = repos.pages.list(volumeId);
  const pendingPages = pages.filter((p) => capture.processing(p.id)?.state === 'pending').length;
  const segments = splitBatch(
    pages.map((p) => ({
      id: p.id,
      label: p.labelFound,
      patchT: capture.codes(p.id).some((c) => c.role === 'patch-t'),
    })),
  );
  const next = [...(options.nextVolumes ?? [])].filter((id) => id !== volumeId);
  const planned = segments.map((seg, i): SplitSegmentPlan => {
    const base = { label: seg.label, separators: seg.separators, pages: seg.pages };
    if (seg.label !== null) {
      const { archiveNo, volume } = findLabelled(repos, seg.label);
      if (volume === null) {
        return {
          ...base,
          archiveNo,
          volumeId: null,
          by: 'label',
          moves: false,
          problem:
            archiveNo === null
              ? text('标签无法识别（校验不符）', 'The label cannot be read (check character wrong)')
              : text(
                  `标签上的案卷 ${archiveNo} 未在本工作站登记；请先登记该案卷`,
                  `The volume ${archiveNo} on the label is not registered on this workstation; register it first`,
                ),
        };
      }
      const moves = volume.id !== volumeId;
      return {
        ...base,
        archiveNo,
        volumeId: volume.id,
        by: 'label',
        moves,
        problem: moves ? refusal(repos, volume.id, actor) : null,
      };
    }
    if (i === 0 && seg.separators.length === 0) {
      return { ...base, archiveNo: null, volumeId, by: 'source', moves: false, problem: null };
    }
    // A Patch-T sheet without a label: the next volume registered for the batch.
    const target = next.shift();
    if (target === undefined) {
      return {
        ...base,
        archiveNo: null,
        volumeId: null,
        by: 'patch-t',
        moves: false,
        problem: text(
          '分隔页（Patch-T）之后的页面没有指定案卷；请选择本批次的下一个案卷',
          'No volume is given for the pages after this Patch-T sheet; choose the next volume of the batch',
        ),
      };
    }
    const volume = repos.volumes.get(target);
    return {
      ...base,
      archiveNo: volume.archiveNo,
      volumeId: target,
      by: 'patch-t',
      moves: true,
      problem: refusal(repos, target, actor),
    };
  });
  const movingPages = planned
    .filter((s) => s.moves)
    .reduce((n, s) => n + s.pages.length + s.separators.length, 0);
  const canApply = movingPages > 0 && pendingPages === 0 && planned.every((s) => s.problem === null);
  const fingerprint = JSON.stringify([
    volumeId,
    pendingPages,
    planned.map((s) => [s.volumeId, s.moves, s.separators, s.pages, s.problem !== null]),
  ]);
  return { volumeId, segments: planned, pendingPages, movingPages, canApply, fingerprint };
}

/**
 * Applies the split: in one transaction each moving segment's pages (separators first, as scanned) go
 * to the end of their volume, a registered target moves to `scanning` (audited), separator pages are
 * flagged, and the whole is recorded as one undoable operation of the source volume. `fingerprint`
 * (from the preview the operator saw) makes sure nothing changed since; `split.changed` otherwise.
 */
export function applySplitVolume(
  db: Db,
  repos: Repos,
  capture: CaptureRepo,
  volumeId: number,
  actor: Actor,
  options: SplitOptions & { readonly fingerprint?: string } = {},
): SplitResult {
  assertEditable(repos, volumeId);
  return db.transaction(() => {
    const plan = previewSplitVolume(repos, capture, volumeId, options, actor);
    if (options.fingerprint !== undefined && options.fingerprint !== plan.fingerprint) {
      throw new DomainError(
        'split.changed',
        text(
          '页面在预览之后有变化，请重新预览分批',
          'The pages changed since the preview; preview the split again',
        ),
        { volumeId },
      );
    }
    if (!plan.canApply) {
      const problem = plan.segments.find((s) => s.problem !== null)?.problem;
      throw new DomainError(
        'split.not-ready',
        problem ??
          (plan.pendingPages > 0
            ? text(
                `还有 ${plan.pendingPages} 页未处理完，稍后再分批`,
                `${plan.pendingPages} pages are still being processed; split when they are done`,
              )
            : text('没有需要移到其他案卷的页面', 'No pages need to move to another volume')),
        { volumeId, pendingPages: plan.pendingPages },
      );
    }
    const order = repos.pages.list(volumeId).map((p) => p.id);
    const moved: { volumeId: number; pageIds: number[] }[] = [];
    for (const seg of plan.segments) {
      if (!seg.moves || seg.volumeId === null) continue;
      admitPages(repos, seg.volumeId, actor);
      // Separators are the segment's leading sheets: they travel first, as they were scanned.
      const ids = [...seg.separators, ...seg.pages];
      repos.pages.moveToVolume(ids, seg.volumeId, actor);
      moved.push({ volumeId: seg.volumeId, pageIds: ids });
    }
    for (const seg of plan.segments) {
      for (const id of seg.separators) repos.pages.setFlags(id, { isSeparator: true });
    }
    const undo: SplitUndo = { order, moved };
    const op = capture.recordOp({
      volumeId,
      // page_ops.op is CHECK-constrained to six kinds (migration 4); a split is recorded as the
      // source's reorder, told apart by `params.split` and undone by `undo.split`.
      op: 'reorder',
      params: { split: moved.map((m) => ({ volumeId: m.volumeId, pageIds: m.pageIds })) },
      undo: { split: undo as unknown as Json },
      actor: actor.username,
    });
    repos.audit.append({
      userId: actor.userId,
      username: actor.username,
      action: 'batch.split',
      objectType: 'volume',
      objectId: volumeId,
      outcome: 'ok',
      details: { opId: op.id, moved: moved.map((m) => ({ volumeId: m.volumeId, pages: m.pageIds.length })) },
    });
    return { op, moved };
  })();
}

/**
 * Reverses a split (called by `PageOperations.undo` inside its transaction): the moved pages come back
 * from their volumes to the source, in the source's order before the split. Refused when a target is
 * catalogued or one of its moved pages is gone from it (deleted or moved on).
 */
export function undoSplit(repos: Repos, volumeId: number, payload: Json, actor: Actor): void {
  const undo = payload as unknown as SplitUndo;
  for (const m of undo.moved) {
    assertEditable(repos, m.volumeId);
    const live = new Set(repos.pages.list(m.volumeId).map((p) => p.id));
    if (!m.pageIds.every((id) => live.has(id))) {
      throw new DomainError(
        'split.undo-changed',
        text(
          `移入案卷 ${repos.volumes.get(m.volumeId).archiveNo} 的页面已有改动（删除或再次移动），不能撤销分批`,
          `Pages moved into volume ${repos.volumes.get(m.volumeId).archiveNo} have changed since (deleted or moved again); the split cannot be undone`,
        ),
        { volumeId: m.volumeId },
      );
    }
  }
  for (const m of undo.moved) repos.pages.moveToVolume(m.pageIds, volumeId, actor);
  // The source's own order before the split; pages it gained since keep their place after them.
  const now = repos.pages.list(volumeId).map((p) => p.id);
  const before = new Set(undo.order);
  repos.pages.reorder(
    volumeId,
    [...undo.order.filter((id) => now.includes(id)), ...now.filter((id) => !before.has(id))],
    actor,
  );
}

/** Whether a page operation's undo payload is a split's. */
export function isSplitUndo(undo: Json): boolean {
  return typeof undo === 'object' && undo !== null && !Array.isArray(undo) && 'split' in undo;
}
