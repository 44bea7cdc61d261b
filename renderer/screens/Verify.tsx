import { Alert, Button, Descriptions, Empty, Space, Table, Tag, Tooltip, Typography } from 'antd';
import {
  ArrowLeftOutlined,
  CheckCircleFilled,
  CheckOutlined,
  CloseCircleFilled,
  ExclamationOutlined,
  MinusCircleOutlined,
} from '@ant-design/icons';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { flushSync } from 'react-dom';
import type { Output, Text } from '../../core/contracts';
import type { PageTextView, ReviewView } from '../../core/contracts/api-verification';
import { useApp } from '../app/context';
import { mayCall } from '../app/RoleGate';
import { errorText } from '../app/errors';
import { localTime, volumeTypeName } from '../app/format';
import { useI18n } from '../i18n/i18n';
import { RejectionNotice } from './catalogue/RejectionNotice';
import { RecordUsccDialog, type UsccToRecord } from './RecordUsccDialog';
import { ShortcutButton, ShortcutHelp, typingInField, type Shortcut } from './catalogue/ShortcutHelp';
import { MachineChecks } from './verify/MachineChecks';
import { OcrText } from './verify/OcrText';
import { PageWithBoxes } from './verify/PageWithBoxes';
import { ProblemModal } from './verify/ProblemModal';
import { TYPE_AHEAD_KEYS, useTypeAhead } from './viewer/type-ahead';
import { PageCaption } from './viewer/PageCaption';
import { useThumbKeys, useWorkspace } from './viewer/workspace';
import './scan/scan.css';
import './catalogue/catalogue.css';
import './verify/verify.css';

type QueueRow = Output<'qa.queue'>[number];
type Target = ReviewView['targets'][number];

const SHORTCUTS: readonly Shortcut[] = [
  { keys: ['J', '↓'], zh: '下一项', en: 'Next item' },
  { keys: ['K', '↑'], zh: '上一项', en: 'Previous item' },
  { keys: ['→', '←'], zh: '本件的下一页 / 上一页', en: 'Next / previous page of the document' },
  { keys: ['P'], zh: '通过当前项，转到下一项', en: 'Pass this item, go to the next' },
  { keys: ['X'], zh: '记录问题（原因 + 说明）', en: 'Record a problem (reason + note)' },
  { keys: ['Ctrl+Enter'], zh: '完成校核', en: 'Finish the review' },
  { keys: ['?'], zh: '显示快捷键', en: 'Show the shortcuts' },
];

/** Full-page OCR still running: the view is asked again this often. */
const POLL_MS = 3000;

