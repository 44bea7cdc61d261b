import { randomUUID } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import {
  DEFAULT_ARCHIVE_NUMBER_PATTERN,
  normalizeArchiveNumber,
  parseArchiveNumber,
  parsePattern,
  type ArchiveNumberPattern,
} from '../../core/archive-number';
import { DEFAULT_PROVINCE, findBureau, type ProvinceConfig } from '../../core/bureaus';
import { DomainError, isDomainError } from '../../core/errors';
import { transition, type VolumeState } from '../../core/lifecycle';
import { normalizeCode, normalizeField, normalizeText } from '../../core/normalize';
import { text } from '../../core/text';
import { VOLUME_TYPES, volumeTypeByCode } from '../../core/vocabulary';
import type { AuditLog } from '../audit-log';
import { actorFields, systemClock, type Actor, type Clock } from './actor';
import { isCalendarDate8 } from '../../core/calendar-date';
import { isUniqueViolation } from './sqlite-errors';

export interface Volume {
  readonly id: number;
  readonly uid: string;
  readonly enterpriseId: number;
  readonly archiveNo: string;
  readonly volumeType: string;
  readonly year: number;
  /** YYYYMMDD. */
  readonly registrationDate: string | null;
  readonly bureauCode: string;
  readonly declaredPages: number | null;
  readonly pageCountReason: string | null;
  readonly state: VolumeState;
  readonly createdBy: number | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly deletedAt: string | null;
}

export interface NewVolume {
  readonly enterpriseId: number;
  readonly archiveNo: string;
  readonly volumeType: string;
  readonly year: number;
  /** YYYYMMDD, a real date. */
  readonly registrationDate?: string;
  readonly bureauCode: string;
  readonly declaredPages?: number;
}

/** What a volume picker asks for: states, typed text, an order and how many. */
export interface VolumeSearch {
  readonly states: readonly VolumeState[];
  /** Part of a 档号, an enterprise name (or former name), a USCC/注册号, a volume type; blank = all. */
  readonly query?: string;
  /** `queue`: least recently changed first (the next to work on); `recent`: latest changed first. */
  readonly order?: 'queue' | 'recent';
  readonly limit: number;
}

export interface VolumeSearchResult {
  readonly volumes: Volume[];
  /** How many volumes match in all (more than `volumes.length` when the limit cut the list). */
  readonly total: number;
}

interface SearchParams {
  states: string;
  q: string | null;
  code: string;
  name: string;
  types: string;
  limit: number;
}

export interface VolumesOptions {
  /** The 档号 pattern (core/archive-number.ts); default `{bureau}-{year}-{type}-{serial:6}`. */
  readonly archiveNumberPattern?: string;
  readonly province?: ProvinceConfig;
}

interface VolumeRow {
  id: number;
  uid: string;
  enterprise_id: number;
  archive_no: string;
  volume_type: string;
  year: number;
  registration_date: string | null;
  bureau_code: string;
  declared_pages: number | null;
  page_count_reason: string | null;
  state: VolumeState;
  created_by: number | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

export function volumeNotFound(id: number | string): DomainError {
  return new DomainError('volume.not-found', text(`案卷不存在：${id}`, `No such volume: ${id}`), { id });
}

function invalid(code: string, zh: string, en: string, details: Record<string, unknown>): DomainError {
  return new DomainError(code, text(zh, en), details);
}

/** 案卷: registration, 档号 allocation and the lifecycle (rules in core/lifecycle.ts, enforced here on write). */
export class VolumesRepo {
  private readonly pattern: ArchiveNumberPattern;
  private readonly province: ProvinceConfig;
  private readonly byId: Statement<{ id: number }, VolumeRow>;
  private readonly byUidStmt: Statement<{ uid: string }, VolumeRow>;
  private readonly byArchiveNo: Statement<{ archiveNo: string }, { id: number }>;
  private readonly enterpriseExists: Statement<{ id: number }, { id: number }>;
  private readonly insert: Statement<Omit<VolumeRow, 'id' | 'page_count_reason' | 'deleted_at'>>;
  private readonly archiveNos: Statement<
    { bureau: string; year: number; type: string },
    { archive_no: string }
  >;
  private readonly inStates: Statement<{ states: string; limit: number }, VolumeRow>;
  private readonly ofEnterprise: Statement<{ id: number }, VolumeRow>;
  private readonly found: Record<'queue' | 'recent', Statement<SearchParams, VolumeRow>>;
  private readonly foundCount: Statement<Omit<SearchParams, 'limit'>, { n: number }>;
  private readonly setState: Statement<{ id: number; from: VolumeState; to: VolumeState; now: string }>;
  private readonly setReason: Statement<{ id: number; reason: string | null; now: string }>;

