import { Alert, Button, Empty, Input, Progress, Space, Tag, Tooltip, Typography } from 'antd';
import { CheckOutlined, SaveOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import type { Text, VolumeRow } from '../../core/contracts';
import type {
  CatalogueIssueView,
  CatalogueView,
  DocumentDraftView,
  SuggestedDocumentView,
  SuggestionsView,
} from '../../core/contracts/api-cataloguing';
import { ApiError } from '../api/client';
import { useApp } from '../app/context';
import { errorText } from '../app/errors';
import { STATE_COLORS, stateName } from '../app/format';
import { mayCall } from '../app/RoleGate';
import { targetFromUrl, targetUrl, type ScreenTarget } from '../app/targets';
import { useI18n } from '../i18n/i18n';
import { DocumentList, fieldId } from './catalogue/DocumentList';
import { groupIssues } from './catalogue/group-issues';
import { plausibleTitle } from './catalogue/plausible-title';
import { PageStrip, type StripPage } from './catalogue/PageStrip';
import { RejectionNotice } from './catalogue/RejectionNotice';
import { ShortcutButton, ShortcutHelp, typingInField, type Shortcut } from './catalogue/ShortcutHelp';
import { useTypeAhead } from './viewer/type-ahead';
import { TypePicker, type DocType } from './catalogue/TypePicker';
import {
  acceptAll,
  acceptOne,
  documentAt,
  isAccepted,
  mergeIntoPrevious,
  sameDraft,
  startAt,
  suggestionAt,
  update,
} from './catalogue/drafts';
import { PageViewer } from './scan/PageImage';
import { PageCaption } from './viewer/PageCaption';
import { useThumbKeys, useWorkspace } from './viewer/workspace';
import { useVolumeSearch, VolumePicker } from './volume-picker';
import './scan/scan.css';
import './catalogue/catalogue.css';

const SHORTCUTS: readonly Shortcut[] = [
  { keys: ['J', '↓', '→'], zh: '下一页', en: 'Next page' },
  { keys: ['K', '↑', '←'], zh: '上一页', en: 'Previous page' },
  { keys: ['N', 'P'], zh: '下一件 / 上一件的首页', en: 'First page of the next / previous document' },
  { keys: ['B'], zh: '从当前页开始新的一件', en: 'Start a document at this page' },
  { keys: ['X'], zh: '当前件并入上一件', en: 'Merge this document into the previous one' },
  { keys: ['T'], zh: '选择文件类型', en: 'Pick the document type' },
  {
    keys: ['E', 'D', 'R'],
    zh: '编辑题名 / 日期 / 责任者（回车返回）',
    en: 'Edit title / date / responsible (Enter returns)',
  },
  { keys: ['Enter'], zh: '接受当前页的建议', en: 'Accept the suggestion at this page' },
  { keys: ['A'], zh: '接受全部建议', en: 'Accept all suggestions' },
  { keys: ['Ctrl+S'], zh: '保存', en: 'Save' },
  { keys: ['Ctrl+Enter'], zh: '保存并完成著录', en: 'Save and finish cataloguing' },
  { keys: ['+', '-', '0'], zh: '放大 / 缩小 / 适合窗口', en: 'Zoom in / out / fit' },
  { keys: ['?'], zh: '显示快捷键', en: 'Show the shortcuts' },
];

const POLL_MS = 2000;
/** Whole pages read slowly (seconds a page): ask less often, and stop once nothing has moved for a while. */
const FULL_POLL_MS = 4000;
const FULL_STALL_MS = 120_000;
const VALIDATE_MS = 250;
/** The page image fills the workspace's height (catalogue.css) less its caption line. */
const VIEWER_HEIGHT = 'calc(var(--workspace-height, 640px) - 30px)';

/** The page (position) and document (index) a target names in a loaded volume; null when it names none. */
function openAt(c: CatalogueView, target: ScreenTarget): { page: number; doc: number } | null {
  const docAt = target.documentSeq === null ? -1 : target.documentSeq - 1;
  const doc = c.documents[docAt];
  const page = c.pages.find((p) => p.id === target.pageId)?.seq ?? doc?.firstPage;
  if (page === undefined) return null;
  return { page, doc: doc ? docAt : documentAt(c.documents, page) };
}

/** What 著录标引 lists: waiting to be catalogued, returned by QA, and waiting for QA (to look at). */
const CATALOGUE_STATES = ['scanned', 'rejected', 'catalogued'] as const;

/** The scanned volume (awaiting cataloguing) that changed last: the one just scanned. */
function lastScanned(list: readonly VolumeRow[]): VolumeRow | undefined {
  return list
    .filter((v) => v.state === 'scanned')
    .reduce<
      VolumeRow | undefined
    >((a, v) => (a === undefined || v.updatedAt > a.updatedAt ? v : a), undefined);
}

/** 著录标引: the page strip beside the document list; every step on the keyboard; suggestions in line. */
export function CatalogueScreen() {
  const i18n = useI18n();
  const { t } = i18n;
  // Loading does not depend on the language: switching it keeps the operator's place and draft.
  const i18nRef = useRef(i18n);
  i18nRef.current = i18n;
  const { client, reference, user } = useApp();
  // Opened at a record (a check finding, the workbench): the volume, and the page or document in it.
  const wanted = useRef<ScreenTarget | null>(targetFromUrl());
  const [volumeId, setVolumeId] = useState<number | null>(wanted.current?.volumeId ?? null);
  const [view, setView] = useState<CatalogueView | null>(null);
  const [draft, setDraft] = useState<DocumentDraftView[]>([]);
  const [reason, setReason] = useState('');
  const [issues, setIssues] = useState<CatalogueIssueView[]>([]);
  const [suggest, setSuggest] = useState<SuggestionsView | null>(null);
  const [types, setTypes] = useState<DocType[]>([]);
  const thumbs = useThumbKeys(client);
  const [page, setPage] = useState(1);
  const [docIndex, setDocIndex] = useState(-1);
  const [picker, setPicker] = useState<number | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<{ message: string; issues: CatalogueIssueView[] } | null>(null);
  const [notice, setNotice] = useState<Text | null>(null);
  // `home`: where the keyboard goes back to after a picker, a dialog or the volume choice (not a field).
  const { keys, home, toHome, help, showHelp, hideHelp } = useWorkspace();
  // Ctrl+S / Ctrl+Enter pressed while a save is under way are applied after it, not dropped.
  const typeAhead = useTypeAhead(busy !== null, keys);

  const mayEdit = mayCall(user, 'catalogue.save');
  const listError = useCallback((e: unknown) => {
    setError({ message: errorText(e, i18nRef.current), issues: [] });
  }, []);
  // Latest changed first and searched on the engine: with hundreds waiting, the one just scanned is
  // still listed; the open volume (one a link opened may be in another state) always is.
  const volumes = useVolumeSearch(
    client,
    { states: CATALOGUE_STATES, order: 'recent', include: volumeId === null ? [] : [volumeId] },
    listError,
  );
  const loadVolumes = volumes.reload;
  const listed = useRef(false);
  useEffect(() => {
    if (listed.current || !volumes.answered) return;
    listed.current = true;
    // Opened without a volume (the menu, Alt+4) straight after scanning: an operator's next work is
    // the volume scanned last and waiting to be catalogued. Only on arrival, never over a choice.
    if ((wanted.current?.volumeId ?? null) === null && mayEdit) {
      const next = lastScanned(volumes.rows);
      if (next) setVolumeId((v) => v ?? next.id);
    }
  }, [volumes.answered, volumes.rows, mayEdit]);

  const load = useCallback(
    async (id: number, keepDraft = false) => {
      try {
        const c = await client.call('catalogue.get', { volumeId: id });
        setView(c);
        setIssues(c.issues);
        if (!keepDraft) {
          setDraft(c.documents);
          setReason(c.pageCountReason ?? '');
          const at = wanted.current?.volumeId === id ? openAt(c, wanted.current) : null;
          setPage(at?.page ?? 1);
          setDocIndex(at?.doc ?? (c.documents.length > 0 ? 0 : -1));
        }
        setTypes(await client.call('catalogue.types', { volumeType: c.volume.volumeType }));
        thumbs.load(id);
      } catch (e) {
        setError({ message: errorText(e, i18nRef.current), issues: [] });
      }
    },
    [client, thumbs.load],
  );

  useEffect(() => {
    setView(null);
    setSuggest(null);
    setError(null);
    setNotice(null);
    if (volumeId === null) return;
    // The address names what is open (a reload lands here again), the target page too until another volume is chosen.
    const at = wanted.current?.volumeId === volumeId ? wanted.current : { volumeId };
    window.history.replaceState(null, '', targetUrl('/catalogue', at));
    void load(volumeId);
  }, [volumeId, load]);

  // Once a chosen volume has loaded, the keyboard leaves the volume picker for the workspace (antd
  // keeps focus in the picker after a choice, and there every key would go to its search box).
  const loadedId = view?.volume.id;
  useEffect(() => {
    if (loadedId === undefined) return;
    if (document.activeElement?.closest('.catalogue-volume') ?? document.activeElement === document.body) {
      home.current?.focus();
    }
  }, [loadedId]);

  // Suggestions: ask the engine to read unread title zones once, then follow until it is done.
  // Cataloguing is the operators' work; others (a technician following a check finding) only look.
  // Then, while whole pages are still being read, keep asking: dates and 责任者 printed below the title
  // zone improve the suggestions. Only the suggestions change: the draft, the page and focus stay put.
  const editable = view?.editable === true && mayEdit;
  const counted = useRef<number | null>(null);
  counted.current = view?.countedPages ?? null;
  useEffect(() => {
    if (volumeId === null || !editable) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let titlesDone = false;
    let lastFull = -1;
    let movedAt = Date.now();
    const ask = async (read: boolean) => {
      try {
        const s = await client.call('catalogue.suggest', { volumeId, read });
        if (!live) return;
        setSuggest(s);
        if (s.ocr.running) {
          timer = setTimeout(() => void ask(false), POLL_MS);
          return;
        }
        if (!titlesDone) {
          titlesDone = true;
          void load(volumeId, true); // page headings and OCR states
        }
        const full = s.ocr.fullRead;
        if (full === undefined) return;
        if (full !== lastFull) {
          lastFull = full;
          movedAt = Date.now();
        }
        const pending = counted.current === null || full < counted.current;
        if (pending && Date.now() - movedAt < FULL_STALL_MS) {
          timer = setTimeout(() => void ask(false), FULL_POLL_MS);
        }
      } catch (e) {
        if (live) setError({ message: errorText(e, i18nRef.current), issues: [] });
      }
    };
    void ask(true);
    return () => {
      live = false;
      if (timer !== null) clearTimeout(timer);
    };
  }, [client, volumeId, editable, load]);

  // Volume changes made elsewhere (QA rejects it, another window finishes it).
  useEffect(
    () =>
      client.subscribe((e) => {
        if (e.name === 'volume.changed') {
          void loadVolumes();
          if (e.payload.volumeId === volumeId && view && e.payload.state !== view.volume.state) {
            void load(e.payload.volumeId, true);
          }
        }
      }),
    [client, volumeId, view, load, loadVolumes],
  );

  // The rules, live: every change of the draft is validated by the engine (core/cataloguing).
  const dirty =
    view !== null && (!sameDraft(draft, view.documents) || reason !== (view.pageCountReason ?? ''));
  const validating = useRef(0);
  useEffect(() => {
    if (volumeId === null || !editable || !dirty) {
      if (view && !dirty) setIssues(view.issues);
      return;
    }
    const n = ++validating.current;
    const timer = setTimeout(() => {
      client.call('catalogue.validate', { volumeId, documents: draft, pageCountReason: reason }).then(
        (found) => {
          if (n === validating.current) setIssues(found);
        },
        () => undefined,
      );
    }, VALIDATE_MS);
    return () => {
      clearTimeout(timer);
    };
  }, [client, volumeId, editable, dirty, draft, reason, view]);

  const pages = useMemo(() => view?.pages ?? [], [view]);
  const pageCount = pages.length;
  const defaultDate = view?.volume.registrationDate ?? null;
  // A suggested title that does not read like one (OCR specks, rules) gives way to the type's name: the
  // operator never takes garbage into the catalogue with Enter or A.
  const suggestions = useMemo(
    () =>
      (suggest?.documents ?? []).map((s) =>
        s.title === ''
          ? s
          : { ...s, title: plausibleTitle(s.title) ?? types.find((x) => x.code === s.typeCode)?.name ?? '' },
      ),
    [suggest, types],
  );
  const open = useMemo(() => suggestions.filter((s) => !isAccepted(draft, s)), [suggestions, draft]);

  const strip: StripPage[] = useMemo(
    () =>
      pages.map((p) => {
        const doc = documentAt(draft, p.seq);
        const s = open.find((x) => x.firstPage === p.seq);
        const type = s ? types.find((x) => x.code === s.typeCode) : undefined;
        return {
          page: p,
          doc,
          starts: doc >= 0 && draft[doc]?.firstPage === p.seq,
          suggestion: s === undefined ? null : type ? t(type.name, type.nameEn) : s.typeCode,
          // Before the first document every page is "in no document": not worth a red tile each.
          error:
            draft.length > 0 &&
            issues.some((x) => x.severity === 'error' && x.page === p.seq && x.document === undefined),
          thumbKey: thumbs.of(p.id),
        };
      }),
    [pages, draft, open, types, issues, thumbs, t],
  );

  const goPage = useCallback(
    (seq: number) => {
      const s = Math.max(1, Math.min(pageCount, seq));
      setPage(s);
      const d = documentAt(draft, s);
      if (d >= 0) setDocIndex(d);
    },
    [pageCount, draft],
  );

  const change = (next: DocumentDraftView[], index?: number) => {
    setDraft(next);
    setNotice(null);
    if (index !== undefined) setDocIndex(index);
  };

  const accept = (s: SuggestedDocumentView) => {
    const r = acceptOne(draft, s, pageCount, defaultDate);
    change(r.draft, r.index);
    setPage(s.firstPage);
  };

  const run = async (key: string, work: () => Promise<Text | null>) => {
    setBusy(key);
    setError(null);
    setNotice(null);
    try {
      setNotice(await work());
    } catch (e) {
      const found =
        e instanceof ApiError && Array.isArray(e.details['issues'])
          ? (e.details['issues'] as CatalogueIssueView[])
          : [];
      setError({ message: errorText(e, i18n), issues: found });
      typeAhead.clear();
    } finally {
      setBusy(null);
    }
  };

  const save = () =>
    run('save', async () => {
      if (volumeId === null) return null;
      const sent = draft;
      const c = await client.call('catalogue.save', { volumeId, documents: sent, pageCountReason: reason });
      setView(c);
      // What was typed while the save was in flight is newer than the reply: it stays, still unsaved.
      setDraft((current) => (current === sent ? c.documents : current));
      setIssues(c.issues);
      // Half-done work is saved too; what still stands in the way of 完成著录 is counted here.
      const left = c.issues.filter((x) => x.severity === 'error').length;
      return left === 0
        ? { zh: `已保存 ${c.documents.length} 件`, en: `${c.documents.length} document(s) saved` }
        : {
            zh: `已保存（还有 ${left} 个问题）`,
            en: `Saved (${left} problem(s) left before it can be finished)`,
          };
    });

  const finish = () =>
    run('finish', async () => {
      if (volumeId === null) return null;
      const c = await client.call('catalogue.finish', {
        volumeId,
        documents: draft,
        pageCountReason: reason,
      });
      setView(c);
      setDraft(c.documents);
      setIssues(c.issues);
      void loadVolumes();
      return {
        zh: `著录完成：${c.volume.archiveNo} 已提交图文校核`,
        en: `Catalogued: ${c.volume.archiveNo} is waiting for QA`,
      };
    });

  // Keyboard: every step of cataloguing.
  keys.current = (e: KeyboardEvent) => {
    if (view === null) return;
    const ctrl = e.ctrlKey || e.metaKey;
    if (ctrl && editable && (e.key.toLowerCase() === 's' || e.key === 'Enter') && typeAhead.mustWait(e)) {
      typeAhead.keep(e);
      return;
    }
    if (ctrl && e.key.toLowerCase() === 's') {
      e.preventDefault();
      if (editable && busy === null) void save();
      return;
    }
    if (ctrl && e.key === 'Enter') {
      e.preventDefault();
      if (editable && busy === null) void finish();
      return;
    }
    if (ctrl || e.altKey || typingInField(e) || picker !== null) return;
    const k = e.key;
    const focus = (field: 'title' | 'date' | 'responsible') => {
      const d = documentAt(draft, page);
      if (d < 0) return;
      setDocIndex(d);
      e.preventDefault();
      setTimeout(() => document.getElementById(fieldId(d, field))?.focus(), 0);
    };
    if (k === 'j' || k === 'J' || k === 'ArrowDown' || k === 'ArrowRight') {
      e.preventDefault();
      goPage(page + 1);
    } else if (k === 'k' || k === 'K' || k === 'ArrowUp' || k === 'ArrowLeft') {
      e.preventDefault();
      goPage(page - 1);
    } else if (k === 'n' || k === 'N') {
      const next = draft.find((d) => d.firstPage > page);
      if (next) goPage(next.firstPage);
    } else if (k === 'p' || k === 'P') {
      const here = documentAt(draft, page);
      const prev = [...draft].reverse().find((d, i) => d.firstPage < page && draft.length - 1 - i !== here);
      if (prev) goPage(prev.firstPage);
    } else if (k === '?') {
      showHelp();
    } else if (!editable) {
      return;
    } else if (k === 'b' || k === 'B') {
      e.preventDefault();
      const r = startAt(draft, page, pageCount, defaultDate);
      change(r.draft, r.index);
      const s = suggestionAt(suggestions, page);
      // A fresh document gets the suggested type when one starts here; otherwise the picker opens.
      if (s && s.firstPage === page && r.draft[r.index]?.typeCode === '') {
        change(update(r.draft, r.index, { typeCode: s.typeCode, title: s.title }), r.index);
      } else if (r.draft[r.index]?.typeCode === '') {
        setPicker(r.index);
      }
    } else if (k === 'x' || k === 'X') {
      const d = documentAt(draft, page);
      if (d >= 0) change(mergeIntoPrevious(draft, d), Math.max(0, d - 1));
    } else if (k === 't' || k === 'T') {
      e.preventDefault();
      const d = documentAt(draft, page);
      if (d >= 0) setPicker(d);
    } else if (k === 'e' || k === 'E') focus('title');
    else if (k === 'd' || k === 'D') focus('date');
    else if (k === 'r' || k === 'R') focus('responsible');
    else if (k === 'Enter') {
      const s = open.find((x) => x.firstPage === page) ?? suggestionAt(open, page);
      if (s) {
        e.preventDefault();
        accept(s);
      }
    } else if (k === 'a' || k === 'A') {
      if (suggestions.length > 0) {
        e.preventDefault();
        change(acceptAll(draft, suggestions, defaultDate), 0);
      }
    }
  };
  const current = pages.find((p) => p.seq === page);
  // What the page is headed: the title of a document suggested to start here (or its type's name), else
  // the title zone's first line — each only when it reads like a title.
  const startsHere = suggestions.find((s) => s.firstPage === page && s.keyword !== null);
  const startType = startsHere && types.find((x) => x.code === startsHere.typeCode);
  const caption = startsHere
    ? (plausibleTitle(startsHere.title) ?? (startType ? t(startType.name, startType.nameEn) : null))
    : plausibleTitle(current?.heading);
  const errors = issues.filter((x) => x.severity === 'error');
  const warnings = issues.filter((x) => x.severity === 'warning');
  const countMismatch =
    view !== null && view.volume.declaredPages !== null && view.volume.declaredPages !== view.countedPages;
  const ocr = suggest?.ocr;
  const contentPages = view?.countedPages ?? 0;

  return (
    <Space orientation="vertical" size="middle" className="screen catalogue-screen">
      <div className="catalogue-top">
        <Typography.Title level={3} data-testid="screen-title">
          {t('著录标引', 'Cataloguing')}
        </Typography.Title>
        <VolumePicker
          className="catalogue-volume"
          search={volumes}
          i18n={i18n}
          placeholder={t(
            '选择案卷（已扫描、已退回）：可输入档号、企业名称或代码',
            'Choose a volume (scanned or rejected): type an archive number, enterprise name or code',
          )}
          {...(volumeId !== null ? { value: volumeId } : {})}
          onChange={(v) => {
            if (typeof v !== 'number') return;
            wanted.current = null;
            setVolumeId(v);
            toHome();
          }}
          label={(v) =>
            `${v.archiveNo} ${v.enterpriseName}${v.state === 'rejected' ? t('（已退回）', ' (rejected)') : v.state === 'catalogued' ? t('（待校核）', ' (awaiting QA)') : ''}`
          }
          data-testid="catalogue-volume"
        />
        {view && (
          <Tag color={STATE_COLORS[view.volume.state]} data-testid="catalogue-state">
            {stateName(reference, view.volume.state, i18n)}
          </Tag>
        )}
        <span className="catalogue-spacer" />
        {view && editable && (
          <Space>
            <Tooltip title={t('接受全部建议（A）', 'Accept all suggestions (A)')}>
              <Button
                icon={<ThunderboltOutlined />}
                disabled={suggestions.length === 0}
                onClick={() => {
                  change(acceptAll(draft, suggestions, defaultDate), 0);
                }}
                data-testid="accept-all"
              >
                {t('全部接受', 'Accept all')}
              </Button>
            </Tooltip>
            <Button
              icon={<SaveOutlined />}
              loading={busy === 'save'}
              onClick={() => void save()}
              data-testid="catalogue-save"
            >
              {t('保存', 'Save')} <kbd>Ctrl+S</kbd>
            </Button>
            <Button
              type="primary"
              icon={<CheckOutlined />}
              loading={busy === 'finish'}
              onClick={() => void finish()}
              data-testid="catalogue-finish"
            >
              {t('完成著录', 'Finish')} <kbd>Ctrl+↵</kbd>
            </Button>
          </Space>
        )}
        <ShortcutButton onClick={showHelp} />
      </div>

      {error && (
        <Alert
          type="error"
          showIcon
          title={error.message}
          description={
            error.issues.length > 0 ? (
              <ul className="issue-list" data-testid="catalogue-error-issues">
                {groupIssues(error.issues)
                  // A finding the heading already says is not said twice.
                  .filter((x) => !error.message.includes(i18n.tx(x.message)))
                  .map((x, i) => (
                    <li key={i}>{i18n.tx(x.message)}</li>
                  ))}
              </ul>
            ) : undefined
          }
          data-testid="catalogue-error"
        />
      )}
      {notice && <Alert type="success" showIcon title={i18n.tx(notice)} data-testid="catalogue-notice" />}
      {view && !editable && (
        <Alert
          type="info"
          showIcon
          data-testid="catalogue-readonly"
          title={
            !mayEdit
              ? t(
                  '著录由扫描员进行；您可以查看本卷的著录和图像',
                  'Cataloguing is done by operators; you can look at it here',
                )
              : view.volume.state === 'catalogued'
                ? t(
                    '已提交图文校核，著录只读；如需修改，请在工作台打开该案卷并选择“重新著录”',
                    'Waiting for QA, read only; to change it, open the volume on the workbench and reopen cataloguing',
                  )
                : t('当前状态下著录只读', 'The catalogue is read only in this state')
          }
        />
      )}
      {view?.rejection && <RejectionNotice rejection={view.rejection} onGo={goPage} documents={draft} />}

      {volumeId === null && (
        <Empty
          description={t(
            '请选择要著录的案卷。已退回的案卷会显示质检员给出的原因。',
            'Choose a volume to catalogue. Rejected volumes show the reasons QA gave.',
          )}
        />
      )}

      {view && (
        <>
          <div className="catalogue-status">
            <span data-testid="catalogue-counts">
              {t(
                `共 ${pageCount} 页，计入页数 ${contentPages} 页，登记页数 ${view.volume.declaredPages ?? '未登记'}`,
                `${pageCount} pages, ${contentPages} counted, ${view.volume.declaredPages ?? 'none'} declared`,
              )}
            </span>
            {ocr && editable && (
              <span className="catalogue-ocr" data-testid="ocr-status">
                {ocr.running ? (
                  <>
                    <Progress
                      percent={Math.round((ocr.read / Math.max(1, contentPages)) * 100)}
                      size="small"
                      status="active"
                      className="ocr-progress"
                    />
                    {t(
                      `正在识别标题：${ocr.read}/${contentPages} 页`,
                      `Reading titles: ${ocr.read}/${contentPages}`,
                    )}
                  </>
                ) : ocr.unread.length > 0 ? (
                  t(
                    `标题已识别 ${ocr.read} 页，${ocr.unread.length} 页未识别${ocr.failed > 0 ? `（${ocr.failed} 页识别失败）` : ''}`,
                    `Titles read on ${ocr.read} pages; ${ocr.unread.length} unread${ocr.failed > 0 ? ` (${ocr.failed} failed)` : ''}`,
                  )
                ) : (
                  t(
                    `标题已识别，${open.length} 条建议待确认`,
                    `Titles read; ${open.length} suggestion(s) to confirm`,
                  )
                )}
                {!ocr.running && ocr.fullRead !== undefined && ocr.fullRead < contentPages && (
                  <span className="catalogue-full-read" data-testid="ocr-full-read">
                    {t(
                      `整页识别 ${ocr.fullRead}/${contentPages} 页，日期和责任者随之补全`,
                      `whole pages read ${ocr.fullRead}/${contentPages}, dates and 责任者 follow`,
                    )}
                  </span>
                )}
              </span>
            )}
            {countMismatch && (
              <Input
                className="count-reason"
                size="small"
                disabled={!editable}
                value={reason}
                onChange={(e) => {
                  setReason(e.target.value);
                }}
                placeholder={t('页数不符的原因（必填）', 'Why the page count differs (required)')}
                data-testid="count-reason"
              />
            )}
          </div>
          <div className="catalogue-workspace" ref={home} tabIndex={-1}>
            <PageStrip items={strip} current={page} onSelect={goPage} />
            <div className="catalogue-viewer">
              {current ? (
                <>
                  <PageCaption seq={current.seq} pageNo={current.pageNo} testId="viewer-caption">
                    {caption !== null && (
                      <span className="viewer-heading" data-testid="viewer-heading">
                        「{caption}」
                      </span>
                    )}
                  </PageCaption>
                  <PageViewer pageId={current.id} version={thumbs.of(current.id)} height={VIEWER_HEIGHT} />
                </>
              ) : (
                <Empty description={t('本卷没有页面', 'This volume has no pages')} />
              )}
            </div>
            <div className="catalogue-side">
              <DocumentList
                draft={draft}
                suggestions={editable ? open : []}
                types={types}
                issues={issues}
                current={docIndex}
                editable={editable}
                onChange={(i, patch) => {
                  // Functional: keystrokes faster than renders must not work on a stale draft.
                  setDraft((d) => update(d, i, patch));
                  setNotice(null);
                }}
                onSelect={(i) => {
                  setDocIndex(i);
                  const d = draft[i];
                  if (d && (page < d.firstPage || page > d.lastPage)) setPage(d.firstPage);
                }}
                onPickType={setPicker}
                onAccept={accept}
              />
              <div className="rule-issues" data-testid="rule-issues">
                {draft.length === 0 ? (
                  // Nothing described yet: where to begin, not a list of everything still missing.
                  <Alert
                    type="info"
                    showIcon
                    data-testid="catalogue-start-hint"
                    title={
                      editable
                        ? t(
                            '尚未分件：按 A 接受建议，或按 B 在当前页开始一件',
                            'No documents yet: press A to accept the suggestions, or B to start one at this page',
                          )
                        : t('尚未分件', 'No documents yet')
                    }
                  />
                ) : errors.length === 0 && warnings.length === 0 ? (
                  <Alert
                    type="success"
                    showIcon
                    title={t('著录规则检查通过', 'The catalogue follows the rules')}
                  />
                ) : (
                  <Alert
                    type={errors.length > 0 ? 'error' : 'warning'}
                    showIcon
                    title={t(
                      `规则检查：${errors.length} 个错误，${warnings.length} 个提示`,
                      `Rules: ${errors.length} error(s), ${warnings.length} warning(s)`,
                    )}
                    description={
                      <ul className="issue-list">
                        {groupIssues([...errors, ...warnings]).map((x, i) => (
                          <li key={i} className={x.severity}>
                            <button
                              type="button"
                              className="link-button"
                              onClick={() => {
                                const d = x.document === undefined ? undefined : draft[x.document - 1];
                                if (x.page !== undefined) goPage(x.page);
                                else if (d) goPage(d.firstPage);
                              }}
                            >
                              {i18n.tx(x.message)}
                            </button>
                          </li>
                        ))}
                      </ul>
                    }
                  />
                )}
              </div>
            </div>
          </div>
        </>
      )}
      <TypePicker
        open={picker !== null}
        types={types}
        current={picker === null ? '' : (draft[picker]?.typeCode ?? '')}
        onClose={() => {
          flushSync(() => {
            setPicker(null);
          });
          toHome();
        }}
        onPick={(code) => {
          // Committed now, so the picker's focus lock is gone before the operator's next key (E straight
          // after Enter) arrives: input events can overtake timers.
          flushSync(() => {
            if (picker !== null) {
              const d = draft[picker];
              const type = types.find((x) => x.code === code);
              // An empty title takes the type's name: the usual title of such a document, edited with E.
              change(
                update(draft, picker, {
                  typeCode: code,
                  ...(d && d.title.trim() === '' && type ? { title: type.name } : {}),
                }),
                picker,
              );
            }
            setPicker(null);
          });
          toHome();
        }}
      />
      <ShortcutHelp open={help} onClose={hideHelp} shortcuts={SHORTCUTS} />
      {dirty && editable && (
        <div className="unsaved" data-testid="unsaved">
          {t('有未保存的修改（Ctrl+S 保存）', 'Unsaved changes (Ctrl+S saves)')}
        </div>
      )}
    </Space>
  );
}
