import multicastDns from 'multicast-dns';
import type { Options as MdnsOptions } from 'multicast-dns';

// DNS-SD over mDNS for eSCL scanners: ask for `_uscan._tcp` (HTTP) and `_uscans._tcp` (HTTPS)
// pointers, then for the SRV/TXT of each instance and the address of each host that the answers
// did not already carry. Tests point this at a responder on 127.0.0.1 through `mdns` and `target`.

export const SERVICE_TYPES = ['_uscan._tcp.local', '_uscans._tcp.local'] as const;

export interface EsclService {
  readonly instance: string;
  readonly url: string;
  readonly name: string;
  readonly secure: boolean;
  readonly uuid?: string;
  readonly note?: string;
  readonly txt: Readonly<Record<string, string>>;
}

export interface EsclDiscoveryOptions {
  /** multicast-dns options; default the mDNS group on every interface. */
  readonly mdns?: MdnsOptions;
  /** Where queries are sent; default the mDNS group 224.0.0.251:5353. */
  readonly target?: { readonly address: string; readonly port: number };
  /** How long to listen for answers; default 2 s. */
  readonly timeoutMs?: number;
}

interface Answer {
  readonly name: string;
  readonly type: string;
  readonly data: unknown;
}

function txtRecord(data: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const parts: unknown[] = Array.isArray(data) ? data : [data];
  for (const part of parts) {
    const s = Buffer.isBuffer(part) ? part.toString('utf8') : typeof part === 'string' ? part : '';
    const eq = s.indexOf('=');
    if (eq > 0) out[s.slice(0, eq).toLowerCase()] = s.slice(eq + 1);
  }
  return out;
}

export function discoverEscl(options: EsclDiscoveryOptions = {}): Promise<EsclService[]> {
  const timeoutMs = options.timeoutMs ?? 2_000;
  return new Promise((resolve, reject) => {
    const mdns = multicastDns(options.mdns);
    const instances = new Map<string, string>(); // instance → service type
    const srv = new Map<string, { target: string; port: number }>();
    const txt = new Map<string, Record<string, string>>();
    const a = new Map<string, string>();
    const aaaa = new Map<string, string>();
    const asked = new Set<string>();

    const query = (questions: { name: string; type: 'PTR' | 'SRV' | 'TXT' | 'A' | 'AAAA' }[]) => {
      const fresh = questions.filter((q) => !asked.has(`${q.type} ${q.name}`));
      if (fresh.length === 0) return;
      for (const q of fresh) asked.add(`${q.type} ${q.name}`);
      if (options.target) mdns.query(fresh, { port: options.target.port, address: options.target.address });
      else mdns.query(fresh);
    };

    const take = (answers: readonly Answer[]) => {
      for (const r of answers) {
        const name = r.name.toLowerCase();
        if (r.type === 'PTR' && SERVICE_TYPES.some((t) => t === name) && typeof r.data === 'string') {
          instances.set(r.data, name);
        } else if (r.type === 'SRV' && typeof r.data === 'object' && r.data !== null) {
          const d = r.data as { target?: unknown; port?: unknown };
          if (typeof d.target === 'string' && typeof d.port === 'number')
            srv.set(r.name, { target: d.target, port: d.port });
        } else if (r.type === 'TXT') {
          txt.set(r.name, txtRecord(r.data));
        } else if (r.type === 'A' && typeof r.data === 'string') {
          a.set(name, r.data);
        } else if (r.type === 'AAAA' && typeof r.data === 'string') {
          aaaa.set(name, r.data);
        }
      }
      // Ask for whatever the answers left out.
      for (const instance of instances.keys()) {
        if (!srv.has(instance) || !txt.has(instance)) {
          query([
            { name: instance, type: 'SRV' },
            { name: instance, type: 'TXT' },
          ]);
        }
      }
      for (const { target } of srv.values()) {
        if (!a.has(target.toLowerCase()) && !aaaa.has(target.toLowerCase())) {
          query([
            { name: target, type: 'A' },
            { name: target, type: 'AAAA' },
          ]);
        }
      }
    };

    mdns.on('response', (packet: { answers?: Answer[]; additionals?: Answer[] }) => {
      take([...(packet.answers ?? []), ...(packet.additionals ?? [])]);
    });
    mdns.on('error', (e: Error) => {
      clearTimeout(timer);
      mdns.destroy();
      reject(e);
    });
    mdns.on('ready', () => {
      query(SERVICE_TYPES.map((name) => ({ name, type: 'PTR' as const })));
    });

    const timer = setTimeout(() => {
      mdns.destroy();
      resolve(assemble(instances, srv, txt, a, aaaa));
    }, timeoutMs);
  });
}

function assemble(
  instances: Map<string, string>,
  srv: Map<string, { target: string; port: number }>,
  txt: Map<string, Record<string, string>>,
  a: Map<string, string>,
  aaaa: Map<string, string>,
): EsclService[] {
  const byDevice = new Map<string, EsclService>();
  for (const [instance, type] of instances) {
    const where = srv.get(instance);
    if (!where) continue;
    const host = where.target.toLowerCase();
    // IPv4 first: a link-local IPv6 address needs a zone that the answer does not carry.
    const v4 = a.get(host);
    const v6 = aaaa.get(host);
    const address = v4 ?? (v6 === undefined ? undefined : `[${v6}]`);
    if (address === undefined) continue;
    const record = txt.get(instance) ?? {};
    const secure = type === '_uscans._tcp.local';
    const rs = (record['rs'] ?? 'eSCL').replace(/^\/+|\/+$/g, '');
    const url = `${secure ? 'https' : 'http'}://${address}:${where.port}${rs === '' ? '' : `/${rs}`}`;
    const uuid = record['uuid'];
    const service: EsclService = {
      instance,
      url,
      name: record['ty'] ?? instance.split('._')[0] ?? instance,
      secure,
      txt: record,
      ...(uuid ? { uuid } : {}),
      ...(record['note'] ? { note: record['note'] } : {}),
    };
    // A device announcing both protocols is listed once, by HTTPS (scans carry personal data).
    const key = uuid ?? url;
    const seen = byDevice.get(key);
    if (!seen || (secure && !seen.secure)) byDevice.set(key, service);
  }
  return [...byDevice.values()];
}
