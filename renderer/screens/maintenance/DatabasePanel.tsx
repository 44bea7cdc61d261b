import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Input,
  InputNumber,
  Row,
  Space,
  Tag,
  Typography,
} from 'antd';
import { DatabaseOutlined, SafetyCertificateOutlined, SaveOutlined } from '@ant-design/icons';
import { useState } from 'react';
import type { Output } from '../../../core/contracts';
import type { LostImage } from '../../../core/contracts/api-maintenance';
import { useApp } from '../../app/context';
import { errorText } from '../../app/errors';
import { localTime } from '../../app/format';
import { useI18n } from '../../i18n/i18n';
import { TaskProgress, useMaintenanceProgress } from './progress';

type Task = 'maintain' | 'audit' | 'backup' | 'restore';

/** What the retention clean-up removes (db/maintenance/maintain.ts), named for the technician. */
const REMOVED: Readonly<Record<string, readonly [string, string]>> = {
  jobs: ['已完成的后台任务', 'finished background jobs'],
  sessions: ['已结束的登录会话', 'ended sign-in sessions'],
  fixity_results: ['已删除图像的复核记录', 're-hash records of removed images'],
};

const PROBLEMS: Readonly<Record<string, readonly [string, string]>> = {
  'hash-mismatch': [
    '记录内容与其摘要不符（记录被改动过）',
    'the record does not match its hash (it was edited)',
  ],
  'chain-broken': ['记录与前一条的链接断开', 'the link to the previous record is broken'],
  'sequence-gap': ['记录编号不连续（有记录缺失）', 'records are missing (a gap in the sequence)'],
};

const USES: Readonly<Record<LostImage['pages'][number]['use'], readonly [string, string]>> = {
  original: ['原图', 'scan'],
  master: ['处理后图像', 'processed image'],
  thumbnail: ['缩略图', 'thumbnail'],
  transform: ['变换结果', 'transform result'],
};
const LOST_SHOWN = 20;

/** Images a backup could not take or a restore cannot bring back: where each is used, and its digest. */
function LostImages({ images, testId }: { images: readonly LostImage[]; testId: string }) {
  const { t } = useI18n();
  return (
    <ul style={{ margin: 0, paddingInlineStart: 20 }} data-testid={testId}>
      {images.slice(0, LOST_SHOWN).map((i) => (
        <li key={i.sha256}>
          <Typography.Text>
            {i.pages.length === 0
              ? t('没有页面使用', 'used by no page')
              : i.pages
                  .slice(0, 3)
                  .map((p) =>
                    t(
                      `${p.archiveNo ?? '?'} 第 ${p.seq} 页（${USES[p.use][0]}${p.deleted ? '，已删除页' : ''}）`,
                      `${p.archiveNo ?? '?'} page ${p.seq} (${USES[p.use][1]}${p.deleted ? ', deleted' : ''})`,
                    ),
                  )
                  .join(t('、', ', '))}
            {i.pageCount > 3 && t(` 等 ${i.pageCount} 处`, ` and ${i.pageCount - 3} more`)}
            {'：'}
            {i.problem === 'missing'
              ? t('文件丢失', 'file missing')
              : t('摘要不符（已损坏）', 'digest mismatch')}
          </Typography.Text>{' '}
          <Typography.Text type="secondary" copyable={{ text: i.sha256 }} style={{ fontSize: 12 }}>
            {i.sha256.slice(0, 12)}…
          </Typography.Text>
        </li>
      ))}
      {images.length > LOST_SHOWN && (
        <li>
          {t(
            `另有 ${images.length - LOST_SHOWN} 个，见备份文件夹中的 manifest.json`,
            `${images.length - LOST_SHOWN} more: see manifest.json in the backup folder`,
          )}
        </li>
      )}
    </ul>
  );
}

function Ok({ ok }: { ok: boolean }) {
  const { t } = useI18n();
  return ok ? <Tag color="success">{t('正常', 'OK')}</Tag> : <Tag color="error">{t('异常', 'Problem')}</Tag>;
}

