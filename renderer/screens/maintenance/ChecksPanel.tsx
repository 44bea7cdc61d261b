import {
  Alert,
  Badge,
  Button,
  Card,
  Checkbox,
  Collapse,
  Empty,
  Input,
  Modal,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { PlayCircleOutlined, ToolOutlined } from '@ant-design/icons';
import { useEffect, useState } from 'react';
import type { Text } from '../../../core/contracts';
import {
  FINDINGS_SHOWN,
  type CheckCategoryView,
  type CheckIdName,
  type CheckResult,
  type FindingView,
  type FixPreview,
} from '../../../core/contracts/api-maintenance';
import { visibleValue } from '../../../core/contracts/visible-value';
import { useApp } from '../../app/context';
import { ApiError } from '../../api/client';
import { errorText } from '../../app/errors';
import { useI18n } from '../../i18n/i18n';
import { BlobModal, type BlobTarget } from './BlobModal';
import { findingLink } from './finding-links';
import { GUIDES } from './guides';
import { TaskProgress, useMaintenanceProgress } from './progress';
import './maintenance.css';

type Severity = FindingView['severity'];
const SEVERITY: Readonly<Record<Severity, readonly [string, string, string]>> = {
  error: ['错误', 'Error', 'red'],
  warning: ['警告', 'Warning', 'orange'],
  info: ['提示', 'Info', 'blue'],
};
const ENTITY: Readonly<Record<string, readonly [string, string]>> = {
  enterprise: ['企业', 'Enterprise'],
  volume: ['案卷', 'Volume'],
  page: ['页', 'Page'],
  document: ['文件', 'Document'],
  blob: ['图像文件', 'Image file'],
  roster: ['名录', 'Roster'],
  transform: ['页面处理', 'Transform'],
};

export function SeverityTag({ severity }: { severity: Severity }) {
  const { t } = useI18n();
  const [zh, en, color] = SEVERITY[severity];
  return <Tag color={color}>{t(zh, en)}</Tag>;
}

/**
 * The last results, kept while the technician follows findings to other screens and comes back (the
 * screen is unmounted meanwhile); only for the user who ran them.
 */
let remembered: { userId: number; result: CheckResult; open: string[] } | null = null;

/** A finding's record, as a link that opens it: the volume at its page or document, the enterprise, the image. */
function FindingEntity({ finding, onBlob }: { finding: FindingView; onBlob: (b: BlobTarget) => void }) {
  const { t } = useI18n();
  const { navigate } = useApp();
  const target = finding.target;
  const [zh, en] = ENTITY[finding.entityType] ?? [finding.entityType, finding.entityType];
  const id = finding.entityId.length > 16 ? `${finding.entityId.slice(0, 12)}…` : finding.entityId;
  const link = findingLink(finding);
  const label =
    target?.kind === 'volume'
      ? [
          // A space in a stored 档号 shown (␣): "350200-2019-SL-000001 " is not volume 1.
          visibleValue(target.archiveNo),
          target.documentSeq !== null && t(`第 ${target.documentSeq} 件`, `doc. ${target.documentSeq}`),
          target.seq !== null && t(`第 ${target.seq} 页`, `p. ${target.seq}`),
        ]
          .filter(Boolean)
          .join(' ')
      : target?.kind === 'enterprise'
        ? `${target.name}${target.code === null ? '' : ` ${target.code}`}`
        : target?.kind === 'code'
          ? t(`名录代码 ${target.code}`, `Roster code ${target.code}`)
          : target?.kind === 'blob'
            ? t(`图像 ${target.sha256.slice(0, 12)}…`, `Image ${target.sha256.slice(0, 12)}…`)
            : null;
  if (label === null || target === null) {
    return (
      <span>
        {t(zh, en)} <Typography.Text code>{id}</Typography.Text>
      </span>
    );
  }
  const where = link
    ? t(`在“${link.place.zh}”中打开`, `Open in ${link.place.en}`)
    : t('查看摘要与使用它的页面', 'Digest and the pages using it');
  return (
    <Tooltip title={`${t(zh, en)} ${id}`}>
      <button
        type="button"
        className="finding-link"
        data-testid="finding-link"
        data-kind={finding.kind}
        onClick={() => {
          if (link) navigate(link.url);
          else if (target.kind === 'blob') onBlob(target);
        }}
      >
        <span className="finding-link-label">{label}</span>
        <Typography.Text type="secondary" className="finding-link-where">
          {where}
        </Typography.Text>
      </button>
    </Tooltip>
  );
}

/** Guided manual fix: the steps and the screens where they are done. */
function GuideCard({ id }: { id: CheckIdName }) {
  const { t } = useI18n();
  const { navigate } = useApp();
  const guide = GUIDES[id];
  return (
    <Card size="small" title={t('人工处理指引', 'Manual fix, step by step')} data-testid={`guide-${id}`}>
      <ol style={{ margin: '0 0 12px', paddingLeft: 20, lineHeight: 1.9 }}>
        {guide.steps.map((s) => (
          <li key={s.zh}>{t(s.zh, s.en)}</li>
        ))}
      </ol>
      <Space wrap>
        <Typography.Text type="secondary">{t('前往：', 'Go to:')}</Typography.Text>
        {guide.links.map((l) => (
          <Button
            key={l.path}
            size="small"
            onClick={() => {
              navigate(l.path);
            }}
          >
            {t(l.zh, l.en)}
          </Button>
        ))}
      </Space>
    </Card>
  );
}

/** What a fix touches, named as the screens name it (the plan speaks in tables and columns). */
const TABLE_ZH: Readonly<Record<string, string>> = {
  enterprises: '企业',
  volumes: '案卷',
  documents: '文件',
  pages: '页面',
  page_transforms: '页面处理',
};
const COLUMN_ZH: Readonly<Record<string, string>> = {
  name: '企业名称',
  title: '题名',
  responsible: '责任者',
  page_count_reason: '页数更正原因',
  uscc: '统一社会信用代码',
  reg_no: '注册号',
  archive_no: '档号',
  seq: '页码',
  first_page: '起始页',
  last_page: '终止页',
  declared_pages: '著录页数',
};

const REASON_MISSING = {
  zh: '请填写更正原因：以实际页数替换著录页数前，须说明为什么（例如已核对实物）',
  en: 'Give the reason: say why the counted pages replace the catalogued count (e.g. checked the paper)',
} as const;

/** 数据检错 and 改错: run the checks (all or chosen), findings per category, automatic fixes with preview. */
export function ChecksPanel({
  categories,
  onFixed,
}: {
  categories: readonly CheckCategoryView[];
  onFixed: () => void;
}) {
  const i18n = useI18n();
  const { t, tx } = i18n;
  const { client, user } = useApp();
  const progress = useMaintenanceProgress();
  const kept = remembered?.userId === user.id ? remembered : null;
  const [chosen, setChosen] = useState<CheckIdName[]>(categories.map((c) => c.id));
  const [roster, setRoster] = useState('');
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<CheckResult | null>(kept?.result ?? null);
  const [openKeys, setOpenKeys] = useState<string[]>(kept?.open ?? []);
  const [blob, setBlob] = useState<{ target: BlobTarget; problem: string } | null>(null);
  useEffect(() => {
    remembered = result === null ? null : { userId: user.id, result, open: openKeys };
  }, [result, openKeys, user.id]);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<Text | null>(null);
  const [preview, setPreview] = useState<FixPreview | null>(null);
  const [reason, setReason] = useState('');
  /** The dialog asked for the reason and found none: said under the field, in the dialog. */
  const [reasonMissing, setReasonMissing] = useState(false);
  /** A failure of the preview (by its category's button) or of applying (in the dialog), said where it happened. */
  const [fixError, setFixError] = useState<{ category: CheckIdName | 'apply'; text: string } | null>(null);
  const [fixBusy, setFixBusy] = useState<string | null>(null);

  const run = async (only: CheckIdName[] = chosen) => {
    setRunning(true);
    setError(null);
    progress.reset('checks');
    try {
      const all = only.length === categories.length;
      const r = await client.call('maintenance.runChecks', {
        ...(all ? {} : { only }),
        ...(roster.trim() === '' ? {} : { rosterPath: roster.trim() }),
      });
      // Re-running some categories replaces only theirs in what is shown.
      setResult((old) =>
        old === null || all
          ? r
          : { ...r, categories: old.categories.map((c) => r.categories.find((n) => n.id === c.id) ?? c) },
      );
    } catch (e) {
      setError(errorText(e, i18n));
    } finally {
      setRunning(false);
    }
  };

  /** Why a fix failed, as this screen says it (the engine's reason-required text names the CLI flag). */
  const fixErrorText = (e: unknown): string =>
    e instanceof ApiError && e.code === 'fix.reason-required'
      ? t(REASON_MISSING.zh, REASON_MISSING.en)
      : errorText(e, i18n);

  const closePreview = () => {
    setPreview(null);
    setFixError(null);
  };

  // The preview never needs the reason: it is asked for in the dialog, before applying.
  const openPreview = async (category: CheckIdName) => {
    setFixBusy(category);
    setFixError(null);
    setNotice(null);
    try {
      setReason('');
      setReasonMissing(false);
      setPreview(await client.call('maintenance.fixPreview', { category }));
    } catch (e) {
      setFixError({ category, text: fixErrorText(e) });
    } finally {
      setFixBusy(null);
    }
  };

  const apply = async () => {
    if (preview === null) return;
    if (preview.category === 'page-count' && reason.trim() === '') {
      setReasonMissing(true);
      return;
    }
    setFixBusy('apply');
    setFixError(null);
    try {
      const r = await client.call('maintenance.fixApply', {
        category: preview.category,
        planDigest: preview.planDigest,
        ...(reason.trim() === '' ? {} : { reason: reason.trim() }),
      });
      setPreview(null);
      setNotice({
        zh: `已执行自动修正：${r.changes} 处更改（审计记录 ${r.seq ?? '—'}），可在“已执行的修正”中撤销`,
        en: `Fix applied: ${r.changes} changes (audit record ${r.seq ?? '—'}); undo it under Applied fixes`,
      });
      onFixed();
      await run([preview.category]);
    } catch (e) {
      // Said in the dialog, which stays open: the technician reads it there and previews again or cancels.
      setFixError({ category: 'apply', text: fixErrorText(e) });
    } finally {
      setFixBusy(null);
    }
  };

  /** A value before or after a fix: text quoted with its spaces shown, an empty one said so. */
  const cellValue = (v: string | number | boolean | null): string =>
    v === null || v === ''
      ? t('（空）', '(empty)')
      : typeof v === 'string'
        ? `“${visibleValue(v)}”`
        : String(v);

  const byId = new Map(categories.map((c) => [c.id, c]));
  const total = result?.categories.reduce((n, c) => n + c.count, 0) ?? 0;
  const errors =
    result?.categories.reduce((n, c) => n + c.findings.filter((f) => f.severity === 'error').length, 0) ?? 0;

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Card size="small" title={t('数据检错（每月检查）', 'Data checks (monthly)')}>
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Space wrap>
            <Button
              size="small"
              onClick={() => {
                setChosen(categories.map((c) => c.id));
              }}
            >
              {t('全选', 'All')}
            </Button>
            <Button
              size="small"
              onClick={() => {
                setChosen([]);
              }}
            >
              {t('全不选', 'None')}
            </Button>
          </Space>
          <Checkbox.Group
            value={chosen}
            onChange={(v) => {
              setChosen(v);
            }}
            data-testid="check-categories"
            options={categories.map((c) => ({
              value: c.id,
              label: (
                <span title={tx(c.description)}>
                  {t(c.name, c.nameEn)}
                  {c.autoFix && (
                    <Tag color="green" style={{ marginLeft: 4 }}>
                      {t('可自动修正', 'auto-fix')}
                    </Tag>
                  )}
                </span>
              ),
            }))}
            style={{ display: 'grid', gridTemplateColumns: 'repeat(3, minmax(0, 1fr))', rowGap: 6 }}
          />
          <Input
            value={roster}
            onChange={(e) => {
              setRoster(e.target.value);
            }}
            placeholder={t(
              '登记系统名录文件（可选，完整路径，JSON 或 CSV），用于“分局已删的企业”',
              'Registration roster file (optional, full path, JSON or CSV) for “deleted upstream”',
            )}
            data-testid="check-roster"
          />
          <Button
            type="primary"
            icon={<PlayCircleOutlined />}
            disabled={chosen.length === 0}
            loading={running}
            onClick={() => void run()}
            data-testid="run-checks"
          >
            {t(`开始检查（${chosen.length} 类）`, `Run checks (${chosen.length})`)}
          </Button>
          {running && (
            <TaskProgress
              step={progress.of('checks')}
              fallback={t('正在准备检查…', 'Preparing the checks…')}
              testId="checks-progress"
            />
          )}
        </Space>
      </Card>
      {error && <Alert type="error" showIcon title={error} data-testid="checks-error" />}
      {notice && <Alert type="success" showIcon title={tx(notice)} data-testid="checks-notice" />}
      {result && (
        <Card
          size="small"
          title={t('检查结果', 'Results')}
          extra={
            <Typography.Text type="secondary">
              {t(
                `${new Date(result.at).toLocaleString('zh-CN')}，用时 ${(result.durationMs / 1000).toFixed(1)} 秒`,
                `${new Date(result.at).toLocaleString()}, ${(result.durationMs / 1000).toFixed(1)} s`,
              )}
            </Typography.Text>
          }
          data-testid="check-results"
        >
          <Alert
            type={errors > 0 ? 'error' : total > 0 ? 'warning' : 'success'}
            showIcon
            title={
              errors > 0
                ? t(`发现 ${total} 个问题，其中错误 ${errors} 个`, `${total} findings, ${errors} errors`)
                : total > 0
                  ? t(`发现 ${total} 个需要查看的问题，没有错误`, `${total} findings to look at, no errors`)
                  : t('未发现问题', 'Nothing found')
            }
            style={{ marginBottom: 12 }}
          />
          {result.fixity && (
            <Typography.Paragraph type="secondary">
              {t(
                `图像完整复核：本次重新计算 ${result.fixity.checked} 个图像的摘要，问题 ${result.fixity.problems} 个${result.fixity.cycleCompleted ? '（本轮已覆盖全部图像）' : '（按月轮转，每次复核一部分）'}`,
                `Fixity: ${result.fixity.checked} ${result.fixity.checked === 1 ? 'image' : 'images'} re-hashed, ${result.fixity.problems} ${result.fixity.problems === 1 ? 'problem' : 'problems'}${result.fixity.cycleCompleted ? ' (cycle complete)' : ' (a rotating slice per run)'}`,
              )}
            </Typography.Paragraph>
          )}
          <Collapse
            activeKey={openKeys}
            onChange={(keys) => {
              setOpenKeys(keys);
            }}
            items={result.categories.map((c) => {
              const cat = byId.get(c.id);
              const fixable = cat?.autoFix === true && c.findings.some((f) => f.autoFix);
              const manual = c.findings.some((f) => !f.autoFix) || cat?.autoFix !== true;
              return {
                key: c.id,
                label: (
                  <Space data-testid={`category-${c.id}`}>
                    <Badge
                      count={c.count}
                      showZero
                      overflowCount={99999}
                      color={
                        c.count === 0
                          ? '#52c41a'
                          : c.findings[0]?.severity === 'error'
                            ? '#cf1322'
                            : '#fa8c16'
                      }
                    />
                    <span>{t(c.name, c.nameEn)}</span>
                    {c.notes.length > 0 && <Tag>{t('有说明', 'notes')}</Tag>}
                  </Space>
                ),
                children: (
                  <Space orientation="vertical" style={{ width: '100%' }}>
                    {cat && <Typography.Text type="secondary">{tx(cat.description)}</Typography.Text>}
                    {c.notes.map((n, i) => (
                      <Alert key={i} type="info" showIcon title={tx(n)} />
                    ))}
                    {c.count === 0 ? (
                      <Empty
                        image={Empty.PRESENTED_IMAGE_SIMPLE}
                        description={t('本类未发现问题', 'Nothing found here')}
                      />
                    ) : (
                      <>
                        {fixable && (
                          <Button
                            icon={<ToolOutlined />}
                            loading={fixBusy === c.id}
                            onClick={() => void openPreview(c.id)}
                            data-testid={`fix-preview-${c.id}`}
                          >
                            {t('预览自动修正', 'Preview the automatic fix')}
                          </Button>
                        )}
                        {fixError?.category === c.id && (
                          <Alert
                            type="error"
                            showIcon
                            title={fixError.text}
                            data-testid={`fix-error-${c.id}`}
                          />
                        )}
                        <Table<FindingView>
                          size="small"
                          rowKey={(f) => `${f.kind} ${f.entityType} ${f.entityId}`}
                          dataSource={[...c.findings]}
                          pagination={{ pageSize: 20, hideOnSinglePage: true }}
                          columns={[
                            {
                              title: t('对象（点击打开）', 'Record (click to open)'),
                              key: 'e',
                              width: 250,
                              render: (_: unknown, f: FindingView) => (
                                <FindingEntity
                                  finding={f}
                                  onBlob={(target) => {
                                    setBlob({ target, problem: tx(f.message) });
                                  }}
                                />
                              ),
                            },
                            {
                              title: t('级别', 'Severity'),
                              key: 's',
                              width: 80,
                              render: (_: unknown, f: FindingView) => <SeverityTag severity={f.severity} />,
                            },
                            {
                              title: t('问题', 'Problem'),
                              key: 'm',
                              render: (_: unknown, f: FindingView) => tx(f.message),
                            },
                            {
                              title: t('建议处理', 'Suggested fix'),
                              key: 'f',
                              render: (_: unknown, f: FindingView) => (
                                <span>
                                  {tx(f.fix)}
                                  {f.autoFix && (
                                    <Tag color="green" style={{ marginLeft: 4 }}>
                                      {t('可自动修正', 'auto-fix')}
                                    </Tag>
                                  )}
                                </span>
                              ),
                            },
                          ]}
                        />
                        {c.count > c.findings.length && (
                          <Typography.Text type="secondary">
                            {t(
                              `共 ${c.count} 项，此处列出前 ${FINDINGS_SHOWN} 项；全部结果请用命令 dangan check --xlsx 导出`,
                              `${c.count} in all, the first ${FINDINGS_SHOWN} shown; dangan check --xlsx exports all`,
                            )}
                          </Typography.Text>
                        )}
                        {manual && <GuideCard id={c.id} />}
                      </>
                    )}
                  </Space>
                ),
              };
            })}
          />
        </Card>
      )}
      <BlobModal
        blob={blob?.target ?? null}
        problem={blob?.problem ?? ''}
        onClose={() => {
          setBlob(null);
        }}
      />
      <Modal
        open={preview !== null}
        width={960}
        title={
          preview &&
          t(
            `自动修正预览：${byId.get(preview.category)?.name ?? preview.category}`,
            `Fix preview: ${byId.get(preview.category)?.nameEn ?? preview.category}`,
          )
        }
        onCancel={closePreview}
        footer={[
          <Button key="cancel" onClick={closePreview}>
            {t('取消', 'Cancel')}
          </Button>,
          <Button
            key="apply"
            type="primary"
            danger
            disabled={preview === null || preview.changes.length === 0}
            loading={fixBusy === 'apply'}
            onClick={() => void apply()}
            data-testid="fix-apply"
          >
            {t('执行修正', 'Apply the fix')}
          </Button>,
        ]}
      >
        {preview && (
          <Space orientation="vertical" style={{ width: '100%' }} data-testid="fix-preview">
            <Alert
              type="info"
              showIcon
              title={t(
                `将在一个事务中执行以下 ${preview.changes.length} 处更改，并记入审计日志（保留修改前的数据，可撤销）。`,
                `These ${preview.changes.length} changes are made in one transaction and audited with the before-image (undoable).`,
              )}
            />
            {preview.category === 'page-count' && preview.changes.length > 0 && (
              <div>
                <Typography.Text strong>
                  <span style={{ color: '#cf1322' }}>* </span>
                  {t('更正原因（记录在每个案卷上）', 'Reason (kept on every volume)')}
                </Typography.Text>
                <Input.TextArea
                  value={reason}
                  status={reasonMissing ? 'error' : ''}
                  autoSize={{ minRows: 1, maxRows: 3 }}
                  maxLength={500}
                  onChange={(e) => {
                    setReason(e.target.value);
                    if (e.target.value.trim() !== '') setReasonMissing(false);
                  }}
                  placeholder={t(
                    '例如：已核对实物，原著录页数有误，以实际扫描页数为准',
                    'e.g. checked against the paper volume: the catalogued count was wrong',
                  )}
                  data-testid="fix-reason"
                  style={{ marginTop: 4 }}
                />
                {reasonMissing && (
                  <Typography.Text type="danger" data-testid="fix-reason-missing">
                    {t(REASON_MISSING.zh, REASON_MISSING.en)}
                  </Typography.Text>
                )}
              </div>
            )}
            {fixError?.category === 'apply' && (
              <Alert type="error" showIcon title={fixError.text} data-testid="fix-apply-error" />
            )}
            <Table
              size="small"
              rowKey={(c) => `${c.table}:${c.id}`}
              dataSource={preview.changes}
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              columns={[
                {
                  title: t('表 / 记录', 'Table / row'),
                  key: 't',
                  width: 150,
                  render: (_: unknown, c: FixPreview['changes'][number]) => (
                    <Typography.Text code>
                      {t(TABLE_ZH[c.table] ?? c.table, c.table)} {c.id}
                    </Typography.Text>
                  ),
                },
                {
                  title: t('操作', 'Action'),
                  key: 'a',
                  width: 70,
                  render: (_: unknown, c: FixPreview['changes'][number]) =>
                    c.action === 'delete' ? (
                      <Tag color="red">{t('删除', 'Delete')}</Tag>
                    ) : (
                      <Tag color="blue">{t('修改', 'Update')}</Tag>
                    ),
                },
                {
                  title: t('修改前 → 修改后', 'Before → after'),
                  key: 'c',
                  render: (_: unknown, c: FixPreview['changes'][number]) =>
                    c.columns.length === 0
                      ? t(
                          '整行删除（原记录保存在审计记录中）',
                          'Whole row removed (kept in the audit record)',
                        )
                      : c.columns.map((col) => (
                          <div key={col.column}>
                            <Typography.Text type="secondary">
                              {t(COLUMN_ZH[col.column] ?? col.column, col.column)}：
                            </Typography.Text>
                            <Typography.Text delete>{cellValue(col.before)}</Typography.Text>
                            {' → '}
                            <Typography.Text strong>
                              {/* The reason is typed in this dialog: the preview was made without it. */}
                              {col.column === 'page_count_reason'
                                ? reason.trim() === ''
                                  ? t('（待填写）', '(to be given)')
                                  : cellValue(reason.trim())
                                : cellValue(col.after)}
                            </Typography.Text>
                          </div>
                        )),
                },
                {
                  title: t('说明', 'Description'),
                  key: 'd',
                  render: (_: unknown, c: FixPreview['changes'][number]) => tx(c.description),
                },
              ]}
            />
            {preview.skipped.length > 0 && (
              <Alert
                type="warning"
                showIcon
                title={t(
                  `${preview.skipped.length} 处需人工处理，不会自动修改`,
                  `${preview.skipped.length} left for a person`,
                )}
                description={preview.skipped.slice(0, 10).map((s) => (
                  <div key={`${s.table}:${s.id}`}>
                    {t(TABLE_ZH[s.table] ?? s.table, s.table)} {s.id}：{tx(s.reason)}
                  </div>
                ))}
              />
            )}
          </Space>
        )}
      </Modal>
    </Space>
  );
}
