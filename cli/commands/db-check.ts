import { checkHealth, type HealthReport } from '../../db/health';
import { EXIT } from '../exit-codes';
import type { Io } from '../output';
import { openDataFolder } from './data-folder';

export interface DbCheckOptions {
  readonly dataDir: string;
  readonly json: boolean;
  readonly blobs: number | 'all';
}

/** `dangan db check`: integrity_check, foreign_key_check, audit chain, blob re-hash. Exit 1 on any problem. */
export function dbCheckCommand(options: DbCheckOptions, io: Io): number {
  const data = openDataFolder(options.dataDir, { readonly: true });
  let report: HealthReport;
  try {
    report = checkHealth(data.db, data.blobs, { blobSample: options.blobs });
  } finally {
    data.close();
  }
  if (options.json) io.out(JSON.stringify({ dataDir: options.dataDir, ...report }, null, 2));
  else print(report, options.dataDir, io);
  return report.ok ? EXIT.ok : EXIT.finding;
}

function print(r: HealthReport, dataDir: string, io: Io): void {
  const mark = (ok: boolean) => (ok ? '✓' : '✗');
  const integrityOk = r.integrity.length === 1 && r.integrity[0] === 'ok';
  io.out(`数据目录 data folder: ${dataDir}`);
  io.out(`${mark(integrityOk)} 数据库完整性 integrity_check: ${integrityOk ? 'ok' : r.integrity.join('; ')}`);
  io.out(
    `${mark(r.foreignKeys.length === 0)} 外键 foreign_key_check: ${r.foreignKeys.length} 个问题 problems`,
  );
  for (const fk of r.foreignKeys) io.out(`    ${fk.table} rowid ${fk.rowid ?? '?'} → ${fk.parent}`);
  if (r.audit.ok) io.out(`✓ 审计链 audit chain: ${r.audit.checked} 条记录完好 records intact`);
  else
    io.out(
      `✗ 审计链 audit chain: 第 ${r.audit.seq} 条记录不符 record ${r.audit.seq} does not fit (${r.audit.problem}); ${r.audit.checked} 条之前的记录完好 records before it intact`,
    );
  io.out(
    `${mark(r.blobs.problems.length === 0)} 图像文件 blobs: 抽查 ${r.blobs.checked}/${r.blobs.total}，问题 ${r.blobs.problems.length} / checked ${r.blobs.checked} of ${r.blobs.total}, ${r.blobs.problems.length} problems`,
  );
  for (const p of r.blobs.problems)
    io.out(`    ${p.sha256}: ${p.status === 'missing' ? '丢失 missing' : '已损坏 corrupt'}`);
  io.out(r.ok ? '结论：正常 / result: healthy' : '结论：发现问题 / result: problems found');
}
