import type {
  CataloguePageView,
  CatalogueView,
  DocumentDraftView,
  RejectionView,
} from '../../../core/contracts/api-cataloguing';
import type { VolumeRow } from '../../../core/contracts';
import { RESPONSIBLE_REQUIRED, type DocumentDraft } from '../../../core/cataloguing/rules';
import { DomainError } from '../../../core/errors';
import type { VolumeState } from '../../../core/lifecycle';
import { text } from '../../../core/text';
import { qaReason } from '../../../core/verification/review-rules';
import { DOCUMENT_TYPES } from '../../../core/vocabulary';
import { QaReviewsRepo, type QaReview } from '../../../db/repos/qa-reviews';
import type { Volume } from '../../../db/repos';
import { CataloguingEngine } from '../../cataloguing/engine';
import { linesOf, suggestForVolume } from '../../cataloguing/suggest';
import { actorOf, caller, type EngineHandlers, type EngineServices } from '../context';
import { volumeView } from '../views';
import type { CATALOGUING_API } from '../../../core/contracts/api-cataloguing';

type CataloguingHandlers = Pick<EngineHandlers, keyof typeof CATALOGUING_API>;

/** States in which the operator may change the catalogue: before QA, and when QA sent it back. */
export const EDITABLE_STATES: readonly VolumeState[] = ['scanned', 'rejected'];
/** States in which QA's last rejection is still news to the operator. */
const REWORK_STATES: readonly VolumeState[] = ['rejected', 'scanned', 'catalogued'];

/** The row a list shows for a volume: the volume and its enterprise. */
export function volumeRow(s: EngineServices, v: Volume): VolumeRow {
  const names = s.queries.enterprisesOf([v.id]).get(v.id);
  return {
    ...volumeView(v),
    enterpriseName: names?.enterpriseName ?? '',
    enterpriseCode: names?.enterpriseCode ?? null,
  };
}

/** The pages with their flags, 页号 and what the title zone's OCR made of them. */
export function pageViews(s: EngineServices, volumeId: number): CataloguePageView[] {
  const engine = new CataloguingEngine(s.db, s.repos);
  const view = engine.load(volumeId);
  const titles = new Map(s.ocr.repo.listForVolume(volumeId, 'title').map((r) => [r.pageId, r]));
  return view.pages.map((p, i) => {
    const reading = titles.get(p.id);
    const heading =
      reading?.state === 'done'
        ? (linesOf(reading)
            .map((l) => l.text.trim())
            .find((t) => t !== '') ?? null)
        : null;
    return {
      id: p.id,
      seq: p.seq,
      pageNo: view.pageNumbers[i] ?? null,
      isBlank: p.isBlank,
      isSeparator: p.isSeparator,
      blankScore: p.blankScore,
      hasLabel: p.labelFound !== null,
      dpi: p.dpiX === null ? null : Math.round(p.dpiX),
      titleOcr: reading === undefined ? 'none' : reading.state,
      heading: heading === null ? null : heading.slice(0, 60),
    };
  });
}

/** Catalogued documents as the screens edit and show them. */
export function documentViews(docs: readonly DocumentDraftView[]): DocumentDraftView[] {
  return docs.map((d) => ({
    typeCode: d.typeCode,
    title: d.title,
    docDate: d.docDate,
    responsible: d.responsible,
    firstPage: d.firstPage,
    lastPage: d.lastPage,
  }));
}

/** A finished review that sent the volume back: who, when, and each problem with its reason in words. */
export function rejectionView(reviews: QaReviewsRepo, review: QaReview): RejectionView {
  return {
    reviewer: review.reviewer,
    finishedAt: review.finishedAt,
    problems: reviews
      .decisions(review.id)
      .filter((d) => d.verdict === 'problem')
      .map((d) => {
        const code = d.reasonCode ?? 'other';
        return {
          targetKind: d.targetKind,
          targetSeq: d.targetSeq,
          reasonCode: code,
          // A code this version does not know (written by a newer one) is still shown, as itself.
          reason: qaReason(code)?.name ?? text(`其他（${code}）`, `Other (${code})`),
          note: d.note,
          decidedBy: d.decidedBy,
          decidedAt: d.decidedAt,
        };
      }),
  };
}

/** The last rejection of a volume by QA, with its reasons in words. */
export function lastRejection(reviews: QaReviewsRepo, volumeId: number): RejectionView | null {
  const finished = reviews.history(volumeId).filter((r) => r.state === 'passed' || r.state === 'rejected');
  const last = finished.at(-1);
  return last?.state === 'rejected' ? rejectionView(reviews, last) : null;
}

function draftOf(d: DocumentDraftView): DocumentDraft {
  return {
    typeCode: d.typeCode,
    title: d.title,
    docDate: d.docDate === null || d.docDate.trim() === '' ? null : d.docDate.trim(),
    responsible: d.responsible === null || d.responsible.trim() === '' ? null : d.responsible.trim(),
    firstPage: d.firstPage,
    lastPage: d.lastPage,
  };
}

