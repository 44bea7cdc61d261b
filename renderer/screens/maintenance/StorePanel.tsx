import {
  Alert,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Form,
  Input,
  Select,
  Space,
  Tag,
  Typography,
} from 'antd';
import { ApiOutlined, SaveOutlined } from '@ant-design/icons';
import { useCallback, useEffect, useState } from 'react';
import type { StoreConnectionView, StoreTestResultView } from '../../../core/contracts/api-maintenance';
import { useApp } from '../../app/context';
import { errorText } from '../../app/errors';
import { useI18n } from '../../i18n/i18n';

interface FormValues {
  url: string;
  clientId: string;
  secret: string;
  bureauCode: string;
}

/**
 * 档案库连接: the store's address and this workstation's credential, tested with a real authenticated
 * request, saved in the workstation's settings (the secret never comes back: only whether it is set).
 * Saving restarts the uploader. $DANGAN_STORE_URL … still win when set, and the panel says so.
 */
export function StorePanel() {
  const i18n = useI18n();
  const { t } = i18n;
  const { client, reference } = useApp();
  const [form] = Form.useForm<FormValues>();
  const [view, setView] = useState<StoreConnectionView | null>(null);
  const [tested, setTested] = useState<StoreTestResultView | null>(null);
  const [trust, setTrust] = useState(true);
  const [busy, setBusy] = useState<'test' | 'save' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [savedNote, setSavedNote] = useState(false);

  const load = useCallback(async () => {
    try {
      const v = await client.call('maintenance.storeGet', {});
      setView(v);
      form.setFieldsValue({
        url: v.saved?.url ?? '',
        clientId: v.saved?.clientId ?? '',
        secret: '',
        bureauCode: v.saved?.bureauCode ?? reference.bureaus[0]?.code ?? '',
      });
    } catch (e) {
      setError(errorText(e, i18n));
    }
  }, [client, form, i18n, reference]);

  useEffect(() => {
    void load();
  }, [load]);

  const input = async () => {
    const v = await form.validateFields();
    return {
      url: v.url.trim(),
      clientId: v.clientId.trim(),
      bureauCode: v.bureauCode,
      ...(v.secret.trim() === '' ? {} : { secret: v.secret.trim() }),
    };
  };

  const run = async (what: 'test' | 'save', work: () => Promise<void>) => {
    setBusy(what);
    setError(null);
    setSavedNote(false);
    try {
      await work();
    } catch (e) {
      // Form validation failures are shown by the form itself.
      if (!(typeof e === 'object' && e !== null && 'errorFields' in e)) setError(errorText(e, i18n));
    } finally {
      setBusy(null);
    }
  };

  const secretSet = view?.saved?.secretSet === true;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%', maxWidth: 760 }}>
      {view?.source === 'env' && (
        <Alert
          type="warning"
          showIcon
          data-testid="store-env"
          title={t(
            `当前使用环境变量 DANGAN_STORE_URL / DANGAN_STORE_CLIENT_ID / DANGAN_STORE_SECRET 设置的档案库（${view.activeUrl ?? ''}），它优先于此处保存的设置；去掉这些环境变量并重启后，此处的设置才生效`,
            `The store set by $DANGAN_STORE_URL / _CLIENT_ID / _SECRET (${view.activeUrl ?? ''}) is in use and wins over what is saved here; remove them and restart to use these settings`,
          )}
        />
      )}
      {error && <Alert type="error" showIcon title={error} data-testid="store-error" />}
      <Card size="small" title={t('档案库连接', 'Archive store connection')}>
        <Descriptions size="small" column={1} style={{ marginBottom: 12 }} data-testid="store-status">
          <Descriptions.Item label={t('上传', 'Uploads')}>
            {view?.uploading ? (
              <Tag color="success">
                {t(`正在使用 ${view.activeUrl ?? ''}`, `using ${view.activeUrl ?? ''}`)}
              </Tag>
            ) : (
              <Tag>{t('未配置：上传队列只排队不上传', 'not configured: the outbox only queues')}</Tag>
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t('密钥', 'Secret')}>
            {secretSet ? t('已设置', 'set') : t('未设置', 'not set')}
          </Descriptions.Item>
        </Descriptions>
        <Form<FormValues> form={form} layout="vertical" requiredMark={false}>
          <Form.Item
            name="url"
            label={t('档案库地址', 'Store address')}
            rules={[{ required: true, message: t('请填写档案库地址', 'Enter the store address') }]}
          >
            <Input placeholder="https://档案库主机:8443" data-testid="store-url" />
          </Form.Item>
          <Form.Item
            name="bureauCode"
            label={t('本工作站所属登记机关', 'This workstation’s bureau')}
            rules={[{ required: true }]}
          >
            <Select
              data-testid="store-bureau"
              options={reference.bureaus.map((b) => ({ value: b.code, label: `${b.name}（${b.code}）` }))}
            />
          </Form.Item>
          <Form.Item
            name="clientId"
            label={t('客户端编号', 'Client id')}
            extra={t(
              '由档案库管理员运行 dangan store client add 给出',
              'Given by `dangan store client add` at the store',
            )}
            rules={[{ required: true, message: t('请填写客户端编号', 'Enter the client id') }]}
          >
            <Input data-testid="store-client-id" autoComplete="off" />
          </Form.Item>
          <Form.Item
            name="secret"
            label={t('密钥', 'Secret')}
            extra={
              secretSet
                ? t('已保存密钥；留空则保持不变', 'A secret is saved; leave empty to keep it')
                : undefined
            }
            rules={[
              {
                required: !secretSet,
                message: t('请填写密钥', 'Enter the secret'),
              },
            ]}
          >
            <Input.Password
              data-testid="store-secret"
              autoComplete="new-password"
              placeholder={secretSet ? t('（已设置）', '(set)') : ''}
            />
          </Form.Item>
          <Space wrap>
            <Button
              icon={<ApiOutlined />}
              loading={busy === 'test'}
              disabled={busy !== null}
              data-testid="store-test"
              onClick={() =>
                void run('test', async () => {
                  setTested(null);
                  setTested(await client.call('maintenance.storeTest', await input()));
                })
              }
            >
              {t('测试连接', 'Test connection')}
            </Button>
            <Button
              type="primary"
              icon={<SaveOutlined />}
              loading={busy === 'save'}
              disabled={busy !== null}
              data-testid="store-save"
              onClick={() =>
                void run('save', async () => {
                  const trustKeyId =
                    tested?.ok === true && !tested.keyTrusted && trust && tested.keyId !== null
                      ? { trustKeyId: tested.keyId }
                      : {};
                  setView(await client.call('maintenance.storeSave', { ...(await input()), ...trustKeyId }));
                  form.setFieldValue('secret', '');
                  setTested(null);
                  setSavedNote(true);
                })
              }
            >
              {t('保存并重启上传', 'Save and restart uploads')}
            </Button>
          </Space>
        </Form>
        {tested && (
          <Alert
            style={{ marginTop: 12 }}
            type={tested.ok ? (tested.keyTrusted ? 'success' : 'warning') : 'error'}
            showIcon
            data-testid="store-test-result"
            title={i18n.tx(tested.message)}
            description={
              tested.ok && !tested.keyTrusted && tested.keyId !== null ? (
                <Checkbox
                  checked={trust}
                  onChange={(e) => {
                    setTrust(e.target.checked);
                  }}
                  data-testid="store-trust"
                >
                  {t(
                    `保存时信任该档案库的回执公钥（${tested.keyId}）`,
                    `Trust the store’s receipt key (${tested.keyId}) when saving`,
                  )}
                </Checkbox>
              ) : undefined
            }
          />
        )}
        {savedNote && (
          <Typography.Paragraph type="success" style={{ marginTop: 12 }} data-testid="store-saved">
            {view?.source === 'env'
              ? t('已保存；环境变量仍然优先', 'Saved; the environment still wins')
              : t('已保存，上传已按新设置重新启动', 'Saved; uploads restarted with the new settings')}
          </Typography.Paragraph>
        )}
      </Card>
    </Space>
  );
}
