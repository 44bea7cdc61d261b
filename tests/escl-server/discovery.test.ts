import { afterEach, describe, expect, it } from 'vitest';
import { discoverEscl } from '../../native/escl/discovery';
import { EsclDriver } from '../../native/escl/driver';
import { collect } from '../../native/session';
import {
  loopbackQuerier,
  startMdnsResponder,
  type AnnouncedService,
  type MdnsResponder,
} from './mdns-responder';
import { startEsclServer, type EsclTestServer } from './server';

// mDNS discovery against a DNS-SD responder on 127.0.0.1: no packet leaves the loopback.

const open: (MdnsResponder | EsclTestServer)[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

const office = (port: number): AnnouncedService[] => [
  {
    instance: 'Office MFP._uscan._tcp.local',
    type: '_uscan._tcp.local',
    host: 'office-mfp.local',
    address: '127.0.0.1',
    port,
    txt: {
      txtvers: '1',
      rs: 'eSCL',
      ty: 'Dangan Office MFP',
      uuid: 'aaaa-1',
      note: '3楼档案室',
      is: 'platen,adf',
    },
  },
  {
    instance: 'Office MFP._uscans._tcp.local',
    type: '_uscans._tcp.local',
    host: 'office-mfp.local',
    address: '127.0.0.1',
    port: 443,
    txt: { rs: '/eSCL', ty: 'Dangan Office MFP', uuid: 'aaaa-1' },
  },
  {
    instance: 'Old Scanner._uscan._tcp.local',
    type: '_uscan._tcp.local',
    host: 'old.local',
    address: '127.0.0.2',
    port: 8080,
    txt: { ty: 'Old Scanner' }, // no rs: the default eSCL root
  },
  {
    instance: 'A Printer._ipp._tcp.local',
    type: '_ipp._tcp.local',
    host: 'printer.local',
    address: '127.0.0.3',
    port: 631,
    txt: {},
  },
];

describe('eSCL discovery over mDNS', () => {
  it.each(['complete', 'terse'] as const)(
    'finds scanners from %s answers, once per device',
    async (style) => {
      const responder = await startMdnsResponder(office(9095), style);
      open.push(responder);
      const found = await discoverEscl({ ...(await loopbackQuerier(responder)), timeoutMs: 300 });
      expect(found.map((s) => [s.name, s.url, s.uuid]).sort()).toEqual([
        ['Dangan Office MFP', 'https://127.0.0.1:443/eSCL', 'aaaa-1'],
        ['Old Scanner', 'http://127.0.0.2:8080/eSCL', undefined],
      ]);
      expect(responder.questions).toEqual(
        expect.arrayContaining(['PTR _uscan._tcp.local', 'PTR _uscans._tcp.local']),
      );
      if (style === 'terse') {
        expect(responder.questions).toEqual(
          expect.arrayContaining([
            'SRV Office MFP._uscan._tcp.local',
            'TXT Old Scanner._uscan._tcp.local',
            'A old.local',
          ]),
        );
      }
    },
  );

  it('finds nothing, without error, when nobody answers', async () => {
    const responder = await startMdnsResponder([]);
    open.push(responder);
    expect(await discoverEscl({ ...(await loopbackQuerier(responder)), timeoutMs: 200 })).toEqual([]);
  });

  it('discovers the test server and scans from what it found', async () => {
    const server = await startEsclServer({ feederSheets: 2 });
    const responder = await startMdnsResponder([
      {
        instance: 'Test._uscan._tcp.local',
        type: '_uscan._tcp.local',
        host: 'test.local',
        address: '127.0.0.1',
        port: server.port,
        txt: { rs: 'eSCL', ty: 'Dangan eSCL Test Scanner' },
      },
    ]);
    open.push(server, responder);
    const driver = new EsclDriver({ discovery: { ...(await loopbackQuerier(responder)), timeoutMs: 300 } });
    const [device, ...more] = await driver.discover();
    expect(more).toEqual([]);
    expect(device).toEqual({
      id: `escl:${server.url}`,
      driver: 'escl',
      name: 'Dangan eSCL Test Scanner',
      connection: `127.0.0.1:${server.port}`,
    });
    expect((await driver.capabilities(device!.id)).sources).toContain('feeder');
    const events = await collect(driver.scan(device!.id, { source: 'feeder', dpi: 75, mode: 'gray' }));
    expect(events.filter((e) => e.type === 'page')).toHaveLength(2);
  });
});
