import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Descriptions,
  Empty,
  Input,
  InputNumber,
  Progress,
  Select,
  Space,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import {
  ArrowLeftOutlined,
  ArrowRightOutlined,
  DeleteOutlined,
  PlayCircleOutlined,
  FileSearchOutlined,
  RedoOutlined,
  ReloadOutlined,
  RotateLeftOutlined,
  RotateRightOutlined,
  ScissorOutlined,
  StopOutlined,
  UndoOutlined,
  VerticalAlignBottomOutlined,
  VerticalAlignTopOutlined,
} from '@ant-design/icons';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { defaultScanMode, offeredScanModes, SCAN_MODE_NAMES } from '../../core/contracts/api-capture';
import type { VolumeRow } from '../../core/contracts';
import type {
  CapabilitiesView,
  DeviceView,
  PageRow,
  ScanRunView,
  SplitPreviewView,
} from '../../core/contracts/api-capture';
import { useApp } from '../app/context';
import { errorText } from '../app/errors';
import { targetFromUrl } from '../app/targets';
import { MissingOriginal } from './scan/MissingOriginal';
import { useI18n } from '../i18n/i18n';
import { DeviceErrorAlert } from './scan/DeviceErrorAlert';
import { PageViewer } from './scan/PageImage';
import { PageBadges, ThumbnailGrid } from './scan/ThumbnailGrid';
import { SplitPreview } from './scan/SplitPreview';
import { useVolumeSearch, VolumePicker } from './volume-picker';
import './scan/scan.css';

type Source = 'flatbed' | 'feeder' | 'duplex';
type Mode = 'auto' | 'color' | 'gray' | 'lineart';

/** The modes offered for a device (core/scanning/default-mode.ts: 自动 first where it scans in colour). */
function modesOf(caps: CapabilitiesView | null): Mode[] {
  return offeredScanModes(caps?.colorModes ?? ['gray']);
}
type PageList = {
  volume: VolumeRow;
  pages: PageRow[];
  undoable: { id: number; op: string } | null;
  editable: boolean;
};

const QUEUE_STATES = ['registered', 'scanning', 'scanned', 'rejected'] as const;
const DEFAULT_DPI = 300;
const MIN_DPI = 200;
/** While pages arrive, the list is refetched at most this often. */
const REFRESH_MS = 400;

const OP_NAMES: Readonly<Record<string, [string, string]>> = {
  split: ['分批', 'split'],
  rescan: ['重扫', 'rescan'],
  insert: ['插入', 'insert'],
  replace: ['替换', 'replace'],
  delete: ['删除', 'delete'],
  reorder: ['调整顺序', 'reorder'],
  rotate: ['旋转', 'rotate'],
};

function isTyping(e: KeyboardEvent): boolean {
  const target = e.target as HTMLElement | null;
  return (
    target?.closest('input, textarea, select, [contenteditable="true"], .ant-select, .ant-modal') !== null
  );
}

