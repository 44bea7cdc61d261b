import type { Migration } from '../../migrations';
import { codeSuspectSql, docTilingSql, textCandidateSql } from '../../migrations/0012-check-speed';

// The store's side of workstation migration 12 (issue 7): the free-text and code candidates as partial
// indexes, indexes over the coded values and the document tiling per version kept on write. The store
// has no fixity tables, so no counter of blobs not yet re-hashed. Once released it is never edited again.
export const storeMigration0003: Migration = {
  version: 3,
  name: 'store-check-speed',
  up(db) {
    db.exec(`
      CREATE INDEX store_enterprises_name_suspect ON enterprises(id) WHERE ${textCandidateSql('name', 200)};
      CREATE INDEX store_documents_title_suspect ON documents(version_id) WHERE ${textCandidateSql('title', 500)};
      CREATE INDEX store_documents_responsible_suspect ON documents(version_id)
        WHERE ${textCandidateSql('responsible', 200)};
      CREATE INDEX store_enterprises_uscc_suspect ON enterprises(uscc) WHERE ${codeSuspectSql('uscc')};
      CREATE INDEX store_enterprises_regno_suspect ON enterprises(reg_no) WHERE ${codeSuspectSql('reg_no')};
      CREATE INDEX store_volumes_archive_no_suspect ON volumes(archive_no) WHERE ${codeSuspectSql('archive_no')};
      CREATE INDEX store_documents_type ON documents(type_code);
      CREATE INDEX store_volumes_type ON volumes(volume_type);
      CREATE INDEX store_volumes_bureau ON volumes(bureau_code);
      CREATE INDEX store_enterprises_bureau ON enterprises(bureau_code);
      ${docTilingSql('version_doc_stats', 'version_id')}
    `);
  },
};
