import { ApiError } from '../api/client';
import type { I18n } from '../i18n/i18n';

/** What to tell the user about a failure: the engine's own message, or a generic one for the unexpected. */
export function errorText(e: unknown, i18n: I18n): string {
  if (e instanceof ApiError) return i18n.tx(e.text);
  return i18n.t(
    '发生意外错误，请重试；数据未丢失',
    'Something unexpected happened; try again. Nothing was lost.',
  );
}
