import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { monthlyStats } from '../../../db/stats/monthly';
import { engineWithUsers } from '../../../tests/support/engine-users';
import { faultyCatalogue } from '../../../tests/support/faulty-catalogue';

async function sheets(bytes: Buffer): Promise<Record<string, unknown[][]>> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  const out: Record<string, unknown[][]> = {};
  wb.eachSheet((ws) => {
    const rows: unknown[][] = [];
    ws.eachRow((r) => rows.push(Array.isArray(r.values) ? r.values.slice(1) : []));
    out[ws.name] = rows;
  });
  return out;
}

describe('统计 handlers', () => {
  it('give the month’s figures, pages per day and operator, volumes by state; narrowed to a bureau', async () => {
    const cat = faultyCatalogue({ faults: false }); // fake clock: March 2026
    const t = await engineWithUsers({ db: cat.db, dataDir: cat.dir, now: cat.clock.now });
    const r = await t.ok('stats.monthly', { month: '2026-03' }, t.as.qa);
    const pages = cat.db
      .prepare('SELECT count(*) FROM pages WHERE deleted_at IS NULL')
      .pluck()
      .get() as number;
    expect(pages).toBeGreaterThan(0);
    expect(r.daily.reduce((n, d) => n + d.pages, 0)).toBe(pages);
    expect(r.daily.every((d) => d.day.startsWith('2026-03'))).toBe(true);
    const byType = r.topics.find((x) => x.id === 'by-type');
    expect(byType?.rows.reduce((n, row) => n + Number(row['pages']), 0)).toBe(pages);
    const volumes = cat.db.prepare('SELECT count(*) FROM volumes').pluck().get() as number;
    expect(r.byState.reduce((n, s) => n + s.volumes, 0)).toBe(volumes);
    expect(r.bureaus).toEqual(['350200']);
    // The same topics as `dangan report monthly`.
    expect(r.topics.map((x) => x.id)).toEqual(monthlyStats(cat.db, '2026-03').topics.map((x) => x.id));

    const other = await t.ok('stats.monthly', { month: '2026-03', bureau: '350100' }, t.as.technician);
    expect(other.daily).toEqual([]);
    expect(other.topics.find((x) => x.id === 'by-type')?.rows).toEqual([]);
    expect(other.byState).toEqual([]);
    const empty = await t.ok('stats.monthly', { month: '2026-04' }, t.as.admin);
    expect(empty.daily).toEqual([]);
  });

  it('operators do not read them; a bad month is refused', async () => {
    const cat = faultyCatalogue({ faults: false, clean: 1 });
    const t = await engineWithUsers({ db: cat.db, dataDir: cat.dir, now: cat.clock.now });
    expect((await t.fails('stats.monthly', { month: '2026-03' }, t.as.operator)).code).toBe('auth.forbidden');
    expect((await t.fails('stats.monthly', { month: '2026-13' }, t.as.qa)).code).toBe('request.invalid');
  });

  it('the workbook is the monthly report: one sheet per topic, Chinese headers, the same rows', async () => {
    const cat = faultyCatalogue({ faults: false });
    const t = await engineWithUsers({ db: cat.db, dataDir: cat.dir, now: cat.clock.now });
    const r = await t.ok('stats.workbook', { month: '2026-03' }, t.as.qa);
    expect(r.fileName).toBe('综合统计-2026-03.xlsx');
    const ours = await sheets(Buffer.from(r.xlsxBase64, 'base64'));
    const stats = monthlyStats(cat.db, '2026-03');
    expect(Object.keys(ours)).toEqual(stats.topics.map((x) => x.title));
    for (const topic of stats.topics) {
      const rows = ours[topic.title] ?? [];
      expect(rows[0]).toEqual(topic.columns.map((c) => c.header));
      expect(rows.slice(1, 1 + topic.rows.length)).toEqual(
        topic.rows.map((row) => topic.columns.map((c) => row[c.key] ?? null)),
      );
    }
    const narrowed = await t.ok('stats.workbook', { month: '2026-03', bureau: '350100' }, t.as.qa);
    expect(narrowed.fileName).toBe('综合统计-2026-03-350100.xlsx');
    expect((await sheets(Buffer.from(narrowed.xlsxBase64, 'base64')))['按案卷类型的数字化量']).toHaveLength(
      1,
    );
  });
});
