import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { XMLParser } from 'fast-xml-parser';
import { pageImage, pdfOf, type EsclColorMode, type PageRequest } from './pages';

// An eSCL (AirScan / Mopria) scanner on 127.0.0.1 for tests: ScannerCapabilities, ScannerStatus,
// ScanJobs (POST, DELETE), NextDocument. It validates the settings it is sent as strictly as a
// careful device (409 for anything it does not offer) and can misbehave on request, as real
// devices do: 503 bursts, slow pages, an empty feeder, jams and other feeder faults, a stop
// pressed at the device, Host header demands, odd Location headers, a whole batch as one PDF.
// sane-airscan scans from it in tests/escl-server/airscan.test.ts, which keeps it honest.

export type AdfFault =
  | 'ScannerAdfJam'
  | 'ScannerAdfDoorOpen'
  | 'ScannerAdfMultipickDetected'
  | 'ScannerAdfMispick';

export interface EsclServerOptions {
  readonly name?: string;
  readonly uuid?: string;
  readonly platen?: boolean;
  readonly adf?: boolean;
  readonly duplex?: boolean;
  readonly formats?: readonly string[];
  readonly resolutions?: readonly number[];
  readonly colorModes?: readonly EsclColorMode[];
  /** Sheets in the feeder (a duplex sheet gives two images); taken out as they are scanned. */
  readonly feederSheets?: number;
  /** 503 answers before each page is served. */
  readonly busyBursts?: number;
  /** The next NextDocument requests have their connection dropped without an answer (Wi-Fi, TLS resets). */
  readonly dropConnections?: number;
  /** 503 answers to the first POSTs to ScanJobs (the device busy with a copy job). */
  readonly createBusy?: number;
  /** Time a page takes before it is served (the request is held, as a device holds it). */
  readonly pageDelayMs?: number;
  /** After this many images, the feeder reports the fault and the job is aborted. */
  readonly fault?: { readonly afterImages: number; readonly adfState: AdfFault };
  /** After this many images, someone presses Stop at the device: the job is cancelled (410). */
  readonly cancelAtDeviceAfter?: number;
  /** Host header the device insists on: HP's `localhost`, Epson's `host:port`; else any. */
  readonly host?: 'any' | 'localhost' | 'with-port';
  /**
   * How the job's Location is given. `broken-host` is absolute with a host that is not this one
   * (127.0.0.2, port 1: still loopback, so a client that trusts it fails without leaving the machine).
   */
  readonly location?: 'relative' | 'absolute' | 'broken-host';
  /** PDF one page per NextDocument, or the whole feeder batch in one document at the end. */
  readonly pdf?: 'per-page' | 'whole-batch';
  /** Render one image per job and serve it for every page (benchmarks: the client, not sharp, is measured). */
  readonly samePage?: boolean;
  /** Serve HTTPS (`_uscans`) with this self-signed key and certificate (PEM). */
  readonly tls?: { readonly key: string; readonly cert: string } | undefined;
}

export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly host: string | undefined;
  readonly status: number;
}

interface Job {
  readonly id: string;
  readonly uuid: string;
  readonly source: 'Platen' | 'Feeder';
  readonly duplex: boolean;
  readonly format: string;
  readonly colorMode: EsclColorMode;
  readonly dpi: number;
  readonly width300: number;
  readonly height300: number;
  state: 'Processing' | 'Completed' | 'Canceled' | 'Aborted';
  reason: string;
  images: number;
  busyLeft: number;
  readonly created: number;
}

export interface EsclTestServer {
  /** `http://127.0.0.1:<port>/eSCL` */
  readonly url: string;
  readonly port: number;
  readonly requests: LoggedRequest[];
  readonly options: EsclServerOptions;
  /** Change behaviour between jobs. */
  configure(options: Partial<EsclServerOptions>): void;
  /** Put sheets into the feeder. */
  load(sheets: number): void;
  close(): Promise<void>;
}