/** `undefined` keeps the recorded reason; '' clears it. */
function reasonOption(reason: string | null | undefined): { pageCountReason?: string | null } {
  if (reason === undefined) return {};
  return { pageCountReason: reason === null || reason.trim() === '' ? null : reason.trim() };
}

/** 著录标引: the catalogue of a volume, suggestions from OCR, live rule findings, save and finish. */
export function cataloguingHandlers(s: EngineServices): CataloguingHandlers {
  const { repos } = s;
  const engine = new CataloguingEngine(s.db, repos);
  const reviews = new QaReviewsRepo(s.db, s.now);

  const view = (volumeId: number): CatalogueView => {
    const v = engine.load(volumeId);
    return {
      volume: volumeRow(s, v.volume),
      pageCountReason: v.volume.pageCountReason,
      pages: pageViews(s, volumeId),
      countedPages: v.countedPages,
      documents: documentViews(v.documents),
      issues: v.issues.map((i) => ({ ...i })),
      editable: EDITABLE_STATES.includes(v.volume.state),
      rejection: REWORK_STATES.includes(v.volume.state) ? lastRejection(reviews, volumeId) : null,
    };
  };

  const assertEditable = (volumeId: number): void => {
    const v = repos.volumes.get(volumeId);
    if (EDITABLE_STATES.includes(v.state)) return;
    throw new DomainError(
      'catalogue.not-editable',
      v.state === 'catalogued'
        ? text(
            `案卷 ${v.archiveNo} 已完成著录，等待校核；如需修改请先“重新著录”`,
            `Volume ${v.archiveNo} is catalogued and waiting for QA; reopen it to change the catalogue`,
          )
        : text(
            `案卷 ${v.archiveNo} 当前状态不能著录（须为已扫描或已退回）`,
            `Volume ${v.archiveNo} cannot be catalogued in its current state (${v.state})`,
          ),
      { volumeId, state: v.state },
    );
  };

  return {
    'catalogue.get': ({ volumeId }) => Promise.resolve(view(volumeId)),

    'catalogue.suggest': ({ volumeId, read }) => {
      repos.volumes.get(volumeId); // volume.not-found before any work
      if (read === true) {
        // Title zones first (their priority), then whole pages: the dates and 责任者 printed lower down.
        s.ocr.runner.request(volumeId, ['title', 'full'], (zones) => s.ocr.enqueue(volumeId, zones));
      }
      const suggestion = suggestForVolume(repos, s.ocr.repo, volumeId);
      const readings = s.ocr.repo.listForVolume(volumeId, 'title');
      return Promise.resolve({
        documents: suggestion.documents.map((d) => ({ ...d })),
        ocr: {
          read: readings.filter((r) => r.state === 'done').length,
          failed: readings.filter((r) => r.state === 'failed').length,
          unread: [...suggestion.unreadPages],
          running: s.ocr.runner.running && suggestion.unreadPages.length > 0,
          fullRead: suggestion.fullPages,
        },
      });
    },

    'catalogue.validate': ({ volumeId, documents, pageCountReason }) =>
      Promise.resolve(
        engine
          .validate(volumeId, documents.map(draftOf), reasonOption(pageCountReason))
          .map((i) => ({ ...i })),
      ),

    'catalogue.save': ({ volumeId, documents, pageCountReason }, ctx) => {
      assertEditable(volumeId);
      engine.save(volumeId, documents.map(draftOf), actorOf(caller(ctx), 'operator'), {
        ...reasonOption(pageCountReason),
      });
      return Promise.resolve(view(volumeId));
    },

    'catalogue.pageCountReason': ({ volumeId, reason }, ctx) => {
      assertEditable(volumeId);
      repos.volumes.setPageCountReason(volumeId, reason.trim() === '' ? null : reason, actorOf(caller(ctx)));
      return Promise.resolve(view(volumeId));
    },

    'catalogue.finish': ({ volumeId, documents, pageCountReason }, ctx) => {
      assertEditable(volumeId);
      const saved = engine.save(volumeId, documents.map(draftOf), actorOf(caller(ctx), 'operator'), {
        ...reasonOption(pageCountReason),
        finish: true,
      });
      s.events.emit('volume.changed', { volumeId, state: saved.volume.state });
      // Verification reads whole pages (the enterprise's code and name): start on them now.
      s.ocr.runner.request(volumeId, ['title', 'full'], (zones) => s.ocr.enqueue(volumeId, zones));
      return Promise.resolve(view(volumeId));
    },

    'catalogue.types': ({ volumeType }) => {
      const usual = (t: (typeof DOCUMENT_TYPES)[number]) =>
        t.volumeTypes === undefined || t.volumeTypes.includes(volumeType);
      const sorted = [...DOCUMENT_TYPES].sort(
        (a, b) => Number(usual(b)) - Number(usual(a)) || a.order - b.order,
      );
      return Promise.resolve(
        sorted.map((t) => ({
          code: t.code,
          name: t.name,
          nameEn: t.nameEn,
          usual: usual(t),
          responsibleRequired: RESPONSIBLE_REQUIRED.has(t.code),
        })),
      );
    },
  };
}
