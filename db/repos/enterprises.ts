import type { Database, Statement } from 'better-sqlite3';
import { DEFAULT_PROVINCE, findBureau, type ProvinceConfig } from '../../core/bureaus';
import { validateRegNo, validateUscc, type UsccOptions } from '../../core/codes';
import { DomainError, type Issue } from '../../core/errors';
import { FIELD_LIMITS, normalizeCode, normalizeField, normalizeText } from '../../core/normalize';
import { text } from '../../core/text';
import type { AuditLog } from '../audit-log';
import { actorFields, systemClock, type Actor, type Clock } from './actor';
import { escapeLike } from './like';

export interface Enterprise {
  readonly id: number;
  readonly uscc: string | null;
  readonly regNo: string | null;
  readonly name: string;
  readonly bureauCode: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly deletedAt: string | null;
  /** Set when this record has been merged into another (active merge). */
  readonly mergedIntoId: number | null;
}

export type AliasKind = 'uscc' | 'regno' | 'name';

export interface EnterpriseAlias {
  readonly id: number;
  readonly enterpriseId: number;
  readonly kind: AliasKind;
  readonly value: string;
  readonly createdAt: string;
}

export interface EnterpriseMerge {
  readonly id: number;
  readonly fromId: number;
  readonly intoId: number;
  readonly reason: string;
  readonly userId: number | null;
  readonly createdAt: string;
}

export interface MergeCandidate {
  readonly enterprise: Enterprise;
  readonly reasons: readonly ('name' | 'code')[];
}

export interface NewEnterprise {
  readonly uscc?: string;
  readonly regNo?: string;
  readonly name: string;
  readonly bureauCode: string;
}

export interface EnterprisesOptions {
  readonly province?: ProvinceConfig;
  readonly uscc?: UsccOptions;
}

interface EnterpriseRow {
  id: number;
  uscc: string | null;
  reg_no: string | null;
  name: string;
  bureau_code: string;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
  merged_into_id: number | null;
}

interface AliasRow {
  id: number;
  enterprise_id: number;
  kind: AliasKind;
  value: string;
  created_at: string;
}

const REASON = {
  name: 'mergeReason',
  label: text('合并原因', 'Reason for merging'),
  maxLength: 500,
  kind: 'text',
  required: true,
} as const;
const NAME = { ...FIELD_LIMITS.enterpriseName, required: true } as const;
/** Merge chains are short (注册号 → USCC); a longer walk means corrupted data, not a real chain. */
const MAX_CHAIN = 64;

const SELECT_ENTERPRISE = `SELECT e.*,
  (SELECT m.into_enterprise_id FROM enterprise_merges m
    WHERE m.from_enterprise_id = e.id AND m.undone_at IS NULL ORDER BY m.id DESC LIMIT 1) AS merged_into_id
  FROM enterprises e`;

function notFound(id: number): DomainError {
  return new DomainError(
    'enterprise.not-found',
    text(`企业记录不存在：${id}`, `No such enterprise record: ${id}`),
    { id },
  );
}

/**
 * 市场主体 records, keyed by USCC and/or 注册号, with aliases (other codes and former names) and merges
 * (a 注册号 record recognised as the same enterprise as a USCC record). Merges never move or delete
 * anything: lookups follow them.
 */
