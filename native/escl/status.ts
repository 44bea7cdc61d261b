import type { ScanErrorCategory } from '../../core/scanning/driver';
import { child, children, numberOf, parseXml, textOf, textsOf } from './xml';

export interface EsclJobInfo {
  readonly uri: string;
  readonly state: string;
  readonly reasons: readonly string[];
  readonly imagesCompleted?: number;
}

export interface EsclStatus {
  /** Idle, Processing, Testing, Stopped, Down */
  readonly state: string;
  /** ScannerAdfLoaded, ScannerAdfEmpty, ScannerAdfJam, … when the device has a feeder. */
  readonly adfState?: string;
  readonly jobs: readonly EsclJobInfo[];
}

export function parseStatus(body: string): EsclStatus {
  const root = child(parseXml(body), 'ScannerStatus');
  if (!root) throw new Error('not a ScannerStatus document');
  const adfState = textOf(root, 'AdfState');
  return {
    state: textOf(root, 'State') ?? 'Idle',
    ...(adfState ? { adfState } : {}),
    jobs: children(child(root, 'Jobs'), 'JobInfo').map((j) => {
      const images = numberOf(j, 'ImagesCompleted');
      return {
        uri: textOf(j, 'JobUri') ?? '',
        state: textOf(j, 'JobState') ?? '',
        reasons: textsOf(child(j, 'JobStateReasons'), 'JobStateReason'),
        ...(images === undefined ? {} : { imagesCompleted: images }),
      };
    }),
  };
}

// What the feeder's state says went wrong (eSCL AdfState values, PWG 5100.17 names).
const ADF_STATES: Readonly<Record<string, ScanErrorCategory>> = {
  ScannerAdfEmpty: 'no-paper',
  ScannerAdfJam: 'paper-jam',
  ScannerAdfMispick: 'paper-jam',
  ScannerAdfDuplexPageTooShort: 'paper-jam',
  ScannerAdfDuplexPageTooLong: 'paper-jam',
  ScannerAdfDoorOpen: 'cover-open',
  ScannerAdfHatchOpen: 'cover-open',
  ScannerAdfMultipickDetected: 'double-feed',
  ScannerAdfInputTrayFailed: 'io',
  ScannerAdfInputTrayOverloaded: 'paper-jam',
};

/** A fault the status shows, if any: the feeder's state first, then the device's. */
export function faultOf(status: EsclStatus): ScanErrorCategory | undefined {
  const adf = status.adfState === undefined ? undefined : ADF_STATES[status.adfState];
  if (adf !== undefined && adf !== 'no-paper') return adf;
  if (status.state === 'Down') return 'device-gone';
  return adf;
}