const NS =
  'xmlns:scan="http://schemas.hp.com/imaging/escl/2011/05/03" xmlns:pwg="http://www.pwg.org/schemas/2010/12/sm"';
const MAX = { Platen: { w: 2550, h: 3508 }, Feeder: { w: 2550, h: 4200 } };

function inputCaps(tag: string, o: Required<EsclServerOptions>, max: { w: number; h: number }): string {
  const modes = o.colorModes.map((m) => `<scan:ColorMode>${m}</scan:ColorMode>`).join('');
  const formats =
    o.formats.map((f) => `<pwg:DocumentFormat>${f}</pwg:DocumentFormat>`).join('') +
    o.formats.map((f) => `<scan:DocumentFormatExt>${f}</scan:DocumentFormatExt>`).join('');
  const res = o.resolutions
    .map(
      (r) =>
        `<scan:DiscreteResolution><scan:XResolution>${r}</scan:XResolution><scan:YResolution>${r}</scan:YResolution></scan:DiscreteResolution>`,
    )
    .join('');
  return (
    `<scan:${tag}><scan:MinWidth>16</scan:MinWidth><scan:MaxWidth>${max.w}</scan:MaxWidth>` +
    `<scan:MinHeight>16</scan:MinHeight><scan:MaxHeight>${max.h}</scan:MaxHeight>` +
    `<scan:MaxScanRegions>1</scan:MaxScanRegions><scan:SettingProfiles><scan:SettingProfile>` +
    `<scan:ColorModes>${modes}</scan:ColorModes><scan:DocumentFormats>${formats}</scan:DocumentFormats>` +
    `<scan:SupportedResolutions><scan:DiscreteResolutions>${res}</scan:DiscreteResolutions></scan:SupportedResolutions>` +
    `</scan:SettingProfile></scan:SettingProfiles>` +
    `<scan:SupportedIntents><scan:Intent>Document</scan:Intent><scan:Intent>TextAndGraphic</scan:Intent>` +
    `<scan:Intent>Photo</scan:Intent><scan:Intent>Preview</scan:Intent></scan:SupportedIntents></scan:${tag}>`
  );
}

function capabilitiesXml(o: Required<EsclServerOptions>): string {
  const platen = o.platen ? `<scan:Platen>${inputCaps('PlatenInputCaps', o, MAX.Platen)}</scan:Platen>` : '';
  const adf = o.adf
    ? `<scan:Adf>${inputCaps('AdfSimplexInputCaps', o, MAX.Feeder)}` +
      (o.duplex ? inputCaps('AdfDuplexInputCaps', o, MAX.Feeder) : '') +
      `<scan:FeederCapacity>50</scan:FeederCapacity><scan:AdfOptions><scan:AdfOption>DetectPaperLoaded</scan:AdfOption>` +
      (o.duplex ? '<scan:AdfOption>Duplex</scan:AdfOption>' : '') +
      `</scan:AdfOptions></scan:Adf>`
    : '';
  return (
    `<?xml version="1.0" encoding="UTF-8"?><scan:ScannerCapabilities ${NS}>` +
    `<pwg:Version>2.63</pwg:Version><pwg:MakeAndModel>${o.name}</pwg:MakeAndModel>` +
    `<pwg:SerialNumber>DANGAN-TEST-1</pwg:SerialNumber><scan:UUID>${o.uuid}</scan:UUID>` +
    `<scan:Manufacturer>Dangan</scan:Manufacturer>${platen}${adf}</scan:ScannerCapabilities>`
  );
}

const parser = new XMLParser({ removeNSPrefix: true, ignoreAttributes: true, parseTagValue: false });

function read(node: unknown, ...keys: string[]): string | undefined {
  let at = node;
  for (const key of keys) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return typeof at === 'string' ? at.trim() : undefined;
}

const stateOf = (job: Job): Job['state'] => job.state;

