import sharp from 'sharp';
import type {
  Capabilities,
  DeviceInfo,
  ImageMediaType,
  ScanJob,
  ScannerDriver,
  ScanSession,
} from '../../core/scanning/driver';
import { SCAN_ERROR_MESSAGES } from '../../core/scanning/driver';
import { DomainError } from '../../core/errors';
import { text } from '../../core/text';
import type { SessionControl } from '../session';
import { createScanSession } from '../session';
import { ESCL_COLOR_MODES, mmToEscl, toCapabilities, type EsclCapabilities } from './capabilities';
import { EsclClient, type EsclSettings } from './client';
import { discoverEscl, type EsclDiscoveryOptions } from './discovery';
import { faultOf } from './status';

export const ESCL_PREFIX = 'escl:';

export interface EsclDriverOptions {
  /** mDNS discovery settings; `false` turns discovery off (manual devices only). */
  readonly discovery?: EsclDiscoveryOptions | false;
  /** Devices configured by hand, for networks where multicast does not reach the scanner. */
  readonly devices?: readonly { readonly name: string; readonly url: string }[];
  /** Preferred page formats, best first; default JPEG, then PNG, then PDF. */
  readonly formats?: readonly string[];
  /** Waiting on 503 (page not ready): first delay, longest delay, and total patience. */
  readonly retry?: { readonly firstMs?: number; readonly maxMs?: number; readonly patienceMs?: number };
  /** A stalled transfer is given up after this long without a byte; default 60 s. */
  readonly idleTimeoutMs?: number;
}

const MEDIA_TYPES: readonly ImageMediaType[] = ['image/jpeg', 'image/png', 'image/tiff', 'application/pdf'];

function deviceUrl(deviceId: string): string {
  if (!deviceId.startsWith(ESCL_PREFIX)) {
    throw new DomainError(
      'scanner.not-this-driver',
      text(`设备 ${deviceId} 不是网络（eSCL）扫描仪。`, `Device ${deviceId} is not an eSCL scanner.`),
    );
  }
  return deviceId.slice(ESCL_PREFIX.length);
}

