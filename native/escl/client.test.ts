import { describe, expect, it } from 'vitest';
import { EsclClient, jobPathOf, scanSettingsXml } from './client';
import { parseXml, child, textOf } from './xml';

describe('eSCL job Location', () => {
  const base = new URL('http://192.168.1.20:8080/eSCL');
  it.each([
    ['/eSCL/ScanJobs/42', '/eSCL/ScanJobs/42'],
    ['http://192.168.1.20:8080/eSCL/ScanJobs/42', '/eSCL/ScanJobs/42'],
    // Xerox: a link-local IPv6 host with a zone the client cannot use
    ['http://[fe80::21e:bff:fe4c:2d23%25eth0]:80/eSCL/ScanJobs/42', '/eSCL/ScanJobs/42'],
    ['https://printer.local/eSCL/ScanJobs/42/', '/eSCL/ScanJobs/42'],
    ['ScanJobs/42', '/eSCL/ScanJobs/42'],
  ])('%s → %s on the device itself', (location, path) => {
    expect(jobPathOf(location, base)).toBe(path);
  });
});

describe('eSCL requests', () => {
  it('writes ScanSettings that read back to what was asked', () => {
    const xml = scanSettingsXml({
      inputSource: 'Feeder',
      duplex: true,
      colorMode: 'Grayscale8',
      format: 'image/jpeg',
      formatExt: true,
      dpi: 300,
      width: 2480,
      height: 3508,
    });
    const s = child(parseXml(xml), 'ScanSettings');
    expect(textOf(s, 'InputSource')).toBe('Feeder');
    expect(textOf(s, 'Duplex')).toBe('true');
    expect(textOf(s, 'ColorMode')).toBe('Grayscale8');
    expect(textOf(s, 'DocumentFormatExt')).toBe('image/jpeg');
    expect(textOf(child(child(s, 'ScanRegions'), 'ScanRegion'), 'Height')).toBe('3508');
    const platen = scanSettingsXml({
      inputSource: 'Platen',
      duplex: false,
      colorMode: 'RGB24',
      format: 'image/png',
      formatExt: false,
      dpi: 200,
      width: 1,
      height: 1,
    });
    expect(platen).not.toContain('Duplex');
    expect(platen).not.toContain('DocumentFormatExt');
  });

  it('always sends the port in Host (Epson), bracketing IPv6', () => {
    expect(new EsclClient('http://192.168.1.20/eSCL').host).toBe('192.168.1.20:80');
    expect(new EsclClient('https://[fd00::5]/eSCL/').host).toBe('[fd00::5]:443');
    expect(new EsclClient('http://10.0.0.2:9095/eSCL', { hostForm: 'localhost' }).host).toBe(
      'localhost:9095',
    );
  });
});
