import { Alert, Button, Card, Popconfirm, Table, Tag, Typography } from 'antd';
import { UndoOutlined } from '@ant-design/icons';
import { useState } from 'react';
import type { AppliedFixView, CheckCategoryView } from '../../../core/contracts/api-maintenance';
import { useApp } from '../../app/context';
import { errorText } from '../../app/errors';
import { localTime } from '../../app/format';
import { useI18n } from '../../i18n/i18n';

/** 已执行的修正: every automatic fix from the audit log, with undo while nothing has changed since. */
export function FixHistory({
  fixes,
  categories,
  reload,
}: {
  fixes: readonly AppliedFixView[];
  categories: readonly CheckCategoryView[];
  reload: () => Promise<void>;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { client } = useApp();
  const [busy, setBusy] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const undo = async (seq: number) => {
    setBusy(seq);
    setError(null);
    setNotice(null);
    try {
      const r = await client.call('maintenance.fixUndo', { seq });
      setNotice(
        t(
          `已撤销修正 ${r.undoes}，恢复 ${r.rows} 条记录（审计记录 ${r.seq}）`,
          `Fix ${r.undoes} undone: ${r.rows} rows restored (audit record ${r.seq})`,
        ),
      );
      await reload();
    } catch (e) {
      setError(errorText(e, i18n));
    } finally {
      setBusy(null);
    }
  };
  const name = (id: string) => {
    const c = categories.find((x) => x.id === id);
    return c ? t(c.name, c.nameEn) : id;
  };

  return (
    <Card size="small" title={t('已执行的自动修正', 'Applied automatic fixes')}>
      {error && (
        <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="undo-error" />
      )}
      {notice && (
        <Alert
          type="success"
          showIcon
          title={notice}
          style={{ marginBottom: 12 }}
          data-testid="undo-notice"
        />
      )}
      <Table<AppliedFixView>
        size="small"
        rowKey="seq"
        dataSource={[...fixes]}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t('尚未执行过自动修正', 'No automatic fix applied yet') }}
        data-testid="fix-history"
        columns={[
          { title: t('审计记录', 'Audit record'), dataIndex: 'seq', key: 'seq', width: 90 },
          { title: t('时间', 'When'), key: 'at', width: 150, render: (_: unknown, f) => localTime(f.at) },
          { title: t('执行人', 'By'), key: 'u', width: 110, render: (_: unknown, f) => f.username ?? '—' },
          { title: t('类别', 'Category'), key: 'c', render: (_: unknown, f) => name(f.category) },
          { title: t('更改数', 'Changes'), dataIndex: 'changes', key: 'n', width: 80, align: 'right' },
          {
            title: t('原因', 'Reason'),
            key: 'r',
            render: (_: unknown, f) => f.reason ?? <Typography.Text type="secondary">—</Typography.Text>,
          },
          {
            title: t('状态', 'State'),
            key: 's',
            width: 230,
            render: (_: unknown, f) =>
              f.undone ? (
                <Tag>
                  {t(
                    `已于 ${localTime(f.undone.at)} 撤销（${f.undone.username ?? '—'}）`,
                    `Undone ${localTime(f.undone.at)} (${f.undone.username ?? '—'})`,
                  )}
                </Tag>
              ) : (
                <Popconfirm
                  title={t(
                    `撤销修正 ${f.seq}？将恢复修正前的 ${f.changes} 处数据`,
                    `Undo fix ${f.seq}? Its ${f.changes} changes are reverted`,
                  )}
                  okText={t('撤销', 'Undo')}
                  cancelText={t('不撤销', 'Keep it')}
                  onConfirm={() => void undo(f.seq)}
                >
                  <Button
                    size="small"
                    icon={<UndoOutlined />}
                    loading={busy === f.seq}
                    data-testid={`undo-${f.seq}`}
                  >
                    {t('撤销', 'Undo')}
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />
    </Card>
  );
}