  constructor(
    private readonly db: Database,
    private readonly audit: AuditLog,
    private readonly now: Clock = systemClock,
    options: VolumesOptions = {},
  ) {
    this.pattern = parsePattern(options.archiveNumberPattern ?? DEFAULT_ARCHIVE_NUMBER_PATTERN);
    this.province = options.province ?? DEFAULT_PROVINCE;
    this.byId = db.prepare('SELECT * FROM volumes WHERE id = @id');
    this.byUidStmt = db.prepare('SELECT * FROM volumes WHERE uid = @uid');
    this.byArchiveNo = db.prepare('SELECT id FROM volumes WHERE archive_no = @archiveNo');
    this.enterpriseExists = db.prepare('SELECT id FROM enterprises WHERE id = @id');
    this.insert = db.prepare(
      `INSERT INTO volumes (uid, enterprise_id, archive_no, volume_type, year, registration_date, bureau_code,
         declared_pages, state, created_by, created_at, updated_at)
       VALUES (@uid, @enterprise_id, @archive_no, @volume_type, @year, @registration_date, @bureau_code,
         @declared_pages, @state, @created_by, @created_at, @updated_at)`,
    );
    this.archiveNos = db.prepare(
      'SELECT archive_no FROM volumes WHERE bureau_code = @bureau AND year = @year AND volume_type = @type',
    );
    this.inStates = db.prepare(
      `SELECT * FROM volumes WHERE deleted_at IS NULL AND state IN (SELECT value FROM json_each(@states))
       ORDER BY updated_at, id LIMIT @limit`,
    );
    // The text narrows by 档号 (any part), volume type, or the enterprise: any part of its name, code,
    // former name or other code. Volumes are reached through volumes_state and each one's enterprise
    // by its key, so the cost follows the volumes in the asked states (a workstation's work in hand),
    // not the whole catalogue; aliases (few) are matched once.
    const matching = `FROM volumes v JOIN enterprises e ON e.id = v.enterprise_id
      WHERE v.deleted_at IS NULL AND v.state IN (SELECT value FROM json_each(@states))
        AND (@q IS NULL
          OR instr(v.archive_no, @code) > 0
          OR v.volume_type IN (SELECT value FROM json_each(@types))
          OR instr(e.name, @name) > 0
          OR instr(e.uscc, @code) > 0
          OR instr(e.reg_no, @code) > 0
          OR v.enterprise_id IN (SELECT enterprise_id FROM enterprise_aliases
              WHERE (kind = 'name' AND instr(value, @name) > 0) OR (kind <> 'name' AND instr(value, @code) > 0)))`;
    const found = (order: string) =>
      db.prepare<SearchParams, VolumeRow>(`SELECT v.* ${matching} ORDER BY ${order} LIMIT @limit`);
    this.found = {
      queue: found('v.updated_at, v.id'),
      recent: found('v.updated_at DESC, v.id DESC'),
    };
    this.foundCount = db.prepare(`SELECT count(*) AS n ${matching}`);
    // Volumes of the record and of every record merged into it (merges move nothing, so reads follow them).
    this.ofEnterprise = db.prepare(
      `WITH RECURSIVE family(id) AS (
         SELECT @id
         UNION
         SELECT m.from_enterprise_id FROM enterprise_merges m JOIN family f ON m.into_enterprise_id = f.id
         WHERE m.undone_at IS NULL
       )
       SELECT * FROM volumes WHERE deleted_at IS NULL AND enterprise_id IN (SELECT id FROM family)
       ORDER BY year, volume_type, archive_no`,
    );
    this.setState = db.prepare(
      'UPDATE volumes SET state = @to, updated_at = @now WHERE id = @id AND state = @from',
    );
    this.setReason = db.prepare(
      'UPDATE volumes SET page_count_reason = @reason, updated_at = @now WHERE id = @id',
    );
  }

