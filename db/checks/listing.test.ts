import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { faultyCatalogue } from '../../tests/support/faulty-catalogue';
import { blobStoreInventory } from './inventory';
import { syncListing } from './listing';
import { runChecks } from './run';

/** Sets every blob folder's mtime an hour back, so that its stamp is trusted (not "racy"). */
function settle(root: string): void {
  const old = new Date(Date.now() - 3_600_000);
  const top = path.join(root, 'sha256');
  for (const a of fs.readdirSync(top))
    for (const b of fs.readdirSync(path.join(top, a))) fs.utimesSync(path.join(top, a, b), old, old);
}

describe('the cached storage listing', () => {
  it('reads again only changed folders, and still finds what changed', () => {
    const cat = faultyCatalogue({ faults: false, clean: 3 });
    const inventory = blobStoreInventory(cat.blobs);
    settle(cat.blobs.root);
    const first = syncListing(cat.db, inventory);
    expect(first.listed).toBe(first.parts);
    expect(syncListing(cat.db, inventory).listed).toBe(0); // nothing changed

    const digests = cat.db.prepare('SELECT blob_sha256 FROM pages ORDER BY id').pluck().all() as string[];
    const [lost, grown, damaged] = digests;
    fs.rmSync(cat.blobs.pathOf(lost ?? '')); // the folder's mtime changes
    cat.db.prepare('UPDATE blobs SET size = size + 1 WHERE sha256 = ?').run(grown); // the row changes
    fs.chmodSync(cat.blobs.pathOf(damaged ?? ''), 0o644);
    fs.truncateSync(cat.blobs.pathOf(damaged ?? ''), 10); // in place: neither folder nor row changes
    const found = () =>
      runChecks(cat.db, { inventory, only: ['image-missing', 'image-wrong'], record: false })
        .categories.flatMap((c) => c.findings)
        .map((f) => f.kind)
        .sort();
    expect(found()).toEqual(['image-missing.pages', 'image-wrong.size-mismatch']);
    // The damage in place is the re-hash's to find, or a full listing's.
    const full = runChecks(cat.db, { inventory, only: ['image-wrong'], record: false, fullListing: true });
    expect(full.categories[0]?.findings.map((f) => f.entityId).sort()).toEqual([damaged, grown].sort());
  });

  it('does not trust a folder changed just before it was listed', () => {
    const cat = faultyCatalogue({ faults: false, clean: 1 });
    const inventory = blobStoreInventory(cat.blobs);
    syncListing(cat.db, inventory); // folders written moments ago: stamps are racy
    expect(syncListing(cat.db, inventory).listed).toBeGreaterThan(0);
  });
});
