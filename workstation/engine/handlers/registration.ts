import { formatArchiveNumber } from '../../../core/archive-number';
import { bureauForDivision, defaultBureau, divisionName } from '../../../core/bureaus';
import { checkCode } from '../../../core/codes';
import { allowedTransitions, STATE_NAMES, VOLUME_STATES } from '../../../core/lifecycle';
import { normalizeCode } from '../../../core/normalize';
import { ROLE_NAMES, ROLES } from '../../../core/roles';
import { DOCUMENT_TYPES, VOLUME_TYPES } from '../../../core/vocabulary';
import type { VolumeRow } from '../../../core/contracts';
import type { Volume } from '../../../db/repos';
import { actorOf, caller, type EngineHandlers, type EngineServices } from '../context';
import { enterpriseView, volumeView } from '../views';
import { chooseRole } from '../transition-role';
import { defaultEnterpriseBureau, divisionOfCode, volumeDefaults } from '../../registration/volume-defaults';

type RegistrationHandlers = Pick<
  EngineHandlers,
  | 'reference.get'
  | 'codes.check'
  | 'enterprises.search'
  | 'enterprises.get'
  | 'enterprises.create'
  | 'enterprises.recordUscc'
  | 'volumes.defaults'
  | 'volumes.suggestArchiveNo'
  | 'volumes.create'
  | 'volumes.get'
  | 'volumes.list'
  | 'volumes.transition'
>;