/** 扫描: choose a volume, a scanner and a profile; scan; check and correct the pages as they arrive. */
export function ScanScreen() {
  const i18n = useI18n();
  const { t, tx } = i18n;
  const { client, navigate } = useApp();
  const { message } = AntApp.useApp();

  // Opened at a record (`/scan?volume=12&page=345`: the workbench, a check finding).
  const [wanted] = useState(targetFromUrl);
  const [volumeId, setVolumeId] = useState<number | null>(wanted.volumeId);
  const [archiveNo, setArchiveNo] = useState('');
  const [devices, setDevices] = useState<DeviceView[]>([]);
  const [deviceProblems, setDeviceProblems] = useState<string[]>([]);
  const [searching, setSearching] = useState(false);
  const [deviceId, setDeviceId] = useState<string | null>(null);
  const [caps, setCaps] = useState<CapabilitiesView | null>(null);
  const [source, setSource] = useState<Source>('feeder');
  const [dpi, setDpi] = useState(DEFAULT_DPI);
  const [mode, setMode] = useState<Mode>('auto');
  const [count, setCount] = useState<number | null>(10);
  const [list, setList] = useState<PageList | null>(null);
  const [run, setRun] = useState<ScanRunView | null>(null);
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [split, setSplit] = useState<SplitPreviewView | null>(null);
  const [nextVolumes, setNextVolumes] = useState<number[]>([]);
  const [showOriginal, setShowOriginal] = useState(false);

  const pages = useMemo(() => list?.pages ?? [], [list]);
  const pagesRef = useRef<PageRow[]>([]);
  const selected = pages.find((p) => p.id === selectedId) ?? null;
  const running = run?.state === 'running' && run.volumeId === volumeId;
  const isDemo = deviceId === 'demo';
  // After 扫描完成 the next step is cataloguing; more pages are 补扫 (scanned → scanning), never the default.
  const finished = list?.volume.state === 'scanned' && !running;

  // --- loading ---------------------------------------------------------------------------------
  // The operator's queue, oldest first, searched on the engine; the open volume is always in it.
  const queueSearch = useVolumeSearch(
    client,
    { states: QUEUE_STATES, order: 'queue', include: volumeId === null ? [] : [volumeId] },
    (e) => {
      setError(errorText(e, i18n));
    },
  );
  const queue = queueSearch.rows;
  const loadQueue = queueSearch.reload;

  const loadDevices = useCallback(
    async (refresh: boolean) => {
      setSearching(true);
      try {
        const found = await client.call('scan.devices', { refresh });
        setDevices(found.devices);
        setDeviceProblems(found.problems.map((p) => `${p.driver}: ${tx(p.message)}`));
        setDeviceId((current) =>
          current !== null && found.devices.some((d) => d.id === current)
            ? current
            : (found.devices[0]?.id ?? null),
        );
      } catch (e) {
        setError(errorText(e, i18n));
      } finally {
        setSearching(false);
      }
    },
    [client, i18n, tx],
  );

  const loadPages = useCallback(async () => {
    if (volumeId === null) return;
    try {
      const next = await client.call('pages.list', { volumeId });
      const before = pagesRef.current;
      pagesRef.current = next.pages;
      setList(next);
      const asked = next.volume.id === wanted.volumeId ? wanted.pageId : null;
      const first = next.pages.some((p) => p.id === asked) ? asked : null;
      setSelectedId((sel) => {
        const last = next.pages.at(-1)?.id ?? null;
        if (sel === null) return first ?? last;
        // Watching the newest page while pages arrive: follow it.
        if (sel === before.at(-1)?.id && next.pages.length > before.length) return last;
        if (next.pages.some((p) => p.id === sel)) return sel;
        // The selected page went away (deleted): the page now in its place.
        const at = before.findIndex((p) => p.id === sel);
        return at >= 0 ? (next.pages[Math.min(at, next.pages.length - 1)]?.id ?? null) : last;
      });
    } catch (e) {
      setError(errorText(e, i18n));
    }
  }, [client, i18n, volumeId]);

  useEffect(() => {
    void loadDevices(false); // the queue loads itself (useVolumeSearch)
  }, [loadDevices]);

  useEffect(() => {
    setList(null);
    pagesRef.current = [];
    setNextVolumes([]);
    setRun(null);
    setSelectedId(null);
    if (volumeId === null) return;
    void loadPages();
    client.call('scan.runs', { volumeId }).then(
      (runs) => {
        const last = runs[0] ?? null;
        // Opened at a page by a link: a run that has ended is past news there, not this visit's scan.
        const linked = volumeId === wanted.volumeId && wanted.pageId !== null;
        setRun(last && (last.state === 'running' || !linked) ? last : null);
      },
      () => undefined,
    );
  }, [client, volumeId, loadPages, wanted]);

  useEffect(() => {
    if (deviceId === null) return;
    client.call('scan.capabilities', { deviceId }).then(
      (c) => {
        setCaps(c);
        setSource((s) => (c.sources.includes(s) ? s : (c.sources[0] ?? 'flatbed')));
        const offered = modesOf(c);
        // The same default as `dangan scan` without --mode; a mode this device also offers is kept.
        setMode((m) => (offered.includes(m) ? m : defaultScanMode(c.colorModes)));
      },
      (e: unknown) => {
        setCaps(null);
        setError(errorText(e, i18n));
      },
    );
  }, [client, deviceId, i18n]);

  // Events: pages stored and processed, runs ending. The page list is refetched at most every REFRESH_MS.
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const scheduleRefresh = useCallback(() => {
    refreshTimer.current ??= setTimeout(() => {
      refreshTimer.current = null;
      void loadPages();
    }, REFRESH_MS);
  }, [loadPages]);
  useEffect(
    () => () => {
      if (refreshTimer.current) clearTimeout(refreshTimer.current);
    },
    [],
  );
  useEffect(() => {
    if (volumeId === null) return;
    return client.subscribe((e) => {
      if (e.name === 'scan.page' && e.payload.volumeId === volumeId) {
        setRun((r) => (r && r.scanId === e.payload.scanId ? { ...r, pages: e.payload.pages } : r));
        scheduleRefresh();
      } else if (e.name === 'scan.ended' && e.payload.volumeId === volumeId) {
        void client.call('scan.runs', { volumeId }).then((runs) => {
          setRun(runs.find((r) => r.scanId === e.payload.scanId) ?? null);
        });
        scheduleRefresh();
        void loadQueue();
      } else if (
        (e.name === 'page.processed' || e.name === 'pages.changed') &&
        e.payload.volumeId === volumeId
      ) {
        scheduleRefresh();
      } else if (e.name === 'engine.ready') {
        scheduleRefresh();
      }
    });
  }, [client, volumeId, scheduleRefresh, loadQueue]);

  // --- actions ---------------------------------------------------------------------------------
  const act = useCallback(
    async (key: string, work: () => Promise<string | null>) => {
      setBusy(key);
      setError(null);
      try {
        const done = await work();
        if (done !== null) void message.success(done);
        await loadPages();
      } catch (e) {
        setError(errorText(e, i18n));
      } finally {
        setBusy(null);
      }
    },
    [i18n, loadPages, message],
  );

  const settings = useCallback(
    () => (deviceId === null ? null : { deviceId, source, dpi, mode }),
    [deviceId, source, dpi, mode],
  );

  const start = useCallback(() => {
    const s = settings();
    if (volumeId === null || s === null || running || busy !== null) return;
    void act('start', async () => {
      const started = await client.call('scan.start', {
        volumeId,
        ...s,
        ...(count !== null ? { pages: count } : {}),
      });
      setRun(started);
      return null;
    });
  }, [act, busy, client, count, running, settings, volumeId]);

  const toCatalogue = useCallback(() => {
    if (volumeId !== null) navigate(`/catalogue?volume=${volumeId}`);
  }, [navigate, volumeId]);

  const cancel = useCallback(() => {
    if (!run || run.state !== 'running') return;
    void act('cancel', async () => {
      setRun(await client.call('scan.cancel', { scanId: run.scanId }));
      return null;
    });
  }, [act, client, run]);

  const undo = useCallback(() => {
    if (volumeId === null || !list?.undoable) return;
    void act('undo', async () => {
      const op = await client.call('pages.undo', { volumeId });
      const name = op ? (OP_NAMES[op.op] ?? [op.op, op.op]) : null;
      return name ? t(`已撤销：${name[0]}`, `Undone: ${name[1]}`) : t('没有可撤销的操作', 'Nothing to undo');
    });
  }, [act, client, list, t, volumeId]);

  const rotate = useCallback(
    (degrees: 90 | 180 | 270) => {
      if (!selected) return;
      void act('rotate', async () => {
        await client.call('pages.rotate', { pageId: selected.id, degrees });
        return null;
      });
    },
    [act, client, selected],
  );

  const remove = useCallback(() => {
    if (!selected) return;
    const seq = selected.seq;
    void act('delete', async () => {
      await client.call('pages.delete', { pageId: selected.id });
      return t(`已删除第 ${seq} 页（Ctrl+Z 撤销）`, `Page ${seq} deleted (Ctrl+Z to undo)`);
    });
  }, [act, client, selected, t]);

  const move = useCallback(
    (by: number) => {
      if (!selected) return;
      const to = selected.seq + by;
      if (to < 1 || to > pages.length) return;
      void act('move', async () => {
        await client.call('pages.move', { pageId: selected.id, to });
        return null;
      });
    },
    [act, client, pages.length, selected],
  );

  const scanInto = useCallback(
    (how: 'rescan' | 'replace' | 'before' | 'after') => {
      const s = settings();
      if (!selected || s === null) return;
      void act(how, async () => {
        const r = await client.call('pages.scanInto', { pageId: selected.id, how, ...s });
        setSelectedId(r.pageId);
        return how === 'rescan' || how === 'replace'
          ? t(`已重扫第 ${selected.seq} 页`, `Page ${selected.seq} rescanned`)
          : t('已插入一页', 'A page was inserted');
      });
    },
    [act, client, selected, settings, t],
  );

  const finish = useCallback(() => {
    if (!list) return;
    void act('finish', async () => {
      await client.call('volumes.transition', {
        id: list.volume.id,
        to: 'scanned',
        expectedState: 'scanning',
      });
      void loadQueue();
      return t('本卷扫描完成，可以著录了', 'Scanning finished: ready for cataloguing');
    });
  }, [act, client, list, loadQueue, t]);

  const previewSplit = useCallback(
    (next: readonly number[] = nextVolumes) => {
      if (volumeId === null) return;
      void act('split', async () => {
        setSplit(await client.call('batch.splitPreview', { volumeId, nextVolumes: [...next] }));
        return null;
      });
    },
    [act, client, nextVolumes, volumeId],
  );

  const applySplit = useCallback(() => {
    if (volumeId === null || !split) return;
    void act('apply-split', async () => {
      const r = await client.call('batch.splitApply', {
        volumeId,
        fingerprint: split.fingerprint,
        nextVolumes: [...nextVolumes],
      });
      setSplit(null);
      const n = r.moved.reduce((sum, m) => sum + m.pageIds.length, 0);
      return t(`已分批：移出 ${n} 页（Ctrl+Z 撤销）`, `Split applied: ${n} page(s) moved (Ctrl+Z to undo)`);
    });
  }, [act, client, nextVolumes, split, t, volumeId]);

  const findByArchiveNo = () => {
    if (archiveNo.trim() === '') return;
    void act('find', async () => {
      const v = await client.call('scan.findVolume', { archiveNo: archiveNo.trim() });
      setVolumeId(v.id);
      return null;
    });
  };

  // --- keyboard ---------------------------------------------------------------------------------
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey || e.metaKey) return;
      if (e.key === 'F5') {
        e.preventDefault(); // never reload the page: start scanning instead
        start();
        return;
      }
      if (isTyping(e)) return;
      const index = selected ? pages.findIndex((p) => p.id === selected.id) : -1;
      const handled = (() => {
        if (e.ctrlKey && (e.key === 'z' || e.key === 'Z')) return (undo(), true);
        if (e.ctrlKey && e.key === 'ArrowLeft') return (move(-1), true);
        if (e.ctrlKey && e.key === 'ArrowRight') return (move(1), true);
        if (e.ctrlKey) return false;
        switch (e.key) {
          case 'Enter':
            return (finished ? toCatalogue() : start(), true);
          case 'Escape':
            return (cancel(), true);
          case 'ArrowLeft':
          case 'ArrowUp':
            if (index > 0) setSelectedId(pages[index - 1]?.id ?? null);
            return true;
          case 'ArrowRight':
          case 'ArrowDown':
            if (index >= 0 && index < pages.length - 1) setSelectedId(pages[index + 1]?.id ?? null);
            return true;
          case 'Home':
            setSelectedId(pages[0]?.id ?? null);
            return true;
          case 'End':
            setSelectedId(pages.at(-1)?.id ?? null);
            return true;
          case 'r':
            return (rotate(90), true);
          case 'l':
          case 'R':
            return (rotate(270), true);
          case 'Delete':
            return (remove(), true);
          case 's':
            return (scanInto('rescan'), true);
          case 'i':
            return (scanInto('before'), true);
          case 'I':
            return (scanInto('after'), true);
          case 'o':
            return (setShowOriginal((v) => !v), true);
          default:
            return false;
        }
      })();
      if (handled) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
    };
  }, [cancel, finished, move, pages, remove, rotate, scanInto, selected, start, toCatalogue, undo]);

  // --- view -------------------------------------------------------------------------------------
  const volume = list?.volume ?? queue.find((v) => v.id === volumeId) ?? null;
  // Pages may be corrected while the feeder runs: the engine orders every change.
  const editable = list?.editable === true;
  const dpis = caps?.resolutions.length ? caps.resolutions : [200, 300, 400, 600];
  const percent =
    run && run.expected !== null && run.expected > 0
      ? Math.min(100, Math.round((run.pages / run.expected) * 100))
      : null;
  const pendingPages = pages.filter((p) => p.state === 'pending').length;
  const sourceNames: Record<Source, [string, string]> = {
    feeder: ['自动进纸（单面）', 'Feeder (simplex)'],
    duplex: ['自动进纸（双面）', 'Feeder (duplex)'],
    flatbed: ['平板', 'Flatbed'],
  };

  return (
    <Space orientation="vertical" size="middle" className="screen scan-screen">
      <div>
        <Typography.Title level={3} data-testid="screen-title">
          {t('扫描', 'Scanning')}
        </Typography.Title>
        <Typography.Text type="secondary" className="scan-keys">
          {finished
            ? t('Enter 去著录 · F5 补扫 · ', 'Enter catalogue · F5 scan more · ')
            : t('Enter/F5 开始 · ', 'Enter/F5 start · ')}
          {t(
            'Esc 取消 · ←→ 选页 · R 右转 · L 左转 · Delete 删除 · Ctrl+Z 撤销 · Ctrl+←→ 移动 · S 重扫 · I 前插 · Shift+I 后插 · +/- 缩放 · O 原图',
            'Esc cancel · ←→ select · R right · L left · Delete · Ctrl+Z undo · Ctrl+←→ move · S rescan · I insert before · Shift+I after · +/- zoom · O original',
          )}
        </Typography.Text>
      </div>
      {error && (
        <Alert
          type="error"
          showIcon
          closable={{
            onClose: () => {
              setError(null);
            },
          }}
          title={error}
          data-testid="scan-error"
        />
      )}

      <Card size="small" className="scan-controls">
        <Space wrap size="middle" align="end">
          <label className="scan-field">
            <span>{t('案卷（我的队列）', 'Volume (my queue)')}</span>
            <VolumePicker
              data-testid="volume-select"
              className="volume-select"
              popupMatchSelectWidth={false}
              search={queueSearch}
              i18n={i18n}
              placeholder={t(
                '选择要扫描的案卷（可输入档号、企业名称）',
                'Choose a volume to scan (type to search)',
              )}
              {...(volumeId !== null ? { value: volumeId } : {})}
              onChange={(v) => {
                if (typeof v === 'number') setVolumeId(v);
              }}
              label={(v) => `${v.archiveNo} ${v.enterpriseName}`}
              notFoundContent={
                queueSearch.query.trim() === ''
                  ? t('没有待扫描的案卷，请先登记', 'No volume to scan: register one first')
                  : t('没有符合的案卷', 'No volume matches')
              }
            />
          </label>
          <label className="scan-field">
            <span>{t('或按档号', 'or by archive number')}</span>
            <Input.Search
              data-testid="archive-no"
              placeholder="350200-2026-SL-000001"
              value={archiveNo}
              onChange={(e) => {
                setArchiveNo(e.target.value);
              }}
              onSearch={findByArchiveNo}
              enterButton={t('打开', 'Open')}
              className="archive-no"
            />
          </label>
          <label className="scan-field">
            <span>{t('扫描仪', 'Scanner')}</span>
            <Space.Compact>
              <Select
                data-testid="device-select"
                className="device-select"
                popupMatchSelectWidth={false}
                {...(deviceId !== null ? { value: deviceId } : {})}
                loading={searching}
                onChange={(v: string) => {
                  setDeviceId(v);
                }}
                options={devices.map((d) => ({
                  value: d.id,
                  label: d.displayName === null ? d.name : tx(d.displayName),
                }))}
              />
              <Tooltip title={t('重新查找扫描仪', 'Search for scanners again')}>
                <Button
                  icon={<ReloadOutlined />}
                  loading={searching}
                  onClick={() => void loadDevices(true)}
                />
              </Tooltip>
            </Space.Compact>
          </label>
          <label className="scan-field">
            <span>{t('纸张来源', 'Source')}</span>
            <Select
              data-testid="source-select"
              value={source}
              onChange={(v: Source) => {
                setSource(v);
              }}
              options={(caps?.sources ?? ['feeder']).map((s) => ({ value: s, label: t(...sourceNames[s]) }))}
              className="narrow-select"
              popupMatchSelectWidth={false}
            />
          </label>
          <label className="scan-field">
            <span>{t('分辨率', 'Resolution')}</span>
            <Select
              data-testid="dpi-select"
              value={dpi}
              onChange={(v: number) => {
                setDpi(v);
              }}
              options={dpis.map((d) => ({
                value: d,
                label: `${d} dpi${d === DEFAULT_DPI ? t('（推荐）', ' (recommended)') : ''}`,
              }))}
              className="narrow-select"
              popupMatchSelectWidth={false}
            />
          </label>
          <label className="scan-field">
            <span>{t('色彩', 'Colour')}</span>
            <Select
              data-testid="mode-select"
              value={mode}
              onChange={(v: Mode) => {
                setMode(v);
              }}
              // Until the device's modes arrive, the chosen one is still named (not its raw value).
              options={[...new Set([mode, ...modesOf(caps)])].map((m) => ({
                value: m,
                label: tx(SCAN_MODE_NAMES[m]),
              }))}
              className="narrow-select"
              popupMatchSelectWidth={false}
            />
          </label>
          <label className="scan-field">
            <span>{isDemo ? t('页数（演示）', 'Pages (demo)') : t('页数上限', 'Page limit')}</span>
            <InputNumber
              data-testid="page-count"
              min={1}
              max={5000}
              value={count}
              placeholder={t('不限', 'none')}
              onChange={(v) => {
                setCount(v);
              }}
            />
          </label>
          {running ? (
            <Button
              danger
              icon={<StopOutlined />}
              onClick={cancel}
              loading={busy === 'cancel'}
              data-testid="cancel-scan"
            >
              {t('取消扫描（Esc）', 'Cancel (Esc)')}
            </Button>
          ) : finished ? (
            <Space data-testid="scan-next-steps">
              <Tag color="success">{t('本卷已扫描完成', 'This volume is scanned')}</Tag>
              <Button
                type="primary"
                icon={<FileSearchOutlined />}
                onClick={toCatalogue}
                data-testid="go-catalogue"
              >
                {t('去著录（Enter）', 'Catalogue (Enter)')}
              </Button>
              <Button
                icon={<PlayCircleOutlined />}
                onClick={start}
                disabled={deviceId === null || !list.editable}
                loading={busy === 'start'}
                data-testid="scan-more"
              >
                {t('补扫（F5）', 'Scan more (F5)')}
              </Button>
            </Space>
          ) : (
            <Button
              type="primary"
              icon={<PlayCircleOutlined />}
              onClick={start}
              disabled={volumeId === null || deviceId === null || list?.editable === false}
              loading={busy === 'start'}
              data-testid="start-scan"
            >
              {t('开始扫描（Enter）', 'Start (Enter)')}
            </Button>
          )}
        </Space>
        {dpi < MIN_DPI && (
          <Alert
            className="scan-dpi-warning"
            type="warning"
            showIcon
            data-testid="dpi-warning"
            title={t(
              `${dpi} dpi 低于 DA/T 31 规定的 200 dpi 下限，页面会被标记为需重扫；建议 300 dpi`,
              `${dpi} dpi is under DA/T 31's 200 dpi floor; pages will be flagged for rescanning. 300 dpi is recommended`,
            )}
          />
        )}
        {deviceProblems.length > 0 && (
          <Typography.Text type="secondary" className="scan-problems">
            {deviceProblems.join('；')}
          </Typography.Text>
        )}
      </Card>

      {run && run.volumeId === volumeId && (run.state === 'running' || run.error === null) && (
        <Card size="small" data-testid="scan-progress">
          <Space className="full-width" orientation="vertical" size={2}>
            <Space>
              {run.state === 'running' ? (
                <Tag color="processing">{t('扫描中', 'Scanning')}</Tag>
              ) : (
                <Tag color="success">{t('本次扫描完成', 'Run finished')}</Tag>
              )}
              <span data-testid="scan-count">
                {t(`已保存 ${run.pages} 页`, `${run.pages} page(s) saved`)}
                {run.expected !== null ? ` / ${run.expected}` : ''}
              </span>
              {run.mode === 'auto' && (
                <Typography.Text type="secondary" data-testid="scan-auto-colour">
                  {t(
                    `自动：彩色 ${pages.filter((p) => p.autoColour && p.colorMode === 'color').length} 页，灰度 ${pages.filter((p) => p.autoColour && p.colorMode === 'gray').length} 页`,
                    `Auto: ${pages.filter((p) => p.autoColour && p.colorMode === 'color').length} colour, ${pages.filter((p) => p.autoColour && p.colorMode === 'gray').length} grey`,
                  )}
                </Typography.Text>
              )}
              {pendingPages > 0 && (
                <Typography.Text type="secondary">
                  {t(`${pendingPages} 页处理中`, `${pendingPages} processing`)}
                </Typography.Text>
              )}
            </Space>
            {percent !== null && (
              <Progress
                percent={percent}
                size="small"
                status={run.state === 'running' ? 'active' : 'success'}
              />
            )}
          </Space>
        </Card>
      )}
      {/* Once the operator finished the volume, the last run's stop (a cancel, a jam) is past news. */}
      {run?.error && run.volumeId === volumeId && run.state !== 'running' && !finished && (
        <DeviceErrorAlert
          error={run.error}
          pages={run.pages}
          onResume={start}
          onClose={() => {
            setRun(null);
          }}
        />
      )}

      {volumeId === null ? (
        <Card>
          <Empty description={t('请选择一个案卷开始扫描', 'Choose a volume to start scanning')} />
        </Card>
      ) : (
        <div className="scan-workspace">
          <Card
            size="small"
            className="scan-pages"
            title={
              volume ? (
                <span className="scan-pages-title">
                  <span data-testid="volume-title">{volume.archiveNo}</span>
                  <Tag data-testid="page-total">{t(`共 ${pages.length} 页`, `${pages.length} pages`)}</Tag>
                  <Typography.Text type="secondary" ellipsis title={volume.enterpriseName}>
                    {volume.enterpriseName}
                  </Typography.Text>
                </span>
              ) : (
                t('加载中…', 'Loading…')
              )
            }
            extra={
              <Space>
                <Tooltip
                  title={
                    list?.undoable
                      ? t(
                          `撤销：${OP_NAMES[list.undoable.op]?.[0] ?? list.undoable.op}（Ctrl+Z）`,
                          `Undo ${OP_NAMES[list.undoable.op]?.[1] ?? list.undoable.op} (Ctrl+Z)`,
                        )
                      : t('没有可撤销的操作', 'Nothing to undo')
                  }
                >
                  <Button
                    size="small"
                    icon={<UndoOutlined />}
                    disabled={!list?.undoable}
                    onClick={undo}
                    data-testid="undo"
                  >
                    {t('撤销', 'Undo')}
                  </Button>
                </Tooltip>
                <Button
                  size="small"
                  icon={<ScissorOutlined />}
                  onClick={() => {
                    previewSplit();
                  }}
                  data-testid="split-preview-button"
                >
                  {t('分批预览', 'Split preview')}
                </Button>
                {list?.volume.state === 'scanning' && !running && (
                  <Button size="small" onClick={finish} data-testid="finish-scan">
                    {t('扫描完成', 'Finish scanning')}
                  </Button>
                )}
              </Space>
            }
          >
            {pages.length === 0 ? (
              <Empty
                description={t(
                  '还没有页面：放好纸张后按 Enter 开始扫描',
                  'No pages yet: load the paper and press Enter',
                )}
              />
            ) : (
              <ThumbnailGrid
                pages={pages}
                selectedId={selectedId}
                onSelect={setSelectedId}
                onOpen={setSelectedId}
                followEnd={running}
              />
            )}
          </Card>

          <Card
            size="small"
            className="scan-viewer"
            title={selected ? t(`第 ${selected.seq} 页`, `Page ${selected.seq}`) : t('页面', 'Page')}
          >
            {selected ? (
              <Space orientation="vertical" className="full-width" size="small">
                <Space wrap size={4} className="page-ops">
                  <Tooltip title={t('左转 90°（L）', 'Rotate left (L)')}>
                    <Button
                      size="small"
                      icon={<RotateLeftOutlined />}
                      disabled={!editable}
                      onClick={() => {
                        rotate(270);
                      }}
                      data-testid="rotate-left"
                    />
                  </Tooltip>
                  <Tooltip title={t('右转 90°（R）', 'Rotate right (R)')}>
                    <Button
                      size="small"
                      icon={<RotateRightOutlined />}
                      disabled={!editable}
                      onClick={() => {
                        rotate(90);
                      }}
                      data-testid="rotate-right"
                    />
                  </Tooltip>
                  <Tooltip title={t('前移（Ctrl+←）', 'Move earlier (Ctrl+←)')}>
                    <Button
                      size="small"
                      icon={<ArrowLeftOutlined />}
                      disabled={!editable || selected.seq === 1}
                      onClick={() => {
                        move(-1);
                      }}
                      data-testid="move-earlier"
                    />
                  </Tooltip>
                  <Tooltip title={t('后移（Ctrl+→）', 'Move later (Ctrl+→)')}>
                    <Button
                      size="small"
                      icon={<ArrowRightOutlined />}
                      disabled={!editable || selected.seq === pages.length}
                      onClick={() => {
                        move(1);
                      }}
                      data-testid="move-later"
                    />
                  </Tooltip>
                  <Tooltip title={t('重扫本页（S）', 'Rescan this page (S)')}>
                    <Button
                      size="small"
                      icon={<RedoOutlined />}
                      disabled={!editable || deviceId === null}
                      onClick={() => {
                        scanInto('rescan');
                      }}
                      loading={busy === 'rescan'}
                      data-testid="rescan"
                    >
                      {t('重扫', 'Rescan')}
                    </Button>
                  </Tooltip>
                  <Tooltip title={t('在本页前插入一页（I）', 'Insert a page before (I)')}>
                    <Button
                      size="small"
                      icon={<VerticalAlignTopOutlined />}
                      disabled={!editable || deviceId === null}
                      onClick={() => {
                        scanInto('before');
                      }}
                      loading={busy === 'before'}
                      data-testid="insert-before"
                    />
                  </Tooltip>
                  <Tooltip title={t('在本页后插入一页（Shift+I）', 'Insert a page after (Shift+I)')}>
                    <Button
                      size="small"
                      icon={<VerticalAlignBottomOutlined />}
                      disabled={!editable || deviceId === null}
                      onClick={() => {
                        scanInto('after');
                      }}
                      loading={busy === 'after'}
                      data-testid="insert-after"
                    />
                  </Tooltip>
                  <Tooltip title={t('删除本页（Delete），可撤销', 'Delete this page (Delete); undoable')}>
                    <Button
                      size="small"
                      danger
                      icon={<DeleteOutlined />}
                      disabled={!editable}
                      onClick={remove}
                      data-testid="delete-page"
                    />
                  </Tooltip>
                  <Button
                    size="small"
                    type={showOriginal ? 'primary' : 'default'}
                    onClick={() => {
                      setShowOriginal((v) => !v);
                    }}
                  >
                    {t('原图（O）', 'Original (O)')}
                  </Button>
                </Space>
                {selected.id === wanted.pageId && <MissingOriginal pageId={selected.id} />}
                <PageViewer
                  pageId={selected.id}
                  version={showOriginal ? 'original' : selected.thumbKey}
                  size={showOriginal ? 'original' : 'view'}
                  height="calc(100vh - 400px)"
                />
                <Descriptions size="small" column={2} className="page-facts">
                  <Descriptions.Item label={t('分辨率', 'Resolution')}>
                    {selected.dpi !== null ? `${selected.dpi} dpi` : '—'}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('纠斜', 'Deskew')}>
                    {selected.skewDeg !== null
                      ? `${selected.skewDeg.toFixed(2)}°${selected.deskewed ? '' : t('（未纠正）', ' (kept)')}`
                      : '—'}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('标记', 'Flags')} span={2}>
                    <PageBadges page={selected} />
                  </Descriptions.Item>
                </Descriptions>
                {!list?.editable && (
                  <Alert
                    type="info"
                    showIcon
                    title={t(
                      '案卷已著录，页面不能再修改',
                      'The volume is catalogued: pages can no longer change',
                    )}
                  />
                )}
              </Space>
            ) : (
              <Empty description={t('选择一页查看', 'Select a page to view it')} />
            )}
          </Card>
        </div>
      )}
      <SplitPreview
        preview={split}
        pages={pages}
        archiveNo={volume?.archiveNo ?? ''}
        volumes={queue.filter((v) => v.id !== volumeId)}
        nextVolumes={nextVolumes}
        onNextVolumes={(ids) => {
          setNextVolumes(ids);
          previewSplit(ids);
        }}
        onApply={applySplit}
        applying={busy === 'apply-split'}
        onClose={() => {
          setSplit(null);
        }}
      />
    </Space>
  );
}