export class EnterprisesRepo {
  private readonly province: ProvinceConfig;
  private readonly usccOptions: UsccOptions;
  private readonly byId: Statement<{ id: number }, EnterpriseRow>;
  private readonly byOwnCode: Statement<{ code: string }, { id: number }>;
  private readonly byAliasCode: Statement<{ code: string }, { id: number }>;
  private readonly insert: Statement<{
    uscc: string | null;
    reg_no: string | null;
    name: string;
    bureau_code: string;
    now: string;
  }>;
  private readonly search: Statement<{ prefix: string; contains: string; limit: number }, EnterpriseRow>;
  private readonly insertAlias: Statement<{ id: number; kind: AliasKind; value: string; now: string }>;
  private readonly aliasOf: Statement<{ id: number; kind: AliasKind; value: string }, AliasRow>;
  private readonly aliasesOf: Statement<{ id: number }, AliasRow>;
  private readonly mergedInto: Statement<{ id: number }, { into_id: number }>;
  private readonly insertMerge: Statement<{
    from: number;
    into: number;
    reason: string;
    user: number | null;
    now: string;
  }>;
  private readonly byAnyGram: Statement<{ grams: string; limit: number }, EnterpriseRow>;
  private readonly familyOf: Statement<{ id: number }, { id: number }>;
  private readonly byNames: Statement<{ names: string; id: number }, { id: number }>;
  private readonly byCodes: Statement<{ codes: string; id: number }, { id: number }>;
  private readonly touch: Statement<{ id: number; now: string }>;

  constructor(
    private readonly db: Database,
    private readonly audit: AuditLog,
    private readonly now: Clock = systemClock,
    options: EnterprisesOptions = {},
  ) {
    this.province = options.province ?? DEFAULT_PROVINCE;
    this.usccOptions = options.uscc ?? {};
    this.byId = db.prepare(`${SELECT_ENTERPRISE} WHERE e.id = @id`);
    this.byOwnCode = db.prepare('SELECT id FROM enterprises WHERE uscc = @code OR reg_no = @code');
    this.byAliasCode = db.prepare(
      `SELECT enterprise_id AS id FROM enterprise_aliases
       WHERE kind IN ('uscc', 'regno') AND value = @code ORDER BY id LIMIT 1`,
    );
    this.insert = db.prepare(
      `INSERT INTO enterprises (uscc, reg_no, name, bureau_code, created_at, updated_at)
       VALUES (@uscc, @reg_no, @name, @bureau_code, @now, @now)`,
    );
    // Names and former names (name aliases); prefix matches first, then shorter names; records merged
    // into another are left out (their survivor is what the user is after).
    this.search = db.prepare(
      `WITH hits AS (
         SELECT id, name AS matched FROM enterprises WHERE name LIKE @contains ESCAPE '\\'
         UNION ALL
         SELECT enterprise_id, value FROM enterprise_aliases WHERE kind = 'name' AND value LIKE @contains ESCAPE '\\'
       ),
       ranked AS (
         SELECT id, MIN(CASE WHEN matched LIKE @prefix ESCAPE '\\' THEN 0 ELSE 1 END) AS rank FROM hits GROUP BY id
       )
       SELECT e.* FROM (${SELECT_ENTERPRISE}) e JOIN ranked r ON r.id = e.id
       WHERE e.deleted_at IS NULL AND e.merged_into_id IS NULL
       ORDER BY r.rank, length(e.name), e.name, e.id
       LIMIT @limit`,
    );
    this.insertAlias = db.prepare(
      `INSERT OR IGNORE INTO enterprise_aliases (enterprise_id, kind, value, created_at) VALUES (@id, @kind, @value, @now)`,
    );
    this.aliasOf = db.prepare(
      'SELECT * FROM enterprise_aliases WHERE enterprise_id = @id AND kind = @kind AND value = @value',
    );
    this.aliasesOf = db.prepare('SELECT * FROM enterprise_aliases WHERE enterprise_id = @id ORDER BY id');
    this.mergedInto = db.prepare(
      `SELECT into_enterprise_id AS into_id FROM enterprise_merges
       WHERE from_enterprise_id = @id AND undone_at IS NULL ORDER BY id DESC LIMIT 1`,
    );
    this.insertMerge = db.prepare(
      `INSERT INTO enterprise_merges (from_enterprise_id, into_enterprise_id, reason, user_id, created_at)
       VALUES (@from, @into, @reason, @user, @now)`,
    );
    // Fuzzy search: records whose name or a former name contains any of the query's character pairs;
    // the caller ranks them by similarity. A scan with instr(), fine for a city's ~10⁵ enterprises.
    this.byAnyGram = db.prepare(
      `SELECT DISTINCT e.* FROM (${SELECT_ENTERPRISE}) e
       WHERE e.deleted_at IS NULL AND e.merged_into_id IS NULL AND EXISTS (
         SELECT 1 FROM json_each(@grams) g WHERE instr(e.name, g.value) > 0
           OR EXISTS (SELECT 1 FROM enterprise_aliases a WHERE a.enterprise_id = e.id AND a.kind = 'name'
                        AND instr(a.value, g.value) > 0))
       LIMIT @limit`,
    );
    this.familyOf = db.prepare(
      `WITH RECURSIVE family(id) AS (
         SELECT @id
         UNION
         SELECT m.from_enterprise_id FROM enterprise_merges m JOIN family f ON m.into_enterprise_id = f.id
         WHERE m.undone_at IS NULL
       )
       SELECT id FROM family ORDER BY id`,
    );
    this.byNames = db.prepare(
      `SELECT e.id FROM enterprises e
       WHERE e.id <> @id AND e.deleted_at IS NULL
         AND (e.name IN (SELECT value FROM json_each(@names))
           OR EXISTS (SELECT 1 FROM enterprise_aliases a WHERE a.enterprise_id = e.id AND a.kind = 'name'
                        AND a.value IN (SELECT value FROM json_each(@names))))`,
    );
    this.byCodes = db.prepare(
      `SELECT e.id FROM enterprises e
       WHERE e.id <> @id AND e.deleted_at IS NULL
         AND (e.uscc IN (SELECT value FROM json_each(@codes)) OR e.reg_no IN (SELECT value FROM json_each(@codes))
           OR EXISTS (SELECT 1 FROM enterprise_aliases a WHERE a.enterprise_id = e.id AND a.kind IN ('uscc', 'regno')
                        AND a.value IN (SELECT value FROM json_each(@codes))))`,
    );
    this.touch = db.prepare('UPDATE enterprises SET updated_at = @now WHERE id = @id');
  }

