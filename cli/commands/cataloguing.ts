import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { CatalogueIssue } from '../../core/cataloguing/issues';
import type { DocumentDraft } from '../../core/cataloguing/rules';
import { DomainError, isDomainError } from '../../core/errors';
import { bilingual, text } from '../../core/text';
import { bureauForDivision, DEFAULT_PROVINCE, findBureau } from '../../core/bureaus';
import { volumeTypeByCode } from '../../core/vocabulary';
import { isCalendarDate8 } from '../../core/calendar-date';
import { createRepos, type Actor, type Enterprise, type Repos, type Volume } from '../../db/repos';
import { PageOcrRepo } from '../../db/repos/page-ocr';
import { StoreIndexRepo } from '../../db/repos/store-index';
import { CataloguingEngine, type CatalogueView } from '../../workstation/cataloguing/engine';
import { EDITABLE_STATES } from '../../workstation/engine/handlers/cataloguing';
import { suggestForVolume } from '../../workstation/cataloguing/suggest';
import { resolveDataDir, type WorkstationData } from '../../workstation/data-dir';
import { OcrService } from '../../workstation/ocr/ocr-service';
import { TesseractPool } from '../../workstation/ocr/tesseract-pool';
import { findEnterprises } from '../../workstation/registration/enterprise-search';
import { VolumeRegistration } from '../../workstation/registration/register-volume';
import { SyncedIndexLookup } from '../../workstation/registration/store-lookup';
import {
  defaultEnterpriseBureau,
  divisionOfCode,
  volumeDefaults,
  type VolumeDefaults,
} from '../../workstation/registration/volume-defaults';
import { PageHashesRepo } from '../../db/repos/page-hashes';
import { FormReadingsRepo } from '../../db/repos/form-readings';
import { machineCheckVolumeWithImages } from '../../workstation/verification/machine';
import { NearDuplicateFinder } from '../../workstation/verification/near-duplicates';
import { usccRegionHint } from '../../core/verification/uscc-of-regno-enterprise';
import { EXIT } from '../exit-codes';
import type { Io } from '../output';
import { API } from '../../core/contracts/api';
import { CATALOGUING_API } from '../../core/contracts/api-cataloguing';
import { cliActor } from './capture-operator';
import { openDataFolder, printError } from './data-folder';
import { findVolume } from './volume-ref';

/** What each writing command may be done by: the engine endpoint's own rule (see `cliActor`). */
const RULES = {
  'enterprises.create': {
    access: API['enterprises.create'].access,
    action: text('登记企业', 'register an enterprise'),
  },
  'enterprises.recordUscc': {
    access: API['enterprises.recordUscc'].access,
    action: text('补录统一社会信用代码', 'record a USCC'),
  },
  'volumes.create': { access: API['volumes.create'].access, action: text('登记案卷', 'register a volume') },
  'catalogue.save': {
    access: CATALOGUING_API['catalogue.save'].access,
    action: text('保存著录', 'save a catalogue'),
  },
  'catalogue.finish': {
    access: CATALOGUING_API['catalogue.finish'].access,
    action: text('完成著录', 'finish cataloguing'),
  },
} as const;

/** The user `--as` names (else the login name), checked against `channel`'s rule before any write. */
function actorOf(repos: Repos, opts: { as?: string }, channel: keyof typeof RULES): Actor {
  return cliActor(repos, opts.as, {
    ...RULES[channel],
    code: 'cli.actor',
    who: text('操作人', 'acting user'),
  });
}

/**
 * Opens the data folder (checked: see data-folder.ts), runs `fn`, closes it; a DomainError — an
 * unusable folder, an unknown volume or enterprise, a refused rule — becomes a bilingual line and exit 1.
 */
async function withData(
  dataFlag: string | undefined,
  io: Io,
  fn: (data: WorkstationData, repos: Repos) => Promise<number> | number,
  options: { readonly readonly?: boolean } = {},
): Promise<number> {
  let data: WorkstationData | undefined;
  try {
    data = openDataFolder(resolveDataDir({ flag: dataFlag }), options);
    return await fn(data, createRepos(data.db));
  } catch (e) {
    if (!isDomainError(e)) throw e;
    printError(e, io);
    return EXIT.finding;
  } finally {
    data?.close();
  }
}

/** Findings, one a line; `warn`: errors of a saved draft, to fix before finishing. */
function printIssues(issues: readonly CatalogueIssue[], io: Io, errors: 'error' | 'warn' = 'error'): void {
  const marks = {
    error: errors === 'error' ? '✗ 错误 error' : '! 完成前须改正 warning, to fix before finishing',
    warning: '! 提示 warning',
  };
  for (const i of issues) io.out(`  ${marks[i.severity]} [${i.code}]: ${bilingual(i.message)}`);
}