/** Reference data, code checks as the operator types, and 企业/案卷登记. */
export function registrationHandlers(s: EngineServices): RegistrationHandlers {
  const { repos, province } = s;

  const rows = (volumes: readonly Volume[]): VolumeRow[] => {
    const names = s.queries.enterprisesOf(volumes.map((v) => v.id));
    return volumes.map((v) => ({
      ...volumeView(v),
      enterpriseName: names.get(v.id)?.enterpriseName ?? '',
      enterpriseCode: names.get(v.id)?.enterpriseCode ?? null,
    }));
  };

  const suggest = (bureauCode: string, year: number, volumeType: string) => {
    const bureau = normalizeCode(bureauCode);
    return formatArchiveNumber(s.archiveNumberPattern, {
      bureau,
      year,
      type: volumeType,
      serial: repos.volumes.nextSerial(bureau, year, volumeType),
    });
  };

  return {
    'reference.get': () =>
      Promise.resolve({
        province: { id: province.id, name: province.name, nameEn: province.nameEn },
        bureaus: province.bureaus.map((b) => ({
          code: b.code,
          name: b.name,
          shortName: b.shortName,
          nameEn: b.nameEn,
        })),
        volumeTypes: VOLUME_TYPES.map((t) => ({ code: t.code, name: t.name, nameEn: t.nameEn })),
        documentTypes: DOCUMENT_TYPES.map((t) => ({ code: t.code, name: t.name, nameEn: t.nameEn })),
        states: VOLUME_STATES.map((state) => ({ state, name: STATE_NAMES[state] })),
        roles: ROLES.map((role) => ({ role, name: ROLE_NAMES[role] })),
        archiveNumberPattern: s.archiveNumberPattern,
      }),

    'codes.check': ({ code }) => {
      const r = checkCode(code);
      const division = divisionOfCode(code);
      const existing = r.valid ? repos.enterprises.findByCode(r.normalized) : null;
      return Promise.resolve({
        normalized: r.normalized,
        kind: r.kind,
        valid: r.valid,
        errors: r.errors,
        warnings: r.warnings,
        division: division === null ? null : divisionName(province, division),
        bureauCode: division === null ? null : (bureauForDivision(province, division)?.code ?? null),
        defaultBureauCode: defaultBureau(province, division).code,
        existing: existing ? enterpriseView(existing) : null,
      });
    },

    'enterprises.search': ({ query }) => {
      const byCode = repos.enterprises.findByCode(query);
      const byName = repos.enterprises.searchByName(query, 20);
      const all = byCode ? [byCode, ...byName.filter((e) => e.id !== byCode.id)] : byName;
      return Promise.resolve(all.map(enterpriseView));
    },

    'enterprises.get': ({ id }) => {
      const e = repos.enterprises.get(id);
      return Promise.resolve({
        enterprise: enterpriseView(e),
        volumes: repos.volumes.listByEnterprise(id).map(volumeView),
        recordedUscc: e.uscc === null ? repos.enterprises.usccOf(id) : null,
      });
    },

    'enterprises.create': (input, ctx) => {
      const code = input.uscc ?? input.regNo;
      const bureauCode = input.bureauCode ?? defaultEnterpriseBureau(province, code).code;
      const e = repos.enterprises.create(
        {
          name: input.name,
          bureauCode,
          ...(input.uscc !== undefined ? { uscc: input.uscc } : {}),
          ...(input.regNo !== undefined ? { regNo: input.regNo } : {}),
        },
        actorOf(caller(ctx)),
      );
      return Promise.resolve(enterpriseView(e));
    },

    'enterprises.recordUscc': ({ id, uscc }, ctx) => {
      const r = repos.enterprises.recordUscc(id, uscc, actorOf(caller(ctx)));
      // 图文校核 re-runs its machine checks, 登记 shows the code.
      if (r.recorded) s.events.emit('enterprise.changed', { enterpriseId: id });
      return Promise.resolve({
        enterprise: enterpriseView(r.enterprise),
        uscc: r.uscc,
        recorded: r.recorded,
      });
    },

    'volumes.defaults': ({ enterpriseId, registrationDate }) =>
      Promise.resolve(volumeDefaults(repos.enterprises.get(enterpriseId), registrationDate, s.now())),

    'volumes.suggestArchiveNo': ({ bureauCode, year, volumeType }) =>
      Promise.resolve({ archiveNo: suggest(bureauCode, year, volumeType) }),

    'volumes.create': async (input, ctx) => {
      const { overrideReason, ...request } = input;
      // The registration engine allocates the 档号 and runs the duplicate-digitization guard.
      const { volume } = await s.registration.register(
        {
          enterpriseId: request.enterpriseId,
          volumeType: request.volumeType,
          year: request.year,
          bureauCode: normalizeCode(request.bureauCode),
          ...(request.registrationDate !== undefined ? { registrationDate: request.registrationDate } : {}),
          ...(request.declaredPages !== undefined ? { declaredPages: request.declaredPages } : {}),
        },
        actorOf(caller(ctx), 'operator'),
        overrideReason !== undefined ? { overrideReason } : {},
      );
      s.events.emit('volume.changed', { volumeId: volume.id, state: volume.state });
      return volumeView(volume);
    },

    'volumes.get': ({ id }, ctx) => {
      const user = caller(ctx);
      const v = repos.volumes.get(id);
      const [row] = rows([v]);
      if (row === undefined) throw new Error('volume row vanished'); // a bug: rows() maps 1:1
      const transitions = user.roles.flatMap((role) =>
        allowedTransitions(v.state, role).map((t) => ({ to: t.to, action: t.action, name: t.name, role })),
      );
      // One button per target state, in the role order of ROLES.
      const seen = new Set<string>();
      return Promise.resolve({
        volume: row,
        transitions: transitions.filter((t) => (seen.has(t.to) ? false : (seen.add(t.to), true))),
      });
    },

    'volumes.list': ({ states, limit, query, order, include = [] }) => {
      const found = repos.volumes.search({ states, limit, order: order ?? 'queue', query: query ?? '' });
      const listed = new Set(found.volumes.map((v) => v.id));
      // Asked for by id: shown whatever the state or text; one deleted or unknown is simply absent.
      const extra = [...new Set(include)]
        .filter((id) => !listed.has(id))
        .flatMap((id) => {
          const v = repos.volumes.find(id);
          return v === null || v.deletedAt !== null ? [] : [v];
        });
      return Promise.resolve({ volumes: rows([...extra, ...found.volumes]), total: found.total });
    },

    'volumes.transition': ({ id, to, expectedState }, ctx) => {
      const user = caller(ctx);
      const role = chooseRole(user.roles, expectedState, to);
      const v = repos.volumes.transition(id, to, actorOf(user, role), { expectedState });
      s.events.emit('volume.changed', { volumeId: v.id, state: v.state });
      return Promise.resolve(volumeView(v));
    },
  };
}
