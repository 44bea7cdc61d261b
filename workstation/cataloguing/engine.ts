import type { Database } from 'better-sqlite3';
import type { CatalogueIssue } from '../../core/cataloguing/issues';
import {
  assignPageNumbers,
  countedPages,
  validateCatalogue,
  type DocumentDraft,
} from '../../core/cataloguing/rules';
import { DomainError } from '../../core/errors';
import { text } from '../../core/text';
import type { Actor, CataloguedDocument, Page, Repos, Volume } from '../../db/repos';

/** A volume as the cataloguing screen shows it. */
export interface CatalogueView {
  readonly volume: Volume;
  readonly pages: readonly Page[];
  /** 页号 of each page (index = seq − 1); null for blank pages and separator sheets. */
  readonly pageNumbers: readonly (number | null)[];
  readonly countedPages: number;
  readonly documents: readonly CataloguedDocument[];
  readonly issues: readonly CatalogueIssue[];
}

export interface SaveOptions {
  /** Why the counted pages differ from the declared count (recorded on the volume). */
  readonly pageCountReason?: string | null;
  /** Also move the volume scanned → catalogued: every rule must pass (warnings aside). */
  readonly finish?: boolean;
}

/**
 * The cataloguing (著录标引) engine: loads a volume with its pages and documents, validates a draft
 * against core/cataloguing/rules, and saves it through the repositories — documents, the page-count
 * reason and (optionally) the transition to catalogued in one transaction. A draft is saved with its
 * findings; finishing with errors is refused with them (`catalogue.invalid`); warnings never block.
 */
export class CataloguingEngine {
  constructor(
    private readonly db: Database,
    private readonly repos: Repos,
  ) {}

  load(volumeId: number): CatalogueView {
    const volume = this.repos.volumes.get(volumeId);
    const pages = this.repos.pages.list(volumeId);
    const documents = this.repos.documents.list(volumeId);
    return {
      volume,
      pages,
      pageNumbers: assignPageNumbers(pages),
      countedPages: countedPages(pages),
      documents,
      issues: validateCatalogue({
        volumeType: volume.volumeType,
        pages,
        documents,
        declaredPages: volume.declaredPages,
        pageCountReason: volume.pageCountReason,
      }),
    };
  }

  /** The findings for `drafts` against the volume as it is now (nothing is saved). */
  validate(volumeId: number, drafts: readonly DocumentDraft[], options: SaveOptions = {}): CatalogueIssue[] {
    const volume = this.repos.volumes.get(volumeId);
    return validateCatalogue({
      volumeType: volume.volumeType,
      pages: this.repos.pages.list(volumeId),
      documents: drafts,
      declaredPages: volume.declaredPages,
      pageCountReason:
        options.pageCountReason === undefined ? volume.pageCountReason : options.pageCountReason,
    });
  }

  /**
   * Saves `drafts`. A plain save keeps half-done work whatever the rules find (the findings come back
   * with the view); only what cannot be stored is refused (see DocumentsRepo.replaceAll). With `finish`,
   * every rule must pass: errors refuse the whole save (`catalogue.invalid`, details.issues).
   */
  save(
    volumeId: number,
    drafts: readonly DocumentDraft[],
    actor: Actor,
    options: SaveOptions = {},
  ): CatalogueView {
    const finish = options.finish === true;
    this.db
      .transaction(() => {
        if (finish) {
          const errors = this.validate(volumeId, drafts, options).filter((i) => i.severity === 'error');
          if (errors.length > 0) {
            // The heading counts; the findings themselves travel once, in details.issues.
            throw new DomainError(
              'catalogue.invalid',
              text(
                `未完成著录：还有 ${errors.length} 个错误须先改正（已填写的内容可先保存）`,
                `Not finished: ${errors.length} error(s) to correct first (what is filled in can be saved meanwhile)`,
              ),
              { issues: errors },
            );
          }
        }
        if (options.pageCountReason !== undefined) {
          this.repos.volumes.setPageCountReason(volumeId, options.pageCountReason, actor);
        }
        this.repos.documents.replaceAll(volumeId, drafts, actor, { draft: !finish });
        if (finish) this.repos.volumes.transition(volumeId, 'catalogued', actor);
      })
      .immediate();
    return this.load(volumeId);
  }
}