  /** The configured 档号 pattern, so that callers build numbers this repository accepts. */
  get archiveNumberPattern(): ArchiveNumberPattern {
    return this.pattern;
  }

  create(input: NewVolume, actor: Actor): Volume {
    const volumeType = input.volumeType;
    if (volumeTypeByCode(volumeType) === undefined) {
      throw invalid(
        'volume.invalid-type',
        `未知的案卷类型：${volumeType}`,
        `Unknown volume type: ${volumeType}`,
        {
          volumeType,
        },
      );
    }
    if (!Number.isInteger(input.year) || input.year < 1949 || input.year > 2100) {
      throw invalid('volume.invalid-year', `年度无效：${input.year}`, `Invalid year: ${input.year}`, {
        year: input.year,
      });
    }
    const bureauCode = normalizeCode(input.bureauCode);
    if (findBureau(this.province, bureauCode) === undefined) {
      throw invalid(
        'bureau.unknown',
        `未知的登记机关代码：${bureauCode}`,
        `Unknown registration authority code: ${bureauCode}`,
        {
          bureauCode,
        },
      );
    }
    const registrationDate = input.registrationDate ?? null;
    if (registrationDate !== null && !isCalendarDate8(registrationDate)) {
      throw invalid(
        'volume.invalid-date',
        `登记日期应为真实日期，格式 YYYYMMDD：${registrationDate}`,
        `The registration date must be a real date written YYYYMMDD: ${registrationDate}`,
        { registrationDate },
      );
    }
    const declaredPages = input.declaredPages ?? null;
    if (declaredPages !== null && (!Number.isInteger(declaredPages) || declaredPages < 0)) {
      throw invalid(
        'volume.invalid-pages',
        `页数无效：${declaredPages}`,
        `Invalid page count: ${declaredPages}`,
        {
          declaredPages,
        },
      );
    }
    const archiveNo = normalizeArchiveNumber(this.pattern, input.archiveNo);
    this.assertArchiveNoMatches(archiveNo, { bureau: bureauCode, year: input.year, type: volumeType });

    return this.db.transaction(() => {
      if (!this.enterpriseExists.get({ id: input.enterpriseId })) {
        throw invalid(
          'enterprise.not-found',
          `企业记录不存在：${input.enterpriseId}`,
          `No such enterprise record: ${input.enterpriseId}`,
          {
            id: input.enterpriseId,
          },
        );
      }
      if (this.byArchiveNo.get({ archiveNo })) throw duplicate(archiveNo);
      const at = this.now().toISOString();
      const row = {
        uid: randomUUID(),
        enterprise_id: input.enterpriseId,
        archive_no: archiveNo,
        volume_type: volumeType,
        year: input.year,
        registration_date: registrationDate,
        bureau_code: bureauCode,
        declared_pages: declaredPages,
        state: 'registered' as const,
        created_by: actor.userId,
        created_at: at,
        updated_at: at,
      };
      let id: number;
      try {
        id = Number(this.insert.run(row).lastInsertRowid);
      } catch (e) {
        if (isUniqueViolation(e)) throw duplicate(archiveNo);
        throw e;
      }
      this.audit.append({
        ...actorFields(actor),
        action: 'volume.create',
        objectType: 'volume',
        objectId: id,
        outcome: 'ok',
        details: { uid: row.uid, archiveNo, enterpriseId: input.enterpriseId, volumeType, year: input.year },
      });
      return this.get(id);
    })();
  }

