import { Select, Typography, type SelectProps } from 'antd';
import './volume-picker.css';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { VolumeRow, VolumeState } from '../../core/contracts';
import type { EngineClient } from '../api/client';
import type { I18n } from '../i18n/i18n';

/** Typing waits this long before asking the engine, so a name typed quickly is one search. */
const SEARCH_DELAY_MS = 250;
const DEFAULT_LIMIT = 200;

export interface VolumeSearchOptions {
  readonly states: readonly VolumeState[];
  /** `queue`: the next volume to work on first; `recent`: the latest changed first. */
  readonly order: 'queue' | 'recent';
  readonly limit?: number;
  /** Volumes listed whatever the text or their state (the open one, the one a link named). */
  readonly include?: readonly number[];
}

export interface VolumeSearch {
  readonly rows: readonly VolumeRow[];
  /** Whether the engine has answered once (the rows are the first answer's until then empty). */
  readonly answered: boolean;
  /** Volumes matching the text that the list does not show (the limit cut them). */
  readonly hidden: number;
  readonly query: string;
  readonly setQuery: (query: string) => void;
  /** Asks again with the same text (a volume changed elsewhere). */
  readonly reload: () => Promise<readonly VolumeRow[]>;
  /** Every row seen since the screen opened, by id: a chosen volume keeps its name after the text changes. */
  readonly known: (id: number) => VolumeRow | undefined;
}

/**
 * The volumes of some states, searched on the engine (`volumes.list` matches 档号, enterprise name and
 * code, volume type). The newest answer wins: a slow answer to an older text never replaces it.
 */
export function useVolumeSearch(
  client: EngineClient,
  options: VolumeSearchOptions,
  onError: (e: unknown) => void,
): VolumeSearch {
  const { order } = options;
  const limit = options.limit ?? DEFAULT_LIMIT;
  const statesKey = options.states.join(',');
  const includeKey = (options.include ?? []).join(',');
  const [rows, setRows] = useState<readonly VolumeRow[]>([]);
  const [hidden, setHidden] = useState(0);
  const [answered, setAnswered] = useState(false);
  const [query, setQueryNow] = useState('');
  const queryRef = useRef('');
  const asked = useRef(0);
  const seen = useRef(new Map<number, VolumeRow>());
  const errorRef = useRef(onError);
  errorRef.current = onError;

  const ask = useCallback(
    async (text: string): Promise<readonly VolumeRow[]> => {
      const n = ++asked.current;
      const include = includeKey === '' ? [] : includeKey.split(',').map(Number);
      try {
        const r = await client.call('volumes.list', {
          states: statesKey.split(',') as VolumeState[],
          limit,
          order,
          ...(text.trim() !== '' ? { query: text.trim() } : {}),
          ...(include.length > 0 ? { include } : {}),
        });
        if (n !== asked.current) return r.volumes;
        for (const v of r.volumes) seen.current.set(v.id, v);
        setRows(r.volumes);
        setHidden(Math.max(0, r.total - limit));
        setAnswered(true);
        return r.volumes;
      } catch (e) {
        errorRef.current(e);
        return [];
      }
    },
    [client, statesKey, includeKey, order, limit],
  );

  useEffect(() => {
    const text = queryRef.current;
    if (text === '') {
      void ask('');
      return;
    }
    const timer = setTimeout(() => void ask(text), SEARCH_DELAY_MS);
    return () => {
      clearTimeout(timer);
    };
  }, [ask, query]);

  const setQuery = useCallback((text: string) => {
    queryRef.current = text;
    setQueryNow(text);
  }, []);
  const reload = useCallback(() => ask(queryRef.current), [ask]);
  const known = useCallback((id: number) => seen.current.get(id), []);
  return { rows, answered, hidden, query, setQuery, reload, known };
}

/** "还有 N 卷未显示": under a picker's list when the limit cut it. */
export function hiddenHint(hidden: number, query: string, i18n: I18n): string | null {
  if (hidden <= 0) return null;
  return query.trim() === ''
    ? i18n.t(
        `还有 ${hidden} 卷未显示，请输入档号、企业名称或代码筛选`,
        `${hidden} more volume(s) not shown: type an archive number, enterprise name or code`,
      )
    : i18n.t(
        `还有 ${hidden} 卷符合但未显示，请输入更多关键字`,
        `${hidden} more matching volume(s) not shown: type more of it`,
      );
}

type PickerProps = Omit<
  SelectProps<number | number[]>,
  'options' | 'showSearch' | 'popupRender' | 'filterOption' | 'onSearch'
>;

/**
 * A volume Select whose typed text searches on the engine, with the hint when the list is cut. The
 * chosen volume(s) stay named even when the current text no longer lists them.
 */
export function VolumePicker({
  search,
  i18n,
  label,
  shown = () => true,
  ...props
}: PickerProps & {
  search: VolumeSearch;
  i18n: I18n;
  label: (v: VolumeRow) => string;
  /** Leaves listed volumes out of the choice (one already queued). */
  shown?: (v: VolumeRow) => boolean;
}) {
  const { value } = props;
  const chosen = value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
  const listed = new Set(search.rows.map((v) => v.id));
  const kept = chosen.flatMap((id) => {
    const v = listed.has(id) ? undefined : search.known(id);
    return v ? [v] : [];
  });
  const hint = hiddenHint(search.hidden, search.query, i18n);
  const footer: ReactNode =
    hint === null ? null : (
      <Typography.Text type="secondary" className="volume-picker-hint" data-testid="volume-picker-hint">
        {hint}
      </Typography.Text>
    );
  return (
    <Select<number | number[]>
      {...props}
      showSearch={{ filterOption: false, onSearch: search.setQuery, searchValue: search.query }}
      onOpenChange={(open) => {
        // Closed without a choice: the next opening lists the usual volumes again.
        if (!open && search.query !== '') search.setQuery('');
      }}
      popupRender={(menu) => (
        <>
          {menu}
          {footer}
        </>
      )}
      options={[...kept, ...search.rows.filter(shown)].map((v) => ({ value: v.id, label: label(v) }))}
    />
  );
}
