import { useState } from 'react';
import { useI18n } from '../i18n/i18n';
import { errorText } from './errors';

/**
 * A form's submit with its busy flag and the engine's error as text in the current language. `run`
 * resolves to true when the action succeeded; `onError` lets a form clear fields (e.g. the password).
 */
export function useSubmit() {
  const i18n = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (action: () => Promise<void>, onError?: () => void): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await action();
      return true;
    } catch (e) {
      setError(errorText(e, i18n));
      onError?.();
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}