/** 数据库: check and maintain the database, verify the audit chain, back up to a folder (verified). */
export function DatabasePanel() {
  const i18n = useI18n();
  const { t } = i18n;
  const { client } = useApp();
  const progress = useMaintenanceProgress();
  const [busy, setBusy] = useState<Task | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [maintained, setMaintained] = useState<Output<'maintenance.maintain'> | null>(null);
  const [audit, setAudit] = useState<Output<'maintenance.verifyAudit'> | null>(null);
  const [backup, setBackup] = useState<Output<'maintenance.backup'> | null>(null);
  const [folder, setFolder] = useState('');
  const [keep, setKeep] = useState(7);
  const [restoreFrom, setRestoreFrom] = useState('');
  const [restore, setRestore] = useState<Output<'maintenance.restoreCheck'> | null>(null);

  const act = async (task: Task, work: () => Promise<void>) => {
    setBusy(task);
    setError(null);
    progress.reset(task);
    try {
      await work();
    } catch (e) {
      setError(errorText(e, i18n));
    } finally {
      setBusy(null);
    }
  };

  const auditText = (a: Output<'maintenance.verifyAudit'>) => {
    if (a.ok)
      return t(
        `审计链完好：${a.checked} 条记录逐条核验通过`,
        `Audit chain intact: ${a.checked} records verified`,
      );
    const [zh, en] = PROBLEMS[a.problem ?? ''] ?? ['未知问题', 'unknown problem'];
    return t(
      `审计链在第 ${a.seq ?? '?'} 条记录处不符：${zh}。请保留现场，不要修改数据库，联系管理员从备份核对`,
      `The audit chain breaks at record ${a.seq ?? '?'}: ${en}. Leave the database as it is and compare with a backup`,
    );
  };

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      {error && <Alert type="error" showIcon title={error} data-testid="db-error" />}
      <Row gutter={16}>
        <Col span={12}>
          <Card
            size="small"
            title={t('数据库检查与维护', 'Database check and maintenance')}
            style={{ height: '100%' }}
          >
            <Typography.Paragraph type="secondary">
              {t(
                '完整性检查、外键检查、审计链核验、按保留期清理、更新统计信息、空间回收与日志归并（同 dangan maintain）。',
                'Integrity and foreign-key checks, the audit chain, retention clean-up, ANALYZE, vacuum and checkpoint (as dangan maintain).',
              )}
            </Typography.Paragraph>
            <Button
              icon={<DatabaseOutlined />}
              loading={busy === 'maintain'}
              disabled={busy !== null && busy !== 'maintain'}
              onClick={() =>
                void act('maintain', async () => {
                  setMaintained(await client.call('maintenance.maintain', {}));
                })
              }
              data-testid="run-maintain"
            >
              {t('检查并维护数据库', 'Check and maintain')}
            </Button>
            {busy === 'maintain' && (
              <TaskProgress
                step={progress.of('maintain')}
                fallback={t('正在开始…', 'Starting…')}
                testId="maintain-progress"
              />
            )}
            {maintained && (
              <Descriptions size="small" column={1} style={{ marginTop: 12 }} data-testid="maintain-result">
                <Descriptions.Item label={t('完整性', 'Integrity')}>
                  <Ok ok={maintained.integrity.length === 1 && maintained.integrity[0] === 'ok'} />
                  {maintained.integrity.length === 1 && maintained.integrity[0] === 'ok'
                    ? t('数据库文件完整', 'the database file is intact')
                    : t(
                        `${maintained.integrity.slice(0, 3).join('；')}。请停止录入，联系管理员，从最近一次通过校验的备份恢复（先运行 dangan restore --dry-run）`,
                        `${maintained.integrity.slice(0, 3).join('; ')}. Stop data entry, call an administrator and restore the latest verified backup (try dangan restore --dry-run first)`,
                      )}
                </Descriptions.Item>
                <Descriptions.Item label={t('外键', 'Foreign keys')}>
                  <Ok ok={maintained.foreignKeys === 0} />
                  {maintained.foreignKeys === 0
                    ? t('无违例', 'no violations')
                    : t(
                        `${maintained.foreignKeys} 处违例：请运行数据检错中的“冗余数据”并按指引处理`,
                        `${maintained.foreignKeys} violations: run the “redundant data” check and follow its guide`,
                      )}
                </Descriptions.Item>
                <Descriptions.Item label={t('审计链', 'Audit chain')}>
                  <Ok ok={maintained.audit.ok} />
                  {auditText(maintained.audit)}
                </Descriptions.Item>
                <Descriptions.Item label={t('空间回收', 'Vacuum')}>
                  {
                    {
                      none: t('无需回收', 'not needed'),
                      incremental: t('增量回收', 'incremental'),
                      full: t('整理重建', 'full rebuild'),
                      skipped: t('文件不完整，未回收', 'skipped: the file is damaged'),
                    }[maintained.vacuum]
                  }
                  （{t('空闲页', 'free pages')} {maintained.freePagesBefore} → {maintained.freePagesAfter}）
                </Descriptions.Item>
                <Descriptions.Item label={t('按保留期清理', 'Retention clean-up')}>
                  {Object.entries(maintained.removed)
                    .map(([k, v]) => {
                      const [zh, en] = REMOVED[k] ?? [k, k];
                      return t(`${zh} ${v} 条`, `${en}: ${v}`);
                    })
                    .join(t('，', ', '))}
                  {t('（审计日志永久保留）', ' (the audit log is kept for good)')}
                </Descriptions.Item>
              </Descriptions>
            )}
          </Card>
        </Col>
        <Col span={12}>
          <Card size="small" title={t('审计链核验', 'Audit chain verification')} style={{ height: '100%' }}>
            <Typography.Paragraph type="secondary">
              {t(
                '逐条重新计算审计日志的哈希链，任何一条被改动都会被发现。',
                'Recomputes the hash chain of the audit log: any edited record is found.',
              )}
            </Typography.Paragraph>
            <Button
              icon={<SafetyCertificateOutlined />}
              loading={busy === 'audit'}
              disabled={busy !== null && busy !== 'audit'}
              onClick={() =>
                void act('audit', async () => {
                  setAudit(await client.call('maintenance.verifyAudit', {}));
                })
              }
              data-testid="run-audit"
            >
              {t('核验审计链', 'Verify the audit chain')}
            </Button>
            {audit && (
              <Alert
                style={{ marginTop: 12 }}
                type={audit.ok ? 'success' : 'error'}
                showIcon
                title={auditText(audit)}
                data-testid="audit-result"
              />
            )}
          </Card>
        </Col>
      </Row>
      <Card size="small" title={t('备份', 'Backup')}>
        <Typography.Paragraph type="secondary">
          {t(
            '在线备份数据库并复制图像；备份副本会被打开、做完整性检查、核对行数并抽查图像摘要，通过校验后才算备份成功。',
            'An online backup of the database and the images; the copy is opened, integrity-checked, its row counts compared and a sample of images re-hashed: only then is it a backup.',
          )}
        </Typography.Paragraph>
        <Space wrap>
          <Input
            value={folder}
            onChange={(e) => {
              setFolder(e.target.value);
            }}
            style={{ width: 420 }}
            placeholder={t(
              '备份文件夹的完整路径，例如 E:\\档案备份 或 /media/usb/backup',
              'Full path, e.g. E:\\backup',
            )}
            data-testid="backup-folder"
          />
          <Typography.Text>{t('保留份数', 'Keep')}</Typography.Text>
          <InputNumber
            min={1}
            max={365}
            value={keep}
            onChange={(v) => {
              setKeep(v ?? 7);
            }}
          />
          <Button
            type="primary"
            icon={<SaveOutlined />}
            disabled={folder.trim() === '' || (busy !== null && busy !== 'backup')}
            loading={busy === 'backup'}
            onClick={() =>
              void act('backup', async () => {
                setBackup(null);
                setBackup(await client.call('maintenance.backup', { to: folder.trim(), keep }));
              })
            }
            data-testid="run-backup"
          >
            {t('开始备份', 'Back up now')}
          </Button>
        </Space>
        {busy === 'backup' && (
          <TaskProgress
            step={progress.of('backup')}
            fallback={t('正在开始…', 'Starting…')}
            testId="backup-progress"
          />
        )}
        {backup && (
          <Alert
            style={{ marginTop: 12 }}
            type={backup.notBackedUp.length === 0 ? 'success' : 'warning'}
            showIcon
            data-testid="backup-result"
            title={
              backup.notBackedUp.length === 0
                ? t('备份已完成并通过校验', 'Backup written and verified')
                : t(
                    `备份完成，但有 ${backup.notBackedUp.length} 个图像无法备份（其余内容已通过校验）`,
                    `Backup written, but ${backup.notBackedUp.length} images could not be backed up (the rest is verified)`,
                  )
            }
            description={
              <Descriptions size="small" column={1}>
                <Descriptions.Item label={t('位置', 'Where')}>
                  <Typography.Text code copyable>
                    {backup.dir}
                  </Typography.Text>
                  {backup.created && (
                    <Typography.Text type="secondary" data-testid="backup-created">
                      {t('（备份文件夹是新建的）', ' (the backup folder was made)')}
                    </Typography.Text>
                  )}
                </Descriptions.Item>
                <Descriptions.Item label={t('校验', 'Verification')}>
                  {t(
                    `完整性检查通过；${backup.tables} 张表共 ${backup.rows} 行与源库一致；图像 ${backup.blobs.total} 个（本次新复制 ${backup.blobs.copied} 个），抽查 ${backup.blobs.sampled} 个摘要一致`,
                    `integrity ok; ${backup.rows} rows in ${backup.tables} tables match the source; ${backup.blobs.total} images (${backup.blobs.copied} copied now), ${backup.blobs.sampled} re-hashed and matching`,
                  )}
                </Descriptions.Item>
                {backup.notBackedUp.length > 0 && (
                  <Descriptions.Item label={t('未备份的图像', 'Images not backed up')}>
                    <Space orientation="vertical" size={4} data-testid="backup-unreadable">
                      <Typography.Text type="warning">
                        {t(
                          '这些图像在本机已丢失或损坏，备份中没有它们：请重新扫描这些页，或从更早的备份找回',
                          'They are missing or damaged here, so this backup lacks them: rescan those pages or find them in an older backup',
                        )}
                      </Typography.Text>
                      <LostImages images={backup.notBackedUp} testId="backup-lost" />
                    </Space>
                  </Descriptions.Item>
                )}
                {backup.removed.length > 0 && (
                  <Descriptions.Item label={t('已轮换删除', 'Rotated out')}>
                    {backup.removed.join('，')}
                  </Descriptions.Item>
                )}
              </Descriptions>
            }
          />
        )}
      </Card>
      <Card size="small" title={t('从备份恢复', 'Restore from a backup')}>
        <Typography.Paragraph type="secondary">
          {t(
            '恢复会替换本机的数据库，须先关闭工作站再用命令执行（原数据库会保留）。此处先校验所选备份能否恢复：清单、完整性、行数，以及需要补回的图像。',
            'A restore replaces this computer’s database, so it runs as a command with the workstation closed (the replaced database is kept). Here you verify a backup first: manifest, integrity, row counts and the images to copy back.',
          )}
        </Typography.Paragraph>
        <Space wrap>
          <Input
            value={restoreFrom}
            onChange={(e) => {
              setRestoreFrom(e.target.value);
            }}
            style={{ width: 560 }}
            placeholder={t(
              '某一份备份的完整路径，例如 E:\\档案备份\\dangan-20261020T010000Z',
              'Full path of one backup, e.g. E:\\backup\\dangan-20261020T010000Z',
            )}
            data-testid="restore-from"
          />
          <Button
            icon={<SafetyCertificateOutlined />}
            disabled={restoreFrom.trim() === '' || (busy !== null && busy !== 'restore')}
            loading={busy === 'restore'}
            onClick={() =>
              void act('restore', async () => {
                setRestore(null);
                setRestore(await client.call('maintenance.restoreCheck', { from: restoreFrom.trim() }));
              })
            }
            data-testid="run-restore-check"
          >
            {t('校验备份', 'Verify the backup')}
          </Button>
        </Space>
        {busy === 'restore' && (
          <TaskProgress
            step={progress.of('restore')}
            fallback={t('正在开始…', 'Starting…')}
            testId="restore-progress"
          />
        )}
        {restore && (
          <Alert
            style={{ marginTop: 12 }}
            type={restore.lost.length === 0 ? 'success' : 'warning'}
            showIcon
            data-testid="restore-result"
            title={
              restore.lost.length === 0
                ? t(
                    `该备份（${localTime(restore.createdAt)}）校验通过，可以恢复`,
                    `This backup (${localTime(restore.createdAt)}) verified: it can be restored`,
                  )
                : t(
                    `该备份（${localTime(restore.createdAt)}）校验通过，但恢复后仍将缺少 ${restore.lost.length} 个图像`,
                    `This backup (${localTime(restore.createdAt)}) verified, but after a restore ${restore.lost.length} images would still be missing`,
                  )
            }
            description={
              <Descriptions size="small" column={1}>
                <Descriptions.Item label={t('内容', 'Holds')}>
                  {t(
                    `${restore.tables} 张表共 ${restore.rows} 行；需补回本机缺少的图像 ${restore.blobsToCopy} 个`,
                    `${restore.rows} rows in ${restore.tables} tables; ${restore.blobsToCopy} images to copy back`,
                  )}
                </Descriptions.Item>
                {restore.lost.length > 0 && (
                  <Descriptions.Item label={t('无法找回', 'Beyond reach')}>
                    <Space orientation="vertical" size={4}>
                      <Typography.Text type="warning">
                        {t(
                          '备份中没有、本机也没有完好副本的图像：恢复不能找回它们，请重新扫描这些页或试更早的备份',
                          'Neither the backup nor this computer holds these intact: a restore cannot bring them back; rescan those pages or try an older backup',
                        )}
                      </Typography.Text>
                      <LostImages images={restore.lost} testId="restore-lost" />
                    </Space>
                  </Descriptions.Item>
                )}
                <Descriptions.Item label={t('恢复步骤', 'To restore')}>
                  <Space orientation="vertical" size={4}>
                    <Typography.Text>
                      {t(
                        '1. 关闭工作站；2. 在命令行运行下面的命令；3. 重新启动工作站',
                        '1. Close the workstation; 2. run this command; 3. start the workstation again',
                      )}
                    </Typography.Text>
                    <Typography.Text code copyable style={{ wordBreak: 'break-all' }}>
                      {restore.command}
                    </Typography.Text>
                  </Space>
                </Descriptions.Item>
              </Descriptions>
            }
          />
        )}
      </Card>
    </Space>
  );
}
