import { Tag, type TableColumnType } from 'antd';
import type { Reference, VolumeState } from '../../core/contracts';
import { STATE_COLORS, stateName, volumeTypeName } from '../app/format';
import type { I18n } from '../i18n/i18n';

/** The fields every volume list shows (a VolumeRow in 标签打印, a VolumeView in 登记). */
export interface VolumeColumnRow {
  readonly archiveNo: string;
  readonly volumeType: string;
  readonly state: VolumeState;
}

/**
 * The volume-table columns 登记 and 标签打印 share (档号, 类型, 状态), so both name a volume the same way;
 * each screen puts its own columns (企业, 登记日期) between them.
 */
export function volumeColumns<R extends VolumeColumnRow>(
  reference: Reference,
  i18n: I18n,
): { archiveNo: TableColumnType<R>; type: TableColumnType<R>; state: TableColumnType<R> } {
  const { t } = i18n;
  return {
    archiveNo: { title: t('档号', 'Archive no.'), dataIndex: 'archiveNo', key: 'a' },
    type: {
      title: t('类型', 'Type'),
      dataIndex: 'volumeType',
      key: 't',
      render: (c: string) => volumeTypeName(reference, c, i18n),
    },
    state: {
      title: t('状态', 'State'),
      dataIndex: 'state',
      key: 's',
      render: (s: VolumeState) => <Tag color={STATE_COLORS[s]}>{stateName(reference, s, i18n)}</Tag>,
    },
  };
}
