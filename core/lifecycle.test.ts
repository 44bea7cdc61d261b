import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from './errors';
import {
  STATE_NAMES,
  TRANSITIONS,
  VOLUME_STATES,
  allowedTransitions,
  isTerminal,
  isVolumeState,
  transition,
} from './lifecycle';
import type { VolumeState } from './lifecycle';
import { ROLES } from './roles';
import type { Role } from './roles';

// The table written out independently of the implementation: `from>to` → roles that may make it.
const EXPECTED: Record<string, readonly Role[]> = {
  'registered>scanning': ['operator'],
  'scanning>scanned': ['operator'],
  'scanned>scanning': ['operator'],
  'scanned>catalogued': ['operator'],
  'catalogued>scanned': ['operator'],
  'catalogued>verified': ['qa'],
  'catalogued>rejected': ['qa', 'admin'],
  'verified>rejected': ['qa', 'admin'],
  'queued>rejected': ['qa', 'admin'],
  'rejected>scanned': ['operator'],
  'rejected>catalogued': ['operator'],
  'verified>queued': ['operator', 'technician'],
  'queued>verified': ['operator', 'technician', 'admin'],
  'queued>transferred': ['technician'],
  'transferred>archived': ['technician'],
  'registered>withdrawn': ['operator', 'technician', 'admin'],
  'scanning>withdrawn': ['technician', 'admin'],
  'scanned>withdrawn': ['technician', 'admin'],
  'catalogued>withdrawn': ['technician', 'admin'],
  'verified>withdrawn': ['technician', 'admin'],
  'queued>withdrawn': ['technician', 'admin'],
  'rejected>withdrawn': ['technician', 'admin'],
};

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
}

describe('volume states', () => {
  it('are exactly the ten of DESIGN.md, each with a Chinese name', () => {
    expect([...VOLUME_STATES]).toEqual([
      'registered',
      'scanning',
      'scanned',
      'catalogued',
      'verified',
      'queued',
      'transferred',
      'archived',
      'rejected',
      'withdrawn',
    ]);
    expect(VOLUME_STATES.map((s) => STATE_NAMES[s].zh)).toEqual([
      '已登记',
      '扫描中',
      '已扫描',
      '已著录',
      '已校核',
      '待上传',
      '已移交',
      '已归档',
      '已退回',
      '已撤销',
    ]);
    expect(isVolumeState('queued')).toBe(true);
    expect(isVolumeState('deleted')).toBe(false);
  });
});

describe('transition table', () => {
  it('holds exactly the expected (from, to) pairs, each once', () => {
    const pairs = TRANSITIONS.map((r) => `${r.from}>${r.to}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    expect(pairs.slice().sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const r of TRANSITIONS)
      expect([...r.roles].sort()).toEqual([...(EXPECTED[`${r.from}>${r.to}`] ?? [])].sort());
  });

  it('decides every (from, to, role) triple of the 10×10×4 space as the table says', () => {
    let ok = 0;
    let forbidden = 0;
    let illegal = 0;
    for (const from of VOLUME_STATES) {
      for (const to of VOLUME_STATES) {
        for (const role of ROLES) {
          const roles = EXPECTED[`${from}>${to}`];
          if (roles === undefined) {
            expect(codeOf(() => transition(from, to, role))).toBe('lifecycle.illegal');
            illegal++;
          } else if (roles.includes(role)) {
            const row = transition(from, to, role);
            expect([row.from, row.to]).toEqual([from, to]);
            ok++;
          } else {
            expect(codeOf(() => transition(from, to, role))).toBe('lifecycle.forbidden');
            forbidden++;
          }
        }
      }
    }
    expect(ok + forbidden + illegal).toBe(400);
    expect(ok).toBe(Object.values(EXPECTED).reduce((n, r) => n + r.length, 0));
  });

  it('allowedTransitions lists exactly the successful triples', () => {
    for (const from of VOLUME_STATES) {
      for (const role of ROLES) {
        const expected = VOLUME_STATES.filter((to) => EXPECTED[`${from}>${to}`]?.includes(role) === true);
        expect(
          allowedTransitions(from, role)
            .map((r) => r.to)
            .sort(),
        ).toEqual([...expected].sort());
      }
    }
  });

  it('names both states in Chinese and English when a transition is illegal', () => {
    try {
      transition('catalogued', 'archived', 'admin');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      const err = e as DomainError;
      expect(err.code).toBe('lifecycle.illegal');
      for (const s of ['已著录', '已归档']) expect(err.text.zh).toContain(s);
      for (const s of ['catalogued', 'archived']) expect(err.text.en).toContain(s);
      expect(err.details).toMatchObject({ from: 'catalogued', to: 'archived' });
    }
  });

  it('says who may make a forbidden transition', () => {
    try {
      transition('catalogued', 'verified', 'admin');
      expect.unreachable();
    } catch (e) {
      const err = e as DomainError;
      expect(err.code).toBe('lifecycle.forbidden');
      expect(err.text.zh).toContain('质检员');
      expect(err.details).toMatchObject({ action: 'verify', allowedRoles: ['qa'] });
    }
  });

  it('never lets an admin verify, and lets technicians and admins withdraw anything before transfer', () => {
    for (const from of VOLUME_STATES)
      expect(allowedTransitions(from, 'admin').some((r) => r.action === 'verify')).toBe(false);
    for (const from of VOLUME_STATES) {
      const before = !['transferred', 'archived', 'withdrawn'].includes(from);
      for (const role of ['technician', 'admin'] as const) {
        expect(allowedTransitions(from, role).some((r) => r.to === 'withdrawn')).toBe(before);
      }
    }
  });
});

describe('state graph', () => {
  it('reaches every state from registered', () => {
    const seen = new Set<VolumeState>(['registered']);
    const todo: VolumeState[] = ['registered'];
    for (let s = todo.pop(); s !== undefined; s = todo.pop()) {
      for (const r of TRANSITIONS) {
        if (r.from === s && !seen.has(r.to)) {
          seen.add(r.to);
          todo.push(r.to);
        }
      }
    }
    expect([...seen].sort()).toEqual([...VOLUME_STATES].sort());
  });

  it('has exactly archived and withdrawn as terminal states', () => {
    expect(VOLUME_STATES.filter(isTerminal)).toEqual(['archived', 'withdrawn']);
  });

  it('random walks of allowed transitions stay in the state set and stop at terminal states', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...ROLES), fc.nat(), fc.constantFrom(...VOLUME_STATES)), {
          maxLength: 60,
        }),
        (steps) => {
          let state: VolumeState = 'registered';
          for (const [role, pick, target] of steps) {
            if (isTerminal(state)) {
              // From a terminal state nothing moves, whoever asks and wherever to.
              expect(codeOf(() => transition(state, target, role))).toBe('lifecycle.illegal');
              expect(allowedTransitions(state, role)).toEqual([]);
              continue;
            }
            const options = allowedTransitions(state, role);
            if (options.length === 0) continue;
            const chosen = options[pick % options.length]!;
            const row = transition(state, chosen.to, role);
            expect(VOLUME_STATES).toContain(row.to);
            state = row.to;
          }
        },
      ),
    );
  });
});
