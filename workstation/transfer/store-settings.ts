import { z } from 'zod';
import { DomainError } from '../../core/errors';
import { text, type Text } from '../../core/text';
import type { SettingsRepo } from '../../db/repos/settings';
import { SYSTEM_ACTOR, type Actor } from '../../db/repos/actor';
import { KEY_FILE, openSecret, sealSecret, type SecretKeys } from './secret-box';
import type { StoreConnection } from './store-client';

/** The settings key of the archive store connection set in 系统维护. */
export const STORE_SETTING = 'store.connection';

/** The connection with its secret in plain text (in memory only). */
export interface StoredConnection {
  readonly url: string;
  readonly clientId: string;
  readonly secret: string;
  /** This workstation's bureau: the credential must belong to it. */
  readonly bureauCode: string;
}

/** The setting as stored: the secret sealed (secret-box.ts); `secret` in plain text only in rows written before. */
const StoredRowSchema = z.object({
  url: z.string(),
  clientId: z.string(),
  bureauCode: z.string(),
  sealedSecret: z.string().optional(),
  secret: z.string().optional(),
});
type StoredRow = z.infer<typeof StoredRowSchema>;

function readRow(settings: SettingsRepo): StoredRow | null {
  return settings.get<StoredRow | null>(STORE_SETTING, StoredRowSchema.nullable(), null);
}

/** Saves the connection with its secret sealed under the installation's key. */
export function writeStoredConnection(
  settings: SettingsRepo,
  c: StoredConnection,
  keys: SecretKeys,
  actor: Actor,
): void {
  const row = {
    url: c.url,
    clientId: c.clientId,
    bureauCode: c.bureauCode,
    sealedSecret: sealSecret(keys, c.secret),
  };
  // Not even the sealed secret goes to the audit log (it says only that the setting changed).
  settings.set(STORE_SETTING, row, actor, { redact: ['sealedSecret'] });
}

/** What 系统维护 shows of the saved connection; opens no secret. */
export function readSavedConnectionInfo(
  settings: SettingsRepo,
): { url: string; clientId: string; bureauCode: string; secretSet: boolean } | null {
  const row = readRow(settings);
  if (row === null) return null;
  const secretSet = (row.sealedSecret ?? row.secret ?? '') !== '';
  return { url: row.url, clientId: row.clientId, bureauCode: row.bureauCode, secretSet };
}

/**
 * The saved connection with its secret opened. A row from before secrets were sealed, or one sealed
 * under another of this installation's keys, is sealed again under the current key as it is read.
 * A secret no key here opens (the database was copied without its key file) is `store.secret-unreadable`.
 */
export function readStoredConnection(settings: SettingsRepo, keys: SecretKeys): StoredConnection | null {
  const row = readRow(settings);
  if (row === null) return null;
  const base = { url: row.url, clientId: row.clientId, bureauCode: row.bureauCode };
  if (row.sealedSecret === undefined) {
    const plain = { ...base, secret: row.secret ?? '' };
    writeStoredConnection(settings, plain, keys, SYSTEM_ACTOR);
    return plain;
  }
  const opened = openSecret(keys, row.sealedSecret);
  if (opened === null) {
    throw new DomainError(
      'store.secret-unreadable',
      text(
        `保存的档案库密钥无法解密：本机的密钥文件（数据目录中的 ${KEY_FILE}）缺失或不是加密时所用的（数据库是否从别处复制而来？）。请在“系统维护 → 档案库连接”中重新填写密钥并保存`,
        `The saved store secret cannot be decrypted: this installation's key file (${KEY_FILE} in the data folder) is missing or not the one it was sealed with (was the database copied from elsewhere?). Re-enter the secret in 系统维护 → store connection and save`,
      ),
      { url: row.url, clientId: row.clientId },
    );
  }
  const conn = { ...base, secret: opened.plain };
  if (opened.reseal) writeStoredConnection(settings, conn, keys, SYSTEM_ACTOR);
  return conn;
}

/** An http(s) address; its normal form is the origin (the store's API lives at its root). */
export function normalizeStoreUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    throw new DomainError(
      'store.url-invalid',
      text(
        `档案库地址格式不正确：${raw}（应形如 https://档案库主机:8443）`,
        `Not a valid store address: ${raw} (like https://store-host:8443)`,
      ),
      { url: raw },
    );
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new DomainError(
      'store.url-invalid',
      text(
        `档案库地址须以 http:// 或 https:// 开头：${raw}`,
        `The store address must start with http:// or https://: ${raw}`,
      ),
      { url: raw },
    );
  }
  return u.origin;
}

export type StoreProblem = 'unreachable' | 'not-a-store' | 'credential' | 'bureau';

export interface StoreTestResult {
  readonly ok: boolean;
  readonly problem: StoreProblem | null;
  readonly message: Text;
  /** The bureau the store binds this credential to (when it was accepted). */
  readonly credentialBureau: string | null;
  readonly keyId: string | null;
  /** Whether this workstation trusts the store's receipt key (uploads commit only with it). */
  readonly keyTrusted: boolean;
}