  create(input: NewEnterprise, actor: Actor): Enterprise {
    const uscc = this.checkedCode('uscc', input.uscc);
    const regNo = this.checkedCode('regno', input.regNo);
    if (uscc === null && regNo === null) {
      throw new DomainError(
        'enterprise.code-required',
        text('统一社会信用代码和注册号至少填写一项', 'A USCC or a registration number is required'),
      );
    }
    const name = normalizeField(NAME, input.name);
    const bureauCode = this.checkedBureau(input.bureauCode);
    return this.db.transaction(() => {
      for (const code of [uscc, regNo]) {
        const existing = code === null ? null : this.findByCode(code);
        if (existing) {
          throw new DomainError(
            'enterprise.duplicate',
            text(
              `代码 ${code} 已登记：${existing.name}（记录 ${existing.id}）`,
              `Code ${code} is already registered: ${existing.name} (record ${existing.id})`,
            ),
            { code, existingId: existing.id, existingName: existing.name },
          );
        }
      }
      const id = Number(
        this.insert.run({ uscc, reg_no: regNo, name, bureau_code: bureauCode, now: this.now().toISOString() })
          .lastInsertRowid,
      );
      this.audit.append({
        ...actorFields(actor),
        action: 'enterprise.create',
        objectType: 'enterprise',
        objectId: id,
        outcome: 'ok',
        details: { uscc, regNo, name, bureauCode },
      });
      return this.get(id);
    })();
  }

  get(id: number): Enterprise {
    const row = this.byId.get({ id });
    if (!row) throw notFound(id);
    return toEnterprise(row);
  }

  /**
   * The enterprise a USCC or 注册号 belongs to: its own code first, then a code alias, then along
   * merges to the surviving record. null when the code is unknown.
   */
  findByCode(code: string): Enterprise | null {
    const normalized = normalizeCode(code);
    if (normalized === '') return null;
    const hit = this.byOwnCode.get({ code: normalized }) ?? this.byAliasCode.get({ code: normalized });
    return hit ? this.get(this.resolve(hit.id)) : null;
  }

