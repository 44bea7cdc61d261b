import fs from 'node:fs';
import path from 'node:path';
import { isDomainError } from '../../core/errors';
import { bilingual } from '../../core/text';
import { volumeTypeByCode } from '../../core/vocabulary';
import { createRepos } from '../../db/repos';
import type { Repos, Volume } from '../../db/repos';
import { LAYOUT_NAMES, labelSheetPdf } from '../../workstation/labels/label-pdf';
import type { LabelItem } from '../../workstation/labels/label-pdf';
import { readLabels } from '../../workstation/labels/read-labels';
import { EXIT } from '../exit-codes';
import type { Io } from '../output';
import { openDataFolder } from './data-folder';
import { findVolume } from './volume-ref';

/** One image in `dangan label read --json`. */
export interface LabelReadJson {
  image: string;
  labels: { volumeId: string; archiveNo: string; uscc: string }[];
  foreign: { format: string; text: string }[];
  /** Codes that start like ours but are damaged (not in the minimal shape; added for QA). */
  damaged: { text: string; reason: string; message: string }[];
  error?: string;
}

function labelItem(repos: Repos, v: Volume): LabelItem {
  const e = repos.enterprises.get(v.enterpriseId);
  const type = volumeTypeByCode(v.volumeType);
  return {
    label: { archiveNo: v.archiveNo, uscc: e.uscc ?? e.regNo ?? '', volumeId: v.uid },
    enterpriseName: e.name,
    caption: `${type?.name ?? v.volumeType} · ${v.year}`,
  };
}

/** `dangan label pdf --volume <id>... -o <file.pdf> [--layout <name>]`. */
export async function labelPdfCommand(
  options: { dataDir: string; volumes: readonly string[]; out: string; layout: string; skip: number },
  io: Io,
): Promise<number> {
  if (!LAYOUT_NAMES.includes(options.layout)) {
    io.err(`未知的标签版式 / unknown layout "${options.layout}"; 可用 known: ${LAYOUT_NAMES.join(', ')}`);
    return EXIT.usage;
  }
  const data = openDataFolder(options.dataDir, { readonly: true });
  let items: LabelItem[];
  try {
    const repos = createRepos(data.db);
    items = [];
    for (const ref of options.volumes) {
      items.push(labelItem(repos, findVolume(repos, ref)));
    }
  } finally {
    data.close();
  }
  try {
    const pdf = await labelSheetPdf(items, { layout: options.layout, skip: options.skip });
    // Written next to the target and renamed, so a half-written PDF never replaces a good one.
    const tmp = `${options.out}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, pdf);
    fs.renameSync(tmp, options.out);
  } catch (e) {
    if (isDomainError(e)) {
      io.err(bilingual(e.text));
      return EXIT.finding;
    }
    throw e;
  }
  io.out(
    `✓ 已生成 ${items.length} 个标签 / wrote ${items.length} label(s) (${options.layout}): ${path.resolve(options.out)}`,
  );
  return EXIT.ok;
}

/** `dangan label read <image>... [--json]`: exit 1 when an image cannot be read. */
export async function labelReadCommand(
  images: readonly string[],
  options: { json: boolean; dpi?: number },
  io: Io,
): Promise<number> {
  const out: LabelReadJson[] = [];
  for (const image of images) {
    try {
      const r = await readLabels(image, {
        thorough: true,
        ...(options.dpi === undefined ? {} : { dpi: options.dpi }),
      });
      out.push({
        image,
        labels: r.labels.map((l) => ({ volumeId: l.volumeId, archiveNo: l.archiveNo, uscc: l.uscc })),
        foreign: r.foreign.map((f) => ({ format: f.format, text: f.text })),
        damaged: r.damaged.map((d) => ({ text: d.text, reason: d.reason, message: bilingual(d.message) })),
      });
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      out.push({
        image,
        labels: [],
        foreign: [],
        damaged: [],
        error: `无法读取图像 / cannot read image: ${why}`,
      });
    }
  }
  if (options.json) io.out(JSON.stringify(out, null, 2));
  else {
    for (const r of out) {
      io.out(`${r.image}:`);
      if (r.error !== undefined) io.out(`    ✗ ${r.error}`);
      for (const l of r.labels)
        io.out(`    ✓ 案卷标签 volume label: ${l.archiveNo}  ${l.uscc}  ${l.volumeId}`);
      for (const d of r.damaged) io.out(`    ✗ 标签损坏 damaged label: ${d.message} (${d.text})`);
      for (const f of r.foreign) io.out(`    · 其他条码 other code (${f.format}): ${f.text}`);
      if (r.error === undefined && r.labels.length + r.damaged.length + r.foreign.length === 0) {
        io.out('    – 未发现二维码 / no code found');
      }
    }
  }
  return out.some((r) => r.error !== undefined) ? EXIT.finding : EXIT.ok;
}