const TIMEOUT_MS = 8000;

async function get(
  url: string,
  path: string,
  auth?: string,
): Promise<{ status: number; json: unknown } | { error: string }> {
  try {
    const res = await fetch(new URL(path, url), {
      headers: auth === undefined ? {} : { authorization: auth },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    return { status: res.status, json: await res.json().catch(() => null) };
  } catch (e) {
    const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : '';
    return { error: `${e instanceof Error ? e.message : String(e)}${cause ? `: ${cause}` : ''}` };
  }
}

const KeySchema = z.object({ keyId: z.string(), publicKey: z.string() });
const WhoAmISchema = z.object({ clientId: z.string(), bureauCode: z.string() });

/**
 * 测试连接: asks the store for its receipt key (is it there, is it a store), then who this credential is
 * (an authenticated request), then compares the credential's bureau with the workstation's.
 */
export async function testStoreConnection(
  conn: StoreConnection,
  workstationBureau: { code: string; name: string },
  trustedKeys: ReadonlyMap<string, string>,
  bureauName: (code: string) => string,
): Promise<StoreTestResult> {
  const fail = (problem: StoreProblem, message: Text, more: Partial<StoreTestResult> = {}) => ({
    ok: false,
    problem,
    message,
    credentialBureau: null,
    keyId: null,
    keyTrusted: false,
    ...more,
  });
  const key = await get(conn.url, '/v1/key');
  if ('error' in key) {
    return fail(
      'unreachable',
      text(
        `无法连接档案库 ${conn.url}：请检查地址、端口和网络（或档案库服务是否在运行）`,
        `Cannot reach the store at ${conn.url}: check the address, port and network (is the store running?) — ${key.error}`,
      ),
    );
  }
  const k = KeySchema.safeParse(key.json);
  if (key.status !== 200 || !k.success) {
    return fail(
      'not-a-store',
      text(
        `${conn.url} 有服务应答，但不是档案库（HTTP ${key.status}）：请检查地址和端口`,
        `${conn.url} answers but is not an archive store (HTTP ${key.status}): check the address and port`,
      ),
    );
  }
  const keyId = k.data.keyId;
  const keyTrusted = trustedKeys.get(keyId) === k.data.publicKey;
  const who = await get(conn.url, '/v1/whoami', `Bearer ${conn.clientId}:${conn.secret}`);
  if ('error' in who) {
    return fail(
      'unreachable',
      text(`连接档案库时中断：请重试`, `The connection to the store broke: retry — ${who.error}`),
      { keyId, keyTrusted },
    );
  }
  if (who.status === 401) {
    return fail(
      'credential',
      text(
        '档案库拒绝了凭据：客户端编号或密钥不正确（或已被吊销）。请核对 dangan store client add 给出的编号和密钥',
        'The store refused the credential: wrong client id or secret (or revoked). Check what `dangan store client add` printed',
      ),
      { keyId, keyTrusted },
    );
  }
  const w = WhoAmISchema.safeParse(who.json);
  if (who.status !== 200 || !w.success) {
    return fail(
      'not-a-store',
      text(
        `档案库的应答无法识别（HTTP ${who.status}）：档案库版本可能过旧`,
        `Unrecognized answer from the store (HTTP ${who.status}): the store may be too old`,
      ),
      { keyId, keyTrusted },
    );
  }
  const credentialBureau = w.data.bureauCode;
  if (credentialBureau !== workstationBureau.code) {
    return fail(
      'bureau',
      text(
        `该凭据属于${bureauName(credentialBureau)}（${credentialBureau}），而本工作站属于${workstationBureau.name}（${workstationBureau.code}）：请使用本局的凭据，或更正本工作站所属登记机关`,
        `The credential belongs to bureau ${credentialBureau}, but this workstation is ${workstationBureau.code}: use this bureau's credential or correct the workstation's bureau`,
      ),
      { credentialBureau, keyId, keyTrusted },
    );
  }
  return {
    ok: true,
    problem: null,
    message: keyTrusted
      ? text(
          '连接正常：档案库可达，凭据有效，登记机关一致',
          'Connected: store reachable, credential valid, bureau matches',
        )
      : text(
          `连接正常，但本工作站尚未信任该档案库的回执公钥（${keyId}），上传后的回执将无法确认：保存时可一并信任`,
          `Connected, but this workstation does not trust the store's receipt key (${keyId}) yet; receipts cannot be confirmed: trust it when saving`,
        ),
    credentialBureau,
    keyId,
    keyTrusted,
  };
}

/** The store's receipt key, fetched again when the technician chooses to trust it on save. */
export async function fetchStoreKey(url: string): Promise<{ keyId: string; publicKey: string } | null> {
  const r = await get(url, '/v1/key');
  if ('error' in r || r.status !== 200) return null;
  const k = KeySchema.safeParse(r.json);
  return k.success ? k.data : null;
}
