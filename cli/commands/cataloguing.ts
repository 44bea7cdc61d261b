import { type Command, InvalidArgumentError, Option } from 'commander';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { CatalogueIssue } from '../../core/cataloguing/issues';
import type { DocumentDraft } from '../../core/cataloguing/rules';
import { DomainError, isDomainError } from '../../core/errors';
import { bilingual, text } from '../../core/text';
import { createRepos, type Actor, type Repos, type Volume } from '../../db/repos';
import { PageOcrRepo } from '../../db/repos/page-ocr';
import { StoreIndexRepo } from '../../db/repos/store-index';
import { CataloguingEngine } from '../../workstation/cataloguing/engine';
import { suggestForVolume } from '../../workstation/cataloguing/suggest';
import { openDataDir, resolveDataDir, type WorkstationData } from '../../workstation/data-dir';
import { OcrService } from '../../workstation/ocr/ocr-service';
import { TesseractPool } from '../../workstation/ocr/tesseract-pool';
import { findEnterprises } from '../../workstation/registration/enterprise-search';
import { VolumeRegistration } from '../../workstation/registration/register-volume';
import { SyncedIndexLookup } from '../../workstation/registration/store-lookup';
import { PageHashesRepo } from '../../db/repos/page-hashes';
import { FormReadingsRepo } from '../../db/repos/form-readings';
import { machineCheckVolumeWithImages } from '../../workstation/verification/machine';
import { NearDuplicateFinder } from '../../workstation/verification/near-duplicates';
import { EXIT } from '../exit-codes';
import type { Io } from '../output';

type Result = { code: number };

function dataOption(): Option {
  return new Option('--data <dir>', '工作站数据目录 / workstation data folder');
}

function actorOf(opts: { as?: string }): Actor {
  return { userId: null, username: opts.as ?? os.userInfo().username, role: 'operator' };
}

/** Opens the data folder, runs `fn`, closes it; a DomainError becomes a bilingual line and exit 1. */
async function withData(
  dataFlag: string | undefined,
  io: Io,
  fn: (data: WorkstationData, repos: Repos) => Promise<number> | number,
): Promise<number> {
  const data = openDataDir(resolveDataDir({ flag: dataFlag }));
  try {
    return await fn(data, createRepos(data.db));
  } catch (e) {
    if (!isDomainError(e)) throw e;
    io.err(`错误 error [${e.code}]: ${bilingual(e.text)}`);
    return EXIT.finding;
  } finally {
    data.close();
  }
}

/** A volume by id, uid or 档号; `volume.not-found` naming what was typed. */
export function findVolume(repos: Repos, ref: string): Volume {
  const found = /^\d+$/.test(ref)
    ? tryGet(repos, Number(ref))
    : (repos.volumes.byUid(ref) ?? repos.volumes.findByArchiveNo(ref));
  if (found === null)
    throw new DomainError('volume.not-found', text(`案卷不存在：${ref}`, `No such volume: ${ref}`), { ref });
  return found;
}

function tryGet(repos: Repos, id: number): Volume | null {
  try {
    return repos.volumes.get(id);
  } catch (e) {
    if (isDomainError(e) && e.code === 'volume.not-found') return null;
    throw e;
  }
}

function printIssues(issues: readonly CatalogueIssue[], io: Io): void {
  for (const i of issues) {
    io.out(
      `  ${i.severity === 'error' ? '✗ 错误 error' : '! 提示 warning'} [${i.code}]: ${bilingual(i.message)}`,
    );
  }
}

function parseInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('应为整数 / expected an integer');
  return n;
}

const CatalogueFile = z.union([
  z.array(z.unknown()),
  z.strictObject({ documents: z.array(z.unknown()), pageCountReason: z.string().nullable().optional() }),
]);
const DocumentJson = z.strictObject({
  typeCode: z.string(),
  title: z.string(),
  docDate: z.string().nullable().optional(),
  responsible: z.string().nullable().optional(),
  firstPage: z.int(),
  lastPage: z.int(),
});

