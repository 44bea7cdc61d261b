import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bureauForDivision, DEFAULT_PROVINCE } from '../../core/bureaus';
import {
  addScores,
  scoreCatalogue,
  type CatalogueScore,
  type ScoredSuggestion,
  type TruthDocument,
} from '../../core/cataloguing/accuracy';
import { foldTitle } from '../../core/cataloguing/classifier';
import { encodeLabel } from '../../core/labels/label-codec';
import type { ColorMode, ScanJob, ScannerDriver, ScanSource } from '../../core/scanning/driver';
import type { Repos } from '../../db/repos';
import { PageOcrRepo } from '../../db/repos/page-ocr';
import { DemoDriver, type DemoOptions } from '../../native/demo/demo-driver';
import { ESTABLISHMENT_FILE, type DemoSheetKind } from '../../native/demo/documents';
import { demoEnterprise, type DemoEnterprise } from '../../native/demo/enterprise';
import { seededRandom } from '../../native/demo/random';
import { openDataDir } from '../../workstation/data-dir';
import type { PoolHandle } from '../../workstation/ocr/ocr-runner';
import { engineWithUsers } from './engine-users';

/**
 * The honest measurement of the cataloguing suggestions: demo files printed by the demo scanner
 * (native/demo), scanned through the engine's real capture pipeline (processing, blank detection, label
 * reading), title zones and then full pages read by the real tesseract pool through the engine's OCR
 * runner, and the suggestions taken from `catalogue.suggest` as the 著录标引 screen gets them — scored
 * against what the demo printed.
 */

/** The document type, title and 责任者 of each demo sheet kind, as the demo prints them. */
const DEMO_TRUTH: Readonly<
  Record<
    Exclude<DemoSheetKind, 'patch-t'>,
    { typeCode: string; title: (e: DemoEnterprise) => string; dated: boolean }
  >
> = {
  application: { typeCode: 'APP', title: () => '公司设立登记申请书', dated: true },
  articles: { typeCode: 'AOA', title: (e) => `${e.name}章程`, dated: true },
  resolution: { typeCode: 'SHR', title: () => '股东会决议', dated: true },
  // The identity proof prints a birth date and an ID card's validity, but no date of its own.
  identity: { typeCode: 'IDP', title: () => '法定代表人身份证明', dated: false },
  premises: { typeCode: 'ADR', title: () => '住所（经营场所）使用证明', dated: true },
  licence: { typeCode: 'LIC', title: () => '营业执照', dated: true },
};

/** How a volume is scanned: the operator's profiles vary, so the measurement does too. */
export interface ScanVariant {
  readonly source: ScanSource;
  readonly mode: ColorMode;
  readonly dpi: number;
  /** A QR label cover sheet first (a separator, not catalogued). */
  readonly cover: boolean;
}

export const SCAN_VARIANTS: readonly ScanVariant[] = [
  { source: 'feeder', mode: 'gray', dpi: 300, cover: false },
  // Duplex: every sheet's back is blank paper.
  { source: 'duplex', mode: 'gray', dpi: 300, cover: false },
  { source: 'feeder', mode: 'color', dpi: 200, cover: true },
];

function ymd(d: { year: number; month: number; day: number }): string {
  return `${d.year}${String(d.month).padStart(2, '0')}${String(d.day).padStart(2, '0')}`;
}

/** A week after the documents' date: the volume's registration date, which no document prints. */
function registrationDateOf(e: DemoEnterprise): string {
  const d = new Date(Date.UTC(e.date.year, e.date.month - 1, e.date.day + 7));
  return ymd({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() });
}

/** The truth of the first file of a demo stack, page numbers as scanned with `variant`. */
export function demoTruth(e: DemoEnterprise, variant: ScanVariant, bureauAuthority: string): TruthDocument[] {
  const sidesPerSheet = variant.source === 'duplex' ? 2 : 1;
  let seq = variant.cover ? (variant.source === 'duplex' ? 3 : 2) : 1;
  return ESTABLISHMENT_FILE.flatMap(({ kind, pages }) => {
    if (kind === 'patch-t') return [];
    const t = DEMO_TRUTH[kind];
    const first = seq;
    const last = seq + (pages - 1) * sidesPerSheet;
    seq += pages * sidesPerSheet;
    const responsible =
      t.typeCode === 'SHR' ? `${e.name}股东会` : t.typeCode === 'LIC' ? bureauAuthority : null;
    return [
      {
        typeCode: t.typeCode,
        title: t.title(e),
        firstPage: first,
        lastPage: last,
        docDate: t.dated ? ymd(e.date) : null,
        responsible,
      },
    ];
  });
}

