import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BlobStore } from '../db/blob-store';
import { scanSheet, sheetsOf, type ScanSettings, type Sheet } from '../tests/support/near-duplicate-pages';
import { processPage } from '../workstation/capture/process-page';
import { inkDifference, inkImage, type InkImage } from '../workstation/verification/ink-compare';
import { NEAR_DUPLICATE_THRESHOLDS } from '../workstation/verification/near-duplicates';
import { hammingDistance, pageHash } from '../workstation/verification/page-hash';
import type { Benchmark } from './run';

// Near-duplicate detection measured on the demo scanner's sheets: every sheet of a 设立 file for
// BENCH_ND_ENTERPRISES enterprises (3), each scanned twice — the second pass with new placement, skew
// and grain, and in turn a lower JPEG quality, a brighter or darker setting, or both — through the real
// page processing (deskew, crop, thumbnail). Pairs: rescans (must match), template siblings (the same
// form and page filled in for another enterprise: must not), all other pages (must not). The 章程's
// later pages carry no enterprise data (the same boilerplate for everyone), so they are no siblings.
// Blank backs are flagged blank and left out of the check, as in the machine checks.
const ENTERPRISES = Number(process.env['BENCH_ND_ENTERPRISES'] ?? 3);
const DPI = Number(process.env['BENCH_ND_DPI'] ?? 150);
const SECOND_PASS: readonly Omit<ScanSettings, 'pass'>[] = [
  {},
  { quality: 50 },
  { gain: 1.12, offset: 10 },
  { gain: 0.88, offset: -10 },
  { quality: 55, gain: 1.12, offset: 10 },
];

interface Scan {
  readonly sheet: Sheet;
  readonly hash: Uint8Array;
  readonly ink: InkImage;
  readonly blank: boolean;
}

type Kind = 'rescan' | 'sibling' | 'other';

function kindOf(a: Sheet, b: Sheet): Kind | null {
  if (a.kind !== b.kind || a.page !== b.page) return 'other';
  if (a.enterprise === b.enterprise) return 'rescan';
  return a.kind === 'articles' && a.page > 0 ? null : 'sibling';
}

function summary(values: readonly number[]): string {
  const s = [...values].sort((x, y) => x - y);
  const q = (p: number) => (s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN).toFixed(3);
  return `n=${s.length} min=${q(0)} p50=${q(0.5)} max=${(s[s.length - 1] ?? NaN).toFixed(3)}`;
}

const bench: Benchmark = {
  description: 'near-duplicate pages: rescans found, template siblings and other pages not',
  async run({ log }) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-nd-bench-'));
    const blobs = new BlobStore(root);
    const scans: Scan[] = [];
    let hashMs = 0;
    let inkMs = 0;
    try {
      for (let e = 1; e <= ENTERPRISES; e++) {
        const sheets: Sheet[] = [...sheetsOf(e), { enterprise: e, kind: 'blank', page: 0 }];
        for (const [i, sheet] of sheets.entries()) {
          for (const pass of [1, 2]) {
            const variant = pass === 1 ? {} : (SECOND_PASS[(e * 3 + i) % SECOND_PASS.length] ?? {});
            const bytes = await scanSheet(sheet, { pass: e * 1000 + i * 10 + pass, dpi: DPI, ...variant });
            const put = blobs.put(bytes);
            const out = await processPage({ blobRoot: root, sha256: put.sha256, mode: 'gray', dpi: DPI });
            let t = performance.now();
            const hash = await pageHash(blobs.read(out.thumb.sha256));
            hashMs += performance.now() - t;
            t = performance.now();
            const ink = await inkImage(blobs.read(out.master.sha256), DPI);
            inkMs += performance.now() - t;
            scans.push({ sheet, hash, ink, blank: out.isBlank });
          }
        }
        log(`  enterprise ${e}: ${scans.length} pages scanned and processed`);
      }
      const { hashDistance: hashBound, inkDifference: inkBound } = NEAR_DUPLICATE_THRESHOLDS;
      const hashes: Record<Kind, number[]> = { rescan: [], sibling: [], other: [] };
      const inks: Record<Kind, number[]> = { rescan: [], sibling: [], other: [] };
      const found: Record<Kind, number> = { rescan: 0, sibling: 0, other: 0 };
      let compared = 0;
      let compareMs = 0;
      let blanksExcluded = 0;
      for (let i = 0; i < scans.length; i++) {
        for (let j = i + 1; j < scans.length; j++) {
          const a = scans[i];
          const b = scans[j];
          if (a === undefined || b === undefined) continue;
          if (a.blank || b.blank) {
            blanksExcluded++;
            continue;
          }
          const kind = kindOf(a.sheet, b.sheet);
          if (kind === null) continue;
          const h = hammingDistance(a.hash, b.hash);
          hashes[kind].push(h);
          // Rescans and siblings are compared in full for the figures; other pages as the check does.
          if (kind === 'other' && h > hashBound) continue;
          const t = performance.now();
          const d = inkDifference(a.ink, b.ink, kind === 'other' ? { stopAbove: inkBound } : {});
          compareMs += performance.now() - t;
          compared++;
          inks[kind].push(d);
          if (h <= hashBound && d <= inkBound) found[kind]++;
        }
      }
      for (const k of ['rescan', 'sibling', 'other'] as const) {
        log(`  ${k}: hash distance ${summary(hashes[k])}; ink difference ${summary(inks[k])}`);
      }
      for (const t of [0.02, 0.04, 0.06, 0.08, 0.1, 0.12, 0.15, 0.2]) {
        const r = inks.rescan.filter((d) => d <= t).length;
        const s = inks.sibling.filter((d) => d <= t).length;
        log(
          `  ink threshold ${t.toFixed(2)}: rescans found ${r}/${inks.rescan.length}, siblings reported ${s}/${inks.sibling.length}`,
        );
      }
      const figures = {
        pages: scans.length,
        blank_pages: scans.filter((s) => s.blank).length,
        hash_threshold: hashBound,
        ink_threshold: inkBound,
        rescan_pairs: hashes.rescan.length,
        rescans_found: found.rescan,
        true_positive_rate: found.rescan / Math.max(1, hashes.rescan.length),
        sibling_pairs: hashes.sibling.length,
        siblings_reported: found.sibling,
        sibling_false_positive_rate: found.sibling / Math.max(1, hashes.sibling.length),
        other_pairs: hashes.other.length,
        others_reported: found.other,
        blank_pairs_excluded: blanksExcluded,
        ms_per_page_hash: hashMs / scans.length,
        ms_per_page_ink_image: inkMs / scans.length,
        pairs_compared: compared,
        ms_per_pair_compared: compareMs / Math.max(1, compared),
      };
      log(
        `  found ${found.rescan}/${hashes.rescan.length} rescans; reported ${found.sibling}/${hashes.sibling.length} siblings, ${found.other}/${hashes.other.length} other pairs`,
      );
      return figures;
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  },
};

export default bench;
