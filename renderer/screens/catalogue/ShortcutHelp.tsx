import { Button, Modal } from 'antd';
import { QuestionCircleOutlined } from '@ant-design/icons';
import { useI18n } from '../../i18n/i18n';

export interface Shortcut {
  readonly keys: readonly string[];
  readonly zh: string;
  readonly en: string;
}

/** ?: the keyboard shortcuts of a screen, as a two-column table. */
export function ShortcutHelp({
  open,
  onClose,
  shortcuts,
}: {
  readonly open: boolean;
  readonly onClose: () => void;
  readonly shortcuts: readonly Shortcut[];
}) {
  const { t } = useI18n();
  return (
    <Modal
      open={open}
      onCancel={onClose}
      footer={null}
      // Focus must not go back to the button that opened it: the next Enter of a shortcut would press it.
      focusable={{ focusTriggerAfterClose: false }}
      title={t('快捷键', 'Keyboard shortcuts')}
      width={520}
      data-testid="shortcut-help"
    >
      <table className="shortcut-table">
        <tbody>
          {shortcuts.map((s) => (
            <tr key={s.zh}>
              <td>
                {s.keys.map((k) => (
                  <kbd key={k}>{k}</kbd>
                ))}
              </td>
              <td>{t(s.zh, s.en)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Modal>
  );
}

/** The button that opens the shortcut list (? does the same). */
export function ShortcutButton({ onClick }: { readonly onClick: () => void }) {
  const { t } = useI18n();
  return (
    <Button icon={<QuestionCircleOutlined />} onClick={onClick} data-testid="shortcut-button">
      {t('快捷键', 'Shortcuts')} <kbd>?</kbd>
    </Button>
  );
}

/** Is the key event meant for a text field (then screen shortcuts stay out of its way)? */
export function typingInField(e: KeyboardEvent): boolean {
  const target = e.target as HTMLElement | null;
  const field = target?.closest('input, textarea, select, [contenteditable="true"], .ant-select, .ant-modal');
  return (field ?? null) !== null;
}
