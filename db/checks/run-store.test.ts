import { describe, expect, it } from 'vitest';
import { CHECK_IDS } from '../../core/checks/categories';
import { BlobStore } from '../blob-store';
import { faultyCatalogue } from '../../tests/support/faulty-catalogue';
import { faultyStore } from '../../tests/support/faulty-store';
import { blobStoreInventory } from './inventory';
import { runChecks } from './run';
import path from 'node:path';

describe('runChecks on an archive store holding the same planted faults', () => {
  it('each category finds exactly the faults a store can hold, and says what it cannot', () => {
    const cat = faultyCatalogue();
    const store = faultyStore(cat);
    const report = runChecks(store.db, {
      schema: 'store',
      inventory: blobStoreInventory(new BlobStore(path.join(store.dir, 'blobs'))),
      roster: cat.roster,
      now: cat.clock.now(),
    });
    const found = new Map(
      report.categories.map((c) => [c.id, c.findings.map((f) => `${f.kind} ${f.entityId}`).sort()]),
    );
    expect(Object.fromEntries(CHECK_IDS.map((id) => [id, found.get(id)]))).toEqual(
      Object.fromEntries(CHECK_IDS.map((id) => [id, store.expected.get(id) ?? []])),
    );
    // Two faults of each category's kinds at least are in the store too (not a vacuous comparison).
    expect([...store.expected.values()].flat().length).toBeGreaterThan(30);
    const notes = new Map(report.categories.map((c) => [c.id, c.notes.map((n) => n.en).join(' ')]));
    expect(notes.get('image-wrong')).toMatch(/no fixity/);
    expect(notes.get('redundant-data')).toMatch(/never soft-deletes/);
  });
});
