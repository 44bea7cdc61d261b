import { DomainError } from '../errors';
import { text } from '../text';
import type { Text } from '../text';

/**
 * The payload of our volume label (二维码 on the folder and on the cover/separator sheet).
 *
 *   DGN1:350200-2024-SL-000123:91350200MA2YJ1XR9G:0X4OJPATEU4RCIRIM2PTNAJ9D:F
 *   └┬─┘ └────────┬──────────┘ └───────┬────────┘ └──────────┬────────────┘ └ check character
 *    │          档号               USCC (or 15-digit 注册号)   volume uid (UUID, 128 bits in base 36)
 *    prefix + format version
 *
 * Everything is in the QR alphanumeric set (0-9 A-Z space $ % * + - . / :) so the QR encoder uses
 * alphanumeric mode (5.5 bits a character). The default 档号 gives 73 characters: QR version 4 at error
 * correction M (33 modules; 90 characters fit), i.e. 7 px a module for a 2 cm label at 300 dpi and
 * 2.9 px a module at the reader's 120 dpi detection scale. A 档号 is capped at 38 characters so every label fits
 * version 4-M.
 *
 * `_` (allowed in 档号 patterns) is not in the alphanumeric set; it travels as `*`, which no 档号 has.
 *
 * The check character is a weighted sum mod 41 over the 41-character alphabet of the payload
 * (0-9 A-Z - . / * :) with weights 6^i mod 41 (6 is a primitive root mod 41, so no weight is 0 and
 * neighbouring weights differ): any single substitution and any swap of two neighbours changes it.
 */

export const LABEL_PREFIX = 'DGN';
export const LABEL_VERSION = 1;
/** Longest 档号 a label carries; with it a label is 90 characters, the capacity of QR version 4-M. */
export const LABEL_ARCHIVE_NO_MAX = 38;
/** Error-correction level the printers use; the payload length is planned for it. */
export const LABEL_ERROR_CORRECTION = 'M';

export interface VolumeLabel {
  /** 档号 as stored on the volume (canonical form: 0-9 A-Z and the separators - _ . /). */
  readonly archiveNo: string;
  /** The enterprise's USCC (18 characters), or its 15-digit 注册号 when it has no USCC. */
  readonly uscc: string;
  /** The volume's uid (a UUID, lower-case hex with hyphens as db/repos/volumes.ts creates it). */
  readonly volumeId: string;
}

export type LabelDecodeFailure =
  /** Not one of our labels: a business licence's QR (a URL), another barcode, random text. */
  | 'foreign'
  /** Starts like ours but is damaged or malformed (wrong shape, bad field, check character wrong). */
  | 'invalid'
  /** Ours, from a newer format version this program does not know. */
  | 'version';

export type LabelDecodeResult =
  | { readonly ok: true; readonly label: VolumeLabel }
  | { readonly ok: false; readonly reason: LabelDecodeFailure; readonly message: Text };

// Value of each payload character for the check sum; index = value.
const CHECK_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-./*:';
const CHECK_MOD = 41;
const CHECK_ROOT = 6;
const BODY_RE = /^[0-9A-Z./*:-]+$/;
const ARCHIVE_NO_RE = /^[0-9A-Z](?:[0-9A-Z_./-]*[0-9A-Z])?$/;
const USCC_SHAPE_RE = /^[0-9ABCDEFGHJKLMNPQRTUWXY]{18}$/;
const REG_NO_SHAPE_RE = /^\d{15}$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UID_CHARS = 25; // 36^25 > 2^128
const UID_RE = /^[0-9A-Z]{25}$/;
const UID_MAX = (1n << 128n) - 1n;

/** The check character for everything before it (prefix through the last `:`). */
export function labelCheckChar(body: string): string {
  let sum = 0;
  let weight = 1;
  for (const c of body) {
    const v = CHECK_ALPHABET.indexOf(c);
    if (v < 0) throw new RangeError(`character ${JSON.stringify(c)} is not in the label alphabet`);
    sum = (sum + v * weight) % CHECK_MOD;
    weight = (weight * CHECK_ROOT) % CHECK_MOD;
  }
  return CHECK_ALPHABET.charAt((CHECK_MOD - sum) % CHECK_MOD);
}

function uidToBase36(uuid: string): string {
  return BigInt(`0x${uuid.replaceAll('-', '')}`)
    .toString(36)
    .toUpperCase()
    .padStart(UID_CHARS, '0');
}

