import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type {
  Capabilities,
  DeviceInfo,
  ScanErrorCategory,
  ScanJob,
  ScannerDriver,
  ScanSession,
} from '../../core/scanning/driver';
import { SCAN_ERROR_MESSAGES } from '../../core/scanning/driver';
import { DomainError } from '../../core/errors';
import { text } from '../../core/text';
import type { SessionControl } from '../session';
import { createScanSession } from '../session';
import { argsForJob, planFromOptions, type SanePlan } from './capabilities';
import { classifyStderr, roundedValues } from './errors';
import { parseOptions } from './options';
import { inspectPnm, inspectTiff } from './page-file';
import { childEnv, runScanimage, type RunResult, type ScanimageEnv } from './run';

export interface SaneDriverOptions {
  /** scanimage program; default `scanimage` from PATH. */
  readonly scanimage?: string;
  /** Environment for scanimage (e.g. SANE_CONFIG_DIR); default this process's. */
  readonly env?: NodeJS.ProcessEnv;
  /** Page file format asked of scanimage; default TIFF (sharp reads it, and it records the dpi). */
  readonly format?: 'tiff' | 'pnm';
  /** Where the per-scan folder of page files is made; default the OS temp folder. */
  readonly workDir?: string;
  /** Limit for `scanimage -L` and `-A` (network backends can be slow); default 30 s. */
  readonly listTimeoutMs?: number;
  /** After cancel, how long scanimage gets to stop the scanner cleanly before SIGKILL; default 5 s. */
  readonly cancelGraceMs?: number;
  /** Backend-specific options added to every scan (a site's `--swdeskew=yes`, the test backend's knobs). */
  readonly extraArgs?: readonly string[];
  /**
   * Once scanimage says the batch is over, how long it gets to close the device and exit before it is
   * killed; default 10 s. Its pages and its error are already known by then, so nothing is lost.
   */
  readonly exitGraceMs?: number;
}

export const SANE_PREFIX = 'sane:';

/** What scanimage --batch-prompt prints before each page, then waits for a line. */
const PROMPT = 'Press <RETURN> to continue.';
/** What scanimage prints when its batch loop is over; only sane_cancel/close/exit follow. */
const BATCH_OVER = 'Batch terminated';
/**
 * After scanimage has exited, how long its stdout/stderr may stay open. A backend that forks its
 * reader (sanei_thread without pthreads) leaves a grandchild holding them; their data is long read by then.
 */
const PIPE_GRACE_MS = 2_000;

const NOT_INSTALLED = text(
  '未找到 SANE 扫描程序（scanimage）。请安装 sane-utils。',
  'SANE (scanimage) was not found. Install sane-utils.',
);

function scannerError(category: ScanErrorCategory, detail: string): DomainError {
  return new DomainError(`scanner.${category}`, SCAN_ERROR_MESSAGES[category], { detail });
}

function saneName(deviceId: string): string {
  if (!deviceId.startsWith(SANE_PREFIX)) {
    throw new DomainError(
      'scanner.not-this-driver',
      text(`设备 ${deviceId} 不是 SANE 设备。`, `Device ${deviceId} is not a SANE device.`),
    );
  }
  return deviceId.slice(SANE_PREFIX.length);
}

/** SANE through `scanimage` child processes: a crashing backend takes down only its child. */
export class SaneDriver implements ScannerDriver {
  readonly kind = 'sane' as const;
  private readonly where: ScanimageEnv;
  private readonly format: 'tiff' | 'pnm';
  private readonly workDir: string;
  private readonly listTimeoutMs: number;
  private readonly cancelGraceMs: number;
  private readonly extraArgs: readonly string[];
  private readonly exitGraceMs: number;
  private readonly plans = new Map<string, SanePlan>();

  constructor(options: SaneDriverOptions = {}) {
    this.where = { program: options.scanimage ?? 'scanimage', env: options.env ?? process.env };
    this.format = options.format ?? 'tiff';
    this.workDir = options.workDir ?? os.tmpdir();
    this.listTimeoutMs = options.listTimeoutMs ?? 30_000;
    this.cancelGraceMs = options.cancelGraceMs ?? 5_000;
    this.extraArgs = options.extraArgs ?? [];
    this.exitGraceMs = options.exitGraceMs ?? 10_000;
  }