  /** The id a record resolves to along its merges (itself when not merged). */
  resolve(id: number): number {
    const seen = new Set<number>([id]);
    let current = id;
    for (;;) {
      const next = this.mergedInto.get({ id: current });
      if (!next) return current;
      if (seen.has(next.into_id) || seen.size > MAX_CHAIN) {
        throw new DomainError(
          'enterprise.merge-loop',
          text('企业合并记录形成循环', 'Enterprise merges form a loop'),
          {
            ids: [...seen],
          },
        );
      }
      seen.add(next.into_id);
      current = next.into_id;
    }
  }

  /** Records whose name or a former name contains `query`; those starting with it come first. */
  searchByName(query: string, limit = 20): Enterprise[] {
    const q = normalizeText(query);
    if (q === '') return [];
    const escaped = escapeLike(q);
    const n = Math.max(1, Math.min(200, Math.trunc(limit)));
    return this.search.all({ prefix: `${escaped}%`, contains: `%${escaped}%`, limit: n }).map(toEnterprise);
  }

  /**
   * Live, unmerged records whose name or a former name contains at least one of `grams` (short
   * substrings, typically the query's character pairs), unranked: the caller scores similarity.
   */
  searchByGrams(grams: readonly string[], limit = 500): Enterprise[] {
    const list = [...new Set(grams.filter((g) => g !== ''))];
    if (list.length === 0) return [];
    const n = Math.max(1, Math.min(5000, Math.trunc(limit)));
    return this.byAnyGram.all({ grams: JSON.stringify(list), limit: n }).map(toEnterprise);
  }

  /** The record and every record merged into it, directly or along a chain (ids ascending). */
  family(id: number): Enterprise[] {
    return this.familyOf.all({ id }).map((r) => this.get(r.id));
  }

  /** Records another code or name of an enterprise. Adding an alias it already has returns the existing one. */
  addAlias(enterpriseId: number, alias: { kind: AliasKind; value: string }, actor: Actor): EnterpriseAlias {
    const value =
      alias.kind === 'name'
        ? normalizeField(NAME, alias.value)
        : (this.checkedCode(alias.kind, alias.value) ?? '');
    if (value === '') {
      throw new DomainError('enterprise.alias-empty', text('别名不能为空', 'The alias is empty'), {
        kind: alias.kind,
      });
    }
    return this.db.transaction(() => {
      this.get(enterpriseId);
      const inserted = this.insertAlias.run({
        id: enterpriseId,
        kind: alias.kind,
        value,
        now: this.now().toISOString(),
      });
      if (inserted.changes > 0) {
        this.audit.append({
          ...actorFields(actor),
          action: 'enterprise.alias',
          objectType: 'enterprise',
          objectId: enterpriseId,
          outcome: 'ok',
          details: { kind: alias.kind, value },
        });
      }
      const row = this.aliasOf.get({ id: enterpriseId, kind: alias.kind, value });
      if (!row) throw new Error('alias row missing right after insert'); // a bug
      return toAlias(row);
    })();
  }

  /** The enterprise's USCC: its own, else one recorded later as an alias; null when it has none. */
  usccOf(enterpriseId: number): string | null {
    return (
      this.get(enterpriseId).uscc ?? this.aliases(enterpriseId).find((a) => a.kind === 'uscc')?.value ?? null
    );
  }