function base36ToUid(s: string): string | null {
  let n = 0n;
  for (const c of s) n = n * 36n + BigInt(Number.parseInt(c, 36));
  if (n > UID_MAX) return null;
  const hex = n.toString(16).padStart(32, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function fieldError(field: string, value: string, why: Text): DomainError {
  return new DomainError(
    'label.field',
    text(`标签字段${field}“${value}”无效：${why.zh}`, `Invalid label field ${field} "${value}": ${why.en}`),
    { field, value },
  );
}

/** Build the QR payload of a volume label. Throws `label.field` (DomainError) for a field it cannot carry. */
export function encodeLabel(fields: VolumeLabel): string {
  const { archiveNo, uscc, volumeId } = fields;
  if (!ARCHIVE_NO_RE.test(archiveNo) || archiveNo.length > LABEL_ARCHIVE_NO_MAX) {
    throw fieldError(
      '档号/archiveNo',
      archiveNo,
      text(
        `应为 1–${LABEL_ARCHIVE_NO_MAX} 位大写字母、数字和分隔符 - _ . /（规范形式）`,
        `expected 1–${LABEL_ARCHIVE_NO_MAX} upper-case letters, digits and separators - _ . / (canonical form)`,
      ),
    );
  }
  if (!USCC_SHAPE_RE.test(uscc) && !REG_NO_SHAPE_RE.test(uscc)) {
    throw fieldError(
      '统一社会信用代码/uscc',
      uscc,
      text('应为 18 位统一社会信用代码或 15 位注册号', 'expected an 18-character USCC or a 15-digit 注册号'),
    );
  }
  if (!UUID_RE.test(volumeId)) {
    throw fieldError(
      '案卷标识/volumeId',
      volumeId,
      text('应为小写 UUID（案卷的 uid）', "expected a lower-case UUID (the volume's uid)"),
    );
  }
  const body = `${LABEL_PREFIX}${LABEL_VERSION}:${archiveNo.replaceAll('_', '*')}:${uscc}:${uidToBase36(volumeId)}:`;
  return body + labelCheckChar(body);
}

const FOREIGN: LabelDecodeResult = {
  ok: false,
  reason: 'foreign',
  message: text('不是本系统的标签', 'not one of our labels'),
};

function invalid(zh: string, en: string): LabelDecodeResult {
  return { ok: false, reason: 'invalid', message: text(`本系统标签已损坏：${zh}`, `damaged label: ${en}`) };
}

/**
 * Read a QR payload. `foreign` when it is not ours (anything not starting with `DGN` + a version
 * digit), `version` for a newer format, `invalid` when it is ours but damaged; otherwise the label.
 */
export function decodeLabel(payload: string): LabelDecodeResult {
  const head = /^DGN(\d+):/.exec(payload);
  if (!head) return FOREIGN;
  const version = Number(head[1]);
  if (version !== LABEL_VERSION) {
    return version > LABEL_VERSION
      ? {
          ok: false,
          reason: 'version',
          message: text(
            `标签格式版本 ${version} 较新，请升级本程序`,
            `label format version ${version} is newer than this program knows`,
          ),
        }
      : invalid(`格式版本 ${head[1]} 不存在`, `there is no format version ${head[1]}`);
  }
  // The check character is the last one and may itself be `:`, so split only what comes before it.
  const body = payload.slice(0, -1);
  const check = payload.slice(-1);
  if (!body.endsWith(':')) return invalid('校验字符缺失或多余', 'the check character is missing or extra');
  const parts = body.slice(0, -1).split(':');
  if (parts.length !== 4) return invalid('字段数不对', `expected 5 fields, found ${parts.length + 1}`);
  const [, rawArchiveNo = '', uscc = '', uid = ''] = parts;
  if (!BODY_RE.test(body) || labelCheckChar(body) !== check) {
    return invalid('校验字符不符', 'the check character does not match');
  }
  const archiveNo = rawArchiveNo.replaceAll('*', '_');
  if (!ARCHIVE_NO_RE.test(archiveNo) || archiveNo.length > LABEL_ARCHIVE_NO_MAX) {
    return invalid(`档号“${archiveNo}”格式不对`, `archive number "${archiveNo}" is malformed`);
  }
  if (!USCC_SHAPE_RE.test(uscc) && !REG_NO_SHAPE_RE.test(uscc)) {
    return invalid(`企业代码“${uscc}”格式不对`, `enterprise code "${uscc}" is malformed`);
  }
  const volumeId = UID_RE.test(uid) ? base36ToUid(uid) : null;
  if (volumeId === null) return invalid('案卷标识格式不对', 'the volume id is malformed');
  return { ok: true, label: { archiveNo, uscc, volumeId } };
}