  /** The serial after the highest one used for this bureau, year and volume type (1 when none is). */
  nextSerial(bureauCode: string, year: number, volumeType: string): number {
    let max = 0;
    for (const { archive_no } of this.archiveNos.iterate({
      bureau: normalizeCode(bureauCode),
      year,
      type: volumeType,
    })) {
      try {
        max = Math.max(max, parseArchiveNumber(this.pattern, archive_no).serial);
      } catch (e) {
        // A number written under an earlier pattern does not take part in this pattern's sequence.
        if (!isDomainError(e)) throw e;
      }
    }
    return max + 1;
  }

  get(id: number): Volume {
    const row = this.byId.get({ id });
    if (!row) throw volumeNotFound(id);
    return toVolume(row);
  }

  /** The volume with this id, or null. */
  find(id: number): Volume | null {
    const row = this.byId.get({ id });
    return row ? toVolume(row) : null;
  }

  /** The volume with this 档号 (normalised as stored), or null. */
  findByArchiveNo(archiveNo: string): Volume | null {
    const hit = this.byArchiveNo.get({ archiveNo: normalizeCode(archiveNo) });
    return hit ? this.get(hit.id) : null;
  }

  byUid(uid: string): Volume | null {
    const row = this.byUidStmt.get({ uid });
    return row ? toVolume(row) : null;
  }

  /** Live volumes in any of `states`, least recently changed first (work queues). */
  listByState(states: readonly VolumeState[], limit = 100): Volume[] {
    const n = Math.max(1, Math.min(10_000, Math.trunc(limit)));
    return this.inStates.all({ states: JSON.stringify(states), limit: n }).map(toVolume);
  }

  /**
   * Live volumes in any of `states` matching the typed text, in queue or recent order, at most
   * `limit`, and how many match in all (so a picker can say how many it does not show).
   */
  search(input: VolumeSearch): VolumeSearchResult {
    const name = normalizeText(input.query ?? '');
    const code = normalizeCode(name);
    const params = {
      states: JSON.stringify(input.states),
      q: name === '' ? null : name,
      code,
      name,
      types: JSON.stringify(
        VOLUME_TYPES.filter(
          (t) => t.code === code || (name.length > 1 && [t.name, ...t.aliases].some((n) => n.includes(name))),
        ).map((t) => t.code),
      ),
    };
    const limit = Math.max(1, Math.min(10_000, Math.trunc(input.limit)));
    const volumes = this.found[input.order ?? 'queue'].all({ ...params, limit }).map(toVolume);
    const total =
      volumes.length < limit ? volumes.length : (this.foundCount.get(params)?.n ?? volumes.length);
    return { volumes, total };
  }

  /** Live volumes of an enterprise, including those of records merged into it. */
  listByEnterprise(enterpriseId: number): Volume[] {
    return this.ofEnterprise.all({ id: enterpriseId }).map(toVolume);
  }