export function registerCataloguingCommands(program: Command, io: Io, result: Result): void {
  const enterprise = program.command('enterprise').description('企业（市场主体）/ enterprises');
  enterprise
    .command('find')
    .description('按统一社会信用代码、注册号或名称查找 / find by USCC, 注册号 or name (prefix, fuzzy)')
    .argument('<query>', '代码或名称 / code or name')
    .addOption(dataOption())
    .option('--json', '以 JSON 输出 / print JSON')
    .action(async (query: string, opts: { data?: string; json?: boolean }) => {
      result.code = await withData(opts.data, io, (_, repos) => {
        const matches = findEnterprises(repos, query);
        if (opts.json === true) io.out(JSON.stringify(matches, null, 2));
        else if (matches.length === 0) io.out('未找到 / nothing found');
        else
          for (const m of matches) {
            const e = m.enterprise;
            io.out(
              `${e.id}\t${e.uscc ?? e.regNo ?? ''}\t${e.name}\t${e.bureauCode}\t${m.match} ${m.score.toFixed(2)}`,
            );
          }
        return matches.length > 0 ? EXIT.ok : EXIT.finding;
      });
    });
  enterprise
    .command('create')
    .description('登记企业 / register an enterprise')
    .addOption(dataOption())
    .option('--uscc <code>', '统一社会信用代码 / USCC')
    .option('--reg-no <code>', '注册号 / 15-digit registration number')
    .requiredOption('--name <name>', '企业名称 / name')
    .requiredOption('--bureau <code>', '登记机关代码 / registration authority code')
    .option('--as <user>', '操作人 / acting user (default: the login name)')
    .option('--json', '以 JSON 输出 / print JSON')
    .action(
      async (opts: {
        data?: string;
        uscc?: string;
        regNo?: string;
        name: string;
        bureau: string;
        as?: string;
        json?: boolean;
      }) => {
        result.code = await withData(opts.data, io, (_, repos) => {
          const e = repos.enterprises.create(
            {
              name: opts.name,
              bureauCode: opts.bureau,
              ...(opts.uscc === undefined ? {} : { uscc: opts.uscc }),
              ...(opts.regNo === undefined ? {} : { regNo: opts.regNo }),
            },
            actorOf(opts),
          );
          io.out(
            opts.json === true
              ? JSON.stringify(e, null, 2)
              : `已登记 / registered: ${e.id}\t${e.uscc ?? e.regNo ?? ''}\t${e.name}`,
          );
          return EXIT.ok;
        });
      },
    );

  const volume = program.command('volume').description('案卷 / volumes');
  volume
    .command('create')
    .description(
      '登记案卷（档号自动编排，先查重）/ register a volume (next 档号, duplicate-digitization guard)',
    )
    .addOption(dataOption())
    .requiredOption('--enterprise <id|code>', '企业编号或代码 / enterprise id, USCC or 注册号')
    .requiredOption('--type <code>', '案卷类型 / volume type (SL BG ZX DX QR QC BA QT)')
    .requiredOption('--year <yyyy>', '年度 / year', parseInteger)
    .option(
      '--bureau <code>',
      "档案所属局代码（默认：企业的所属局）/ owning bureau code (default: the enterprise's)",
    )
    .option('--date <yyyymmdd>', '登记日期 / registration date')
    .option('--pages <n>', '登记页数 / declared page count', parseInteger)
    .option('--reason <text>', '已有同类案卷时继续的原因 / reason to continue when the guard finds a volume')
    .option('--as <user>', '操作人 / acting user')
    .option('--json', '以 JSON 输出 / print JSON')
    .action(
      async (opts: {
        data?: string;
        enterprise: string;
        type: string;
        year: number;
        bureau?: string;
        date?: string;
        pages?: number;
        reason?: string;
        as?: string;
        json?: boolean;
      }) => {
        result.code = await withData(opts.data, io, async (data, repos) => {
          const ent = /^\d{1,9}$/.test(opts.enterprise)
            ? repos.enterprises.get(Number(opts.enterprise))
            : repos.enterprises.findByCode(opts.enterprise);
          if (ent === null) {
            io.err(`找不到企业 / no enterprise with code ${opts.enterprise}`);
            return EXIT.finding;
          }
          // Offline here: the store's last synced index stands in for the store (the store part adds the live lookup).
          const registration = new VolumeRegistration(
            repos,
            new SyncedIndexLookup(new StoreIndexRepo(data.db)),
          );
          try {
            const { volume: v, guard } = await registration.register(
              {
                enterpriseId: ent.id,
                volumeType: opts.type,
                year: opts.year,
                bureauCode: opts.bureau ?? ent.bureauCode,
                ...(opts.date === undefined ? {} : { registrationDate: opts.date }),
                ...(opts.pages === undefined ? {} : { declaredPages: opts.pages }),
              },
              actorOf(opts),
              opts.reason === undefined ? {} : { overrideReason: opts.reason },
            );
            if (opts.json === true) io.out(JSON.stringify({ volume: v, guard }, null, 2));
            else io.out(`已登记案卷 / volume registered: ${v.id}\t${v.archiveNo}\t${v.uid}`);
            return EXIT.ok;
          } catch (e) {
            if (isDomainError(e) && e.code === 'volume.possible-duplicate' && opts.json === true) {
              io.out(JSON.stringify({ error: e.code, message: e.text, ...e.details }, null, 2));
              return EXIT.finding;
            }
            throw e;
          }
        });
      },
    );

  const catalogue = program.command('catalogue').description('著录标引 / cataloguing');
  catalogue
    .command('suggest')
    .description('由题名区文字识别建议分件与类型 / propose documents and types from title-zone OCR')
    .argument('<volume>', '案卷编号、UID 或档号 / volume id, uid or 档号')
    .addOption(dataOption())
    .option('--no-ocr', '不先识别未识别的题名区 / do not OCR title zones that have not been read')
    .option('--json', '以 JSON 输出 / print JSON')
    .action(async (ref: string, opts: { data?: string; ocr: boolean; json?: boolean }) => {
      result.code = await withData(opts.data, io, async (data, repos) => {
        const v = findVolume(repos, ref);
        const ocr = new PageOcrRepo(data.db);
        if (opts.ocr) {
          const pool = await TesseractPool.create();
          try {
            const service = new OcrService(repos, ocr, data.blobs, pool);
            if (service.enqueueVolume(v.id, { zones: ['title'] }) > 0)
              await service.drain({ concurrency: pool.size });
          } finally {
            await pool.terminate();
          }
        }
        const s = suggestForVolume(repos, ocr, v.id);
        if (opts.json === true) io.out(JSON.stringify({ volume: v.archiveNo, ...s }, null, 2));
        else {
          io.out(`案卷 volume ${v.archiveNo}: ${s.documents.length} 件建议 / suggested documents`);
          for (const d of s.documents) {
            io.out(
              `  ${d.firstPage}–${d.lastPage}\t${d.typeCode}\t${d.title || '（无题名 no title）'}\t${d.confidence.toFixed(2)}`,
            );
          }
          if (s.unreadPages.length > 0) io.out(`  未识别的页 / pages not read: ${s.unreadPages.join(', ')}`);
        }
        return EXIT.ok;
      });
    });
  catalogue
    .command('set')
    .description('保存著录（整卷替换）/ save the catalogue of a volume (replaces it)')
    .argument('<volume>', '案卷编号、UID 或档号 / volume id, uid or 档号')
    .requiredOption(
      '--file <json>',
      '著录 JSON：文件数组或 {documents, pageCountReason} / JSON: an array of documents or {documents, pageCountReason}',
    )
    .addOption(dataOption())
    .option('--finish', '保存后标记为已著录 / mark the volume catalogued after saving')
    .option('--as <user>', '操作人 / acting user')
    .option('--json', '以 JSON 输出 / print JSON')
    .action(
      async (
        ref: string,
        opts: { data?: string; file: string; finish?: boolean; as?: string; json?: boolean },
      ) => {
        let parsed: { documents: DocumentDraft[]; pageCountReason?: string | null };
        try {
          const raw = CatalogueFile.parse(JSON.parse(fs.readFileSync(path.resolve(opts.file), 'utf8')));
          const docs = Array.isArray(raw) ? raw : raw.documents;
          parsed = {
            documents: docs.map((d) => {
              const doc = DocumentJson.parse(d);
              return { ...doc, docDate: doc.docDate ?? null, responsible: doc.responsible ?? null };
            }),
            ...(Array.isArray(raw) || raw.pageCountReason === undefined
              ? {}
              : { pageCountReason: raw.pageCountReason }),
          };
        } catch (e) {
          io.err(
            `著录文件无效 / invalid catalogue file ${opts.file}: ${e instanceof Error ? e.message : String(e)}`,
          );
          result.code = EXIT.finding;
          return;
        }
        result.code = await withData(opts.data, io, (data, repos) => {
          const v = findVolume(repos, ref);
          const engine = new CataloguingEngine(data.db, repos);
          const issues = engine.validate(v.id, parsed.documents, parsed);
          if (issues.some((i) => i.severity === 'error')) {
            if (opts.json === true) io.out(JSON.stringify({ saved: false, issues }, null, 2));
            else {
              io.out(`未保存 / not saved: ${v.archiveNo}`);
              printIssues(issues, io);
            }
            return EXIT.finding;
          }
          const view = engine.save(v.id, parsed.documents, actorOf(opts), {
            ...(parsed.pageCountReason === undefined ? {} : { pageCountReason: parsed.pageCountReason }),
            finish: opts.finish === true,
          });
          if (opts.json === true)
            io.out(
              JSON.stringify(
                { saved: true, state: view.volume.state, documents: view.documents, issues: view.issues },
                null,
                2,
              ),
            );
          else {
            io.out(
              `已保存 / saved: ${v.archiveNo}, ${view.documents.length} 件 documents, 状态 state ${view.volume.state}`,
            );
            printIssues(view.issues, io);
          }
          return EXIT.ok;
        });
      },
    );

  program
    .command('verify')
    .description(
      '图文校核机检（页数、著录、空白页、代码与名称、标签、分辨率、重复图像）/ machine checks of a volume',
    )
    .argument('<volume>', '案卷编号、UID 或档号 / volume id, uid or 档号')
    .addOption(dataOption())
    .option('--min-dpi <n>', '最低分辨率 / resolution floor (DA/T 31: 200)', parseInteger)
    .option('--json', '以 JSON 输出 / print JSON')
    .action(async (ref: string, opts: { data?: string; minDpi?: number; json?: boolean }) => {
      result.code = await withData(opts.data, io, async (data, repos) => {
        const v = findVolume(repos, ref);
        // Near-duplicate images: hashes and close comparisons missing from the cache are made now.
        const report = await machineCheckVolumeWithImages(
          repos,
          new PageOcrRepo(data.db),
          v.id,
          new NearDuplicateFinder(new PageHashesRepo(data.db), data.blobs),
          {
            forms: new FormReadingsRepo(data.db),
            ...(opts.minDpi === undefined ? {} : { minDpi: opts.minDpi }),
          },
        );
        if (opts.json === true)
          io.out(
            JSON.stringify(
              {
                volume: v.archiveNo,
                passed: report.passed,
                checks: report.checks,
                nearDuplicates: report.nearDuplicates?.pairs ?? [],
              },
              null,
              2,
            ),
          );
        else {
          io.out(`案卷 volume ${v.archiveNo}`);
          const marks = { pass: '✓', fail: '✗', warning: '!', skipped: '-' } as const;
          for (const c of report.checks) {
            io.out(`${marks[c.status]} ${bilingual(c.name)}`);
            printIssues(c.issues, io);
          }
          io.out(
            report.passed
              ? '结论：机检通过 / result: machine checks passed'
              : '结论：机检未通过 / result: machine checks failed',
          );
        }
        return report.passed ? EXIT.ok : EXIT.finding;
      });
    });
}
