import { describe, expect, it } from 'vitest';
import { CaptureRepo } from '../repos/capture';
import { dbAtVersion, upgrade } from '../../tests/support/db-at-version';

const T = '2026-01-01T00:00:00.000Z';
const sha = (c: string) => c.repeat(64);
const RESULT = {
  masterSha256: sha('c'),
  thumbSha256: sha('d'),
  orientation: 0,
  skewDeg: 0,
  deskewed: false,
  crop: null,
  blankScore: 3,
  lowDpi: false,
  durationMs: 10,
};

describe('migration 0011 auto-colour', () => {
  it('upgrades a version-10 database with processed pages: old rows read as not automatic, new ones record the choice', () => {
    const { db, file } = dbAtVersion(10);
    db.prepare(
      "INSERT INTO enterprises (id, uscc, name, bureau_code, created_at, updated_at) VALUES (1, '913502000000000001', '甲公司', '350200', ?, ?)",
    ).run(T, T);
    db.prepare(
      "INSERT INTO volumes (id, uid, enterprise_id, archive_no, volume_type, year, bureau_code, state, created_at, updated_at) VALUES (1, 'u1', 1, 'A-1', 'SL', 2026, '350200', 'scanning', ?, ?)",
    ).run(T, T);
    const blob = db.prepare(
      "INSERT INTO blobs (sha256, size, media_type, created_at) VALUES (?, 10, 'image/jpeg', ?)",
    );
    for (const c of ['a', 'b', 'c', 'd']) blob.run(sha(c), T);
    const page = db.prepare(
      "INSERT INTO pages (id, volume_id, seq, blob_sha256, color_mode, captured_at) VALUES (?, 1, ?, ?, 'color', ?)",
    );
    page.run(1, 1, sha('a'), T);
    page.run(2, 2, sha('b'), T);
    db.prepare(
      `INSERT INTO page_processing (page_id, state, profile, arrived_at, processed_at, master_sha256, thumb_sha256, blank_score)
       VALUES (1, 'done', 'color', ?, ?, ?, ?, 4.2)`,
    ).run(T, T, sha('c'), sha('d'));
    db.close();

    const next = upgrade(file);
    const repo = new CaptureRepo(next, () => new Date(T));
    // The processed page is untouched and reads as an explicit-mode page.
    expect(repo.processing(1)).toMatchObject({
      state: 'done',
      profile: 'color',
      blankScore: 4.2,
      autoColour: false,
      colourScore: null,
      masterMode: null,
    });
    // A new automatic page: its choice is recorded, and the page's colour mode becomes its master's.
    repo.arrived(2, 'color', true);
    expect(repo.processing(2)).toMatchObject({ state: 'pending', autoColour: true, masterMode: null });
    repo.processed(2, { ...RESULT, colourScore: 0.001, masterMode: 'gray' }, []);
    expect(repo.processing(2)).toMatchObject({
      state: 'done',
      autoColour: true,
      colourScore: 0.001,
      masterMode: 'gray',
    });
    const mode = next.prepare('SELECT color_mode FROM pages WHERE id = ?').pluck();
    expect(mode.get(2)).toBe('gray');
    // A page processed in an explicit mode keeps its colour mode whatever the master is recorded as.
    repo.processed(1, { ...RESULT, masterMode: 'gray' }, []);
    expect(mode.get(1)).toBe('color');
    // The new columns refuse what they cannot hold.
    expect(() =>
      next.prepare("UPDATE page_processing SET master_mode = 'sepia' WHERE page_id = 1").run(),
    ).toThrow(/CHECK/);
    expect(() => next.prepare('UPDATE page_processing SET auto_colour = 2 WHERE page_id = 1').run()).toThrow(
      /CHECK/,
    );
    next.close();
  });
});