/** The demo scanner with the next stack of paper loaded before each run (one file per volume). */
class DemoStack implements ScannerDriver {
  readonly kind = 'demo' as const;
  private driver = new DemoDriver();

  load(options: DemoOptions): void {
    this.driver = new DemoDriver(options);
  }
  discover() {
    return this.driver.discover();
  }
  capabilities(id: string) {
    return this.driver.capabilities(id);
  }
  scan(id: string, job: ScanJob) {
    return this.driver.scan(id, job);
  }
}

/** What a measured volume gives a classifier under test. */
export interface VolumeContext {
  readonly repos: Repos;
  readonly ocr: PageOcrRepo;
  readonly volumeId: number;
}

export interface MeasuredVolume {
  readonly seed: number;
  readonly variant: ScanVariant;
  readonly pages: number;
  readonly truth: readonly TruthDocument[];
  /** Per stage ('title': title zones read; 'full': full pages read too) and classifier. */
  readonly suggestions: Readonly<Record<string, Readonly<Record<string, readonly ScoredSuggestion[]>>>>;
}

export interface SuggestionRun {
  readonly volumes: readonly MeasuredVolume[];
  /** Scores per stage and classifier, added up over the volumes. */
  readonly scores: Readonly<Record<string, Readonly<Record<string, CatalogueScore>>>>;
  readonly pages: number;
  readonly scanMs: number;
  readonly titleOcrMs: number;
  readonly fullOcrMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, done: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

/**
 * Scans `count` demo files (seeds firstSeed…, variants in turn) into SL volumes of one engine, reads
 * them, and scores the engine's suggestions and any `others` (e.g. a baseline) on the same readings.
 * `pool` is shared (the engine's idle stop leaves it running); `full: false` stops after title zones.
 */
export async function measureDemoSuggestions(options: {
  readonly count: number;
  readonly firstSeed?: number;
  /** Index in SCAN_VARIANTS of the first volume's profile (then in turn). */
  readonly firstVariant?: number;
  readonly pool: PoolHandle;
  readonly full?: boolean;
  readonly others?: Readonly<Record<string, (v: VolumeContext) => readonly ScoredSuggestion[]>>;
  readonly log?: (line: string) => void;
  readonly timeoutMs?: number;
}): Promise<SuggestionRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-suggestions-'));
  const data = openDataDir(dir);
  const stack = new DemoStack();
  const timeout = options.timeoutMs ?? 20 * 60_000;
  const shared: PoolHandle = {
    engine: options.pool.engine,
    size: options.pool.size,
    recognize: (image) => options.pool.recognize(image),
    terminate: () => Promise.resolve(),
  };
  const t = await engineWithUsers({
    db: data.db,
    dataDir: dir,
    log: () => undefined,
    capture: { drivers: [stack] },
    ocr: { createPool: () => Promise.resolve(shared) },
  });
  const op = t.as.operator;
  const ocr = new PageOcrRepo(data.db);
  const volumes: MeasuredVolume[] = [];
  const timing = { scanMs: 0, titleOcrMs: 0, fullOcrMs: 0 };
  try {
    for (let i = 0; i < options.count; i++) {
      const seed = (options.firstSeed ?? 1) + i;
      const variant =
        SCAN_VARIANTS[(i + (options.firstVariant ?? 0)) % SCAN_VARIANTS.length] ?? SCAN_VARIANTS[0]!;
      // The file's enterprise is the first the demo stack draws from its seed.
      const e = demoEnterprise(seededRandom(seed));
      const division = e.uscc.slice(2, 8);
      const bureau = bureauForDivision(DEFAULT_PROVINCE, division) ?? DEFAULT_PROVINCE.bureaus[0]!;
      const ent = await t.ok(
        'enterprises.create',
        { uscc: e.uscc, name: e.name, bureauCode: bureau.code },
        op,
      );
      const volume = await t.ok(
        'volumes.create',
        {
          enterpriseId: ent.id,
          volumeType: 'SL',
          year: e.date.year,
          bureauCode: bureau.code,
          registrationDate: registrationDateOf(e),
        },
        op,
      );
      stack.load({
        seed,
        ...(variant.cover
          ? { coverLabel: encodeLabel({ archiveNo: volume.archiveNo, uscc: e.uscc, volumeId: volume.uid }) }
          : {}),
      });
      const sheets = ESTABLISHMENT_FILE.reduce((n, d) => n + d.pages, 0) + (variant.cover ? 1 : 0);
      const expected = sheets * (variant.source === 'duplex' ? 2 : 1);
      let started = performance.now();
      const run = await t.ok(
        'scan.start',
        {
          volumeId: volume.id,
          deviceId: 'demo',
          source: variant.source,
          mode: variant.mode,
          dpi: variant.dpi,
          pages: expected,
        },
        op,
      );
      await until(
        'the scan and its processing',
        async () => {
          const runs = await t.ok('scan.runs', { volumeId: volume.id }, op);
          const list = await t.ok('pages.list', { volumeId: volume.id }, op);
          return (
            runs.find((r) => r.scanId === run.scanId)?.state !== 'running' &&
            list.pages.length === expected &&
            list.pages.every((p) => p.state !== 'pending')
          );
        },
        timeout,
      );
      timing.scanMs += performance.now() - started;

      const suggestions: Record<string, Record<string, readonly ScoredSuggestion[]>> = {};
      const take = async (stage: string) => {
        const s = await t.ok('catalogue.suggest', { volumeId: volume.id }, op);
        const ctx: VolumeContext = { repos: t.engine.repos, ocr, volumeId: volume.id };
        suggestions[stage] = {
          engine: s.documents,
          ...Object.fromEntries(Object.entries(options.others ?? {}).map(([name, f]) => [name, f(ctx)])),
        };
      };
      started = performance.now();
      // As 著录标引 does when it opens the volume: read the title zones, poll until done.
      await t.ok('catalogue.suggest', { volumeId: volume.id, read: true }, op);
      await until(
        'the title zones',
        async () => {
          const s = await t.ok('catalogue.suggest', { volumeId: volume.id }, op);
          return s.ocr.unread.length === 0 && !s.ocr.running;
        },
        timeout,
      );
      timing.titleOcrMs += performance.now() - started;
      await take('title');
      if (options.full !== false) {
        started = performance.now();
        const content = t.engine.repos.pages.list(volume.id).filter((p) => !p.isBlank && !p.isSeparator);
        await until(
          'the full pages',
          () => {
            const read = ocr.listForVolume(volume.id, 'full');
            return content.every((p) => read.some((r) => r.pageId === p.id));
          },
          timeout,
        );
        timing.fullOcrMs += performance.now() - started;
        await take('full');
      }
      const truth = demoTruth(e, variant, bureau.authority);
      volumes.push({ seed, variant, pages: expected, truth, suggestions });
      options.log?.(
        `volume ${i + 1}/${options.count} (seed ${seed}, ${variant.source} ${variant.mode} ${variant.dpi} dpi${variant.cover ? ', cover' : ''}): ${expected} pages`,
      );
    }
  } finally {
    await t.engine.close();
    data.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const scores: Record<string, Record<string, CatalogueScore>> = {};
  for (const stage of Object.keys(volumes[0]?.suggestions ?? {})) {
    scores[stage] = {};
    for (const name of Object.keys(volumes[0]?.suggestions[stage] ?? {})) {
      scores[stage][name] = addScores(
        volumes.map((v) => scoreCatalogue(v.truth, v.suggestions[stage]?.[name] ?? [], foldTitle)),
      );
    }
  }
  return { volumes, scores, pages: volumes.reduce((n, v) => n + v.pages, 0), ...timing };
}