  /**
   * Moves a volume to `to` as `actor.role`. core/lifecycle decides legality and permission
   * (`lifecycle.illegal` / `lifecycle.forbidden`); a refused attempt changes nothing and is audited as
   * denied. The update is a compare-and-set on the state read, so of two racing transitions only one
   * wins; `expectedState` lets a caller insist on the state its user saw (`volume.conflict` otherwise).
   */
  transition(
    volumeId: number,
    to: VolumeState,
    actor: Actor,
    options: { expectedState?: VolumeState } = {},
  ): Volume {
    const role = actor.role;
    if (role === undefined) {
      throw invalid(
        'volume.role-required',
        '变更案卷状态需要指明操作角色',
        'Changing a volume state needs the role acted in',
        {
          volumeId,
        },
      );
    }
    try {
      return this.db
        .transaction(() => {
          const from = this.get(volumeId).state;
          if (options.expectedState !== undefined && options.expectedState !== from)
            throw conflict(volumeId, options.expectedState, from);
          const row = transition(from, to, role);
          if (this.setState.run({ id: volumeId, from, to, now: this.now().toISOString() }).changes !== 1) {
            throw conflict(volumeId, from, this.get(volumeId).state);
          }
          this.audit.append({
            ...actorFields(actor),
            action: 'volume.transition',
            objectType: 'volume',
            objectId: volumeId,
            outcome: 'ok',
            details: { from, to, action: row.action, role },
          });
          return this.get(volumeId);
        })
        .immediate();
    } catch (e) {
      if (isDomainError(e) && (e.code === 'lifecycle.illegal' || e.code === 'lifecycle.forbidden')) {
        this.audit.append({
          ...actorFields(actor),
          action: 'volume.transition',
          objectType: 'volume',
          objectId: volumeId,
          outcome: 'denied',
          details: { to, role, code: e.code },
        });
      }
      throw e;
    }
  }

  /**
   * Records why the counted pages differ from the declared page count (null clears it). Audited; the
   * cataloguing rules (core/cataloguing) require it whenever the two differ.
   */
  setPageCountReason(volumeId: number, reason: string | null, actor: Actor): Volume {
    const why = reason === null ? null : normalizeField(PAGE_COUNT_REASON, reason);
    return this.db.transaction(() => {
      const before = this.get(volumeId);
      if (before.pageCountReason === (why === '' ? null : why)) return before;
      this.setReason.run({ id: volumeId, reason: why === '' ? null : why, now: this.now().toISOString() });
      this.audit.append({
        ...actorFields(actor),
        action: 'volume.page-count-reason',
        objectType: 'volume',
        objectId: volumeId,
        outcome: 'ok',
        details: { declaredPages: before.declaredPages, reason: why },
      });
      return this.get(volumeId);
    })();
  }

  /** The 档号's own bureau, year and type must be the volume's: a mismatch is a typing error. */
  private assertArchiveNoMatches(
    archiveNo: string,
    expected: { bureau: string; year: number; type: string },
  ): void {
    const parts = parseArchiveNumber(this.pattern, archiveNo);
    const wrong = (['bureau', 'year', 'type'] as const).filter(
      (k) => parts[k] !== undefined && parts[k] !== expected[k],
    );
    if (wrong.length > 0) {
      throw invalid(
        'archive-number.mismatch',
        `档号 ${archiveNo} 与案卷信息不一致：${wrong.join('、')}`,
        `Archive number ${archiveNo} does not match the volume's ${wrong.join(', ')}`,
        { archiveNo, wrong, expected },
      );
    }
  }
}

const PAGE_COUNT_REASON = {
  name: 'pageCountReason',
  label: text('页数不符原因', 'Reason the page count differs'),
  maxLength: 500,
  kind: 'text',
} as const;

function duplicate(archiveNo: string): DomainError {
  return invalid(
    'archive-number.duplicate',
    `档号已被使用：${archiveNo}`,
    `Archive number already in use: ${archiveNo}`,
    {
      archiveNo,
    },
  );
}

function conflict(volumeId: number, expected: VolumeState, actual: VolumeState): DomainError {
  return invalid(
    'volume.conflict',
    `案卷状态已被他人修改（应为 ${expected}，实为 ${actual}），请刷新后重试`,
    `The volume's state was changed meanwhile (expected ${expected}, found ${actual}); reload and try again`,
    { volumeId, expected, actual },
  );
}

function toVolume(row: VolumeRow): Volume {
  return {
    id: row.id,
    uid: row.uid,
    enterpriseId: row.enterprise_id,
    archiveNo: row.archive_no,
    volumeType: row.volume_type,
    year: row.year,
    registrationDate: row.registration_date,
    bureauCode: row.bureau_code,
    declaredPages: row.declared_pages,
    pageCountReason: row.page_count_reason,
    state: row.state,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deletedAt: row.deleted_at,
  };
}
