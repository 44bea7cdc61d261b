import dgram from 'node:dgram';
import multicastDns from 'multicast-dns';

// A DNS-SD responder on 127.0.0.1 (unicast, no multicast group joined): answers queries for the
// services it is given the way scanners' mDNS stacks do. `complete` answers a PTR query with the
// SRV, TXT and A records as additionals (most devices); `terse` gives only what was asked, so the
// client has to come back for SRV/TXT and then for the address.

export interface AnnouncedService {
  readonly instance: string; // "Office Scanner._uscan._tcp.local"
  readonly type: '_uscan._tcp.local' | '_uscans._tcp.local' | '_ipp._tcp.local';
  readonly host: string; // "office-scanner.local"
  readonly address: string;
  readonly port: number;
  readonly txt: Readonly<Record<string, string>>;
}

export interface MdnsResponder {
  readonly port: number;
  readonly questions: string[];
  close(): Promise<void>;
}

type Record_ =
  | { name: string; type: 'PTR'; ttl: number; data: string }
  | {
      name: string;
      type: 'SRV';
      ttl: number;
      data: { target: string; port: number; priority: number; weight: number };
    }
  | { name: string; type: 'TXT'; ttl: number; data: string[] }
  | { name: string; type: 'A'; ttl: number; data: string };

export async function startMdnsResponder(
  services: readonly AnnouncedService[],
  style: 'complete' | 'terse' = 'complete',
): Promise<MdnsResponder> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const port = socket.address().port;
  const mdns = multicastDns({ socket, multicast: false, bind: false, port, ip: '127.0.0.1' });
  const questions: string[] = [];

  const srv = (s: AnnouncedService): Record_ => ({
    name: s.instance,
    type: 'SRV',
    ttl: 120,
    data: { target: s.host, port: s.port, priority: 0, weight: 0 },
  });
  const txt = (s: AnnouncedService): Record_ => ({
    name: s.instance,
    type: 'TXT',
    ttl: 120,
    data: Object.entries(s.txt).map(([k, v]) => `${k}=${v}`),
  });
  const a = (s: AnnouncedService): Record_ => ({ name: s.host, type: 'A', ttl: 120, data: s.address });

  mdns.on('query', (query, rinfo) => {
    const answers: Record_[] = [];
    const additionals: Record_[] = [];
    for (const q of query.questions ?? []) {
      questions.push(`${q.type} ${q.name}`);
      for (const s of services) {
        if (q.type === 'PTR' && q.name === s.type) {
          answers.push({ name: s.type, type: 'PTR', ttl: 120, data: s.instance });
          if (style === 'complete') additionals.push(srv(s), txt(s), a(s));
        }
        if (q.type === 'SRV' && q.name === s.instance) answers.push(srv(s));
        if (q.type === 'TXT' && q.name === s.instance) answers.push(txt(s));
        if (q.type === 'A' && q.name === s.host) answers.push(a(s));
      }
    }
    if (answers.length > 0) {
      // Unicast back to the asker (the loopback stands in for the multicast group).
      mdns.respond({ answers, additionals }, { port: rinfo.port, address: rinfo.address });
    }
  });

  return {
    port,
    questions,
    close: () =>
      new Promise<void>((resolve) => {
        mdns.destroy(() => {
          resolve();
        });
      }),
  };
}

/** multicast-dns options for a discoverer that talks only to the loopback responder. */
export async function loopbackQuerier(responder: MdnsResponder) {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    mdns: { socket, multicast: false, bind: false as const, ip: '127.0.0.1', port: responder.port },
    target: { address: '127.0.0.1', port: responder.port },
  };
}
