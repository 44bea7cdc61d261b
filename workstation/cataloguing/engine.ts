import type { Database } from 'better-sqlite3';
import { hasErrors, type CatalogueIssue } from '../../core/cataloguing/issues';
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
  /** Also move the volume scanned → catalogued when nothing is wrong. */
  readonly finish?: boolean;
}

/**
 * The cataloguing (著录标引) engine: loads a volume with its pages and documents, validates a draft
 * against core/cataloguing/rules, and saves it through the repositories — documents, the page-count
 * reason and (optionally) the transition to catalogued in one transaction. A draft with errors is refused
 * with the findings (`catalogue.invalid`); warnings do not block.
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

  save(
    volumeId: number,
    drafts: readonly DocumentDraft[],
    actor: Actor,
    options: SaveOptions = {},
  ): CatalogueView {
    this.db
      .transaction(() => {
        const issues = this.validate(volumeId, drafts, options);
        if (hasErrors(issues)) {
          const errors = issues.filter((i) => i.severity === 'error');
          throw new DomainError(
            'catalogue.invalid',
            text(
              `著录未保存：${errors.map((e) => e.message.zh).join('；')}`,
              `Catalogue not saved: ${errors.map((e) => e.message.en).join('; ')}`,
            ),
            { issues: errors },
          );
        }
        if (options.pageCountReason !== undefined) {
          this.repos.volumes.setPageCountReason(volumeId, options.pageCountReason, actor);
        }
        this.repos.documents.replaceAll(volumeId, drafts, actor);
        if (options.finish === true) this.repos.volumes.transition(volumeId, 'catalogued', actor);
      })
      .immediate();
    return this.load(volumeId);
  }
}
