import type { DeviceInfo, DriverKind, ScannerDriver } from '../core/scanning/driver';
import { DomainError, isDomainError } from '../core/errors';
import { text, type Text } from '../core/text';
import { DemoDriver } from './demo/demo-driver';
import { EsclDriver, type EsclDriverOptions } from './escl/driver';
import { FolderDriver, foldersFromEnv, type FolderDriverOptions } from './folder/driver';
import { SaneDriver, type SaneDriverOptions } from './sane/driver';

/** Per-driver settings; `false` leaves a driver out. */
export interface DriversConfig {
  readonly sane?: SaneDriverOptions | false;
  readonly escl?: EsclDriverOptions | false;
  /** Default: the folders named in `$DANGAN_SCAN_FOLDERS` (see `foldersFromEnv`). */
  readonly folder?: FolderDriverOptions | false;
}

/** Every scanner driver of this platform, in the order their devices are listed. */
export function allDrivers(config: DriversConfig = {}): ScannerDriver[] {
  const drivers: ScannerDriver[] = [];
  if (config.sane !== false) drivers.push(new SaneDriver(config.sane ?? {}));
  if (config.escl !== false) drivers.push(new EsclDriver(config.escl ?? {}));
  if (config.folder !== false) {
    drivers.push(
      new FolderDriver(config.folder ?? { folders: foldersFromEnv(process.env['DANGAN_SCAN_FOLDERS']) }),
    );
  }
  // More drivers (TWAIN later, in a helper process) are added here.
  drivers.push(new DemoDriver()); // always present: the default device when no scanner is found
  return drivers;
}

export interface DiscoveryProblem {
  readonly driver: DriverKind;
  readonly message: Text;
  readonly detail: string;
}

export interface Discovery {
  readonly devices: DeviceInfo[];
  /** Drivers whose discovery failed or timed out; the other drivers' devices are still listed. */
  readonly problems: DiscoveryProblem[];
}

const TIMED_OUT = (kind: DriverKind, ms: number) =>
  new DomainError(
    'scanner.discovery-timeout',
    text(
      `查找 ${kind} 扫描仪超时（${ms / 1000} 秒）。`,
      `Looking for ${kind} scanners timed out (${ms / 1000} s).`,
    ),
  );

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(onTimeout());
    }, ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

// sane-airscan and SANE's own escl backend show network scanners that the eSCL driver also finds.
const SANE_NETWORK_BACKENDS = /^sane:(airscan|escl):/;

/**
 * Asks every driver at once. One driver failing (scanimage missing, multicast refused) or hanging
 * does not hide the others' devices; it is reported as a problem instead. When the eSCL driver is
 * present, SANE's view of the same network scanners is left out, so each device is listed once.
 */
export async function discoverAll(
  drivers: readonly ScannerDriver[] = allDrivers(),
  options: { timeoutMs?: number } = {},
): Promise<Discovery> {
  const timeoutMs = options.timeoutMs ?? 40_000;
  const results = await Promise.allSettled(
    drivers.map((d) => withTimeout(d.discover(), timeoutMs, () => TIMED_OUT(d.kind, timeoutMs))),
  );
  const hasEscl = drivers.some((d) => d.kind === 'escl');
  const devices: DeviceInfo[] = [];
  const problems: DiscoveryProblem[] = [];
  results.forEach((result, i) => {
    const driver = drivers[i];
    if (!driver) return;
    if (result.status === 'fulfilled') {
      devices.push(...result.value.filter((d) => !(hasEscl && SANE_NETWORK_BACKENDS.test(d.id))));
      return;
    }
    const e: unknown = result.reason;
    problems.push({
      driver: driver.kind,
      message: isDomainError(e)
        ? e.text
        : text(`查找 ${driver.kind} 扫描仪时出错。`, `Looking for ${driver.kind} scanners failed.`),
      detail: e instanceof Error ? e.message : String(e),
    });
  });
  return { devices, problems };
}

/** The driver that owns a device id (`sane:test:0` → SANE, `demo` → demo). */
export function driverFor(drivers: readonly ScannerDriver[], deviceId: string): ScannerDriver {
  const kind = deviceId.split(':')[0];
  const driver = drivers.find((d) => d.kind === kind);
  if (!driver) {
    throw new DomainError(
      'scanner.unknown-device',
      text(`未知的扫描设备：${deviceId}`, `Unknown scanning device: ${deviceId}`),
      { deviceId },
    );
  }
  return driver;
}
