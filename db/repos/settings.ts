import type { Database, Statement } from 'better-sqlite3';
import type { ZodType } from 'zod';
import { canonicalJson, type Json } from '../../core/canonical-json';
import { DomainError } from '../../core/errors';
import { text } from '../../core/text';
import type { AuditLog } from '../audit-log';
import { SYSTEM_ACTOR, actorFields, systemClock, type Actor, type Clock } from './actor';

const KEY = /^[a-z][a-z0-9]*(?:[.-][a-z0-9]+)*$/;

function checkKey(key: string): void {
  if (key.length > 100 || !KEY.test(key)) {
    throw new DomainError(
      'setting.invalid-key',
      text(`设置项名称不合法：${key}`, `Invalid setting key: ${key}`),
      { key },
    );
  }
}

/**
 * Typed settings stored as JSON by key. The caller owns the shape: it passes the zod schema when reading.
 * Changes are audited (configuration changes are security-relevant under 等保).
 */
export class SettingsRepo {
  private readonly read: Statement<{ key: string }, { value: string }>;
  private readonly write: Statement<{ key: string; value: string; now: string }>;

  constructor(
    private readonly db: Database,
    private readonly audit: AuditLog,
    private readonly now: Clock = systemClock,
  ) {
    this.read = db.prepare('SELECT value FROM settings WHERE key = @key');
    this.write = db.prepare(
      `INSERT INTO settings (key, value, updated_at) VALUES (@key, @value, @now)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    );
  }

  /**
   * The stored value parsed by `schema`, or `fallback` when the key is not set. A stored value the
   * schema rejects throws `setting.invalid` rather than silently falling back: a broken setting must be seen.
   */
  get<T>(key: string, schema: ZodType<T>, fallback: T): T {
    checkKey(key);
    const row = this.read.get({ key });
    if (!row) return fallback;
    const parsed = schema.safeParse(JSON.parse(row.value));
    if (!parsed.success) {
      throw new DomainError(
        'setting.invalid',
        text(`设置项“${key}”的值不符合要求`, `The stored value of setting "${key}" is not valid`),
        { key, issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) },
      );
    }
    return parsed.data;
  }

  /** `redact`: top-level fields of an object value (a secret) left out of the audit record. */
  set(
    key: string,
    value: Json,
    actor: Actor = SYSTEM_ACTOR,
    options: { redact?: readonly string[] } = {},
  ): void {
    checkKey(key);
    const json = canonicalJson(value);
    const audited =
      options.redact && typeof value === 'object' && value !== null && !Array.isArray(value)
        ? Object.fromEntries(
            Object.entries(value).map(([k, v]) => [k, options.redact?.includes(k) ? '(redacted)' : v]),
          )
        : value;
    this.db.transaction(() => {
      this.write.run({ key, value: json, now: this.now().toISOString() });
      this.audit.append({
        ...actorFields(actor),
        action: 'setting.set',
        objectType: 'setting',
        objectId: key,
        outcome: 'ok',
        details: { value: audited },
      });
    })();
  }
}