  /**
   * Records the USCC an enterprise known here only by its 注册号 was given (三证合一, 2015), as a `uscc`
   * alias: the record keeps the key it was registered and transferred under, and every lookup by code
   * finds it. Refused when the code is not a valid USCC, the enterprise or the record it was merged into
   * has one already, or another enterprise here holds it. The same code again writes nothing
   * (`recorded` false). Audited as `enterprise.record-uscc` with the codes before and after.
   */
  recordUscc(
    enterpriseId: number,
    raw: string,
    actor: Actor,
  ): { enterprise: Enterprise; uscc: string; recorded: boolean } {
    const uscc = this.checkedCode('uscc', raw);
    if (uscc === null) {
      throw new DomainError('enterprise.uscc-required', text('请输入统一社会信用代码', 'Enter the USCC'));
    }
    return this.db.transaction(() => {
      const self = this.get(enterpriseId);
      if (self.deletedAt !== null) throw notFound(enterpriseId);
      const survivorId = this.resolve(enterpriseId);
      const ownerId = this.usccOf(enterpriseId) === null ? survivorId : enterpriseId;
      const current = this.usccOf(ownerId);
      if (current === uscc) return { enterprise: self, uscc, recorded: false };
      if (current !== null) {
        const owner = this.get(ownerId);
        const whose =
          ownerId === enterpriseId
            ? text('', '')
            : text(
                `（已合并到记录 ${owner.id}“${owner.name}”）`,
                ` (merged into record ${owner.id}, "${owner.name}")`,
              );
        throw new DomainError(
          'enterprise.uscc-exists',
          text(
            `“${self.name}”（记录 ${self.id}）${whose.zh}已有统一社会信用代码 ${current}，不能再补录 ${uscc}`,
            `"${self.name}" (record ${self.id})${whose.en} already has the USCC ${current}; ${uscc} cannot be recorded as well`,
          ),
          { id: self.id, current, uscc },
        );
      }
      const holder = this.findByCode(uscc);
      if (holder !== null && holder.id !== survivorId) {
        throw new DomainError(
          'enterprise.uscc-held',
          text(
            `统一社会信用代码 ${uscc} 已属于本系统中的另一企业“${holder.name}”（记录 ${holder.id}）：如为同一企业，请关联两条记录`,
            `The USCC ${uscc} belongs here to another enterprise, "${holder.name}" (record ${holder.id}): if they are one enterprise, link the two records`,
          ),
          { id: self.id, uscc, holderId: holder.id, holderName: holder.name },
        );
      }
      const now = this.now().toISOString();
      this.insertAlias.run({ id: enterpriseId, kind: 'uscc', value: uscc, now });
      this.touch.run({ id: enterpriseId, now });
      this.audit.append({
        ...actorFields(actor),
        action: 'enterprise.record-uscc',
        objectType: 'enterprise',
        objectId: enterpriseId,
        outcome: 'ok',
        details: {
          name: self.name,
          before: { uscc: null, regNo: self.regNo },
          after: { uscc, regNo: self.regNo },
        },
      });
      return { enterprise: this.get(enterpriseId), uscc, recorded: true };
    })();
  }

  aliases(enterpriseId: number): EnterpriseAlias[] {
    return this.aliasesOf.all({ id: enterpriseId }).map(toAlias);
  }

  /**
   * Records that `fromId` is the same enterprise as `intoId` (typically a 注册号 record into its USCC
   * record). Nothing is moved: lookups follow the merge. Refuses self-merges, a second merge of the
   * same record and anything that would make a loop.
   */
  merge(fromId: number, intoId: number, reason: string, actor: Actor): EnterpriseMerge {
    const why = normalizeField(REASON, reason);
    return this.db.transaction(() => {
      this.get(fromId);
      this.get(intoId);
      if (fromId === intoId) {
        throw new DomainError(
          'enterprise.merge-self',
          text('不能把记录合并到它自身', 'A record cannot be merged into itself'),
          {
            id: fromId,
          },
        );
      }
      const already = this.mergedInto.get({ id: fromId });
      if (already) {
        throw new DomainError(
          'enterprise.already-merged',
          text(
            `记录 ${fromId} 已合并到记录 ${already.into_id}`,
            `Record ${fromId} is already merged into record ${already.into_id}`,
          ),
          { fromId, intoId: already.into_id },
        );
      }
      if (this.resolve(intoId) === fromId) {
        throw new DomainError(
          'enterprise.merge-loop',
          text(
            `记录 ${intoId} 已（间接）合并到记录 ${fromId}，不能反向合并`,
            `Record ${intoId} already resolves to record ${fromId}: merging back would make a loop`,
          ),
          { fromId, intoId },
        );
      }
      const at = this.now().toISOString();
      const id = Number(
        this.insertMerge.run({ from: fromId, into: intoId, reason: why, user: actor.userId, now: at })
          .lastInsertRowid,
      );
      this.audit.append({
        ...actorFields(actor),
        action: 'enterprise.merge',
        objectType: 'enterprise',
        objectId: fromId,
        outcome: 'ok',
        details: { fromId, intoId, reason: why },
      });
      return { id, fromId, intoId, reason: why, userId: actor.userId, createdAt: at };
    })();
  }

