import sharp from 'sharp';
import type { VERIFICATION_API } from '../../../core/contracts/api-verification';
import type { ReviewView } from '../../../core/contracts/api-verification';
import type { Json } from '../../../core/canonical-json';
import { isContentPage } from '../../../core/cataloguing/rules';
import { DomainError } from '../../../core/errors';
import { text } from '../../../core/text';
import { DEFAULT_SAMPLING, QA_REASONS, type SamplingRule } from '../../../core/verification/review-rules';
import type { PageOcr } from '../../../db/repos/page-ocr';
import { QaReviewsRepo } from '../../../db/repos/qa-reviews';
import { linesOf } from '../../cataloguing/suggest';
import { TITLE_ZONE_SHARE, TITLE_ZONE_WIDTH } from '../../ocr/ocr-service';
import { NearDuplicateFinder } from '../../verification/near-duplicates';
import { PageHashesRepo } from '../../../db/repos/page-hashes';
import { ReviewService } from '../../verification/review';
import { matchWords, type Wanted } from '../../verification/text-matches';
import { actorOf, caller, type EngineHandlers, type EngineServices } from '../context';
import { documentViews, lastRejection, pageViews, rejectionView, volumeRow } from './cataloguing';

type VerificationHandlers = Pick<EngineHandlers, keyof typeof VERIFICATION_API>;

function ruleOf(json: Json): SamplingRule {
  const o: Readonly<Record<string, Json>> =
    typeof json === 'object' && json !== null && !Array.isArray(json)
      ? (json as Readonly<Record<string, Json>>)
      : {};
  const num = (k: keyof SamplingRule) => {
    const v = o[k];
    return typeof v === 'number' ? v : DEFAULT_SAMPLING[k];
  };
  return {
    machinePercent: num('machinePercent'),
    manualPagePercent: num('manualPagePercent'),
    cataloguePercent: num('cataloguePercent'),
    minPages: num('minPages'),
  };
}

