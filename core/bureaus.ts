import { z } from 'zod';
import fujianJson from '../resources/bureaus/fujian.json';
import { BUREAU_CODE_RE, DEFAULT_ARCHIVE_NUMBER_PATTERN, parsePattern } from './archive-number';
import { DomainError, isDomainError } from './errors';
import { text } from './text';
import type { Text } from './text';

/**
 * The province and its registration authorities (省局 + city-level bureaus) as configuration.
 * Fujian (resources/bureaus/fujian.json) is the default; nothing else in the code knows about it.
 */

export type BureauLevel = 'province' | 'city';

export interface Bureau {
  /** The code used in 档号 and on labels; defaults to the division code. */
  readonly code: string;
  /** GB/T 2260 division code of the area the bureau is named after (6 digits). */
  readonly division: string;
  /** Place name, e.g. 福州市. */
  readonly name: string;
  /** Short display name, e.g. 福州. */
  readonly shortName: string;
  /** Pinyin / English place name, e.g. Fuzhou. */
  readonly nameEn: string;
  readonly level: BureauLevel;
  /** The registration authority itself, e.g. 福州市市场监督管理局 (BagIt Source-Organization). */
  readonly authority: string;
  readonly authorityEn: string;
  /**
   * Further division codes this bureau owns outright, for areas that are not a prefecture of their
   * own (a zone spanning several counties, say). Usually empty.
   */
  readonly extraDivisions: readonly string[];
}

export interface ProvinceConfig {
  /** Stable ASCII id, e.g. `fujian`. */
  readonly id: string;
  readonly name: string;
  readonly nameEn: string;
  /** The 档号 pattern used province-wide (see core/archive-number.ts). */
  readonly archiveNumberPattern: string;
  readonly bureaus: readonly Bureau[];
}

const DIVISION_RE = /^\d{6}$/;
const division = z.string().regex(DIVISION_RE, 'division code must be 6 digits');
const nonEmpty = z.string().trim().min(1);

const BureauSchema = z
  .strictObject({
    code: z.string().regex(BUREAU_CODE_RE, 'bureau code must be 1–12 digits or uppercase letters').optional(),
    division,
    name: nonEmpty,
    shortName: nonEmpty,
    nameEn: nonEmpty,
    level: z.enum(['province', 'city']),
    authority: nonEmpty,
    authorityEn: nonEmpty,
    extraDivisions: z.array(division).default([]),
  })
  .transform(({ code, ...rest }) => ({ ...rest, code: code ?? rest.division }));

export const ProvinceConfigSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'id must be lowercase ASCII (a-z, 0-9, -)'),
    name: nonEmpty,
    nameEn: nonEmpty,
    archiveNumberPattern: z.string().default(DEFAULT_ARCHIVE_NUMBER_PATTERN),
    bureaus: z.array(BureauSchema).min(1),
  })
  .superRefine((config, ctx) => {
    try {
      parsePattern(config.archiveNumberPattern);
    } catch (e) {
      if (!isDomainError(e)) throw e;
      ctx.addIssue({ code: 'custom', message: e.text.en, path: ['archiveNumberPattern'] });
    }

    const codes = new Set<string>();
    const divisions = new Set<string>();
    config.bureaus.forEach((b, i) => {
      if (codes.has(b.code)) {
        ctx.addIssue({
          code: 'custom',
          message: `duplicate bureau code ${b.code}`,
          path: ['bureaus', i, 'code'],
        });
      }
      codes.add(b.code);
      [b.division, ...b.extraDivisions].forEach((d, j) => {
        if (divisions.has(d)) {
          const path = j === 0 ? ['bureaus', i, 'division'] : ['bureaus', i, 'extraDivisions', j - 1];
          ctx.addIssue({ code: 'custom', message: `division ${d} is claimed twice`, path });
        }
        divisions.add(d);
      });
    });

    const provinces = config.bureaus.filter((b) => b.level === 'province');
    const [province] = provinces;
    if (provinces.length !== 1 || province === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `exactly one province-level bureau is required, found ${provinces.length}`,
        path: ['bureaus'],
      });
      return;
    }
    if (!province.division.endsWith('0000')) {
      const i = config.bureaus.indexOf(province);
      ctx.addIssue({
        code: 'custom',
        message: 'a province division code ends in 0000',
        path: ['bureaus', i, 'division'],
      });
    }
    // Every bureau lies in the province: same first two digits of the division code.
    const prefix = province.division.slice(0, 2);
    config.bureaus.forEach((b, i) => {
      [b.division, ...b.extraDivisions].forEach((d, j) => {
        if (!d.startsWith(prefix)) {
          const path = j === 0 ? ['bureaus', i, 'division'] : ['bureaus', i, 'extraDivisions', j - 1];
          ctx.addIssue({ code: 'custom', message: `division ${d} is outside province ${prefix}0000`, path });
        }
      });
    });
  });

