import { parseCapabilities, type EsclCapabilities } from './capabilities';
import { httpRequest, type HttpResponse } from './http';
import { parseStatus, type EsclStatus } from './status';
import { escapeXml } from './xml';

/**
 * Host header forms. Most devices take `host:port`; Epson insists on the port even when it is 80;
 * HP's M630/M578 and anything answering `Server: HP_Compact_Server` insist on `localhost`.
 */
export type HostForm = 'host-port' | 'localhost';

export interface EsclSettings {
  readonly inputSource: 'Platen' | 'Feeder';
  readonly duplex: boolean;
  readonly colorMode: string;
  readonly format: string;
  /** Whether the device lists the format as DocumentFormatExt (eSCL 2.1+) as well. */
  readonly formatExt: boolean;
  readonly dpi: number;
  /** Region in 1/300 inch. */
  readonly width: number;
  readonly height: number;
}

export function scanSettingsXml(s: EsclSettings): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<scan:ScanSettings xmlns:scan="http://schemas.hp.com/imaging/escl/2011/05/03" ' +
    'xmlns:pwg="http://www.pwg.org/schemas/2010/12/sm">' +
    '<pwg:Version>2.0</pwg:Version><scan:Intent>Document</scan:Intent>' +
    '<pwg:ScanRegions pwg:MustHonor="true"><pwg:ScanRegion>' +
    '<pwg:ContentRegionUnits>escl:ThreeHundredthsOfInches</pwg:ContentRegionUnits>' +
    `<pwg:XOffset>0</pwg:XOffset><pwg:YOffset>0</pwg:YOffset>` +
    `<pwg:Width>${s.width}</pwg:Width><pwg:Height>${s.height}</pwg:Height>` +
    '</pwg:ScanRegion></pwg:ScanRegions>' +
    `<pwg:InputSource>${s.inputSource}</pwg:InputSource>` +
    (s.inputSource === 'Feeder' ? `<scan:Duplex>${s.duplex}</scan:Duplex>` : '') +
    `<scan:ColorMode>${escapeXml(s.colorMode)}</scan:ColorMode>` +
    `<pwg:DocumentFormat>${escapeXml(s.format)}</pwg:DocumentFormat>` +
    (s.formatExt ? `<scan:DocumentFormatExt>${escapeXml(s.format)}</scan:DocumentFormatExt>` : '') +
    `<scan:XResolution>${s.dpi}</scan:XResolution><scan:YResolution>${s.dpi}</scan:YResolution>` +
    '</scan:ScanSettings>'
  );
}

/**
 * The path of a job from a Location header. Only the path is trusted: devices send relative
 * paths, absolute URLs, and absolute URLs with a host that is wrong or unparsable (an IPv6 link-local
 * address with a zone, a name the client cannot resolve). The device's own address is used instead.
 */
export function jobPathOf(location: string, base: URL): string {
  const withoutHost = location.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  const resolved = new URL(withoutHost, base.href.endsWith('/') ? base.href : `${base.href}/`);
  return resolved.pathname.replace(/\/+$/, '');
}

export class EsclClient {
  readonly base: URL;
  private hostForm: HostForm;
  private readonly idleTimeoutMs: number;

  constructor(url: string, options: { hostForm?: HostForm; idleTimeoutMs?: number } = {}) {
    this.base = new URL(url.replace(/\/+$/, ''));
    this.hostForm = options.hostForm ?? 'host-port';
    this.idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  }

  get host(): string {
    const port = this.base.port === '' ? (this.base.protocol === 'https:' ? '443' : '80') : this.base.port;
    return this.hostForm === 'localhost' ? `localhost:${port}` : `${this.base.hostname}:${port}`;
  }

  get currentHostForm(): HostForm {
    return this.hostForm;
  }

  private url(path: string): URL {
    return path.startsWith('/') ? new URL(path, this.base.origin) : new URL(`${this.base.href}/${path}`);
  }

  /** A request; a 400 to the usual Host form is retried once with `localhost`, which then sticks. */
  async request(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: string,
    signal?: AbortSignal,
    idleTimeoutMs = this.idleTimeoutMs,
  ): Promise<HttpResponse> {
    const send = () =>
      httpRequest({
        method,
        url: this.url(path),
        host: this.host,
        idleTimeoutMs,
        ...(body === undefined ? {} : { body }),
        ...(signal ? { signal } : {}),
      });
    let res = await send();
    if (/HP_Compact_Server/i.test(String(res.headers.server ?? '')) && this.hostForm !== 'localhost') {
      this.hostForm = 'localhost';
      if (res.status === 400) res = await send();
    } else if (res.status === 400 && this.hostForm === 'host-port') {
      this.hostForm = 'localhost';
      res = await send();
      if (res.status === 400) this.hostForm = 'host-port';
    }
    return res;
  }

  async capabilities(): Promise<EsclCapabilities> {
    const res = await this.request('GET', 'ScannerCapabilities');
    if (res.status !== 200) throw new Error(`ScannerCapabilities: HTTP ${res.status}`);
    return parseCapabilities(res.body.toString('utf8'));
  }

  async status(signal?: AbortSignal): Promise<EsclStatus> {
    const res = await this.request('GET', 'ScannerStatus', undefined, signal);
    if (res.status !== 200) throw new Error(`ScannerStatus: HTTP ${res.status}`);
    return parseStatus(res.body.toString('utf8'));
  }

  /** POST ScanJobs: the job's path on 201, else the response as it came. */
  async createJob(
    settings: EsclSettings,
    signal?: AbortSignal,
  ): Promise<{ jobPath?: string; response: HttpResponse }> {
    const res = await this.request('POST', 'ScanJobs', scanSettingsXml(settings), signal);
    const location = res.headers.location;
    if (res.status === 201 && typeof location === 'string' && location !== '') {
      return { jobPath: jobPathOf(location, this.base), response: res };
    }
    return { response: res };
  }

  nextDocument(jobPath: string, signal?: AbortSignal): Promise<HttpResponse> {
    return this.request('GET', `${jobPath}/NextDocument`, undefined, signal);
  }

  /** Cancel or clean up a job. Short patience: a device that does not answer must not hold up a cancel. */
  deleteJob(jobPath: string): Promise<HttpResponse> {
    return this.request('DELETE', jobPath, undefined, undefined, 5_000);
  }
}