/** 图文校核: the QA queue; a review with the image beside the catalogue, OCR text and machine checks. */
export function VerifyScreen() {
  const i18n = useI18n();
  const { t } = i18n;
  const { client, reference, user } = useApp();
  const [queue, setQueue] = useState<QueueRow[]>([]);
  const [review, setReview] = useState<ReviewView | null>(null);
  const [index, setIndex] = useState(0);
  const [pageInDoc, setPageInDoc] = useState(0);
  const [texts, setTexts] = useState<ReadonlyMap<number, PageTextView>>(new Map());
  const [loadingText, setLoadingText] = useState(false);
  const thumbs = useThumbKeys(client);
  const [problemOpen, setProblemOpen] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<{ text: Text; ok: boolean } | null>(null);
  // `home`: where the keyboard goes back to after a dialog.
  const { keys, home, toHome, help, showHelp, hideHelp } = useWorkspace();
  // Keys pressed while a decision is saved are applied after it, in order (see viewer/type-ahead.ts).
  const typeAhead = useTypeAhead(busy !== null, keys);
  /** A USCC a machine check proposes, being confirmed before it is recorded. */
  const [recordUscc, setRecordUscc] = useState<UsccToRecord | null>(null);
  const closeRecordUscc = () => {
    flushSync(() => {
      setRecordUscc(null);
    });
    toHome();
  };

  const loadQueue = useCallback(async () => {
    try {
      setQueue(await client.call('qa.queue', {}));
    } catch (e) {
      setError(errorText(e, i18n));
    }
  }, [client, i18n]);

  useEffect(() => {
    void loadQueue();
    return client.subscribe((e) => {
      if (e.name === 'volume.changed' || e.name === 'engine.ready') void loadQueue();
    });
  }, [client, loadQueue]);

  const act = async (key: string, work: () => Promise<void>) => {
    setBusy(key);
    setError(null);
    try {
      await work();
    } catch (e) {
      // Keys typed ahead of a failed step are cancelled, and said so: applied now they would act on
      // the wrong item (a P meant for the next one would pass this one again).
      const cancelled = typeAhead.clear();
      setError(
        errorText(e, i18n) +
          (cancelled > 0
            ? t(
                `（其后按下的 ${cancelled} 个键未执行）`,
                ` (${cancelled} key(s) pressed after it not applied)`,
              )
            : ''),
      );
    } finally {
      setBusy(null);
    }
  };

  const open = (volumeId: number) =>
    act(`open-${volumeId}`, async () => {
      const r = await client.call('qa.start', { volumeId });
      setReview(r);
      setOutcome(null);
      setTexts(new Map());
      const first = r.targets.findIndex((x) => x.decision === null);
      setIndex(first >= 0 ? first : 0);
      setPageInDoc(0);
      toHome();
      thumbs.load(volumeId);
    });

  // Whole pages are still being read: follow until the code and name checks have their text.
  const pending = review?.ocrPending ?? 0;
  const volumeId = review?.volume.id ?? null;
  const enterpriseId = review?.volume.enterpriseId ?? null;

  /** The machine checks again (a USCC recorded here or elsewhere confirms the pages showing it). */
  const refreshReview = useCallback(async () => {
    if (volumeId === null) return;
    try {
      setReview(await client.call('qa.start', { volumeId }));
    } catch (e) {
      setError(errorText(e, i18n));
    }
  }, [client, volumeId, i18n]);
  useEffect(
    () =>
      client.subscribe((e) => {
        if (e.name === 'enterprise.changed' && e.payload.enterpriseId === enterpriseId) void refreshReview();
      }),
    [client, enterpriseId, refreshReview],
  );
  useEffect(() => {
    if (volumeId === null || pending === 0) return;
    const timer = setTimeout(() => {
      client.call('qa.start', { volumeId }).then(
        (r) => {
          setReview(r);
          setTexts(new Map());
        },
        () => undefined,
      );
    }, POLL_MS);
    return () => {
      clearTimeout(timer);
    };
  }, [client, volumeId, pending, review]);

  const target: Target | undefined = review?.targets[index];
  const doc =
    review && target
      ? target.kind === 'document'
        ? review.documents[target.seq - 1]
        : review.documents.find((d) => d.firstPage <= target.seq && target.seq <= d.lastPage)
      : undefined;
  const docNo = review && doc ? review.documents.indexOf(doc) + 1 : null;
  const seq =
    target === undefined
      ? null
      : target.kind === 'page'
        ? target.seq
        : doc === undefined
          ? null
          : Math.min(doc.lastPage, doc.firstPage + pageInDoc);
  const page = review?.pages.find((p) => p.seq === seq);
  const text = seq === null ? null : (texts.get(seq) ?? null);

  useEffect(() => {
    if (volumeId === null || seq === null || texts.has(seq)) return;
    let live = true;
    setLoadingText(true);
    client.call('qa.pageText', { volumeId, seq }).then(
      (p) => {
        if (live) setTexts((m) => new Map(m).set(seq, p));
        setLoadingText(false);
      },
      () => {
        setLoadingText(false);
      },
    );
    return () => {
      live = false;
    };
  }, [client, volumeId, seq, texts]);

  const decide = (pass: boolean, reason?: string, note?: string) =>
    act('decide', async () => {
      if (!review || !target) return;
      const r = await client.call('qa.decide', {
        reviewId: review.reviewId,
        target: { kind: target.kind, seq: target.seq },
        pass,
        ...(reason !== undefined ? { reason } : {}),
        ...(note !== undefined && note !== '' ? { note } : {}),
      });
      // Not flushSync: the verdict must show in the same render that ends `busy`, or a P pressed on
      // seeing it would be dropped as still busy (the e2e presses P as soon as the verdict shows).
      setReview(r);
      setProblemOpen(false);
      toHome();
      // On to the next item not yet decided.
      const next = r.targets.findIndex((x, i) => i > index && x.decision === null);
      if (next >= 0) {
        setIndex(next);
        setPageInDoc(0);
      }
    });

  const finish = () =>
    act('finish', async () => {
      if (!review) return;
      const r = await client.call('qa.finish', { reviewId: review.reviewId });
      setOutcome(
        r.outcome === 'verified'
          ? {
              ok: true,
              text: { zh: `${review.volume.archiveNo} 校核通过`, en: `${review.volume.archiveNo} verified` },
            }
          : {
              ok: false,
              text: {
                zh: `${review.volume.archiveNo} 已退回扫描员（${r.problems.length} 个问题）`,
                en: `${review.volume.archiveNo} rejected back to the operator (${r.problems.length} problem(s))`,
              },
            },
      );
      setReview(null);
      await loadQueue();
    });

  keys.current = (e: KeyboardEvent) => {
    if (!review) return;
    const finishKey = (e.ctrlKey || e.metaKey) && e.key === 'Enter';
    const inDialog =
      e.ctrlKey || e.metaKey || e.altKey || typingInField(e) || problemOpen || recordUscc !== null;
    if ((finishKey || (!inDialog && TYPE_AHEAD_KEYS.has(e.key))) && typeAhead.mustWait(e)) {
      typeAhead.keep(e);
      return;
    }
    if (finishKey) {
      e.preventDefault();
      void finish();
      return;
    }
    if (inDialog) return;
    const n = review.targets.length;
    const k = e.key;
    if (k === 'j' || k === 'J' || k === 'ArrowDown') {
      e.preventDefault();
      setIndex((i) => Math.min(n - 1, i + 1));
      setPageInDoc(0);
    } else if (k === 'k' || k === 'K' || k === 'ArrowUp') {
      e.preventDefault();
      setIndex((i) => Math.max(0, i - 1));
      setPageInDoc(0);
    } else if (k === 'ArrowRight' && doc && target?.kind === 'document') {
      e.preventDefault();
      setPageInDoc((p) => Math.min(doc.lastPage - doc.firstPage, p + 1));
    } else if (k === 'ArrowLeft' && target?.kind === 'document') {
      e.preventDefault();
      setPageInDoc((p) => Math.max(0, p - 1));
    } else if (k === 'p' || k === 'P') {
      e.preventDefault();
      void decide(true);
    } else if (k === 'x' || k === 'X') {
      e.preventDefault();
      // Keys typed ahead after X were meant for the dialog it opens, not for the review.
      typeAhead.clear();
      setProblemOpen(true);
    } else if (k === '?') {
      showHelp();
    }
  };

  const typeName = useCallback(
    (code: string) => {
      const x = reference.documentTypes.find((y) => y.code === code);
      return x ? t(x.name, x.nameEn) : code;
    },
    [reference, t],
  );
  const where = (x: Target) =>
    x.kind === 'document'
      ? t(`第 ${x.seq} 件`, `Document ${x.seq}`)
      : t(`抽检第 ${x.seq} 页`, `Sample page ${x.seq}`);
  const decidedCount = useMemo(
    () => review?.targets.filter((x) => x.decision !== null).length ?? 0,
    [review],
  );
  const problems = review?.targets.filter((x) => x.decision?.verdict === 'problem').length ?? 0;

  return (
    // A flex column, not antd's Space: the workspace takes the height the window leaves (verify.css).
    <div className={`screen verify-screen${review ? ' reviewing' : ''}`}>
      <div className="catalogue-top verify-top">
        <Typography.Title level={3} data-testid="screen-title">
          {t('图文校核', 'Verification')}
        </Typography.Title>
        {review && (
          <>
            <Typography.Text strong data-testid="review-volume">
              {review.volume.archiveNo}
            </Typography.Text>
            <Typography.Text ellipsis={{ tooltip: review.enterprise.name }} className="verify-enterprise">
              {review.enterprise.name}
            </Typography.Text>
          </>
        )}
        <span className="catalogue-spacer" />
        {review && (
          <Space className="verify-actions">
            <Button
              icon={<ArrowLeftOutlined />}
              onClick={() => {
                setReview(null);
              }}
            >
              {t('返回队列', 'Queue')}
            </Button>
            <Button
              type="primary"
              danger={problems > 0}
              icon={<CheckOutlined />}
              loading={busy === 'finish'}
              onClick={() => void finish()}
              data-testid="review-finish"
            >
              {problems > 0 ? t('退回扫描员', 'Reject to operator') : t('校核通过', 'Pass the volume')}{' '}
              <kbd>Ctrl+↵</kbd>
            </Button>
          </Space>
        )}
        <ShortcutButton onClick={showHelp} />
      </div>
      {error && <Alert type="error" showIcon title={error} data-testid="verify-error" />}
      {outcome && (
        <Alert
          type={outcome.ok ? 'success' : 'warning'}
          showIcon
          title={i18n.tx(outcome.text)}
          data-testid="verify-outcome"
        />
      )}

      {!review && (
        <Table<QueueRow>
          size="small"
          rowKey="id"
          dataSource={queue}
          pagination={false}
          data-testid="qa-queue"
          locale={{
            emptyText: (
              <Empty
                description={t(
                  '没有等待校核的案卷（您扫描或著录的案卷不会出现在这里）',
                  'No volume waiting for you (volumes you scanned or catalogued are not shown)',
                )}
              />
            ),
          }}
          columns={[
            { title: t('档号', 'Archive no.'), dataIndex: 'archiveNo', key: 'a', width: 220 },
            { title: t('企业', 'Enterprise'), dataIndex: 'enterpriseName', key: 'e' },
            {
              title: t('类型', 'Type'),
              dataIndex: 'volumeType',
              key: 't',
              width: 110,
              render: (c: string) => volumeTypeName(reference, c, i18n),
            },
            {
              title: t('退回次数', 'Rejections'),
              dataIndex: 'rejections',
              key: 'r',
              width: 90,
              render: (n: number) => (n > 0 ? <Tag color="orange">{n}</Tag> : '—'),
            },
            {
              title: t('提交时间', 'Submitted'),
              dataIndex: 'updatedAt',
              key: 'u',
              width: 150,
              render: (s: string) => localTime(s),
            },
            {
              title: '',
              key: 'x',
              width: 120,
              render: (_: unknown, v: QueueRow) => (
                <Button
                  type="primary"
                  size="small"
                  loading={busy === `open-${v.id}`}
                  onClick={() => void open(v.id)}
                  data-testid={`review-open-${v.id}`}
                >
                  {t('开始校核', 'Review')}
                </Button>
              ),
            },
          ]}
        />
      )}

      {review && (
        <>
          {review.history[0] && (
            <RejectionNotice rejection={review.history[0]} documents={review.documents} forReviewer />
          )}
          <div className="verify-summary">
            {/* The code to compare with the pages; here rather than in the toolbar, which stays one line. */}
            <Typography.Text code data-testid="review-code">
              {review.enterprise.uscc ?? review.enterprise.regNo ?? '—'}
            </Typography.Text>
            <Typography.Text strong data-testid="review-progress">
              {t(
                `已校核 ${decidedCount}/${review.targets.length} 项，问题 ${problems} 个`,
                `${decidedCount}/${review.targets.length} decided, ${problems} problem(s)`,
              )}
            </Typography.Text>
            <span>
              {t(
                `抽检规则：机检 ${review.rule.machinePercent}%，人工抽检 ≥ ${review.rule.manualPagePercent}% 页面，目录与图像对应 ${review.rule.cataloguePercent}%`,
                `Sampling: machine ${review.rule.machinePercent}%, manual ≥ ${review.rule.manualPagePercent}% of pages, catalogue-to-image ${review.rule.cataloguePercent}%`,
              )}
            </span>
            {typeAhead.pending > 0 && (
              <Tag color="processing" data-testid="queued-keys">
                {t(
                  `正在保存，已记下 ${typeAhead.pending} 个按键`,
                  `Saving — ${typeAhead.pending} key(s) to apply`,
                )}
              </Tag>
            )}
            {pending > 0 && (
              <Tag color="processing" data-testid="ocr-pending">
                {t(`全文识别中：${pending} 页待识别`, `Reading pages: ${pending} to go`)}
              </Tag>
            )}
            <Tag color={review.machine.passed ? 'success' : 'error'} data-testid="machine-summary">
              {review.machine.passed
                ? t('机检通过', 'Machine checks passed')
                : t('机检未通过', 'Machine checks failed')}
            </Tag>
          </div>
          <div className="verify-workspace" ref={home} tabIndex={-1}>
            <div className="verify-targets" data-testid="review-targets">
              {review.targets.map((x, i) => (
                <button
                  type="button"
                  key={`${x.kind}-${x.seq}`}
                  className={`target${i === index ? ' current' : ''}`}
                  data-testid="review-target"
                  data-kind={x.kind}
                  data-seq={x.seq}
                  data-verdict={x.decision?.verdict ?? 'open'}
                  onClick={() => {
                    setIndex(i);
                    setPageInDoc(0);
                  }}
                >
                  {x.decision === null ? (
                    <MinusCircleOutlined className="verdict-open" />
                  ) : x.decision.verdict === 'pass' ? (
                    <CheckCircleFilled className="verdict-pass" />
                  ) : (
                    <CloseCircleFilled className="verdict-problem" />
                  )}
                  <span className="target-where">{where(x)}</span>
                  {x.kind === 'document' && (
                    <span className="target-type">
                      {typeName(review.documents[x.seq - 1]?.typeCode ?? '')}
                    </span>
                  )}
                  {x.decision?.verdict === 'problem' && (
                    <span className="target-reason">
                      {i18n.tx(
                        review.reasons.find((r) => r.code === x.decision?.reasonCode)?.name ?? {
                          zh: '',
                          en: '',
                        },
                      )}
                    </span>
                  )}
                </button>
              ))}
            </div>
            <div className="verify-image">
              <PageCaption seq={seq} pageNo={page?.pageNo ?? null} testId="verify-caption">
                {target?.kind === 'document' && doc && (
                  <span className="viewer-heading">
                    {t(
                      `本件第 ${pageInDoc + 1}/${doc.lastPage - doc.firstPage + 1} 页（← → 翻页）`,
                      `page ${pageInDoc + 1}/${doc.lastPage - doc.firstPage + 1} of the document (← →)`,
                    )}
                  </span>
                )}
              </PageCaption>
              {page ? <PageWithBoxes pageId={page.id} version={thumbs.of(page.id)} text={text} /> : <Empty />}
            </div>
            <div className="verify-side">
              <Descriptions
                size="small"
                column={1}
                bordered
                title={
                  docNo === null
                    ? t('不属于任何一件', 'In no document')
                    : t(`著录：第 ${docNo} 件`, `Catalogue: document ${docNo}`)
                }
                data-testid="verify-catalogue"
              >
                {doc && (
                  <>
                    <Descriptions.Item label={t('类型', 'Type')}>{typeName(doc.typeCode)}</Descriptions.Item>
                    <Descriptions.Item label={t('题名', 'Title')}>{doc.title}</Descriptions.Item>
                    <Descriptions.Item label={t('日期', 'Date')}>{doc.docDate ?? '—'}</Descriptions.Item>
                    <Descriptions.Item label={t('责任者', 'Responsible')}>
                      {doc.responsible ?? '—'}
                    </Descriptions.Item>
                    <Descriptions.Item label={t('页码', 'Pages')}>
                      {doc.firstPage}–{doc.lastPage}
                    </Descriptions.Item>
                  </>
                )}
              </Descriptions>
              <Space className="decide-buttons">
                <Tooltip title={t('通过（P）', 'Pass (P)')}>
                  <Button
                    icon={<CheckOutlined />}
                    onClick={() => void decide(true)}
                    loading={busy === 'decide'}
                    data-testid="decide-pass"
                  >
                    {t('通过', 'Pass')} <kbd>P</kbd>
                  </Button>
                </Tooltip>
                <Tooltip title={t('记录问题（X）', 'Problem (X)')}>
                  <Button
                    danger
                    icon={<ExclamationOutlined />}
                    onClick={() => {
                      setProblemOpen(true);
                    }}
                    data-testid="decide-problem"
                  >
                    {t('有问题', 'Problem')} <kbd>X</kbd>
                  </Button>
                </Tooltip>
              </Space>
              {target?.decision?.verdict === 'problem' && (
                <Alert
                  type="error"
                  showIcon
                  title={i18n.tx(
                    review.reasons.find((r) => r.code === target.decision?.reasonCode)?.name ?? {
                      zh: '',
                      en: '',
                    },
                  )}
                  description={target.decision.note ?? undefined}
                />
              )}
              <Typography.Title level={5}>{t('识别文字', 'OCR text')}</Typography.Title>
              <OcrText text={text} loading={loadingText} />
              <Typography.Title level={5}>{t('机检结果', 'Machine checks')}</Typography.Title>
              <MachineChecks
                checks={review.machine.checks}
                onRecordUscc={
                  mayCall(user, 'enterprises.recordUscc') && review.enterprise.regNo !== null
                    ? (uscc) => {
                        const regNo = review.enterprise.regNo ?? '';
                        setRecordUscc({
                          enterpriseId: review.volume.enterpriseId,
                          name: review.enterprise.name,
                          regNo,
                          uscc,
                        });
                      }
                    : null
                }
              />
            </div>
          </div>
        </>
      )}
      <ProblemModal
        open={problemOpen}
        where={target ? where(target) : ''}
        reasons={review?.reasons ?? []}
        initial={target?.decision ? { reason: target.decision.reasonCode, note: target.decision.note } : null}
        onOk={(reason, note) => void decide(false, reason, note)}
        onClose={() => {
          flushSync(() => {
            setProblemOpen(false);
          });
          toHome();
        }}
      />
      <RecordUsccDialog
        record={recordUscc}
        onClose={closeRecordUscc}
        onRecorded={() => {
          closeRecordUscc();
          void refreshReview();
        }}
      />
      <ShortcutHelp open={help} onClose={hideHelp} shortcuts={SHORTCUTS} />
    </div>
  );
}
