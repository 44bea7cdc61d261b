import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ScannerDriver } from '../core/scanning/driver';
import { isDomainError } from '../core/errors';
import { EsclDriver } from './escl/driver';
import { allDrivers, discoverAll, driverFor } from './registry';
import { SaneDriver } from './sane/driver';

const FIXTURE = path.resolve(import.meta.dirname, '../tests/fixtures/sane');
const hasScanimage = process.env['CI'] !== undefined || spawnSync('scanimage', ['--version']).status === 0;
const sane = () => new SaneDriver({ env: { ...process.env, SANE_CONFIG_DIR: FIXTURE } });
// Manually configured eSCL device: discover() lists it without any network traffic.
const escl = () =>
  new EsclDriver({ discovery: false, devices: [{ name: 'Hall', url: 'http://127.0.0.1:9/eSCL' }] });

describe('driver registry', () => {
  it('builds the platform drivers, leaving out the ones switched off', () => {
    expect(allDrivers().map((d) => d.kind)).toEqual(['sane', 'escl', 'folder', 'demo']);
    expect(allDrivers({ sane: false, folder: false }).map((d) => d.kind)).toEqual(['escl', 'demo']);
  });

  it.skipIf(!hasScanimage)('lists the devices of every driver', async () => {
    const found = await discoverAll([sane(), escl()]);
    expect(found.devices.map((d) => d.id)).toEqual([
      'sane:test:0',
      'sane:test:1',
      'escl:http://127.0.0.1:9/eSCL',
    ]);
    expect(found.problems).toEqual([]);
  });

  it("keeps the other drivers' devices when one driver fails", async () => {
    const broken = new SaneDriver({ scanimage: '/nonexistent/scanimage' });
    const found = await discoverAll([broken, escl()]);
    expect(found.devices.map((d) => d.id)).toEqual(['escl:http://127.0.0.1:9/eSCL']);
    expect(found.problems).toHaveLength(1);
    expect(found.problems[0]).toMatchObject({ driver: 'sane' });
    expect(found.problems[0]?.message.zh).toContain('scanimage');
  });

  it("keeps the other drivers' devices when one driver hangs", async () => {
    // A fake: a driver whose discovery never answers (a network backend stuck on a dead host).
    const hanging: ScannerDriver = {
      kind: 'twain',
      discover: () => new Promise(() => undefined),
      capabilities: () => Promise.reject(new Error('unused')),
      scan: () => {
        throw new Error('unused');
      },
    };
    const found = await discoverAll([hanging, escl()], { timeoutMs: 100 });
    expect(found.devices).toHaveLength(1);
    expect(found.problems.map((p) => [p.driver, p.message.en])).toEqual([
      ['twain', 'Looking for twain scanners timed out (0.1 s).'],
    ]);
  });

  it('finds the driver of a device id', () => {
    const drivers = [sane(), escl()];
    expect(driverFor(drivers, 'sane:test:0').kind).toBe('sane');
    expect(driverFor(drivers, 'escl:http://10.0.0.5/eSCL').kind).toBe('escl');
    const failure = (() => {
      try {
        return driverFor(drivers, 'demo');
      } catch (e) {
        return e;
      }
    })();
    expect(isDomainError(failure) && failure.code).toBe('scanner.unknown-device');
  });
});
