import { formatArchiveNumber } from '../../core/archive-number';
import { DomainError, isDomainError } from '../../core/errors';
import { normalizeField } from '../../core/normalize';
import { text } from '../../core/text';
import { volumeTypeByCode } from '../../core/vocabulary';
import type { Actor, Repos, Volume } from '../../db/repos';
import type { StoreIndexEntry } from '../../db/repos/store-index';
import type { StoreAnswer, StoreLookup } from './store-lookup';

export interface VolumeRequest {
  readonly enterpriseId: number;
  readonly volumeType: string;
  readonly year: number;
  /** YYYYMMDD. */
  readonly registrationDate?: string;
  readonly bureauCode: string;
  readonly declaredPages?: number;
}

/** A volume that may already hold the same paper: here, or in the store. */
export interface ExistingVolume {
  readonly where: 'local' | 'store';
  readonly archiveNo: string;
  readonly volumeType: string;
  readonly registrationDate: string | null;
  readonly state: string | null;
  readonly bureauCode: string;
  /** Local volume id, or the store node that holds it. */
  readonly volumeId?: number;
  readonly node?: string | null;
}

export interface GuardResult {
  readonly existing: readonly ExistingVolume[];
  /** How the store was consulted: live, from the synced index (as of), or not at all. */
  readonly store: { readonly source: StoreAnswer['source'] | 'none'; readonly asOf: string | null };
}

const OVERRIDE_REASON = {
  name: 'duplicateReason',
  label: text('重复数字化原因', 'Reason for digitizing again'),
  maxLength: 500,
  kind: 'text',
  required: true,
} as const;

/** How many times a lost race for the next serial is retried before giving up. */
const SERIAL_RETRIES = 5;

/**
 * Registers volumes (登记): the 档号 from the configured pattern and the next free serial, after the
 * duplicate-digitization guard. A volume of the same enterprise (including records merged into it) and
 * the same type, already here or in the store, stops registration until the operator gives a reason;
 * the override and its reason are audited with the volume's creation.
 */
export class VolumeRegistration {
  constructor(
    private readonly repos: Repos,
    private readonly store: StoreLookup | null,
  ) {}

  /** Volumes that may already hold this paper. Two volumes of one type with different registration dates are different events. */
  async check(request: VolumeRequest): Promise<GuardResult> {
    const enterprise = this.repos.enterprises.get(this.repos.enterprises.resolve(request.enterpriseId));
    const date = request.registrationDate ?? null;
    const sameEvent = (other: string | null) => date === null || other === null || other === date;
    const local: ExistingVolume[] = this.repos.volumes
      .listByEnterprise(enterprise.id)
      .filter((v) => v.volumeType === request.volumeType && v.state !== 'withdrawn')
      .filter((v) => sameEvent(v.registrationDate))
      .map((v) => ({
        where: 'local',
        archiveNo: v.archiveNo,
        volumeType: v.volumeType,
        registrationDate: v.registrationDate,
        state: v.state,
        bureauCode: v.bureauCode,
        volumeId: v.id,
      }));
    if (this.store === null) return { existing: local, store: { source: 'none', asOf: null } };
    const codes = [...new Set(this.mergedCodes(enterprise.id))];
    const answer = await this.store.findDigitized({ codes, volumeType: request.volumeType });
    const known = new Set(local.map((v) => v.archiveNo));
    const remote = answer.volumes
      .filter((v: StoreIndexEntry) => !known.has(v.archiveNo) && sameEvent(v.registrationDate))
      .map(
        (v): ExistingVolume => ({
          where: 'store',
          archiveNo: v.archiveNo,
          volumeType: v.volumeType,
          registrationDate: v.registrationDate,
          state: v.state,
          bureauCode: v.bureauCode,
          node: v.node,
        }),
      );
    return { existing: [...local, ...remote], store: { source: answer.source, asOf: answer.asOf } };
  }

  /**
   * Creates the volume with the next 档号. Throws `volume.possible-duplicate` (details: the existing
   * volumes) when the guard finds any and no `overrideReason` is given.
   */
  async register(
    request: VolumeRequest,
    actor: Actor,
    options: { overrideReason?: string } = {},
  ): Promise<{ volume: Volume; guard: GuardResult }> {
    if (volumeTypeByCode(request.volumeType) === undefined) {
      throw new DomainError(
        'volume.invalid-type',
        text(`未知的案卷类型：${request.volumeType}`, `Unknown volume type: ${request.volumeType}`),
        { volumeType: request.volumeType },
      );
    }
    const guard = await this.check(request);
    const reason =
      options.overrideReason === undefined ? null : normalizeField(OVERRIDE_REASON, options.overrideReason);
    if (guard.existing.length > 0 && reason === null) {
      const list = guard.existing.map((v) => `${v.archiveNo}${v.where === 'store' ? '（档案库）' : ''}`);
      throw new DomainError(
        'volume.possible-duplicate',
        text(
          `该企业已有同类案卷：${list.join('、')}。如确需再次数字化，请填写原因`,
          `This enterprise already has a volume of this type: ${guard.existing.map((v) => `${v.archiveNo}${v.where === 'store' ? ' (store)' : ''}`).join(', ')}. Give a reason to digitize it again`,
        ),
        { existing: guard.existing, store: guard.store },
      );
    }
    const volume = this.createWithNextSerial(request, actor);
    if (guard.existing.length > 0 && reason !== null) {
      this.repos.audit.append({
        userId: actor.userId,
        username: actor.username,
        action: 'volume.duplicate-override',
        objectType: 'volume',
        objectId: volume.id,
        outcome: 'ok',
        details: {
          reason,
          existing: guard.existing.map((v) => ({ where: v.where, archiveNo: v.archiveNo })),
          store: guard.store.source,
          storeAsOf: guard.store.asOf,
        },
      });
    }
    return { volume, guard };
  }

  private createWithNextSerial(request: VolumeRequest, actor: Actor): Volume {
    const pattern = this.repos.volumes.archiveNumberPattern;
    for (let attempt = 0; ; attempt++) {
      const serial = this.repos.volumes.nextSerial(request.bureauCode, request.year, request.volumeType);
      const archiveNo = formatArchiveNumber(pattern, {
        bureau: request.bureauCode,
        year: request.year,
        type: request.volumeType,
        serial,
      });
      try {
        return this.repos.volumes.create(
          {
            enterpriseId: request.enterpriseId,
            archiveNo,
            volumeType: request.volumeType,
            year: request.year,
            bureauCode: request.bureauCode,
            ...(request.registrationDate === undefined ? {} : { registrationDate: request.registrationDate }),
            ...(request.declaredPages === undefined ? {} : { declaredPages: request.declaredPages }),
          },
          actor,
        );
      } catch (e) {
        // Another workstation process took this serial between reading and inserting: take the next.
        if (isDomainError(e) && e.code === 'archive-number.duplicate' && attempt < SERIAL_RETRIES) continue;
        throw e;
      }
    }
  }

  /** Every code the enterprise is known by: records merged into it and code aliases. */
  private mergedCodes(enterpriseId: number): string[] {
    return this.repos.enterprises.family(enterpriseId).flatMap((e) => [
      ...[e.uscc, e.regNo].filter((c): c is string => c !== null),
      ...this.repos.enterprises
        .aliases(e.id)
        .filter((a) => a.kind !== 'name')
        .map((a) => a.value),
    ]);
  }
}
