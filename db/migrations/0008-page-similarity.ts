import type { Migration } from './index';

// Near-duplicate pages (issue 4): perceptual hashes of page images and the outcome of comparing two
// images closely, both computed lazily by the machine checks and kept here so a check runs once per image.
// Keyed by image digest, not page: a rotated page has a new image, so a stale hash can never be read.
// Once released it is never edited again.
export const migration0008: Migration = {
  version: 8,
  name: 'page-similarity',
  up(db) {
    db.exec(`
      -- One hash per image and algorithm (the name carries its parameters: phash-64-16).
      CREATE TABLE image_hashes (
        sha256 TEXT NOT NULL REFERENCES blobs(sha256),
        algorithm TEXT NOT NULL CHECK (length(algorithm) BETWEEN 1 AND 40),
        hash BLOB NOT NULL CHECK (length(hash) BETWEEN 1 AND 4096),
        computed_at TEXT NOT NULL,
        PRIMARY KEY (sha256, algorithm)
      ) STRICT;

      -- The close comparison of two images whose hashes were near: the worst tile's difference
      -- (0 = same ink, 1 = nothing in common). The pair is stored in digest order.
      CREATE TABLE image_pair_scores (
        a_sha256 TEXT NOT NULL REFERENCES blobs(sha256),
        b_sha256 TEXT NOT NULL REFERENCES blobs(sha256),
        algorithm TEXT NOT NULL CHECK (length(algorithm) BETWEEN 1 AND 40),
        score REAL NOT NULL CHECK (score >= 0 AND score <= 1),
        computed_at TEXT NOT NULL,
        PRIMARY KEY (a_sha256, b_sha256, algorithm),
        CHECK (a_sha256 < b_sha256)
      ) STRICT;
    `);
  },
};