export async function startEsclServer(initial: EsclServerOptions = {}): Promise<EsclTestServer> {
  let o: Required<EsclServerOptions> = {
    name: 'Dangan eSCL Test Scanner',
    uuid: randomUUID(),
    platen: true,
    adf: true,
    duplex: true,
    formats: ['image/jpeg', 'image/png', 'application/pdf'],
    resolutions: [75, 100, 150, 200, 300, 600],
    colorModes: ['BlackAndWhite1', 'Grayscale8', 'RGB24'],
    feederSheets: 5,
    busyBursts: 0,
    createBusy: 0,
    pageDelayMs: 0,
    fault: { afterImages: Number.POSITIVE_INFINITY, adfState: 'ScannerAdfJam' },
    cancelAtDeviceAfter: Number.POSITIVE_INFINITY,
    host: 'any',
    location: 'relative',
    pdf: 'per-page',
    tls: undefined,
    samePage: false,
    dropConnections: 0,
    ...initial,
  };
  let sheets = o.feederSheets;
  let createBusyLeft = o.createBusy;
  let dropsLeft = o.dropConnections;
  let adfFault: AdfFault | undefined;
  const jobs = new Map<string, Job>();
  const rendered = new Map<string, Buffer>();
  const requests: LoggedRequest[] = [];
  let port = 0;

  const statusXml = () => {
    const busy = [...jobs.values()].some((j) => j.state === 'Processing');
    const adfState =
      adfFault ?? (busy ? 'ScannerAdfProcessing' : sheets > 0 ? 'ScannerAdfLoaded' : 'ScannerAdfEmpty');
    const jobList = [...jobs.values()]
      .map(
        (j) =>
          `<scan:JobInfo><pwg:JobUri>/eSCL/ScanJobs/${j.id}</pwg:JobUri><pwg:JobUuid>${j.uuid}</pwg:JobUuid>` +
          `<scan:Age>${Math.round((Date.now() - j.created) / 1000)}</scan:Age>` +
          `<pwg:ImagesCompleted>${j.images}</pwg:ImagesCompleted><pwg:ImagesToTransfer>0</pwg:ImagesToTransfer>` +
          `<pwg:JobState>${j.state}</pwg:JobState><pwg:JobStateReasons><pwg:JobStateReason>${j.reason}` +
          `</pwg:JobStateReason></pwg:JobStateReasons></scan:JobInfo>`,
      )
      .join('');
    return (
      `<?xml version="1.0" encoding="UTF-8"?><scan:ScannerStatus ${NS}><pwg:Version>2.63</pwg:Version>` +
      `<pwg:State>${busy ? 'Processing' : 'Idle'}</pwg:State>` +
      (o.adf ? `<scan:AdfState>${adfState}</scan:AdfState>` : '') +
      `<scan:Jobs>${jobList}</scan:Jobs></scan:ScannerStatus>`
    );
  };

  const createJob = (body: string): Job | string => {
    let doc: unknown;
    try {
      doc = parser.parse(body);
    } catch {
      return 'bad XML';
    }
    const s = (doc as Record<string, unknown>)['ScanSettings'];
    if (s === undefined) return 'no ScanSettings';
    const source = read(s, 'InputSource') ?? 'Platen';
    const duplex = read(s, 'Duplex') === 'true';
    const format = read(s, 'DocumentFormatExt') ?? read(s, 'DocumentFormat') ?? 'image/jpeg';
    const colorMode = (read(s, 'ColorMode') ?? 'RGB24') as EsclColorMode;
    const dpi = Number(read(s, 'XResolution') ?? 300);
    const width300 = Number(read(s, 'ScanRegions', 'ScanRegion', 'Width') ?? 2480);
    const height300 = Number(read(s, 'ScanRegions', 'ScanRegion', 'Height') ?? 3508);
    if (source !== 'Platen' && source !== 'Feeder') return `source ${source}`;
    if (source === 'Platen' && !o.platen) return 'no platen';
    if (source === 'Feeder' && !o.adf) return 'no feeder';
    if (duplex && (source !== 'Feeder' || !o.duplex)) return 'no duplex';
    if (!o.formats.includes(format)) return `format ${format}`;
    if (!o.colorModes.includes(colorMode)) return `color mode ${colorMode}`;
    if (!o.resolutions.includes(dpi) || Number(read(s, 'YResolution') ?? dpi) !== dpi)
      return `resolution ${dpi}`;
    const max = MAX[source];
    if (!(width300 > 0 && height300 > 0 && width300 <= max.w && height300 <= max.h)) return 'scan region';
    return {
      id: String(jobs.size + 1),
      uuid: randomUUID(),
      source,
      duplex,
      format,
      colorMode,
      dpi,
      width300,
      height300,
      state: 'Processing',
      reason: 'JobScanning',
      images: 0,
      busyLeft: o.busyBursts,
      created: Date.now(),
    };
  };

  const page = (job: Job, n: number): PageRequest => ({
    number: job.duplex ? Math.floor(n / 2) + 1 : n + 1,
    side: job.duplex && n % 2 === 1 ? 'back' : 'front',
    width300: job.width300,
    height300: job.height300,
    dpi: job.dpi,
    colorMode: job.colorMode,
  });

  /** Images the job can still give, from the sheets left (a platen holds one). */
  const available = (job: Job): number => {
    if (job.source === 'Platen') return job.images === 0 ? 1 : 0;
    const perSheet = job.duplex ? 2 : 1;
    // The back of a sheet already taken is still due.
    const pendingBack = job.duplex && job.images % 2 === 1 ? 1 : 0;
    return sheets * perSheet + pendingBack;
  };

  const takeImage = (job: Job) => {
    if (job.source === 'Feeder' && (!job.duplex || job.images % 2 === 0)) sheets -= 1;
    job.images += 1;
  };

  const finish = (job: Job, state: Job['state'], reason: string) => {
    job.state = state;
    job.reason = reason;
  };

  async function nextDocument(job: Job, res: http.ServerResponse): Promise<number> {
    if (job.state === 'Canceled') return send(res, 410);
    if (job.state === 'Aborted') return send(res, 500);
    if (job.state === 'Completed') return send(res, 404);
    if (job.images >= o.cancelAtDeviceAfter) {
      finish(job, 'Canceled', 'JobCanceledByUser');
      return send(res, 410);
    }
    if (job.source === 'Feeder' && job.images >= o.fault.afterImages) {
      adfFault = o.fault.adfState;
      finish(job, 'Aborted', 'JobAbortedBySystem');
      return send(res, 500);
    }
    if (available(job) === 0) {
      finish(job, 'Completed', 'JobCompletedSuccessfully');
      return send(res, 404);
    }
    if (job.busyLeft > 0) {
      job.busyLeft -= 1;
      res.setHeader('Retry-After', '1');
      return send(res, 503);
    }
    if (o.pageDelayMs > 0) await new Promise((r) => setTimeout(r, o.pageDelayMs));
    // A DELETE may have come in while the page was being made.
    const now = stateOf(job);
    if (now !== 'Processing') return send(res, now === 'Canceled' ? 410 : 404);
    let body: Buffer;
    if (job.format === 'application/pdf' && o.pdf === 'whole-batch' && job.source === 'Feeder') {
      const all: PageRequest[] = [];
      while (available(job) > 0 && job.images < o.fault.afterImages) {
        all.push(page(job, job.images));
        takeImage(job);
      }
      body = await pdfOf(all);
    } else {
      const p = page(job, job.images);
      const cached = o.samePage ? rendered.get(job.id) : undefined;
      body = cached ?? (job.format === 'application/pdf' ? await pdfOf([p]) : await pageImage(p, job.format));
      if (o.samePage) rendered.set(job.id, body);
      takeImage(job);
    }
    job.busyLeft = o.busyBursts;
    if (job.source === 'Platen') finish(job, 'Completed', 'JobCompletedSuccessfully');
    res.writeHead(200, {
      'Content-Type': job.format,
      'Content-Location': `/eSCL/ScanJobs/${job.id}/${job.images}`,
    });
    res.end(body);
    return 200;
  }

  function send(res: http.ServerResponse, status: number, body = '', type = 'text/xml'): number {
    res.writeHead(status, body === '' ? {} : { 'Content-Type': type });
    res.end(body);
    return status;
  }

  function hostAllowed(host: string | undefined): boolean {
    if (o.host === 'localhost') return host === 'localhost' || host === `localhost:${port}`;
    if (o.host === 'with-port') return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
    return true;
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<number> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (o.host === 'localhost') res.setHeader('Server', 'HP_Compact_Server');
    if (!hostAllowed(req.headers.host)) return send(res, 400, 'bad Host', 'text/plain');

    if (req.method === 'GET' && path === '/eSCL/ScannerCapabilities')
      return send(res, 200, capabilitiesXml(o));
    if (req.method === 'GET' && path === '/eSCL/ScannerStatus') return send(res, 200, statusXml());
    if (req.method === 'POST' && path === '/eSCL/ScanJobs') {
      if (createBusyLeft > 0) {
        createBusyLeft -= 1;
        return send(res, 503);
      }
      if ([...jobs.values()].some((j) => j.state === 'Processing')) return send(res, 503);
      const job = createJob(body);
      if (typeof job === 'string') return send(res, 409, job, 'text/plain');
      adfFault = undefined;
      jobs.set(job.id, job);
      const jobPath = `/eSCL/ScanJobs/${job.id}`;
      const location =
        o.location === 'relative'
          ? jobPath
          : o.location === 'absolute'
            ? `http://127.0.0.1:${port}${jobPath}`
            : `http://127.0.0.2:1${jobPath}`;
      res.writeHead(201, { Location: location, 'Content-Length': '0' });
      res.end();
      return 201;
    }
    const m = /^\/eSCL\/ScanJobs\/([^/]+)(\/NextDocument|\/ScanImageInfo)?$/.exec(path);
    const job = m ? jobs.get(m[1] ?? '') : undefined;
    if (m && !job) return send(res, 404);
    if (job && req.method === 'DELETE' && m?.[2] === undefined) {
      if (job.state !== 'Processing') return send(res, 404);
      finish(job, 'Canceled', 'JobCanceledByUser');
      return send(res, 200);
    }
    if (job && req.method === 'GET' && m?.[2] === '/NextDocument') {
      if (dropsLeft > 0) {
        dropsLeft -= 1;
        req.socket.destroy();
        return 0;
      }
      return nextDocument(job, res);
    }
    if (job && req.method === 'GET' && m?.[2] === '/ScanImageInfo') {
      return send(
        res,
        200,
        `<?xml version="1.0" encoding="UTF-8"?><scan:ScanImageInfo ${NS}><pwg:JobUri>/eSCL/ScanJobs/${job.id}</pwg:JobUri></scan:ScanImageInfo>`,
      );
    }
    return send(res, 404);
  }

  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    handle(req, res).then(
      (status) =>
        requests.push({ method: req.method ?? '', path: req.url ?? '', host: req.headers.host, status }),
      (e: unknown) => {
        if (!res.headersSent) send(res, 500, String(e), 'text/plain');
      },
    );
  };
  const server = o.tls
    ? https.createServer({ key: o.tls.key, cert: o.tls.cert }, listener)
    : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;

  return {
    url: `${o.tls ? 'https' : 'http'}://127.0.0.1:${port}/eSCL`,
    port,
    requests,
    get options() {
      return o;
    },
    configure(next) {
      o = { ...o, ...next };
      if (next.feederSheets !== undefined) sheets = next.feederSheets;
      if (next.createBusy !== undefined) createBusyLeft = next.createBusy;
      if (next.dropConnections !== undefined) dropsLeft = next.dropConnections;
    },
    load(n) {
      sheets += n;
      adfFault = undefined;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