/** Pixel size from the image header (sharp reads only the header); none for an unreadable image. */
async function imageSize(bytes: Buffer): Promise<{ width: number; height: number } | undefined> {
  try {
    const { width, height } = await sharp(bytes).metadata();
    return { width, height };
  } catch {
    return undefined;
  }
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

/** Driverless network scanners (AirScan / Mopria eSCL), spoken to directly over HTTP(S). */
export class EsclDriver implements ScannerDriver {
  readonly kind = 'escl' as const;
  private readonly clients = new Map<string, EsclClient>();
  private readonly caps = new Map<string, EsclCapabilities>();
  private readonly formats: readonly string[];
  private readonly retry: { firstMs: number; maxMs: number; patienceMs: number };

  constructor(private readonly options: EsclDriverOptions = {}) {
    this.formats = options.formats ?? ['image/jpeg', 'image/png', 'application/pdf'];
    this.retry = {
      firstMs: options.retry?.firstMs ?? 250,
      maxMs: options.retry?.maxMs ?? 2_000,
      patienceMs: options.retry?.patienceMs ?? 120_000,
    };
  }

  private client(deviceId: string): EsclClient {
    let client = this.clients.get(deviceId);
    if (!client) {
      client = new EsclClient(deviceUrl(deviceId), {
        ...(this.options.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: this.options.idleTimeoutMs }),
      });
      this.clients.set(deviceId, client);
    }
    return client;
  }

  async discover(): Promise<DeviceInfo[]> {
    const found: DeviceInfo[] = (this.options.devices ?? []).map((d) => ({
      id: ESCL_PREFIX + d.url.replace(/\/+$/, ''),
      driver: 'escl',
      name: d.name,
      connection: new URL(d.url).host,
    }));
    if (this.options.discovery !== false) {
      for (const s of await discoverEscl(this.options.discovery ?? {})) {
        const id = ESCL_PREFIX + s.url;
        if (found.some((d) => d.id === id)) continue;
        found.push({ id, driver: 'escl', name: s.name, connection: new URL(s.url).host });
      }
    }
    return found;
  }

  private async escl(deviceId: string): Promise<EsclCapabilities> {
    const cached = this.caps.get(deviceId);
    if (cached) return cached;
    let caps: EsclCapabilities;
    try {
      caps = await this.client(deviceId).capabilities();
    } catch (e) {
      throw new DomainError('scanner.device-gone', SCAN_ERROR_MESSAGES['device-gone'], {
        detail: e instanceof Error ? e.message : String(e),
      });
    }
    this.caps.set(deviceId, caps);
    return caps;
  }

  async capabilities(deviceId: string): Promise<Capabilities> {
    return toCapabilities(await this.escl(deviceId));
  }

  scan(deviceId: string, job: ScanJob): ScanSession {
    return createScanSession((control) => this.runScan(deviceId, job, control));
  }

  private settingsFor(caps: EsclCapabilities, job: ScanJob): EsclSettings | string {
    const input = caps.inputs[job.source];
    if (!input) return `source ${job.source} not offered`;
    const colorMode = ESCL_COLOR_MODES[job.mode].find((m) => input.colorModes.includes(m));
    if (colorMode === undefined) return `mode ${job.mode} not offered`;
    const range = input.resolutionRange;
    const dpiOk =
      input.resolutions.includes(job.dpi) ||
      (range !== undefined &&
        job.dpi >= range.min &&
        job.dpi <= range.max &&
        (job.dpi - range.min) % (range.step || 1) === 0);
    if (!dpiOk) return `resolution ${job.dpi} dpi not offered`;
    const format = this.formats.find((f) => input.formats.includes(f));
    if (format === undefined) return `none of the formats ${this.formats.join(', ')} offered`;
    const width = mmToEscl(job.widthMm ?? 210);
    const height = mmToEscl(job.heightMm ?? 297);
    if (width > input.maxWidth || height > input.maxHeight) return 'scan area larger than the device takes';
    return {
      inputSource: job.source === 'flatbed' ? 'Platen' : 'Feeder',
      duplex: job.source === 'duplex',
      colorMode,
      format,
      formatExt: true,
      dpi: job.dpi,
      width,
      height,
    };
  }

  /** After a job ends early or oddly, the status says why (a jam, the cover, an empty feeder). */
  private async explain(client: EsclClient, control: SessionControl, fallback: () => void): Promise<void> {
    try {
      const status = await client.status();
      const fault = faultOf(status);
      if (fault !== undefined && !(fault === 'no-paper' && control.pages > 0)) {
        control.fail(
          fault,
          `ScannerStatus: ${status.state}${status.adfState ? ` / ${status.adfState}` : ''}`,
        );
        return;
      }
    } catch {
      // The status could not be read either; the fallback says what is known.
    }
    fallback();
  }

  private async runScan(deviceId: string, job: ScanJob, control: SessionControl): Promise<void> {
    let caps: EsclCapabilities;
    try {
      caps = await this.escl(deviceId);
    } catch (e) {
      control.fail('device-gone', e instanceof DomainError ? String(e.details['detail']) : String(e));
      return;
    }
    const settings = this.settingsFor(caps, job);
    if (typeof settings === 'string') {
      control.fail('invalid-option', settings);
      return;
    }
    const client = this.client(deviceId);
    const { signal } = control;
    // A call, not a property read: TypeScript would otherwise keep an earlier check narrowed.
    const aborted = () => signal.aborted;

    // Create the job; a device busy with something else answers 503 for a while.
    let jobPath: string | undefined;
    let waited = 0;
    for (let attempt = 0; jobPath === undefined && !aborted(); attempt++) {
      let res;
      try {
        ({ jobPath, response: res } = await client.createJob(settings, signal));
      } catch (e) {
        if (!aborted()) control.fail('device-gone', e instanceof Error ? e.message : String(e));
        return;
      }
      if (jobPath !== undefined) break;
      if (res.status === 409 || res.status === 400) {
        control.fail(
          'invalid-option',
          `ScanJobs: HTTP ${res.status} ${res.body.toString('utf8').slice(0, 200)}`,
        );
        return;
      }
      if (res.status !== 503 || waited >= this.retry.patienceMs) {
        await this.explain(client, control, () => {
          control.fail(res.status === 503 ? 'device-busy' : 'io', `ScanJobs: HTTP ${res.status}`);
        });
        return;
      }
      const delay = Math.min(this.retry.maxMs, this.retry.firstMs * 2 ** attempt);
      waited += delay;
      await sleep(delay, signal);
    }
    if (jobPath === undefined) return;

    let deletion: Promise<unknown> | undefined;
    const cancelJob = () => {
      deletion ??= client.deleteJob(jobPath).catch(() => undefined);
    };
    signal.addEventListener('abort', cancelJob, { once: true });
    let finished = false; // the device said the job is over (404/410): no cleanup DELETE needed
    try {
      let busy = 0;
      let waitedForPage = 0;
      let transportErrors = 0;
      while (!aborted()) {
        let res;
        try {
          res = await client.nextDocument(jobPath, signal);
        } catch (e) {
          if (aborted()) return;
          // A dropped connection mid-batch: the job may well still be running. Try again a little.
          transportErrors += 1;
          if (transportErrors > 3) {
            control.fail('device-gone', e instanceof Error ? e.message : String(e));
            return;
          }
          await sleep(this.retry.firstMs * 2 ** transportErrors, signal);
          continue;
        }
        transportErrors = 0;
        if (res.status === 200) {
          busy = 0;
          waitedForPage = 0;
          const type = (res.headers['content-type'] ?? settings.format).split(';')[0]?.trim() ?? '';
          const mediaType = MEDIA_TYPES.find((t) => t === type) ?? (settings.format as ImageMediaType);
          const size = mediaType === 'application/pdf' ? undefined : await imageSize(res.body);
          control.page({
            bytes: new Uint8Array(res.body),
            mediaType,
            dpi: job.dpi,
            mode: job.mode,
            ...size,
            ...(job.source === 'duplex' ? { side: control.pages % 2 === 0 ? 'front' : 'back' } : {}),
          });
          // A platen holds one sheet: one document per job. A page limit ends a feeder job early
          // (the job is then DELETEd below, which stops the feeder).
          if (job.source === 'flatbed') return;
          if (job.maxPages !== undefined && control.pages >= job.maxPages) return;
          continue;
        }
        if (res.status === 503) {
          // Not ready yet: back off, honouring Retry-After when the device gives one.
          const retryAfter = Number(res.headers['retry-after']);
          const delay =
            Number.isFinite(retryAfter) && retryAfter > 0
              ? Math.min(retryAfter * 1000, this.retry.maxMs)
              : Math.min(this.retry.maxMs, this.retry.firstMs * 2 ** busy);
          busy += 1;
          waitedForPage += delay;
          if (waitedForPage > this.retry.patienceMs) {
            control.fail('io', `no page after ${Math.round(waitedForPage / 1000)} s of HTTP 503`);
            return;
          }
          await sleep(delay, signal);
          continue;
        }
        if (res.status === 404) {
          finished = true;
          // No more documents: the normal end, unless the feeder was empty from the start or a
          // fault stopped it.
          await this.explain(client, control, () => {
            if (control.pages === 0 && job.source !== 'flatbed')
              control.fail('no-paper', 'NextDocument: HTTP 404');
          });
          return;
        }
        if (res.status === 410) {
          finished = true;
          if (!aborted()) control.fail('cancelled', 'NextDocument: HTTP 410 (job cancelled at the device)');
          return;
        }
        await this.explain(client, control, () => {
          control.fail('io', `NextDocument: HTTP ${res.status}`);
        });
        return;
      }
    } finally {
      signal.removeEventListener('abort', cancelJob);
      // Clean up a job that may still be open (platen, errors), as sane-airscan does.
      if (!finished && !aborted()) cancelJob();
      await deletion;
    }
  }
}
