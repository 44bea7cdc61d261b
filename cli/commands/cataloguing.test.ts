import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRepos } from '../../db/repos';
import { PageOcrRepo } from '../../db/repos/page-ocr';
import { tempDir } from '../../tests/support/temp-dir';
import { openDataDir } from '../../workstation/data-dir';
import { regNoCheckDigit } from '../../core/codes/regno';
import { usccCheckChar } from '../../core/codes/uscc';
import { OPERATOR } from '../../tests/support/repos';
import { runCli as run } from '../../tests/support/cli';
import { addUser } from '../../tests/support/capture-data';
import { engineWithUsers } from '../../tests/support/engine-users';
import { NEW_USCC, OLD_REG_NO, regNoVolumeShowingUscc } from '../../tests/support/regno-uscc';
import { openTestWorkstation } from '../../tests/support/transfer-fixtures';

/**
 * A new data folder, as `dangan start --check` makes one, with the operator the tests act as (`--as
 * op-wang`) and, with `qa`, the QA inspector `qa-li`.
 */
async function newDataDir(options: { qa?: boolean } = {}): Promise<string> {
  const dir = path.join(tempDir(), 'data');
  expect((await run('start', '--check', '--data', dir)).code).toBe(0);
  const data = openDataDir(dir);
  try {
    await addUser(createRepos(data.db), 'op-wang', ['operator']);
    if (options.qa === true) await addUser(createRepos(data.db), 'qa-li', ['qa']);
  } finally {
    data.close();
  }
  return dir;
}

/** A USCC of `division` with its right check character. */
function usccOf(division: string, serial = '77604965'): string {
  const first17 = `91${division}${serial}3`;
  return first17 + usccCheckChar(first17);
}

/**
 * Scans pages into the volume (distinct digests, 300 dpi) with the title-zone text OCR would have
 * stored, and finishes scanning: the volume is `scanned`, ready for 著录.
 */
function addPages(dir: string, volumeId: number, titles: readonly string[]): void {
  const data = openDataDir(dir);
  try {
    const repos = createRepos(data.db);
    repos.volumes.transition(volumeId, 'scanning', OPERATOR);
    const ocr = new PageOcrRepo(data.db);
    titles.forEach((title, i) => {
      const put = data.blobs.put(Buffer.from(`page ${i} of volume ${volumeId}`));
      const page = repos.pages.addCaptured({
        volumeId,
        blob: { sha256: put.sha256, size: put.size, mediaType: 'image/png' },
        dpiX: 300,
        dpiY: 300,
      });
      ocr.saveDone({
        pageId: page.id,
        zone: 'title',
        blobSha256: put.sha256,
        text: title,
        words: [],
        confidence: 90,
        engine: 'stored',
        attempts: 1,
      });
    });
    repos.volumes.transition(volumeId, 'scanned', OPERATOR);
  } finally {
    data.close();
  }
}

