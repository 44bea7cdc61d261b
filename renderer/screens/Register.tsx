import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Form,
  Input,
  InputNumber,
  Row,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { CheckCircleFilled, CloseCircleFilled, PlusOutlined, SearchOutlined } from '@ant-design/icons';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { CodeCheckView, EnterpriseView, InputRef, VolumeView } from './register-types';
import { useApp } from '../app/context';
import { mayCall } from '../app/RoleGate';
import { RecordUsccDialog, type UsccToRecord } from './RecordUsccDialog';
import type { Output } from '../../core/contracts';
import { errorText } from '../app/errors';
import { targetFromUrl } from '../app/targets';
import { bureauName, localTime } from '../app/format';
import { useI18n } from '../i18n/i18n';
import { looksLikeCode } from './register-rules';
import { volumeColumns } from './volume-columns';
import { ApiError } from '../api/client';

interface EnterpriseForm {
  code: string;
  name: string;
  bureauCode: string;
}

interface VolumeForm {
  volumeType: string;
  year: number;
  bureauCode: string;
  registrationDate?: string;
  /** InputNumber clears to null. */
  declaredPages?: number | null;
}

/** 企业/案卷登记: find or create the enterprise (codes checked as typed), then register its volume. */
export function RegisterScreen() {
  const i18n = useI18n();
  const { t } = i18n;
  const { client, reference, user } = useApp();
  const volumeCols = volumeColumns<VolumeView>(reference, i18n);
  const { message, modal } = AntApp.useApp();
  const [searchRound, setSearchRound] = useState(0);
  const [query, setQuery] = useState('');
  /** The search text now, for answers that arrive after the operator typed on. */
  const queryRef = useRef('');
  const [check, setCheck] = useState<CodeCheckView | null>(null);
  const [results, setResults] = useState<EnterpriseView[]>([]);
  const [selected, setSelected] = useState<Output<'enterprises.get'> | null>(null);
  const [creating, setCreating] = useState(false);
  /** Where the cursor goes when the new-enterprise form opens: the first field still to fill. */
  const [focusField, setFocusField] = useState<{ name: keyof EnterpriseForm } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [usccTyped, setUsccTyped] = useState('');
  const [recordUscc, setRecordUscc] = useState<UsccToRecord | null>(null);
  const [suggestion, setSuggestion] = useState<string>('');
  const [enterpriseForm] = Form.useForm<EnterpriseForm>();
  const [volumeForm] = Form.useForm<VolumeForm>();
  const searchRef = useRef<InputRef>(null);
  const canRegisterVolumes = user.roles.includes('operator');
  const volumeType: string | undefined = Form.useWatch('volumeType', volumeForm);
  const year: number | undefined = Form.useWatch('year', volumeForm);
  const volumeBureau: string | undefined = Form.useWatch('bureauCode', volumeForm);

  // '/' focuses the search box from anywhere on this screen (keyboard-first).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (e.key === '/' && target?.tagName !== 'INPUT' && target?.tagName !== 'TEXTAREA') {
        e.preventDefault();
        searchRef.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
    };
  }, []);

  // A USCC recorded for the enterprise shown (here, in 图文校核 or at the console): show it.
  const selectedId = selected?.enterprise.id ?? null;
  useEffect(
    () =>
      client.subscribe((e) => {
        if (e.name !== 'enterprise.changed' || e.payload.enterpriseId !== selectedId) return;
        client.call('enterprises.get', { id: selectedId }).then(
          (r) => {
            setSelected((now) => (now?.enterprise.id === r.enterprise.id ? r : now));
          },
          () => undefined, // shown as it was: the next selection reloads it
        );
      }),
    [client, selectedId],
  );

  /** The engine's code check (when the text looks like a code) and the enterprises matching it. */
  const lookup = useCallback(
    (q: string) =>
      Promise.all([
        looksLikeCode(q) ? client.call('codes.check', { code: q }) : Promise.resolve(null),
        q === '' ? Promise.resolve([]) : client.call('enterprises.search', { query: q }),
      ]),
    [client],
  );

  // Code check and search as the operator types (debounced; the latest answer wins).
  useEffect(() => {
    const q = query.trim();
    let stale = false;
    const timer = setTimeout(() => {
      void (async () => {
        try {
          const [c, found] = await lookup(q);
          if (stale) return;
          setCheck(c);
          setResults(found);
        } catch (e) {
          if (!stale) setError(errorText(e, i18n));
        }
      })();
    }, 180);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [query, lookup, i18n, searchRound]);

  useEffect(() => {
    if (!volumeType || !year || !volumeBureau) {
      setSuggestion('');
      return;
    }
    let stale = false;
    client
      .call('volumes.suggestArchiveNo', { bureauCode: volumeBureau, year, volumeType })
      .then((r) => {
        if (!stale) setSuggestion(r.archiveNo);
      })
      .catch(() => {
        if (!stale) setSuggestion('');
      });
    return () => {
      stale = true;
    };
  }, [client, volumeType, year, volumeBureau, selected]);

  // A fresh new-enterprise form, filled once it is on screen (the reason is at the volume form's
  // defaults below). Set field by field rather than reset: a reset remounts the inputs and loses focus.
  const [createDefaults, setCreateDefaults] = useState<EnterpriseForm | null>(null);
  useEffect(() => {
    if (createDefaults === null) return;
    // Untouched and without errors: nothing shows as wrong before the operator has touched it.
    enterpriseForm.setFields(
      (Object.keys(createDefaults) as (keyof EnterpriseForm)[]).map((name) => ({
        name,
        value: createDefaults[name],
        errors: [],
        touched: false,
      })),
    );
  }, [createDefaults, enterpriseForm]);

  useEffect(() => {
    if (focusField) enterpriseForm.focusField(focusField.name);
  }, [focusField, enterpriseForm]);

  // Set once the volume form is on screen: before the first enterprise is chosen it is not rendered,
  // and antd warns about a form instance used with no Form connected.
  const [volumeDefaults, setVolumeDefaults] = useState<Partial<VolumeForm> | null>(null);
  useEffect(() => {
    if (volumeDefaults === null) return;
    // Untouched: the 年度 keeps following the registration date until the operator sets it.
    volumeForm.setFields(
      (Object.keys(volumeDefaults) as (keyof VolumeForm)[]).map((name) => ({
        name,
        value: volumeDefaults[name],
        touched: false,
      })),
    );
  }, [volumeDefaults, volumeForm]);

  const select = async (id: number) => {
    setError(null);
    setCreating(false);
    const r = await client.call('enterprises.get', { id });
    const changed = selected?.enterprise.id !== id;
    if (changed) setUsccTyped('');
    setSelected(r);
    // Defaults for a newly chosen enterprise (its bureau, this year); the same one again keeps what
    // the operator set.
    if (changed) setVolumeDefaults(await client.call('volumes.defaults', { enterpriseId: id }));
  };

  /** The 年度 follows the registration date as it is typed, until the operator sets the year himself. */
  const followDate = (typed: string | undefined) => {
    const registrationDate = typed?.trim() ?? '';
    if (!selected || registrationDate.length > 8 || volumeForm.isFieldTouched('year')) return;
    const enterpriseId = selected.enterprise.id;
    client
      .call('volumes.defaults', { enterpriseId, ...(registrationDate ? { registrationDate } : {}) })
      .then((d) => {
        const now = (volumeForm.getFieldValue('registrationDate') as string | undefined)?.trim() ?? '';
        if (now === registrationDate && !volumeForm.isFieldTouched('year'))
          volumeForm.setFieldValue('year', d.year);
      })
      .catch(() => undefined); // only a default: the operator can still type the year
  };

  /** A code typed into the new-enterprise form moves 登记机关 to its bureau, unless the operator chose one. */
  const followCode = (typed: string | undefined) => {
    const code = typed?.trim() ?? '';
    if (!looksLikeCode(code) || enterpriseForm.isFieldTouched('bureauCode')) return;
    client
      .call('codes.check', { code })
      .then((c) => {
        const now = (enterpriseForm.getFieldValue('code') as string | undefined)?.trim() ?? '';
        if (c.valid && now === code && !enterpriseForm.isFieldTouched('bureauCode'))
          enterpriseForm.setFieldValue('bureauCode', c.defaultBureauCode);
      })
      .catch(() => undefined); // only a default: the operator can still pick the bureau
  };

  // Opened at a record (a check finding): that enterprise shown with its code in the search box, or a
  // code only the registration roster has, looked up. Once, on the first render.
  const opened = useRef(false);
  useEffect(() => {
    if (opened.current) return;
    opened.current = true;
    const at = targetFromUrl();
    if (at.code !== null) {
      queryRef.current = at.code;
      setQuery(at.code);
    }
    if (at.enterpriseId !== null) {
      select(at.enterpriseId).catch((e: unknown) => {
        setError(errorText(e, i18n));
      });
    }
  });

  /** Opens a fresh new-enterprise form, prefilled from the search text and its code check. */
  const startCreate = (q: string, c: CodeCheckView | null) => {
    setSelected(null);
    setCreating(true);
    const code = c?.valid ? c.normalized : '';
    setCreateDefaults({
      code,
      name: looksLikeCode(q) ? '' : q,
      bureauCode: c?.defaultBureauCode ?? reference.bureaus[0]?.code ?? '',
    });
    setFocusField({ name: code === '' ? 'code' : 'name' });
  };

  /**
   * Enter and 新建企业 act on what is typed now, not on the last debounced answer, which may still be
   * pending (or be for an older text) when the operator is quick.
   */
  const searchNow = async (pickFirst: boolean) => {
    const q = query.trim();
    setError(null);
    try {
      const [c, found] = await lookup(q);
      if (queryRef.current.trim() !== q) return; // typed on meanwhile: the newer text wins
      setCheck(c);
      setResults(found);
      const first = found[0];
      if (pickFirst && first) await select(first.id);
      else if (!pickFirst || q !== '') startCreate(q, c);
    } catch (e) {
      setError(errorText(e, i18n));
    }
  };

  /** 补录: a USCC typed for an enterprise known only by its 注册号, checked, then confirmed in the dialog. */
  const askRecordUscc = async () => {
    const e = selected?.enterprise;
    if (!e || e.regNo === null) return;
    setError(null);
    try {
      const c = await client.call('codes.check', { code: usccTyped });
      if (!c.valid || c.kind !== 'uscc') {
        setError(
          c.valid
            ? t(
                '这是注册号，请输入 18 位统一社会信用代码',
                'That is a registration number: enter the 18-character USCC',
              )
            : t(
                `统一社会信用代码无效：${c.errors.map((x) => x.message.zh).join('；')}`,
                `Not a valid USCC: ${c.errors.map((x) => x.message.en).join('; ')}`,
              ),
        );
        return;
      }
      setRecordUscc({ enterpriseId: e.id, name: e.name, regNo: e.regNo, uscc: c.normalized });
    } catch (x) {
      setError(errorText(x, i18n));
    }
  };

  const createEnterprise = async (v: EnterpriseForm) => {
    setError(null);
    try {
      const c = await client.call('codes.check', { code: v.code });
      const e = await client.call('enterprises.create', {
        name: v.name,
        bureauCode: v.bureauCode,
        ...(c.kind === 'regno' ? { regNo: v.code } : { uscc: v.code }),
      });
      message.success(t(`已登记企业：${e.name}`, `Enterprise registered: ${e.name}`));
      setSearchRound((n) => n + 1); // the search now finds it
      await select(e.id);
    } catch (e) {
      setError(errorText(e, i18n));
    }
  };

  /** The registration engine's duplicate guard refused: show what exists and ask for a reason. */
  const askOverride = (e: ApiError): Promise<string | null> =>
    new Promise((resolve) => {
      let reason = '';
      modal.confirm({
        title: t('可能重复数字化', 'Possible duplicate digitization'),
        width: 520,
        content: (
          <Space orientation="vertical" className="full-width">
            <Typography.Text>{i18n.tx(e.text)}</Typography.Text>
            <Input.TextArea
              autoFocus
              rows={2}
              maxLength={500}
              placeholder={t(
                '再次数字化的原因（必填，记入审计日志）',
                'Why digitize it again (required, audited)',
              )}
              onChange={(ev) => {
                reason = ev.target.value;
              }}
              data-testid="duplicate-reason"
            />
          </Space>
        ),
        okText: t('确认登记', 'Register anyway'),
        cancelText: t('取消', 'Cancel'),
        onOk: () => {
          if (reason.trim() === '') {
            message.error(t('请填写原因', 'Give a reason'));
            return Promise.reject(new Error('reason required'));
          }
          resolve(reason.trim());
          return Promise.resolve();
        },
        onCancel: () => {
          resolve(null);
        },
      });
    });

  const createVolume = async (v: VolumeForm, overrideReason?: string): Promise<void> => {
    if (!selected) return;
    setError(null);
    try {
      const created = await client.call('volumes.create', {
        enterpriseId: selected.enterprise.id,
        volumeType: v.volumeType,
        year: v.year,
        bureauCode: v.bureauCode,
        ...(v.registrationDate ? { registrationDate: v.registrationDate.trim() } : {}),
        ...(v.declaredPages !== undefined && v.declaredPages !== null
          ? { declaredPages: v.declaredPages }
          : {}),
        ...(overrideReason !== undefined ? { overrideReason } : {}),
      });
      message.success(t(`已登记案卷：${created.archiveNo}`, `Volume registered: ${created.archiveNo}`));
      volumeForm.resetFields(['registrationDate', 'declaredPages']);
      await select(selected.enterprise.id);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'volume.possible-duplicate' && overrideReason === undefined) {
        const reason = await askOverride(e);
        if (reason !== null) await createVolume(v, reason);
        return;
      }
      setError(errorText(e, i18n));
    }
  };

  const codeStatus = check && (
    <div className="code-check" data-testid="code-check">
      {check.valid ? (
        <Typography.Text type="success">
          <CheckCircleFilled />{' '}
          {check.kind === 'uscc'
            ? t('统一社会信用代码有效', 'Valid USCC')
            : t('注册号有效', 'Valid registration number')}
          {check.division && ` · ${i18n.tx(check.division)}`}
        </Typography.Text>
      ) : (
        <Typography.Text type="danger">
          <CloseCircleFilled /> {check.errors.map((x) => i18n.tx(x.message)).join('；')}
        </Typography.Text>
      )}
      {check.warnings.map((w) => (
        <div key={w.code}>
          <Typography.Text type="warning">{i18n.tx(w.message)}</Typography.Text>
        </div>
      ))}
    </div>
  );

  return (
    <Space orientation="vertical" size="large" className="screen">
      <Typography.Title level={3} data-testid="screen-title">
        {t('企业/案卷登记', 'Enterprise and volume registration')}
      </Typography.Title>
      {error && (
        <Alert
          type="error"
          showIcon
          title={error}
          closable={{
            onClose: () => {
              setError(null);
            },
          }}
          data-testid="register-error"
        />
      )}
      <Row gutter={16}>
        <Col span={10}>
          <Card size="small" title={t('查找企业', 'Find the enterprise')}>
            <Input
              ref={searchRef}
              autoFocus
              size="large"
              prefix={<SearchOutlined />}
              placeholder={t(
                '统一社会信用代码、注册号或企业名称（按 / 聚焦）',
                'USCC, registration number or name (press / to focus)',
              )}
              value={query}
              onChange={(e) => {
                queryRef.current = e.target.value;
                setQuery(e.target.value);
              }}
              onPressEnter={(e) => {
                // Else the Enter's keypress lands on the form that opens and submits it, empty.
                e.preventDefault();
                void searchNow(true);
              }}
              data-testid="enterprise-search"
            />
            {codeStatus}
            {/* A plain list: antd 6 deprecates List, and its virtual successor is more than ten rows need. */}
            <ul className="results" data-testid="enterprise-results">
              {results.length === 0 && query.trim() !== '' && (
                <li className="results-empty">{t('没有找到，可新建企业', 'Not found: create it')}</li>
              )}
              {results.map((e) => (
                <li
                  key={e.id}
                  className={selected?.enterprise.id === e.id ? 'result selected' : 'result'}
                  role="button"
                  tabIndex={0}
                  onClick={() => void select(e.id)}
                  onKeyDown={(k) => {
                    if (k.key === 'Enter') void select(e.id);
                  }}
                >
                  <div>
                    <div className="result-name">{e.name}</div>
                    <Typography.Text code>{e.uscc ?? e.regNo}</Typography.Text>
                  </div>
                  <Tag>{bureauName(reference, e.bureauCode, i18n)}</Tag>
                </li>
              ))}
            </ul>
            <Button
              icon={<PlusOutlined />}
              onClick={() => void searchNow(false)}
              block
              data-testid="new-enterprise"
            >
              {t('新建企业', 'New enterprise')}
            </Button>
          </Card>
        </Col>
        <Col span={14}>
          {creating && (
            <Card size="small" title={t('新建企业', 'New enterprise')} data-testid="enterprise-form">
              <Form
                form={enterpriseForm}
                layout="vertical"
                onFinish={(v) => void createEnterprise(v)}
                onValuesChange={(changed: Partial<EnterpriseForm>) => {
                  if ('code' in changed) followCode(changed.code);
                }}
                requiredMark={false}
              >
                <Form.Item
                  name="code"
                  label={t('统一社会信用代码或注册号', 'USCC or registration number')}
                  rules={[{ required: true, message: t('请输入代码', 'Enter the code') }]}
                >
                  <Input className="code-input" data-testid="enterprise-code" />
                </Form.Item>
                <Form.Item
                  name="name"
                  label={t('企业名称', 'Name')}
                  rules={[{ required: true, message: t('请输入企业名称', 'Enter the name') }]}
                >
                  <Input data-testid="enterprise-name" />
                </Form.Item>
                <Form.Item
                  name="bureauCode"
                  label={t('登记机关', 'Registration authority')}
                  rules={[{ required: true }]}
                >
                  <Select
                    options={reference.bureaus.map((b) => ({
                      value: b.code,
                      label: `${t(b.name, b.nameEn)}（${b.code}）`,
                    }))}
                  />
                </Form.Item>
                <Button type="primary" htmlType="submit" data-testid="create-enterprise">
                  {t('登记企业', 'Register enterprise')}
                </Button>
              </Form>
            </Card>
          )}
          {selected && (
            <Space orientation="vertical" className="full-width">
              <Card size="small" title={selected.enterprise.name} data-testid="enterprise-card">
                <Descriptions size="small" column={2}>
                  <Descriptions.Item label={t('统一社会信用代码', 'USCC')}>
                    {selected.enterprise.uscc ??
                      (selected.recordedUscc !== null ? (
                        <span data-testid="recorded-uscc">
                          {selected.recordedUscc} <Tag>{t('补录', 'recorded later')}</Tag>
                        </span>
                      ) : selected.enterprise.regNo !== null && mayCall(user, 'enterprises.recordUscc') ? (
                        <Space.Compact>
                          <Input
                            size="small"
                            className="code-input"
                            value={usccTyped}
                            placeholder={t('补录代码', 'Add the USCC')}
                            aria-label={t('补录统一社会信用代码', 'Record the USCC')}
                            onChange={(e) => {
                              setUsccTyped(e.target.value);
                            }}
                            onPressEnter={() => void askRecordUscc()}
                            data-testid="uscc-typed"
                          />
                          <Button size="small" onClick={() => void askRecordUscc()} data-testid="uscc-record">
                            {t('补录', 'Record')}
                          </Button>
                        </Space.Compact>
                      ) : (
                        '—'
                      ))}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('注册号', 'Reg. no.')}>
                    {selected.enterprise.regNo ?? '—'}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('登记机关', 'Authority')}>
                    {bureauName(reference, selected.enterprise.bureauCode, i18n)}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('登记于', 'Registered')}>
                    {localTime(selected.enterprise.createdAt)}
                  </Descriptions.Item>
                </Descriptions>
                <Table<VolumeView>
                  size="small"
                  rowKey="id"
                  pagination={false}
                  dataSource={selected.volumes}
                  locale={{
                    emptyText: (
                      <Empty
                        image={Empty.PRESENTED_IMAGE_SIMPLE}
                        description={t('尚无案卷', 'No volumes yet')}
                      />
                    ),
                  }}
                  columns={[
                    volumeCols.archiveNo,
                    volumeCols.type,
                    {
                      title: t('登记日期', 'Date'),
                      dataIndex: 'registrationDate',
                      key: 'd',
                      render: (d: string | null) => d ?? '—',
                    },
                    volumeCols.state,
                  ]}
                />
              </Card>
              {canRegisterVolumes ? (
                <Card size="small" title={t('登记新案卷', 'Register a volume')}>
                  <Form
                    form={volumeForm}
                    layout="vertical"
                    onFinish={(v) => void createVolume(v)}
                    onValuesChange={(changed: Partial<VolumeForm>) => {
                      if ('registrationDate' in changed) followDate(changed.registrationDate);
                    }}
                    requiredMark={false}
                  >
                    <Row gutter={12}>
                      <Col span={8}>
                        <Form.Item
                          name="volumeType"
                          label={t('案卷类型', 'Volume type')}
                          rules={[{ required: true }]}
                        >
                          <Select
                            data-testid="volume-type"
                            options={reference.volumeTypes.map((v) => ({
                              value: v.code,
                              label: `${t(v.name, v.nameEn)}（${v.code}）`,
                            }))}
                          />
                        </Form.Item>
                      </Col>
                      <Col span={8}>
                        <Form.Item name="year" label={t('年度', 'Year')} rules={[{ required: true }]}>
                          <InputNumber min={1949} max={2100} className="full-width" />
                        </Form.Item>
                      </Col>
                      <Col span={8}>
                        <Form.Item
                          name="bureauCode"
                          label={t('登记机关', 'Authority')}
                          rules={[{ required: true }]}
                        >
                          <Select
                            data-testid="volume-bureau"
                            // The bureau's name as the card and the code check show it (三明市, not 三明).
                            options={reference.bureaus.map((b) => ({
                              value: b.code,
                              label: bureauName(reference, b.code, i18n),
                            }))}
                          />
                        </Form.Item>
                      </Col>
                      <Col span={8}>
                        <Form.Item
                          name="registrationDate"
                          label={t('登记日期（YYYYMMDD）', 'Registration date (YYYYMMDD)')}
                          rules={[
                            {
                              pattern: /^\d{8}$/,
                              message: t('应为 8 位数字，如 20260301', '8 digits, e.g. 20260301'),
                            },
                          ]}
                        >
                          <Input placeholder="20260301" data-testid="volume-date" />
                        </Form.Item>
                      </Col>
                      <Col span={8}>
                        <Form.Item name="declaredPages" label={t('页数（如已知）', 'Pages (if known)')}>
                          <InputNumber min={0} max={100000} className="full-width" />
                        </Form.Item>
                      </Col>
                      <Col span={8}>
                        <Form.Item label={t('档号（自动分配）', 'Archive no. (allocated)')}>
                          <Typography.Text code data-testid="archive-no-preview">
                            {suggestion || '—'}
                          </Typography.Text>
                        </Form.Item>
                      </Col>
                    </Row>
                    <Button type="primary" htmlType="submit" data-testid="create-volume">
                      {t('登记案卷', 'Register volume')}
                    </Button>
                  </Form>
                </Card>
              ) : (
                <Alert
                  type="info"
                  showIcon
                  data-testid="needs-operator"
                  title={t(
                    '登记案卷需要扫描员角色。请在「用户管理」中为您的账号添加扫描员角色，或用扫描员账号登录。',
                    'Registering volumes needs the operator role. Add the operator role to your account in Users, or sign in with an operator account.',
                  )}
                />
              )}
            </Space>
          )}
          <RecordUsccDialog
            record={recordUscc}
            onClose={() => {
              setRecordUscc(null);
            }}
            onRecorded={(r) => {
              setRecordUscc(null);
              setUsccTyped('');
              setSearchRound((n) => n + 1);
              void select(r.enterprise.id);
            }}
          />
          {!creating && !selected && (
            <Card size="small">
              <Empty description={t('先查找企业，或新建企业', 'Find an enterprise first, or create one')} />
            </Card>
          )}
        </Col>
      </Row>
    </Space>
  );
}