  /**
   * Records that may be the same enterprise as `id`: the same name (or former name), or a code one of
   * them has as an alias. Records already merged with it are left out.
   */
  mergeCandidates(id: number): MergeCandidate[] {
    const self = this.get(id);
    const aliases = this.aliases(id);
    const names = [self.name, ...aliases.filter((a) => a.kind === 'name').map((a) => a.value)];
    const codes = [
      self.uscc,
      self.regNo,
      ...aliases.filter((a) => a.kind !== 'name').map((a) => a.value),
    ].filter((c): c is string => c !== null);
    const reasons = new Map<number, Set<'name' | 'code'>>();
    const add = (rows: { id: number }[], reason: 'name' | 'code') => {
      for (const r of rows) {
        const set = reasons.get(r.id) ?? new Set();
        set.add(reason);
        reasons.set(r.id, set);
      }
    };
    add(this.byNames.all({ names: JSON.stringify(names), id }), 'name');
    add(this.byCodes.all({ codes: JSON.stringify(codes), id }), 'code');
    const root = this.resolve(id);
    return [...reasons]
      .filter(([other]) => this.resolve(other) !== root)
      .sort(([a], [b]) => a - b)
      .map(([other, why]) => ({
        enterprise: this.get(other),
        reasons: (['name', 'code'] as const).filter((r) => why.has(r)),
      }));
  }

  /** The normalised code, or null when absent; throws `enterprise.invalid-code` with the validator's findings. */
  private checkedCode(kind: 'uscc' | 'regno', raw: string | undefined): string | null {
    if (raw === undefined) return null;
    const code = normalizeCode(raw);
    if (code === '') return null;
    const result = kind === 'uscc' ? validateUscc(code, this.usccOptions) : validateRegNo(code);
    if (!result.valid) throw invalidCode(kind, code, result.errors);
    return code;
  }

  private checkedBureau(raw: string): string {
    const code = normalizeCode(raw);
    if (findBureau(this.province, code) === undefined) {
      throw new DomainError(
        'bureau.unknown',
        text(`未知的登记机关代码：${code}`, `Unknown registration authority code: ${code}`),
        { bureauCode: code },
      );
    }
    return code;
  }
}

function invalidCode(kind: 'uscc' | 'regno', code: string, errors: readonly Issue[]): DomainError {
  const what = kind === 'uscc' ? text('统一社会信用代码', 'USCC') : text('注册号', 'Registration number');
  return new DomainError(
    'enterprise.invalid-code',
    text(
      `${what.zh} ${code} 无效：${errors.map((e) => e.message.zh).join('；')}`,
      `${what.en} ${code} is not valid: ${errors.map((e) => e.message.en).join('; ')}`,
    ),
    { kind, code, errors },
  );
}

function toEnterprise(row: EnterpriseRow): Enterprise {
  return {
    id: row.id,
    uscc: row.uscc,
    regNo: row.reg_no,
    name: row.name,
    bureauCode: row.bureau_code,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deletedAt: row.deleted_at,
    mergedIntoId: row.merged_into_id,
  };
}

function toAlias(row: AliasRow): EnterpriseAlias {
  return {
    id: row.id,
    enterpriseId: row.enterprise_id,
    kind: row.kind,
    value: row.value,
    createdAt: row.created_at,
  };
}
