import { describe, expect, it } from 'vitest';
import { FormReadingsRepo } from '../repos/form-readings';
import { dbAtVersion, upgrade } from '../../tests/support/db-at-version';

const T = '2026-01-01T00:00:00.000Z';
const sha = (c: string) => c.repeat(64);

describe('migration 0010 form reading', () => {
  it('upgrades a version-9 catalogue with pages: readings are stored per page, replaced, listed by volume', () => {
    const { db, file } = dbAtVersion(9);
    db.prepare(
      "INSERT INTO enterprises (id, uscc, name, bureau_code, created_at, updated_at) VALUES (1, '913502000000000001', '甲公司', '350200', ?, ?)",
    ).run(T, T);
    db.prepare(
      "INSERT INTO volumes (id, uid, enterprise_id, archive_no, volume_type, year, bureau_code, state, created_at, updated_at) VALUES (1, 'u1', 1, 'A-1', 'SL', 2026, '350200', 'catalogued', ?, ?)",
    ).run(T, T);
    const blob = db.prepare(
      "INSERT INTO blobs (sha256, size, media_type, created_at) VALUES (?, 10, 'image/jpeg', ?)",
    );
    for (const c of ['a', 'b']) blob.run(sha(c), T);
    const page = db.prepare(
      'INSERT INTO pages (id, volume_id, seq, blob_sha256, dpi_x, dpi_y, captured_at) VALUES (?, 1, ?, ?, 300, 300, ?)',
    );
    page.run(1, 1, sha('a'), T);
    page.run(2, 2, sha('b'), T);
    db.close();

    const next = upgrade(file);
    // Existing data is untouched and no page has a reading yet.
    expect(next.prepare('SELECT count(*) FROM pages').pluck().get()).toBe(2);
    expect(next.prepare('SELECT count(*) FROM page_form_readings').pluck().get()).toBe(0);

    const repo = new FormReadingsRepo(next, () => new Date(T));
    const reading = {
      pageId: 2,
      blobSha256: sha('b'),
      layout: 'table' as const,
      codeLabel: '统一社会信用代码',
      codeReadings: ['91350400134217512FE', '91350400134217512E'],
      nameText: '甲公司',
      uscc: '91350400134217512E',
      engine: 'test',
      durationMs: 812.4,
    };
    repo.save(reading);
    expect(repo.get(2)).toEqual({ ...reading, durationMs: 812, readAt: T });
    // A new reading of the page (another image) replaces the old one.
    repo.save({
      ...reading,
      blobSha256: sha('a'),
      layout: 'none',
      codeReadings: [],
      uscc: null,
      nameText: '',
    });
    expect(repo.get(2)).toMatchObject({ blobSha256: sha('a'), layout: 'none', codeReadings: [], uscc: null });
    expect(repo.listForVolume(1).map((r) => [r.seq, r.layout])).toEqual([[2, 'none']]);
    // A deleted page's reading is not listed.
    next.prepare('UPDATE pages SET deleted_at = ? WHERE id = 2').run(T);
    expect(repo.listForVolume(1)).toEqual([]);

    // The schema refuses what cannot be a reading: an unknown layout, a code that is not 18 long, a
    // page that does not exist.
    const insert = next.prepare(
      "INSERT INTO page_form_readings (page_id, blob_sha256, layout, uscc, engine, duration_ms, read_at) VALUES (?, 'x', ?, ?, 'e', 1, ?)",
    );
    expect(() => insert.run(1, 'grid', null, T)).toThrow(/CHECK/);
    expect(() => insert.run(1, 'table', '9135', T)).toThrow(/CHECK/);
    expect(() => insert.run(99, 'table', null, T)).toThrow(/FOREIGN KEY/);
    next.close();
  });
});