describe('dangan enterprise / volume / catalogue / verify', () => {
  it('registers, guards against digitizing twice, suggests, saves a catalogue and verifies', async () => {
    const dir = await newDataDir();
    const d = ['--data', dir, '--as', 'op-wang'];
    expect(
      (
        await run(
          'enterprise',
          'create',
          '--uscc',
          '91350200776049653A',
          '--name',
          '厦门测试有限公司',
          '--bureau',
          '350200',
          ...d,
        )
      ).code,
    ).toBe(0);
    const bad = await run(
      'enterprise',
      'create',
      '--uscc',
      '91350200776049653B',
      '--name',
      'x',
      '--bureau',
      '350200',
      ...d,
    );
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('enterprise.invalid-code');
    const found = await run('enterprise', 'find', '厦门侧试', '--data', dir, '--json');
    expect(JSON.parse(found.out)).toEqual([expect.objectContaining({ match: 'fuzzy' })]);

    const create = [
      'volume',
      'create',
      '--enterprise',
      '91350200776049653A',
      '--type',
      'SL',
      '--year',
      '2026',
      // no --bureau: the volume belongs to the enterprise's bureau (350200)
      '--pages',
      '3',
      ...d,
    ];
    const first = await run(...create, '--json');
    expect(first.code).toBe(0);
    expect((JSON.parse(first.out) as { volume: { archiveNo: string } }).volume.archiveNo).toBe(
      '350200-2026-SL-000001',
    );
    const dup = await run(...create);
    expect(dup.code).toBe(1);
    expect(dup.err).toContain('350200-2026-SL-000001');
    expect((await run(...create, '--reason', '首次扫描图像丢失，重新数字化')).out).toContain(
      '350200-2026-SL-000002',
    );

    addPages(dir, 1, [
      '公司设立登记申请书',
      '申请人对所提交材料的真实性负责，特此声明并签字确认如下。',
      '公司章程',
    ]);
    const suggest = await run(
      'catalogue',
      'suggest',
      '350200-2026-SL-000001',
      '--no-ocr',
      '--json',
      '--data',
      dir,
    );
    expect(
      (
        JSON.parse(suggest.out) as { documents: { typeCode: string; firstPage: number; lastPage: number }[] }
      ).documents.map((x) => [x.typeCode, x.firstPage, x.lastPage]),
    ).toEqual([
      ['APP', 1, 2],
      ['AOA', 3, 3],
    ]);

    const file = path.join(dir, 'catalogue.json');
    fs.writeFileSync(
      file,
      JSON.stringify([
        { typeCode: 'APP', title: '公司设立登记申请书', docDate: '20260301', firstPage: 1, lastPage: 2 },
      ]),
    );
    const refused = await run('catalogue', 'set', '1', '--file', file, '--finish', ...d);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('第 3 页不属于任何一件 / Page 3 belongs to no document');
    expect((await run('verify', '1', '--data', dir)).code).toBe(1); // nothing catalogued yet

    fs.writeFileSync(
      file,
      JSON.stringify({
        documents: [
          { typeCode: 'APP', title: '公司设立登记申请书', docDate: '20260301', firstPage: 1, lastPage: 2 },
          { typeCode: 'AOA', title: '公司章程', docDate: '20260301', firstPage: 3, lastPage: 3 },
        ],
      }),
    );
    expect((await run('catalogue', 'finish', '1', '--file', file, ...d)).code).toBe(0);
    const verify = await run('verify', '1', '--json', '--data', dir);
    expect(verify.code).toBe(0);
    expect(JSON.parse(verify.out)).toMatchObject({ passed: true, volume: '350200-2026-SL-000001' });
    expect((await run('verify', 'no-such', '--data', dir)).err).toContain('案卷不存在：no-such');
    fs.writeFileSync(file, '{"documents": [{"typeCode": 1}]}');
    expect((await run('catalogue', 'set', '1', '--file', file, ...d)).err).toContain(
      'invalid catalogue file',
    );
  }, 30_000);

  it('enterprise create and volume create take 登记’s defaults for the flags left out, and say so', async () => {
    const dir = await newDataDir();
    const d = ['--data', dir, '--as', 'op-wang'];
    // A county’s code (思明区 350203): its city’s bureau, as 登记 proposes it.
    const county = usccOf('350203');
    const made = await run('enterprise', 'create', '--uscc', county, '--name', '厦门思明测试有限公司', ...d);
    expect(made.code).toBe(0);
    expect(made.out).toContain(
      '登记机关（默认：按代码的行政区划 350203）/ registration authority (default: from the code’s division 350203): 350200 厦门市市场监督管理局 / Xiamen Municipal Administration for Market Regulation',
    );
    // Another province’s code: the province bureau. With --json the choice goes to stderr.
    const beijing = await run(
      'enterprise',
      'create',
      '--uscc',
      usccOf('110108'),
      '--name',
      '北京测试有限公司',
      '--json',
      ...d,
    );
    expect(beijing.code).toBe(0);
    expect(JSON.parse(beijing.out)).toMatchObject({ bureauCode: '350000' });
    expect(beijing.err).toContain('the province bureau): 350000 福建省市场监督管理局');
    // An explicit --bureau wins, and nothing is said about defaults.
    const chosen = await run(
      'enterprise',
      'create',
      '--uscc',
      usccOf('350203', '12345678'),
      '--name',
      '福州办理测试有限公司',
      '--bureau',
      '350100',
      '--json',
      ...d,
    );
    expect(JSON.parse(chosen.out)).toMatchObject({ bureauCode: '350100' });
    expect(chosen.err).toBe('');

    // A 注册号 names its division too (泉州 350500); an invalid code is refused without talk of defaults.
    const regNo = `35050010000012${regNoCheckDigit('35050010000012')}`;
    const byRegNo = await run(
      'enterprise',
      'create',
      '--reg-no',
      regNo,
      '--name',
      '泉州老字号',
      '--json',
      ...d,
    );
    expect(JSON.parse(byRegNo.out)).toMatchObject({ bureauCode: '350500' });
    const invalid = await run(
      'enterprise',
      'create',
      '--uscc',
      `${county.slice(0, 17)}X`,
      '--name',
      'x',
      ...d,
    );
    expect(invalid.code).toBe(1);
    expect(`${invalid.out}${invalid.err}`).not.toContain('默认');

    // A volume: the enterprise’s bureau, the registration date’s 年度, type SL.
    const dated = await run('volume', 'create', '--enterprise', county, '--date', '20240315', ...d);
    expect(dated.code).toBe(0);
    expect(dated.out).toContain(
      '档案所属局（默认，企业的登记机关）/ bureau (default, the enterprise’s): 350200 厦门市市场监督管理局',
    );
    expect(dated.out).toContain(
      '年度（默认，登记日期的年份）/ year (default, from the registration date): 2024',
    );
    expect(dated.out).toContain('案卷类型（默认）/ volume type (default): SL 设立 / Establishment');
    expect(dated.out).toContain('350200-2024-SL-000001');
    // No date: this year on the workstation’s clock; the given type is not a default.
    const year = new Date().getFullYear();
    const undated = await run('volume', 'create', '--enterprise', county, '--type', 'BG', '--json', ...d);
    expect(undated.code).toBe(0);
    expect((JSON.parse(undated.out) as { volume: { archiveNo: string } }).volume.archiveNo).toBe(
      `350200-${year}-BG-000001`,
    );
    expect(undated.err).toContain(`年度（默认，今年）/ year (default, this year): ${year}`);
    expect(undated.err).not.toContain('volume type');
    // Every flag given: each wins, no default is mentioned.
    const explicit = await run(
      'volume',
      'create',
      '--enterprise',
      county,
      '--type',
      'ZX',
      '--year',
      '2025',
      '--bureau',
      '350000',
      '--date',
      '20240315',
      ...d,
    );
    expect(explicit.code).toBe(0);
    expect(explicit.out).toContain('350000-2025-ZX-000001');
    expect(explicit.out).not.toContain('默认');
  }, 30_000);

  it('acts only as an active user whose roles the app allows for the step, refusing before writing', async () => {
    const dir = await newDataDir({ qa: true });
    const uscc = usccOf('350200');
    const enterprise = [
      'enterprise',
      'create',
      '--uscc',
      uscc,
      '--name',
      '厦门审计测试有限公司',
      '--data',
      dir,
    ];
    const nobody = await run(...enterprise, '--as', 'nobody');
    expect(nobody.code).toBe(1);
    expect(nobody.err).toMatch(
      /\[cli\.actor-unknown\]: 没有用户名为“nobody”的用户.* \/ No user named "nobody"/,
    );
    const qa = await run(...enterprise, '--as', 'qa-li');
    expect(qa.code).toBe(1);
    expect(qa.err).toMatch(/\[cli\.actor-role\]: 用户 qa-li（质检员）.*不能登记企业/);
    expect((await run('enterprise', 'find', uscc, '--data', dir, '--json')).out).not.toContain('审计测试');
    expect((await run(...enterprise, '--as', 'op-wang')).code).toBe(0);
    const volume = ['volume', 'create', '--enterprise', uscc, '--date', '20260301', '--data', dir];
    expect((await run(...volume, '--as', 'qa-li')).err).toMatch(
      /\[cli\.actor-role\].*cannot register a volume/,
    );
    const audit = openDataDir(dir);
    try {
      const rows = audit.db
        .prepare(
          "SELECT DISTINCT username, user_id FROM audit_log WHERE action LIKE 'enterprise.%' OR action LIKE 'volume.%'",
        )
        .all() as { username: string; user_id: number | null }[];
      // Only the operator acted, recorded as the user it is (its id, not just a name).
      expect(rows.map((r) => r.username)).toEqual(['op-wang']);
      expect(rows[0]?.user_id).not.toBeNull();
    } finally {
      audit.close();
    }
  }, 60_000);

  it('catalogue set keeps a draft with its findings as warnings; catalogue finish refuses until every rule passes', async () => {
    const dir = await newDataDir();
    const d = ['--data', dir, '--as', 'op-wang'];
    const uscc = usccOf('350200');
    await run('enterprise', 'create', '--uscc', uscc, '--name', '厦门著录测试有限公司', ...d);
    expect(
      (await run('volume', 'create', '--enterprise', uscc, '--date', '20260301', '--pages', '3', ...d)).code,
    ).toBe(0);
    const file = path.join(dir, 'catalogue.json');
    const half = [{ typeCode: 'APP', title: '公司设立登记申请书', firstPage: 1, lastPage: 2 }];
    fs.writeFileSync(file, JSON.stringify(half));
    // Not scanned yet: no 著录, as in 著录标引.
    const early = await run('catalogue', 'set', '1', '--file', file, ...d);
    expect(early.code).toBe(1);
    expect(early.err).toContain('[catalogue.not-editable]');
    expect(early.err).toContain('must be scanned or rejected');

    addPages(dir, 1, ['公司设立登记申请书', '申请人声明', '公司章程']);
    // Half done (no date, page 3 in no document): saved all the same, the findings as warnings.
    const draft = await run('catalogue', 'set', '1', '--file', file, ...d);
    expect(draft.code).toBe(0);
    expect(draft.out).toMatch(
      /已保存草稿（还有 \d+ 个问题，完成著录前须改正）\/ draft saved \(\d+ to fix before finishing\)/,
    );
    expect(draft.out).toContain('! 完成前须改正 warning, to fix before finishing');
    expect(draft.out).toContain('Page 3 belongs to no document');
    expect(draft.out).not.toContain('✗');
    const stored = () => {
      const data = openDataDir(dir);
      try {
        const repos = createRepos(data.db);
        return { state: repos.volumes.get(1).state, documents: repos.documents.list(1).length };
      } finally {
        data.close();
      }
    };
    expect(stored()).toEqual({ state: 'scanned', documents: 1 });

    // Finishing the saved draft is refused whole, the findings listed as errors.
    const refused = await run('catalogue', 'finish', '1', ...d);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('未完成著录，未保存 / not finished, nothing saved');
    expect(refused.out).toContain('✗ 错误 error');
    expect(refused.out).toContain('Page 3 belongs to no document');
    const json = await run('catalogue', 'complete', '1', '--json', ...d);
    expect(json.code).toBe(1);
    const body = JSON.parse(json.out) as { saved: boolean; error: string; issues: { severity: string }[] };
    expect(body).toMatchObject({ saved: false, error: 'catalogue.invalid' });
    expect(body.issues.filter((i) => i.severity === 'error').length).toBeGreaterThan(0);
    expect(stored()).toEqual({ state: 'scanned', documents: 1 });
    // What cannot be stored at all (overlapping documents) is refused even as a draft.
    fs.writeFileSync(
      file,
      JSON.stringify([
        { typeCode: 'APP', title: '申请书', firstPage: 1, lastPage: 2 },
        { typeCode: 'AOA', title: '公司章程', firstPage: 2, lastPage: 3 },
      ]),
    );
    const overlapping = await run('catalogue', 'set', '1', '--file', file, ...d);
    expect(overlapping.code).toBe(1);
    expect(overlapping.err).toMatch(/^错误 error \[/);
    expect(stored()).toEqual({ state: 'scanned', documents: 1 });

    // Complete: finished (`complete` is the same command), then no longer editable.
    fs.writeFileSync(
      file,
      JSON.stringify([
        { typeCode: 'APP', title: '公司设立登记申请书', docDate: '20260301', firstPage: 1, lastPage: 2 },
        { typeCode: 'AOA', title: '公司章程', docDate: '20260301', firstPage: 3, lastPage: 3 },
      ]),
    );
    const done = await run('catalogue', 'complete', '1', '--file', file, ...d);
    expect(done.code).toBe(0);
    expect(done.out).toContain('已完成著录，已提交图文校核 / finished, ready for QA');
    expect(stored()).toEqual({ state: 'catalogued', documents: 2 });
    expect((await run('catalogue', 'set', '1', '--file', file, ...d)).err).toContain(
      '[catalogue.not-editable]',
    );
  }, 30_000);
});

describe('dangan enterprise set-uscc', () => {
  it('records the USCC of a 注册号-only enterprise as the operator; refuses bad codes, others’ codes and QA', async () => {
    const dir = await newDataDir({ qa: true });
    const d = ['--data', dir, '--as', 'op-wang'];
    const regNo = `35020010000001${regNoCheckDigit('35020010000001')}`;
    const made = await run('enterprise', 'create', '--reg-no', regNo, '--name', '厦门老字号', '--json', ...d);
    const id = String((JSON.parse(made.out) as { id: number }).id);
    const held = usccOf('350200');
    expect((await run('enterprise', 'create', '--uscc', held, '--name', '厦门别家', ...d)).code).toBe(0);
    // 泉州's division on a 厦门 注册号: recorded, with the hint to check it.
    const quanzhou = usccOf('350500', '12345678');

    const asQa = await run('enterprise', 'set-uscc', id, quanzhou, '--data', dir, '--as', 'qa-li');
    expect(asQa.code).toBe(1);
    expect(asQa.err).toContain('[cli.actor-role]');
    const bad = await run(
      'enterprise',
      'set-uscc',
      id,
      `${quanzhou.slice(0, 17)}${quanzhou.endsWith('0') ? '1' : '0'}`,
      ...d,
    );
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('[enterprise.invalid-code]');
    const taken = await run('enterprise', 'set-uscc', regNo, held, ...d);
    expect(taken.code).toBe(1);
    expect(taken.err).toContain(`已属于本系统中的另一企业“厦门别家”`);
    expect(taken.err).toContain('belongs here to another enterprise, "厦门别家"');
    expect((await run('enterprise', 'set-uscc', '999', quanzhou, ...d)).code).toBe(1);

    const ok = await run('enterprise', 'set-uscc', regNo, quanzhou, ...d);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain(`已补录统一社会信用代码 / USCC recorded: ${id}\t${quanzhou}\t厦门老字号`);
    expect(ok.out).toContain('不符（迁移后赋码？）');
    // Found by the new code; the same again changes nothing; another is refused.
    const found = await run('enterprise', 'find', quanzhou, '--data', dir);
    expect(found.out).toContain('厦门老字号');
    const again = await run('enterprise', 'set-uscc', id, quanzhou, ...d);
    expect([again.code, again.out]).toEqual([
      0,
      `已登记过，未作改动 / already recorded, nothing changed: ${id}\t${quanzhou}\t厦门老字号`,
    ]);
    const second = await run('enterprise', 'set-uscc', id, usccOf('350200', '87654321'), ...d);
    expect(second.code).toBe(1);
    expect(second.err).toContain('[enterprise.uscc-exists]');
    expect((await run('enterprise', 'set-uscc', id, '--data', dir)).code).toBe(2); // the code is missing
  }, 30_000);
});

describe('dangan verify on a 注册号-only enterprise’s form showing its USCC', () => {
  it('says how to record it, and after set-uscc the page is confirmed', async () => {
    const dir = tempDir();
    const w = openTestWorkstation(dir);
    const t = await engineWithUsers({ db: w.data.db, dataDir: dir });
    let seeded: { enterpriseId: number; volumeId: number };
    try {
      seeded = await regNoVolumeShowingUscc(w, (input) => t.ok('catalogue.finish', input, t.as.operator));
    } finally {
      await t.engine.close();
      w.data.close();
    }
    const volume = String(seeded.volumeId);
    const hint = `dangan enterprise set-uscc ${String(seeded.enterpriseId)} ${NEW_USCC} --as`;
    const before = await run('verify', volume, '--data', dir);
    expect(before.out).toContain('[verify.uscc-unrecorded]');
    expect(before.out).toContain(hint);

    const set = await run('enterprise', 'set-uscc', OLD_REG_NO, NEW_USCC, '--data', dir, '--as', 'operator');
    expect(set.code).toBe(0);
    const after = await run('verify', volume, '--data', dir);
    expect(after.out).not.toContain('[verify.uscc-unrecorded]');
    expect(after.out).not.toContain(hint);
  }, 60_000);
});
