import { Form, type FormInstance } from 'antd';

/**
 * A form field's current text. antd types useWatch's result as the field type, but it is undefined
 * until the field is first set: this says so, and gives '' instead.
 */
export function useWatchedText<T>(name: keyof T & string, form: FormInstance<T>): string {
  const value: unknown = Form.useWatch(name, form);
  return typeof value === 'string' ? value : '';
}
