import type { CAPTURE_API, PageRow } from '../../../core/contracts/api-capture';
import type { VolumeRow } from '../../../core/contracts';
import { DomainError, isDomainError } from '../../../core/errors';
import { deviceMode } from '../../../core/scanning/driver';
import type { VolumeState } from '../../../core/lifecycle';
import { text } from '../../../core/text';
import type { Page, Volume } from '../../../db/repos';
import type { PageOp } from '../../../db/repos/capture';
import { MIN_DPI } from '../../capture/profiles';
import { checkScanTarget } from '../../capture/scan';
import { applySplitVolume, previewSplitVolume } from '../../capture/batch-split';
import type { CaptureService } from '../capture-service';
import { actorOf, caller, type EngineHandlers, type EngineServices } from '../context';
import { PageImages } from '../page-images';
import { volumeView } from '../views';

type CaptureHandlers = Pick<EngineHandlers, keyof typeof CAPTURE_API>;

/** Pages may change until the volume is catalogued (workstation/capture/page-ops.ts says the same). */
const EDITABLE: readonly VolumeState[] = ['registered', 'scanning', 'scanned', 'rejected'];

function opView(op: PageOp) {
  return { id: op.id, op: op.op, actor: op.actor, createdAt: op.createdAt };
}

/** 扫描: devices, scan runs, pages, page images and page operations (see core/contracts/api-capture.ts). */
export function captureHandlers(s: EngineServices): CaptureHandlers {
  const { repos } = s;
  const capture = (): CaptureService => s.capture();
  let imagesInstance: PageImages | null = null;
  const images = (): PageImages => {
    const c = capture();
    imagesInstance ??= new PageImages(c.blobs, repos.pages, c.repo);
    return imagesInstance;
  };

  const row = (v: Volume): VolumeRow => {
    const names = s.queries.enterprisesOf([v.id]);
    return {
      ...volumeView(v),
      enterpriseName: names.get(v.id)?.enterpriseName ?? '',
      enterpriseCode: names.get(v.id)?.enterpriseCode ?? null,
    };
  };

  const pageRow = (p: Page): PageRow => {
    const proc = capture().repo.processing(p.id);
    const codes = proc ? capture().repo.codes(p.id) : [];
    const dpi = p.dpiX ?? null;
    return {
      id: p.id,
      seq: p.seq,
      width: p.width,
      height: p.height,
      dpi,
      colorMode: p.colorMode,
      autoColour: proc?.autoColour ?? false,
      colourScore: proc?.colourScore ?? null,
      side: p.side,
      isBlank: p.isBlank,
      blankScore: p.blankScore,
      isSeparator: p.isSeparator,
      labelFound: p.labelFound,
      patchT: codes.some((c) => c.role === 'patch-t'),
      state: proc?.state ?? 'done',
      error: proc?.lastError ?? null,
      lowDpi: proc?.lowDpi === true || (dpi !== null && dpi < MIN_DPI),
      skewDeg: proc?.skewDeg ?? null,
      deskewed: proc?.deskewed ?? false,
      thumbKey: proc?.thumbSha256 ?? null,
      capturedAt: p.capturedAt,
    };
  };

  const changed = (volumeId: number) => {
    s.events.emit('pages.changed', { volumeId, count: repos.pages.list(volumeId).length });
  };

  return {
    'scan.devices': async ({ refresh }) => {
      const found = await capture().devices(refresh === true);
      // The demo scanner last: a real device, when there is one, is the natural choice.
      const devices = [...found.devices].sort(
        (a, b) => Number(a.driver === 'demo') - Number(b.driver === 'demo'),
      );
      return {
        devices: devices.map((d) => ({
          id: d.id,
          driver: d.driver,
          name: d.name,
          displayName: d.displayName ?? null,
          connection: d.connection ?? null,
        })),
        problems: found.problems.map((p) => ({ driver: p.driver, message: p.message, detail: p.detail })),
      };
    },

    'scan.capabilities': async ({ deviceId }) => {
      const c = await capture().driver(deviceId).capabilities(deviceId);
      return {
        sources: [...c.sources],
        resolutions: [...c.resolutions],
        colorModes: [...c.colorModes],
        maxWidthMm: c.maxWidthMm,
        maxHeightMm: c.maxHeightMm,
      };
    },

    'scan.findVolume': ({ archiveNo }) => {
      const v = repos.volumes.findByArchiveNo(archiveNo.trim());
      if (v === null) {
        throw new DomainError(
          'volume.not-found',
          text(`没有档号为 ${archiveNo} 的案卷`, `No volume with archive number ${archiveNo}`),
          { archiveNo },
        );
      }
      return Promise.resolve(row(v));
    },

    'scan.start': ({ volumeId, deviceId, source, dpi, mode, pages }, ctx) => {
      const actor = actorOf(caller(ctx), 'operator');
      const c = capture();
      c.driver(deviceId); // an unknown device is refused before anything starts
      // A volume that cannot take pages (catalogued, verified…) is refused before the scanner moves.
      checkScanTarget(repos, volumeId, actor);
      return Promise.resolve(
        c.start(
          volumeId,
          deviceId,
          { source, dpi, mode: deviceMode(mode), ...(pages !== undefined ? { maxPages: pages } : {}) },
          actor,
          mode === 'auto',
        ),
      );
    },

    'scan.cancel': ({ scanId }) => Promise.resolve(capture().cancel(scanId)),

    'scan.runs': ({ volumeId }) => Promise.resolve(capture().list(volumeId)),

    'pages.list': ({ volumeId }) => {
      const volume = repos.volumes.get(volumeId);
      const last = capture().repo.lastUndoable(volumeId);
      const editable = EDITABLE.includes(volume.state);
      return Promise.resolve({
        volume: row(volume),
        pages: repos.pages.list(volumeId).map(pageRow),
        undoable: editable && last ? opView(last) : null,
        editable,
      });
    },

    'pages.thumbnails': async ({ pageIds }) => {
      const out = [];
      for (const id of new Set(pageIds)) {
        // One page whose image is lost must not blank the whole grid: it is left out (its tile keeps
        // the placeholder) and `pages.image` says what is wrong with it.
        const t = await images()
          .thumbnail(id)
          .catch((e: unknown) => {
            if (isDomainError(e) && (e.code === 'page.image-missing' || e.code === 'page.image-unreadable'))
              return null;
            throw e;
          });
        if (t) out.push(t);
      }
      return out;
    },

    'pages.image': ({ pageId, size }) => images().image(pageId, size),

    'pages.rotate': async ({ pageId, degrees }, ctx) => {
      const op = await capture()
        .ops()
        .rotate(pageId, degrees, actorOf(caller(ctx), 'operator'));
      await capture().refreshThumbnail(pageId);
      changed(op.volumeId);
      return opView(op);
    },

    'pages.delete': ({ pageId }, ctx) => {
      const op = capture()
        .ops()
        .delete(pageId, actorOf(caller(ctx), 'operator'));
      changed(op.volumeId);
      return Promise.resolve(opView(op));
    },

    'pages.move': ({ pageId, to }, ctx) => {
      const page = repos.pages.get(pageId);
      const order = repos.pages.list(page.volumeId).map((p) => p.id);
      if (page.deletedAt !== null || !order.includes(pageId)) {
        throw new DomainError('page.deleted', text('该页已删除', 'The page is deleted'), { pageId });
      }
      if (to > order.length) {
        throw new DomainError(
          'page.position',
          text(`位置超出范围（共 ${order.length} 页）`, `Position out of range (${order.length} pages)`),
          { to, pages: order.length },
        );
      }
      const rest = order.filter((id) => id !== pageId);
      rest.splice(to - 1, 0, pageId);
      const op = capture()
        .ops()
        .reorder(page.volumeId, rest, actorOf(caller(ctx), 'operator'));
      changed(page.volumeId);
      return Promise.resolve(opView(op));
    },

    'pages.scanInto': async ({ pageId, how, deviceId, source, dpi, mode }, ctx) => {
      const actor = actorOf(caller(ctx), 'operator');
      const page = repos.pages.get(pageId);
      const c = capture();
      const ops = c.ops();
      // The sheet comes first: a device error changes nothing in the volume.
      const image = await c.scanOne(deviceId, { source, dpi, mode: deviceMode(mode) }, mode === 'auto');
      const result =
        how === 'rescan' || how === 'replace'
          ? ops.replace(pageId, image, actor, how)
          : ops.insert(page.volumeId, how === 'before' ? page.seq : page.seq + 1, image, actor);
      changed(page.volumeId);
      return { op: opView(result.op), pageId: result.page.id };
    },

    'pages.undo': async ({ volumeId }, ctx) => {
      const c = capture();
      const op = c.ops().undo(volumeId, actorOf(caller(ctx), 'operator'));
      if (op?.op === 'rotate') {
        const params = op.params as { pageId?: unknown };
        if (typeof params.pageId === 'number') await c.refreshThumbnail(params.pageId);
      }
      changed(volumeId);
      return op ? opView(op) : null;
    },

    'batch.splitPreview': ({ volumeId, nextVolumes }, ctx) => {
      const plan = previewSplitVolume(
        repos,
        capture().repo,
        volumeId,
        nextVolumes ? { nextVolumes } : {},
        actorOf(caller(ctx), 'operator'),
      );
      return Promise.resolve({
        ...plan,
        segments: plan.segments.map((seg) => ({
          ...seg,
          separators: [...seg.separators],
          pages: [...seg.pages],
        })),
      });
    },

    'batch.splitApply': ({ volumeId, fingerprint, nextVolumes }, ctx) => {
      const c = capture();
      const result = applySplitVolume(s.db, repos, c.repo, volumeId, actorOf(caller(ctx), 'operator'), {
        fingerprint,
        ...(nextVolumes ? { nextVolumes } : {}),
      });
      changed(volumeId);
      for (const m of result.moved) {
        changed(m.volumeId);
        s.events.emit('volume.changed', { volumeId: m.volumeId, state: repos.volumes.get(m.volumeId).state });
      }
      return Promise.resolve({
        op: opView(result.op),
        moved: result.moved.map((m) => ({ volumeId: m.volumeId, pageIds: [...m.pageIds] })),
      });
    },
  };
}