  private async run(args: readonly string[]): Promise<RunResult> {
    try {
      return await runScanimage(this.where, args, this.listTimeoutMs);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new DomainError('sane.not-installed', NOT_INSTALLED, { program: this.where.program });
      }
      throw e;
    }
  }

  async discover(): Promise<DeviceInfo[]> {
    // `-f` with tabs instead of parsing `-L`'s sentence, whose vendor and model may contain spaces.
    const result = await this.run(['-f', '%d\t%v\t%m\t%t%n']);
    if (result.timedOut) throw scannerError('io', 'scanimage -L did not finish');
    const devices: DeviceInfo[] = [];
    for (const line of result.stdout.split('\n')) {
      const [name, vendor, model, type] = line.split('\t');
      if (name === undefined || name === '' || model === undefined) continue;
      devices.push({
        id: SANE_PREFIX + name,
        driver: 'sane',
        name: [vendor, model].filter((s) => s !== undefined && s !== '' && s !== 'Noname').join(' '),
        ...(vendor ? { vendor } : {}),
        model,
        connection: connectionOf(name, type),
      });
    }
    return devices;
  }

  private async plan(deviceId: string): Promise<SanePlan> {
    const cached = this.plans.get(deviceId);
    if (cached) return cached;
    const result = await this.run(['-d', saneName(deviceId), '-A']);
    if (result.timedOut) throw scannerError('io', `scanimage -A for ${deviceId} did not finish`);
    const failure = classifyStderr(result.stderr, result.code);
    if (failure) throw scannerError(failure.category, failure.detail);
    const plan = planFromOptions(parseOptions(result.stdout));
    this.plans.set(deviceId, plan);
    return plan;
  }

  async capabilities(deviceId: string): Promise<Capabilities> {
    return (await this.plan(deviceId)).capabilities;
  }

  scan(deviceId: string, job: ScanJob): ScanSession {
    return createScanSession((control) => this.runScan(deviceId, job, control));
  }

  private async runScan(deviceId: string, job: ScanJob, control: SessionControl): Promise<void> {
    let plan: SanePlan;
    try {
      plan = await this.plan(deviceId);
    } catch (e) {
      if (e instanceof DomainError && e.code.startsWith('scanner.')) {
        control.fail(e.code.slice('scanner.'.length) as ScanErrorCategory, String(e.details['detail']));
        return;
      }
      throw e;
    }
    const planned = argsForJob(plan, job);
    if (!planned.ok) {
      control.fail('invalid-option', planned.detail);
      return;
    }
    if (control.signal.aborted) return;

    const dir = await fs.mkdtemp(path.join(this.workDir, 'dangan-sane-'));
    try {
      await this.batch(deviceId, job, planned.args, dir, control);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }

  private batch(
    deviceId: string,
    job: ScanJob,
    jobArgs: readonly string[],
    dir: string,
    control: SessionControl,
  ): Promise<void> {
    const ext = this.format === 'tiff' ? 'tif' : 'pnm';
    // A flatbed gives one page per run; a feeder runs until it is empty or maxPages is reached.
    const count = job.source === 'flatbed' ? 1 : job.maxPages;
    const args = [
      '-d',
      saneName(deviceId),
      ...jobArgs,
      ...this.extraArgs,
      `--format=${this.format}`,
      `--batch=${path.join(dir, `page-%04d.${ext}`)}`,
      '--batch-print',
      // scanimage waits for a line on stdin before each page; we answer at once, and stop answering
      // to cancel. Without it, a cancel that lands between two pages is lost: scanimage's batch loop
      // goes on with the next sane_start (and sane-airscan opens a new job on the device).
      '--batch-prompt',
      '--progress',
      ...(count === undefined ? [] : [`--batch-count=${count}`]),
    ];
    return new Promise<void>((resolve) => {
      const child = spawn(this.where.program, args, {
        env: childEnv(this.where.env),
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      child.stdin.on('error', () => undefined); // scanimage gone: its exit tells the rest
      let stderr = '';
      let ownStop = false; // we stopped it (cancel, or a bad page): its exit status is ours, not the device's
      // It hung after its batch was over and was killed: its exit status says nothing, its stderr does.
      let hungAtEnd = false;
      let killTimer: NodeJS.Timeout | undefined;
      let endTimer: NodeJS.Timeout | undefined;
      let pipeTimer: NodeJS.Timeout | undefined;
      const stop = () => {
        if (ownStop || child.exitCode !== null) return;
        ownStop = true;
        // No more pages (end of input = "Ctrl + D" at the prompt), and SIGINT makes scanimage call
        // sane_cancel on the page in progress, which lets the scanner stop and eject cleanly.
        child.stdin.end();
        child.kill('SIGINT');
        killTimer = setTimeout(() => child.kill('SIGKILL'), this.cancelGraceMs);
      };
      control.signal.addEventListener('abort', stop, { once: true });

      let lastProgress = -1;
      let prompts = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        // Progress lines end in '\r'; keep only the tail of the rest for classification.
        for (const m of d.matchAll(/Progress: ([\d.]+)%/g)) {
          const fraction = Number(m[1]) / 100;
          if (fraction - lastProgress >= 0.1 || fraction < lastProgress) {
            lastProgress = fraction;
            control.progress(fraction);
          }
        }
        stderr = (stderr + d.replace(/Progress: [\d.]+%\r?/g, '')).slice(-65_536);
        if (d.includes('Scanning page')) lastProgress = -1;
        // A backend can hang in sane_cancel/sane_close after the last page: the SANE `test` backend
        // cancels its reader thread asynchronously, and a thread cancelled inside malloc deadlocks on
        // its own arena lock while scanimage waits in pthread_join (seen under load, ~1 run in 40).
        // Every page and the error are known once the batch is over, so a hang there is cut short.
        if (endTimer === undefined && stderr.includes(BATCH_OVER)) {
          endTimer = setTimeout(() => {
            if (child.exitCode !== null || child.signalCode !== null) return;
            hungAtEnd = true;
            child.kill('SIGKILL');
          }, this.exitGraceMs);
        }
        prompts += d;
        for (;;) {
          const at = prompts.indexOf(PROMPT);
          if (at < 0) break;
          prompts = prompts.slice(at + PROMPT.length);
          if (!ownStop) child.stdin.write('\n');
        }
        prompts = prompts.slice(-PROMPT.length);
      });

      // Pages are read one after another, in the order scanimage finished them.
      let reading = Promise.resolve();
      const lines = createInterface({ input: child.stdout });
      lines.on('line', (file) => {
        reading = reading.then(async () => {
          if (file.trim() === '') return;
          let bytes: Uint8Array;
          try {
            bytes = new Uint8Array(await fs.readFile(file));
          } catch (e) {
            // scanimage removes the file of a page whose scan failed; the failure itself is reported
            // from its stderr when it exits. Anything else unreadable is an io error that ends the scan.
            if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
            control.fail('io', `page ${control.pages + 1}: ${(e as Error).message}`);
            stop();
            return;
          }
          await fs.rm(file, { force: true });
          const info = this.format === 'tiff' ? inspectTiff(bytes) : inspectPnm(bytes);
          const broken = !info || info.dataBytes < info.expectedDataBytes;
          // A page cut short by our own cancel is expected, not a device error: it is dropped.
          if (broken && control.signal.aborted) return;
          if (broken) {
            control.fail(
              'io',
              info
                ? `page ${control.pages + 1}: image data missing (${info.dataBytes} of ${info.expectedDataBytes} bytes)`
                : `page ${control.pages + 1}: unreadable page file`,
            );
            stop();
            return;
          }
          if (ownStop && !control.signal.aborted) return; // after a bad page: nothing more
          const rounded = roundedValues(stderr).get('resolution');
          control.page({
            bytes,
            mediaType: this.format === 'tiff' ? 'image/tiff' : 'image/x-portable-anymap',
            dpi: info.dpi ?? rounded ?? job.dpi,
            mode: job.mode,
            width: info.width,
            height: info.height,
            ...(job.source === 'duplex' ? { side: control.pages % 2 === 0 ? 'front' : 'back' } : {}),
          });
        });
      });

      let ended = false;
      const finish = (code: number | null, signal: NodeJS.Signals | null) => {
        if (ended) return;
        ended = true;
        clearTimeout(killTimer);
        clearTimeout(endTimer);
        clearTimeout(pipeTimer);
        control.signal.removeEventListener('abort', stop);
        // Whatever happened while reading pages, the session must end: a rejected chain would
        // otherwise leave the scan waiting forever.
        void reading
          .catch((e: unknown) => {
            control.fail('io', e instanceof Error ? e.message : String(e));
            ownStop = true;
          })
          .then(() => {
            if (!ownStop) {
              const failure = classifyStderr(stderr, hungAtEnd ? null : code);
              if (signal !== null && !hungAtEnd) {
                control.fail('unknown', `scanimage ended by ${signal}`);
              } else if (failure?.category === 'no-paper') {
                // The feeder running empty ends every feeder run; it is an error only before any page.
                if (control.pages === 0) control.fail('no-paper', failure.detail);
              } else if (failure) {
                control.fail(failure.category, failure.detail);
              }
            }
            resolve();
          });
      };
      child.on('error', (e: NodeJS.ErrnoException) => {
        control.fail('unknown', e.code === 'ENOENT' ? `${this.where.program} not found` : e.message);
        finish(null, null);
      });
      // 'close' also waits for stdout and stderr to end, which a grandchild left holding them delays
      // forever; after the exit itself, their data gets a short grace to be read.
      child.on('exit', (code, signal) => {
        pipeTimer = setTimeout(() => {
          lines.close();
          child.stdout.destroy();
          child.stderr.destroy();
          finish(code, signal);
        }, PIPE_GRACE_MS);
      });
      child.on('close', finish);
    });
  }
}

function connectionOf(name: string, type: string | undefined): string {
  const backend = name.split(':')[0] ?? '';
  if (backend === 'airscan' || backend === 'escl' || backend === 'net') return 'network';
  if (/libusb|usb/i.test(name)) return 'USB';
  return type ?? backend;
}