/** 图文校核: the QA queue, a volume's review (machine checks, sample, catalogue, OCR), decisions, outcome. */
export function verificationHandlers(s: EngineServices): VerificationHandlers {
  const { repos } = s;
  const reviews = new QaReviewsRepo(s.db, s.now);
  // Near-duplicate pages (a sheet scanned twice) are compared when a review starts and cached by digest,
  // so the machine checks QA sees include them.
  const nearDuplicates = new NearDuplicateFinder(new PageHashesRepo(s.db), s.blobs);
  const service = new ReviewService(s.db, repos, reviews, s.ocr.repo, DEFAULT_SAMPLING, nearDuplicates);
  /** Image sizes by digest: word boxes are in the pixels of the image OCR read. */
  const sizes = new Map<string, { width: number; height: number }>();

  const imageSize = async (sha256: string) => {
    const known = sizes.get(sha256);
    if (known) return known;
    const meta = await sharp(s.blobs.read(sha256)).metadata();
    const size = { width: meta.width, height: meta.height };
    if (sizes.size > 2000) sizes.clear();
    sizes.set(sha256, size);
    return size;
  };

  const wantedFor = (volumeId: number): Wanted => {
    const v = repos.volumes.get(volumeId);
    const own = repos.enterprises.get(v.enterpriseId);
    const survivor = repos.enterprises.get(repos.enterprises.resolve(v.enterpriseId));
    return { uscc: own.uscc ?? survivor.uscc, regNo: own.regNo ?? survivor.regNo, name: own.name };
  };

  const view = (reviewId: number): ReviewView => {
    const r = service.view(reviewId);
    const volumeId = r.review.volumeId;
    const wanted = wantedFor(volumeId);
    const pages = repos.pages.list(volumeId);
    const full = new Set(s.ocr.repo.listForVolume(volumeId, 'full').map((o) => o.pageId));
    const decided = new Map(r.decisions.map((d) => [`${d.targetKind}:${d.targetSeq}`, d]));
    const history = reviews
      .history(volumeId)
      .filter((h) => h.state === 'rejected')
      .reverse()
      .map((h) => rejectionView(reviews, h));
    return {
      reviewId,
      volume: volumeRow(s, r.machine.volume),
      enterprise: wanted,
      rule: ruleOf(r.review.rule),
      pages: pageViews(s, volumeId),
      documents: documentViews(repos.documents.list(volumeId)),
      targets: r.targets.map((t) => {
        const d = decided.get(`${t.kind}:${t.seq}`);
        return {
          kind: t.kind,
          seq: t.seq,
          decision: d === undefined ? null : { ...d },
        };
      }),
      machine: {
        passed: r.machine.passed,
        checks: r.machine.checks.map((c) => ({
          id: c.id,
          name: c.name,
          status: c.status,
          issues: c.issues.map((i) => ({ ...i })),
          ...(c.readings === undefined ? {} : { readings: c.readings.map((x) => ({ ...x })) }),
        })),
      },
      reasons: QA_REASONS.map((q) => ({ code: q.code, name: q.name })),
      ocrPending: pages.filter((p) => isContentPage(p) && !full.has(p.id)).length,
      history,
    };
  };

  const qa = (ctx: Parameters<VerificationHandlers['qa.queue']>[1]) => actorOf(caller(ctx), 'qa');

  return {
    'qa.queue': (_input, ctx) =>
      Promise.resolve(
        service.queue(qa(ctx)).map((v) => ({
          ...volumeRow(s, v),
          rejections: reviews.history(v.id).filter((h) => h.state === 'rejected').length,
        })),
      ),

    'qa.start': async ({ volumeId }, ctx) => {
      const user = qa(ctx);
      await nearDuplicates.prepare(volumeId);
      const started = service.start(volumeId, user);
      // The code and name checks read whole pages: make sure they are being read.
      s.ocr.runner.request(volumeId, ['full'], (zones) => s.ocr.enqueue(volumeId, zones));
      return view(started.review.id);
    },

    'qa.pageText': async ({ volumeId, seq }) => {
      const page = repos.pages.list(volumeId).find((p) => p.seq === seq);
      if (page === undefined) {
        throw new DomainError('page.not-found', text(`第 ${seq} 页不存在`, `No page ${seq}`), {
          volumeId,
          seq,
        });
      }
      const fullReading = s.ocr.repo.get(page.id, 'full');
      const titleReading = s.ocr.repo.get(page.id, 'title');
      const reading: PageOcr | null =
        fullReading?.state === 'done' ? fullReading : titleReading?.state === 'done' ? titleReading : null;
      if (reading === null) {
        const failed = fullReading ?? titleReading;
        return {
          seq,
          zone: failed?.zone ?? 'none',
          state: failed === null ? 'none' : 'failed',
          text: '',
          lines: [],
          width: null,
          height: null,
          heightShare: 1,
          found: { uscc: false, regNo: false, name: false },
        };
      }
      const wanted = wantedFor(volumeId);
      const byLine = new Map<number, (typeof reading.words)[number][]>();
      for (const w of reading.words) byLine.set(w.line, [...(byLine.get(w.line) ?? []), w]);
      const found = { uscc: false, regNo: false, name: false };
      const lines = [...byLine.entries()]
        .sort(([a], [b]) => a - b)
        .map(([line, words]) => {
          const marks = matchWords(
            words.map((w) => w.text),
            wanted,
          );
          for (const m of marks) {
            if (m === 'uscc') found.uscc = true;
            if (m === 'regno') found.regNo = true;
            if (m === 'name') found.name = true;
          }
          return {
            text: words.map((w) => w.text).join(''),
            words: words.map((w, i) => ({
              text: w.text,
              line,
              bbox: { ...w.bbox },
              confidence: w.confidence,
              match: marks[i] ?? null,
            })),
          };
        });
      let width: number | null = null;
      let height: number | null = null;
      let heightShare = 1;
      try {
        const size = await imageSize(reading.blobSha256);
        if (reading.zone === 'full') {
          ({ width, height } = size);
        } else {
          // As ocr-service's prepare() cut and scaled it.
          const zoneHeight = Math.max(1, Math.round(size.height * TITLE_ZONE_SHARE));
          const scale = size.width > TITLE_ZONE_WIDTH * 1.2 ? TITLE_ZONE_WIDTH / size.width : 1;
          width = Math.round(size.width * scale);
          height = Math.round(zoneHeight * scale);
          heightShare = zoneHeight / size.height;
        }
      } catch {
        // The image is unreadable (a data check will say so): the text is still worth showing.
      }
      return {
        seq,
        zone: reading.zone,
        state: 'done' as const,
        text: reading.words.length === 0 ? reading.text : lines.map((l) => l.text).join('\n'),
        lines:
          reading.words.length === 0 ? linesOf(reading).map((l) => ({ text: l.text, words: [] })) : lines,
        width,
        height,
        heightShare,
        found,
      };
    },

    'qa.decide': ({ reviewId, target, pass, reason, note }, ctx) => {
      const verdict = pass
        ? ({ pass: true } as const)
        : {
            pass: false as const,
            reason: reason ?? '',
            ...(note !== undefined ? { note } : {}),
          };
      if (!pass && (reason === undefined || reason === '')) {
        throw new DomainError('qa.reason-required', text('请选择问题类型', 'Choose what the problem is'), {
          target,
        });
      }
      service.decide(reviewId, target, verdict, qa(ctx));
      return Promise.resolve(view(reviewId));
    },

    'qa.finish': ({ reviewId }, ctx) => {
      const volumeId = reviews.get(reviewId)?.volumeId;
      const r = service.finish(reviewId, qa(ctx));
      if (volumeId !== undefined) s.events.emit('volume.changed', { volumeId, state: r.outcome });
      const rejection = volumeId === undefined ? null : lastRejection(reviews, volumeId);
      return Promise.resolve({
        outcome: r.outcome,
        problems: r.outcome === 'rejected' ? (rejection?.problems ?? []) : [],
      });
    },
  };
}