/** Validate a province configuration. Throws DomainError('config.invalid') listing every problem. */
export function loadProvinceConfig(json: unknown): ProvinceConfig {
  const r = ProvinceConfigSchema.safeParse(json);
  if (!r.success) {
    const where = r.error.issues
      .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new DomainError(
      'config.invalid',
      text(`省份与机构配置无效：${where}`, `Invalid province configuration: ${where}`),
      { issues: r.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) },
    );
  }
  const config: ProvinceConfig = r.data;
  Object.freeze(config);
  Object.freeze(config.bureaus);
  for (const b of config.bureaus) {
    Object.freeze(b);
    Object.freeze(b.extraDivisions);
  }
  return config;
}

export const DEFAULT_PROVINCE: ProvinceConfig = loadProvinceConfig(fujianJson);

export function findBureau(config: ProvinceConfig, code: string): Bureau | undefined {
  return config.bureaus.find((b) => b.code === code);
}

/** The one province-level bureau (省局); the schema guarantees it exists. */
export function provinceBureau(config: ProvinceConfig): Bureau {
  const found = config.bureaus.find((b) => b.level === 'province');
  if (found === undefined)
    throw new DomainError('config.invalid', text('缺少省级机构', 'no province-level bureau'));
  return found;
}

/**
 * The bureau that owns a division code: an exact match (own or extra division) first, then the
 * prefecture the code belongs to (first 4 digits + `00`, city-level bureaus only). So 350102 鼓楼区 →
 * 福州, 350203 思明区 → 厦门, and 350128 → 平潭 because the exact match beats the 3501 prefix.
 * Returns undefined for malformed codes and for divisions no bureau owns.
 */
export function bureauForDivision(config: ProvinceConfig, division6: string): Bureau | undefined {
  if (!DIVISION_RE.test(division6)) return undefined;
  const exact = config.bureaus.find((b) => b.division === division6 || b.extraDivisions.includes(division6));
  if (exact !== undefined) return exact;
  const prefecture = `${division6.slice(0, 4)}00`;
  return config.bureaus.find((b) => b.level === 'city' && b.division === prefecture);
}

/**
 * A division code for display: the bureau's place name for its own code (350200 → 厦门市), the owning
 * bureau's name with the code for a code inside it (350203 → 厦门市（350203）), the bare code otherwise.
 * The configuration holds no county names (they change over time; that table is versioned elsewhere).
 */
export function divisionName(config: ProvinceConfig, division: string): Text {
  const own = config.bureaus.find((b) => b.division === division);
  if (own !== undefined) return text(own.name, own.nameEn);
  const owner = bureauForDivision(config, division);
  if (owner !== undefined) return text(`${owner.name}（${division}）`, `${owner.nameEn} (${division})`);
  return text(division, division);
}

/**
 * The bureau a new enterprise is registered under unless the operator chooses another: the nearest
 * configured bureau to the division its code was issued in (the county's own entry, else its city),
 * else the province bureau (a code from another province, or one naming no division, e.g. a 注册号).
 */
export function defaultBureau(config: ProvinceConfig, division: string | null): Bureau {
  return (division === null ? undefined : bureauForDivision(config, division)) ?? provinceBureau(config);
}
