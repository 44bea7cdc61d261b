import { Button, Input, Tag, Tooltip, Typography } from 'antd';
import type { KeyboardEvent } from 'react';
import type {
  CatalogueIssueView,
  DocumentDraftView,
  SuggestedDocumentView,
} from '../../../core/contracts/api-cataloguing';
import { useI18n } from '../../i18n/i18n';
import { docColor } from './PageStrip';
import type { DocType } from './TypePicker';

export const fieldId = (index: number, field: 'title' | 'date' | 'responsible') => `doc-${index}-${field}`;

/** Enter or Esc in a field hands the keyboard back to the screen's shortcuts. */
function leaveOnEnter(e: KeyboardEvent<HTMLInputElement>) {
  if (e.key === 'Enter' || e.key === 'Escape') {
    e.preventDefault();
    e.currentTarget.blur();
  }
}

/** YYYYMMDD → YYYY-MM-DD (anything else as it is). */
const shownDate = (d: string) => (/^\d{8}$/u.test(d) ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}` : d);

/** A suggestion's date and 责任者; a date standing in from the registration is marked as not yet checked. */
function SuggestionFacts({ s }: { readonly s: SuggestedDocumentView }) {
  const { t } = useI18n();
  const date = s.docDate ?? null;
  const responsible = s.responsible ?? null;
  if (date === null && responsible === null) return null;
  return (
    <span className="doc-suggestion-facts">
      {date !== null && (
        <span data-testid="suggestion-date" data-source={s.dateSource ?? 'none'}>
          {shownDate(date)}
          {s.dateSource === 'registration' && (
            <Tooltip
              title={t(
                '文件上未读到日期，暂用登记日期；接受后请核对',
                'No date was read on the document; the registration date stands in: check it',
              )}
            >
              <span className="date-unconfirmed" data-testid="date-unconfirmed">
                {t('登记日期，待核对', 'registration date, unchecked')}
              </span>
            </Tooltip>
          )}
        </span>
      )}
      {responsible !== null && <span data-testid="suggestion-responsible">{responsible}</span>}
    </span>
  );
}

type Row =
  | { kind: 'doc'; index: number; doc: DocumentDraftView }
  | { kind: 'suggestion'; suggestion: SuggestedDocumentView };

/** The documents of the volume being described, suggestions not yet taken shown between them. */
export function DocumentList({
  draft,
  suggestions,
  types,
  issues,
  current,
  editable,
  onChange,
  onSelect,
  onPickType,
  onAccept,
}: {
  readonly draft: readonly DocumentDraftView[];
  readonly suggestions: readonly SuggestedDocumentView[];
  readonly types: readonly DocType[];
  readonly issues: readonly CatalogueIssueView[];
  readonly current: number;
  readonly editable: boolean;
  readonly onChange: (index: number, patch: Partial<DocumentDraftView>) => void;
  readonly onSelect: (index: number) => void;
  readonly onPickType: (index: number) => void;
  readonly onAccept: (s: SuggestedDocumentView) => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const typeName = (code: string) => {
    const x = types.find((y) => y.code === code);
    return x ? t(x.name, x.nameEn) : code === '' ? t('（未选类型）', '(no type)') : code;
  };
  const rows: Row[] = [
    ...draft.map((doc, index) => ({ kind: 'doc' as const, index, doc })),
    ...suggestions.map((suggestion) => ({ kind: 'suggestion' as const, suggestion })),
  ].sort((a, b) => {
    const pa = a.kind === 'doc' ? a.doc.firstPage : a.suggestion.firstPage;
    const pb = b.kind === 'doc' ? b.doc.firstPage : b.suggestion.firstPage;
    return pa - pb || (a.kind === 'doc' ? -1 : 1);
  });

  if (rows.length === 0) {
    return (
      <Typography.Paragraph type="secondary" className="doc-empty">
        {t(
          '尚无文件。按 B 从当前页开始一件，或等待标题识别给出建议后按 A 全部接受。',
          'No documents yet. Press B to start one at the current page, or A to accept all suggestions once titles are read.',
        )}
      </Typography.Paragraph>
    );
  }

  return (
    <div className="doc-list" data-testid="doc-list">
      {rows.map((row) => {
        if (row.kind === 'suggestion') {
          const s = row.suggestion;
          return (
            <div
              key={`s-${s.firstPage}-${s.typeCode}`}
              className="doc-suggestion"
              data-testid="doc-suggestion"
              data-first={s.firstPage}
            >
              <Tag color="gold">{t('建议', 'Suggested')}</Tag>
              <span className="doc-range">{pageRange(s.firstPage, s.lastPage, t)}</span>
              <span className="doc-suggestion-title">
                {typeName(s.typeCode)}
                {/* The screen has put the type's name in place of a title OCR did not read plainly: said once. */}
                {s.keyword !== null &&
                s.title !== '' &&
                s.title !== types.find((x) => x.code === s.typeCode)?.name
                  ? `：${s.title}`
                  : ''}
                <SuggestionFacts s={s} />
              </span>
              {editable && (
                <Button
                  size="small"
                  onClick={() => {
                    onAccept(s);
                  }}
                >
                  {t('接受', 'Accept')}
                </Button>
              )}
            </div>
          );
        }
        const { index, doc } = row;
        const own = issues.filter((x) => x.document === index + 1);
        const hasError = own.some((x) => x.severity === 'error');
        const field = (name: 'title' | 'date' | 'responsible') => ({
          id: fieldId(index, name),
          disabled: !editable,
          onKeyDown: leaveOnEnter,
          onFocus: () => {
            onSelect(index);
          },
          'data-testid': `doc-${name}`,
        });
        return (
          <div
            key={`d-${index}`}
            className={`doc-row${index === current ? ' current' : ''}${hasError ? ' has-error' : ''}`}
            style={{ borderLeftColor: docColor(index) }}
            data-testid="doc-row"
            data-index={index}
            onClick={() => {
              onSelect(index);
            }}
          >
            <div className="doc-head">
              <span className="doc-no" style={{ color: docColor(index) }}>
                {t(`第 ${index + 1} 件`, `Doc ${index + 1}`)}
              </span>
              <span className="doc-range" data-testid="doc-range">
                {pageRange(doc.firstPage, doc.lastPage, t)}
              </span>
              <Button
                size="small"
                className="doc-type"
                disabled={!editable}
                onClick={() => {
                  onPickType(index);
                }}
                data-testid="doc-type"
              >
                {typeName(doc.typeCode)} <kbd>T</kbd>
              </Button>
            </div>
            <Input
              size="small"
              value={doc.title}
              placeholder={t('题名（E）', 'Title (E)')}
              onChange={(e) => {
                onChange(index, { title: e.target.value });
              }}
              {...field('title')}
            />
            <div className="doc-fields">
              <Input
                size="small"
                value={doc.docDate ?? ''}
                placeholder={t('日期 YYYYMMDD（D）', 'Date YYYYMMDD (D)')}
                maxLength={8}
                onChange={(e) => {
                  onChange(index, { docDate: e.target.value.replace(/\D/gu, '') });
                }}
                {...field('date')}
              />
              <Input
                size="small"
                value={doc.responsible ?? ''}
                placeholder={t('责任者（R）', 'Responsible (R)')}
                onChange={(e) => {
                  onChange(index, { responsible: e.target.value });
                }}
                {...field('responsible')}
              />
            </div>
            {own.map((x) => (
              <div key={`${x.code}-${String(x.page ?? '')}`} className={`doc-issue ${x.severity}`}>
                {i18n.tx(x.message)}
              </div>
            ))}
          </div>
        );
      })}
    </div>
  );
}

/** 第 3 页 / p. 3 for one page, 第 3–5 页 / pp. 3–5 for several. */
function pageRange(first: number, last: number, t: (zh: string, en: string) => string): string {
  return first === last
    ? t(`第 ${first} 页`, `p. ${first}`)
    : t(`第 ${first}–${last} 页`, `pp. ${first}–${last}`);
}
