import { describe, expect, it } from 'vitest';
import { dbAtVersion, insertOldVolume, THEN, upgrade } from '../../tests/support/db-at-version';

describe('migration 0005 cataloguing', () => {
  it('upgrades a version-4 database holding pages and documents, keeps them, and adds OCR text, the store index and QA reviews', () => {
    const { db, file } = dbAtVersion(4);
    const t = THEN;
    const sha = 'a'.repeat(64);
    insertOldVolume(
      db,
      { uscc: '91350200776049653A', name: '厦门测试有限公司' },
      { archiveNo: '350200-2024-SL-000001', state: 'catalogued' },
      { sha256: sha, size: 1, mediaType: 'image/png' },
    );
    db.prepare(
      "INSERT INTO documents (volume_id, seq, type_code, title, first_page, last_page, created_at, updated_at) VALUES (1, 1, 'APP', '申请书', 1, 1, ?, ?)",
    ).run(t, t);
    db.close();

    const next = upgrade(file);
    expect(next.prepare('SELECT title FROM documents').pluck().all()).toEqual(['申请书']);
    next
      .prepare(
        "INSERT INTO page_ocr (page_id, zone, state, blob_sha256, text, engine, created_at, updated_at) VALUES (1, 'title', 'done', ?, '申请书', 'x', ?, ?)",
      )
      .run(sha, t, t);
    next.prepare("INSERT INTO page_ocr_fts (rowid, body) VALUES (1, '申 请 书')").run();
    expect(
      next.prepare('SELECT rowid FROM page_ocr_fts WHERE page_ocr_fts MATCH \'"请 书"\'').pluck().all(),
    ).toEqual([1]);
    expect(() =>
      next
        .prepare(
          "INSERT INTO page_ocr (page_id, zone, state, blob_sha256, engine, created_at, updated_at) VALUES (1, 'margin', 'done', ?, 'x', ?, ?)",
        )
        .run(sha, t, t),
    ).toThrow(/CHECK/);

    const review = next.prepare(
      "INSERT INTO qa_reviews (volume_id, state, rule, sample_pages, started_at) VALUES (1, 'open', '{}', '[1]', ?)",
    );
    review.run(t);
    expect(() => review.run(t)).toThrow(/UNIQUE/); // one open review per volume
    expect(() =>
      next
        .prepare(
          "INSERT INTO qa_decisions (review_id, target_kind, target_seq, verdict, decided_at) VALUES (1, 'page', 1, 'problem', ?)",
        )
        .run(t),
    ).toThrow(/CHECK/); // a problem needs its reason
    next
      .prepare(
        "INSERT INTO store_index (volume_type, archive_no, bureau_code, uscc) VALUES ('SL', '350100-2019-SL-000007', '350100', '91350200776049653A')",
      )
      .run();
    expect(next.prepare('SELECT count(*) FROM store_index').pluck().get()).toBe(1);
    next.close();
  });
});
