import { Input, Modal, Tag, type InputRef } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Output } from '../../../core/contracts';
import { useI18n } from '../../i18n/i18n';

export type DocType = Output<'catalogue.types'>[number];

/**
 * T: the document-type picker. Type to filter (Chinese name, English name or code), ↑/↓ to move,
 * Enter to take, Esc to close. Types usual in this kind of volume come first.
 */
export function TypePicker({
  open,
  types,
  current,
  onPick,
  onClose,
}: {
  readonly open: boolean;
  readonly types: readonly DocType[];
  readonly current: string;
  readonly onPick: (code: string) => void;
  readonly onClose: () => void;
}) {
  const { t } = useI18n();
  const [filter, setFilter] = useState('');
  const [active, setActive] = useState(0);
  const input = useRef<InputRef>(null);

  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return f === ''
      ? types
      : types.filter(
          (x) =>
            x.name.includes(f) || x.nameEn.toLowerCase().includes(f) || x.code.toLowerCase().startsWith(f),
        );
  }, [filter, types]);

  useEffect(() => {
    if (!open) return;
    setFilter('');
    const i = types.findIndex((x) => x.code === current);
    setActive(i >= 0 ? i : 0);
  }, [open, current, types]);

  const pick = (x: DocType | undefined) => {
    if (x) onPick(x.code);
  };

  return (
    <Modal
      open={open}
      title={t('选择文件类型（输入筛选，↑↓ 选择，回车确定）', 'Document type (type to filter, ↑↓, Enter)')}
      footer={null}
      onCancel={onClose}
      afterOpenChange={(o) => {
        if (o) input.current?.focus();
      }}
      width={460}
      destroyOnHidden
      // The screen puts focus back itself; antd's own restore runs when the closing animation ends and
      // would take focus from a field the operator already moved to (E pressed during the animation).
      focusable={{ focusTriggerAfterClose: false }}
    >
      <Input
        ref={input}
        value={filter}
        placeholder={t('例如：章程、ZC、licence', 'e.g. 章程, AOA, licence')}
        data-testid="type-filter"
        onChange={(e) => {
          setFilter(e.target.value);
          setActive(0);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setActive((a) => Math.min(shown.length - 1, a + 1));
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            setActive((a) => Math.max(0, a - 1));
          } else if (e.key === 'Enter') {
            e.preventDefault();
            pick(shown[active]);
          }
        }}
      />
      <ul className="type-list" role="listbox" data-testid="type-list">
        {shown.map((x, i) => (
          <li
            key={x.code}
            role="option"
            aria-selected={i === active}
            className={i === active ? 'active' : ''}
            onMouseEnter={() => {
              setActive(i);
            }}
            onClick={() => {
              pick(x);
            }}
          >
            <span className="type-code">{x.code}</span>
            <span>{t(x.name, x.nameEn)}</span>
            {!x.usual && <Tag className="type-unusual">{t('本类案卷少见', 'Unusual here')}</Tag>}
            {x.responsibleRequired && <Tag color="blue">{t('需责任者', 'Needs 责任者')}</Tag>}
          </li>
        ))}
        {shown.length === 0 && <li className="type-none">{t('没有匹配的类型', 'No matching type')}</li>}
      </ul>
    </Modal>
  );
}
