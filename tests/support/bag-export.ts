import path from 'node:path';
import { runCli, type CliRun } from './cli';
import { tempDir } from './temp-dir';
import { openTestWorkstation, seedVerifiedVolume } from './transfer-fixtures';

type SeededVolume = ReturnType<typeof seedVerifiedVolume>;

/**
 * A closed workstation data folder holding verified volumes of these page counts (serials 1, 2, …);
 * `volumes` has one entry per count, so `[a, b]` destructures without checks.
 */
export function workstationWithVolumes<const N extends readonly number[]>(
  pageCounts: N,
): { dataDir: string; volumes: { [K in keyof N]: SeededVolume } } {
  const dataDir = tempDir();
  const ws = openTestWorkstation(dataDir);
  const volumes = pageCounts.map((pages, i) => seedVerifiedVolume(ws, { serial: i + 1, pages }));
  ws.data.close();
  return { dataDir, volumes: volumes as { [K in keyof N]: SeededVolume } };
}

/** `dangan bag export` of the volumes named (ids or uids) from `dataDir` into a fresh folder, `usb`. */
export async function exportBags(
  dataDir: string,
  volumes: readonly string[],
): Promise<CliRun & { usb: string }> {
  const usb = path.join(tempDir(), 'usb');
  const run = await runCli('bag', 'export', '--data', dataDir, '--volume', ...volumes, '--to', usb);
  return { ...run, usb };
}
