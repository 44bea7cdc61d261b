import fs from 'node:fs';
import path from 'node:path';
import type {
  Capabilities,
  DeviceInfo,
  ScanJob,
  ScannerDriver,
  ScanSession,
} from '../../core/scanning/driver';
import { DomainError, isDomainError } from '../../core/errors';
import { text } from '../../core/text';
import type { SessionControl } from '../session';
import { createScanSession } from '../session';
import { readImageFile } from './image-file';
import { listImageFiles } from './list';

/** A folder offered as a scanning device (a production scanner's output folder, a share of old scans). */
export interface FolderSource {
  readonly path: string;
  /** Shown in device lists; default the folder's own name. */
  readonly name?: string;
}

export interface FolderDriverOptions {
  /** Folders `discover()` lists. Any other folder can still be scanned by its id `folder:<path>`. */
  readonly folders?: readonly FolderSource[];
}

export const FOLDER_PREFIX = 'folder:';

/** Pages read ahead of the consumer at most: files can wait, unlike a feeder, so memory stays bounded. */
const READ_AHEAD = 4;

/**
 * Folders from `$DANGAN_SCAN_FOLDERS`: entries separated by the platform's path delimiter (`:` here,
 * `;` on Windows), each `path` or `name=path`.
 */
export function foldersFromEnv(value: string | undefined): FolderSource[] {
  if (value === undefined) return [];
  return value
    .split(path.delimiter)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const at = entry.indexOf('=');
      return at > 0 ? { name: entry.slice(0, at), path: entry.slice(at + 1) } : { path: entry };
    });
}

/** The folder a device id names; absolute. */
export function folderOf(deviceId: string): string {
  if (!deviceId.startsWith(FOLDER_PREFIX) || deviceId.length === FOLDER_PREFIX.length) {
    throw new DomainError(
      'scanner.not-this-driver',
      text(`设备 ${deviceId} 不是文件夹设备。`, `Device ${deviceId} is not a folder device.`),
    );
  }
  return path.resolve(deviceId.slice(FOLDER_PREFIX.length));
}

function isFolder(dir: string): boolean {
  return fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

/**
 * A folder of scan files behind the scanner interface: its JPEG, PNG and TIFF files in natural name
 * order, one page event per image (a multi-page TIFF gives one per page, CCITT G4 kept for 1-bit
 * pages). Files are checked whole as `dangan import` checks them; a refused file does not stop the run
 * (the next files are good pages), and the run ends with one `io` error naming every refused file.
 * Unlike `dangan import`, it keeps no record of files taken: scanning a folder twice gives its pages twice.
 */
export class FolderDriver implements ScannerDriver {
  readonly kind = 'folder' as const;
  private readonly folders: readonly FolderSource[];

  constructor(options: FolderDriverOptions = {}) {
    this.folders = options.folders ?? [];
  }

  /** Configured folders that exist now; a missing one (an unplugged share) is left out. */
  discover(): Promise<DeviceInfo[]> {
    const seen = new Set<string>();
    const devices: DeviceInfo[] = [];
    for (const source of this.folders) {
      const dir = path.resolve(source.path);
      if (seen.has(dir) || !isFolder(dir)) continue;
      seen.add(dir);
      devices.push({
        id: FOLDER_PREFIX + dir,
        driver: 'folder',
        name: source.name ?? path.basename(dir),
        connection: dir,
      });
    }
    return Promise.resolve(devices);
  }

  async capabilities(deviceId: string): Promise<Capabilities> {
    folderOf(deviceId);
    // The files decide resolution and colour; a job's dpi only fills in for a file that records none.
    return await Promise.resolve({
      sources: ['feeder'],
      resolutions: [200, 300, 400, 600],
      colorModes: ['color', 'gray', 'lineart'],
      maxWidthMm: 1000,
      maxHeightMm: 1000,
    });
  }

  scan(deviceId: string, job: ScanJob): ScanSession {
    return createScanSession((control) => readFolder(folderOf(deviceId), job, control));
  }
}

async function readFolder(dir: string, job: ScanJob, control: SessionControl): Promise<void> {
  if (!isFolder(dir)) {
    control.fail('device-gone', `folder not found: ${dir}`);
    return;
  }
  let files: string[];
  try {
    files = listImageFiles(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    control.fail(code === 'EACCES' || code === 'EPERM' ? 'access-denied' : 'io', String(e));
    return;
  }
  if (files.length === 0) {
    control.fail('no-paper', `no JPEG, PNG or TIFF files in ${dir}`);
    return;
  }
  const refused: string[] = [];
  // A function, not a value: the signal and the count change while files are read.
  const enough = () =>
    control.signal.aborted || (job.maxPages !== undefined && control.pages >= job.maxPages);
  for (const file of files) {
    await control.caughtUp(READ_AHEAD);
    if (enough()) break;
    const name = path.basename(file);
    let image;
    try {
      image = await readImageFile(file);
    } catch (e) {
      if (isDomainError(e)) refused.push(`${e.text.en} (${e.text.zh})`);
      else if ((e as NodeJS.ErrnoException).code === 'ENOENT')
        continue; // moved away meanwhile
      else refused.push(`${name}: ${String(e)}`);
      continue;
    }
    for (const [i, page] of image.pages.entries()) {
      if (enough()) break;
      control.page({
        bytes: new Uint8Array(page.bytes.buffer, page.bytes.byteOffset, page.bytes.byteLength),
        mediaType: page.mediaType,
        dpi: page.dpi ?? job.dpi,
        mode: page.mode,
        width: page.width,
        height: page.height,
        origin: image.pages.length > 1 ? `${name}#${i + 1}` : name,
      });
    }
  }
  if (refused.length > 0) {
    control.fail('io', `${refused.length} file(s) refused: ${refused.join('; ')}`);
  }
}