/**
 * A default the command chose, said before the result: on stdout, or on stderr with --json so that
 * stdout stays one JSON document.
 */
function note(line: string, json: boolean, io: Io): void {
  if (json) io.err(line);
  else io.out(line);
}

function bureauLabel(code: string): string {
  const b = findBureau(DEFAULT_PROVINCE, code);
  return b === undefined ? code : `${code} ${b.authority} / ${b.authorityEn}`;
}

/** The bureau 登记 gives a new enterprise with this code, and the line that says why. */
function enterpriseBureauChoice(code: string | undefined): { code: string; line: string } {
  const bureau = defaultEnterpriseBureau(DEFAULT_PROVINCE, code);
  const division = code === undefined ? null : divisionOfCode(code);
  const line =
    division !== null && bureauForDivision(DEFAULT_PROVINCE, division) !== undefined
      ? `登记机关（默认：按代码的行政区划 ${division}）/ registration authority (default: from the code’s division ${division})`
      : '登记机关（默认：代码未指明本省的行政区划，归省局）/ registration authority (default: the code names no division of this province, so the province bureau)';
  return { code: bureau.code, line: `${line}: ${bureauLabel(bureau.code)}` };
}

/** One line per volume default taken because its flag was left out. */
function volumeDefaultLines(
  d: VolumeDefaults,
  opts: { type?: string; year?: number; bureau?: string; date?: string },
): string[] {
  const lines: string[] = [];
  if (opts.bureau === undefined)
    lines.push(
      `档案所属局（默认，企业的登记机关）/ bureau (default, the enterprise’s): ${bureauLabel(d.bureauCode)}`,
    );
  if (opts.year === undefined)
    lines.push(
      opts.date !== undefined && isCalendarDate8(opts.date.trim())
        ? `年度（默认，登记日期的年份）/ year (default, from the registration date): ${d.year}`
        : `年度（默认，今年）/ year (default, this year): ${d.year}`,
    );
  if (opts.type === undefined) {
    const t = volumeTypeByCode(d.volumeType);
    lines.push(
      `案卷类型（默认）/ volume type (default): ${d.volumeType}${t === undefined ? '' : ` ${t.name} / ${t.nameEn}`}`,
    );
  }
  return lines;
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

export interface CatalogueSaveOptions {
  data?: string;
  file?: string;
  finish?: boolean;
  as?: string;
  json?: boolean;
}

interface CatalogueDraft {
  documents: DocumentDraft[];
  pageCountReason?: string | null;
}

/** The documents of a catalogue file; `catalogue.invalid-file` naming the file and what is wrong. */
function readCatalogueFile(file: string): CatalogueDraft {
  try {
    const raw = CatalogueFile.parse(JSON.parse(fs.readFileSync(path.resolve(file), 'utf8')));
    const docs = Array.isArray(raw) ? raw : raw.documents;
    return {
      documents: docs.map((d) => {
        const doc = DocumentJson.parse(d);
        return { ...doc, docDate: doc.docDate ?? null, responsible: doc.responsible ?? null };
      }),
      ...(Array.isArray(raw) || raw.pageCountReason === undefined
        ? {}
        : { pageCountReason: raw.pageCountReason }),
    };
  } catch (e) {
    // zod's own message is a JSON dump: say where and what, one finding after another.
    const why =
      e instanceof z.ZodError
        ? e.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ')
        : e instanceof Error
          ? e.message
          : String(e);
    throw new DomainError(
      'catalogue.invalid-file',
      text(`著录文件无效：${file}：${why}`, `invalid catalogue file ${file}: ${why}`),
      { file },
    );
  }
}

/** As 著录标引 allows: a volume scanned and not yet catalogued, or sent back by QA. */
function assertEditable(v: Volume): void {
  if (EDITABLE_STATES.includes(v.state)) return;
  throw new DomainError(
    'catalogue.not-editable',
    text(
      `案卷 ${v.archiveNo} 当前状态（${v.state}）不能著录：须为已扫描或已退回`,
      `Volume ${v.archiveNo} cannot be catalogued in its state (${v.state}): it must be scanned or rejected`,
    ),
    { volumeId: v.id, state: v.state },
  );
}

/**
 * `catalogue set` and `catalogue finish`, as 著录标引's 保存 and 完成著录: a save keeps half-done work
 * and prints what is left as warnings (exit 0); finishing needs every rule and is otherwise refused
 * whole with the findings listed (exit 1). Finishing without a file finishes the catalogue as saved.
 */
export async function saveCatalogue(
  ref: string,
  opts: CatalogueSaveOptions,
  finish: boolean,
  io: Io,
): Promise<number> {
  const json = opts.json === true;
  return withData(opts.data, io, (data, repos) => {
    // The file is checked first: bad input is said as such, whatever the volume.
    const fromFile = opts.file === undefined ? undefined : readCatalogueFile(opts.file);
    const v = findVolume(repos, ref);
    assertEditable(v);
    const draft: CatalogueDraft = fromFile ?? {
      documents: repos.documents
        .list(v.id)
        .map(({ typeCode, title, docDate, responsible, firstPage, lastPage }) => ({
          typeCode,
          title,
          docDate,
          responsible,
          firstPage,
          lastPage,
        })),
    };
    const engine = new CataloguingEngine(data.db, repos);
    let view: CatalogueView;
    try {
      view = engine.save(
        v.id,
        draft.documents,
        actorOf(repos, opts, finish ? 'catalogue.finish' : 'catalogue.save'),
        {
          ...(draft.pageCountReason === undefined ? {} : { pageCountReason: draft.pageCountReason }),
          finish,
        },
      );
    } catch (e) {
      if (!isDomainError(e) || e.code !== 'catalogue.invalid') throw e;
      // Refused whole: nothing was saved. The findings are the errors and warnings as they stand.
      const issues = engine.validate(v.id, draft.documents, draft);
      if (json)
        io.out(
          JSON.stringify({ saved: false, finished: false, error: e.code, message: e.text, issues }, null, 2),
        );
      else {
        io.out(`未完成著录，未保存 / not finished, nothing saved: ${v.archiveNo}`);
        io.out(`  ${bilingual(e.text)}`);
        printIssues(issues, io);
      }
      return EXIT.finding;
    }
    const open = view.issues.filter((i) => i.severity === 'error').length;
    if (json)
      io.out(
        JSON.stringify(
          {
            saved: true,
            finished: finish,
            state: view.volume.state,
            documents: view.documents,
            issues: view.issues,
          },
          null,
          2,
        ),
      );
    else {
      io.out(
        finish
          ? `已完成著录，已提交图文校核 / finished, ready for QA: ${v.archiveNo}, ${view.documents.length} 件 documents`
          : open > 0
            ? `已保存草稿（还有 ${open} 个问题，完成著录前须改正）/ draft saved (${open} to fix before finishing): ${v.archiveNo}, ${view.documents.length} 件 documents`
            : `已保存 / saved: ${v.archiveNo}, ${view.documents.length} 件 documents, 状态 state ${view.volume.state}`,
      );
      // In a draft every finding is a warning: nothing is refused until the volume is finished.
      printIssues(view.issues, io, 'warn');
    }
    return EXIT.ok;
  });
}

export interface EnterpriseFindOptions {
  data?: string;
  json?: boolean;
}

/** `dangan enterprise find <query>`. */
export async function enterpriseFindCommand(
  query: string,
  opts: EnterpriseFindOptions,
  io: Io,
): Promise<number> {
  return withData(opts.data, io, (_, repos) => {
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
}

export interface EnterpriseCreateOptions {
  data?: string;
  uscc?: string;
  regNo?: string;
  name: string;
  bureau?: string;
  as?: string;
  json?: boolean;
}

/** `dangan enterprise create`. */
export async function enterpriseCreateCommand(opts: EnterpriseCreateOptions, io: Io): Promise<number> {
  return withData(opts.data, io, (_, repos) => {
    const { code: bureauCode, line: chosen } =
      opts.bureau === undefined
        ? enterpriseBureauChoice(opts.uscc ?? opts.regNo)
        : { code: opts.bureau, line: null };
    const e = repos.enterprises.create(
      {
        name: opts.name,
        bureauCode,
        ...(opts.uscc === undefined ? {} : { uscc: opts.uscc }),
        ...(opts.regNo === undefined ? {} : { regNo: opts.regNo }),
      },
      actorOf(repos, opts, 'enterprises.create'),
    );
    // Said once the enterprise exists: an invalid code is refused without talk of defaults.
    if (chosen !== null) note(chosen, opts.json === true, io);
    io.out(
      opts.json === true
        ? JSON.stringify(e, null, 2)
        : `已登记 / registered: ${e.id}\t${e.uscc ?? e.regNo ?? ''}\t${e.name}`,
    );
    return EXIT.ok;
  });
}

/** An enterprise named by its record id, USCC or 注册号 (`enterprise.not-found` otherwise). */
function findEnterprise(repos: Repos, ref: string): Enterprise {
  const ent = /^\d{1,9}$/.test(ref) ? repos.enterprises.get(Number(ref)) : repos.enterprises.findByCode(ref);
  if (ent === null) {
    throw new DomainError(
      'enterprise.not-found',
      text(`找不到企业：${ref}`, `No enterprise with the code ${ref}`),
      {
        ref,
      },
    );
  }
  return ent;
}

export interface EnterpriseSetUsccOptions {
  data?: string;
  as?: string;
  json?: boolean;
}

/** `dangan enterprise set-uscc <enterprise> <code>`: 补录 the USCC of an enterprise known only by its 注册号. */
export async function enterpriseSetUsccCommand(
  ref: string,
  code: string,
  opts: EnterpriseSetUsccOptions,
  io: Io,
): Promise<number> {
  return withData(opts.data, io, (_, repos) => {
    const ent = findEnterprise(repos, ref);
    const r = repos.enterprises.recordUscc(ent.id, code, actorOf(repos, opts, 'enterprises.recordUscc'));
    if (opts.json === true) io.out(JSON.stringify(r, null, 2));
    else if (!r.recorded)
      io.out(`已登记过，未作改动 / already recorded, nothing changed: ${ent.id}\t${r.uscc}\t${ent.name}`);
    else {
      const hint = usccRegionHint(r.uscc, ent.regNo ?? '');
      io.out(`已补录统一社会信用代码 / USCC recorded: ${ent.id}\t${r.uscc}\t${ent.name}`);
      if (ent.regNo !== null && !hint.agrees) io.out(`  ! 提示 warning: ${bilingual(hint.text)}`);
    }
    return EXIT.ok;
  });
}

export interface VolumeCreateOptions {
  data?: string;
  enterprise: string;
  type?: string;
  year?: number;
  bureau?: string;
  date?: string;
  pages?: number;
  reason?: string;
  as?: string;
  json?: boolean;
}

/** `dangan volume create`. */
export async function volumeCreateCommand(opts: VolumeCreateOptions, io: Io): Promise<number> {
  return withData(opts.data, io, async (data, repos) => {
    const ent = findEnterprise(repos, opts.enterprise);
    // What 登记 starts the volume form with, for each flag left out.
    const defaults = volumeDefaults(ent, opts.date, new Date());
    for (const line of volumeDefaultLines(defaults, opts)) note(line, opts.json === true, io);
    // Offline here: the store's last synced index stands in for the store (the store part adds the live lookup).
    const registration = new VolumeRegistration(repos, new SyncedIndexLookup(new StoreIndexRepo(data.db)));
    try {
      const { volume: v, guard } = await registration.register(
        {
          enterpriseId: ent.id,
          volumeType: opts.type ?? defaults.volumeType,
          year: opts.year ?? defaults.year,
          bureauCode: opts.bureau ?? defaults.bureauCode,
          ...(opts.date === undefined ? {} : { registrationDate: opts.date }),
          ...(opts.pages === undefined ? {} : { declaredPages: opts.pages }),
        },
        actorOf(repos, opts, 'volumes.create'),
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
}

export interface CatalogueSuggestOptions {
  data?: string;
  ocr: boolean;
  json?: boolean;
}

/** `dangan catalogue suggest <volume>`. */
export async function catalogueSuggestCommand(
  ref: string,
  opts: CatalogueSuggestOptions,
  io: Io,
): Promise<number> {
  return withData(opts.data, io, async (data, repos) => {
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
}

export interface VerifyOptions {
  data?: string;
  minDpi?: number;
  json?: boolean;
}

/** `dangan verify <volume>`: the machine checks of a volume. */
export async function verifyCommand(ref: string, opts: VerifyOptions, io: Io): Promise<number> {
  return withData(opts.data, io, async (data, repos) => {
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
        // The one action that settles a USCC read on a 注册号-only enterprise's form.
        for (const code of new Set(c.issues.flatMap((i) => i.proposedUscc ?? [])))
          io.out(
            `    → 补录 record it: dangan enterprise set-uscc ${String(v.enterpriseId)} ${code} --as <用户 user>`,
          );
      }
      io.out(
        report.passed
          ? '结论：机检通过 / result: machine checks passed'
          : '结论：机检未通过 / result: machine checks failed',
      );
    }
    return report.passed ? EXIT.ok : EXIT.finding;
  });
}
