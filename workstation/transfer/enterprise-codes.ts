import type { Repos } from '../../db/repos';

/** Codes of an enterprise besides its record's own USCC and 注册号, as catalogue.json carries them. */
export type EnterpriseCodes = readonly { kind: 'uscc' | 'regno'; value: string }[];

/**
 * The other codes this workstation knows for the enterprise of a volume: code aliases, and the codes of
 * every record in its merge family (the surviving record and all merged into it). Sorted, so the same
 * knowledge always gives the same catalogue bytes.
 */
export function enterpriseCodes(repos: Repos, volumeId: number): EnterpriseCodes {
  const own = repos.enterprises.get(repos.volumes.get(volumeId).enterpriseId);
  const family = repos.enterprises.family(repos.enterprises.resolve(own.id));
  const codes = new Map<string, { kind: 'uscc' | 'regno'; value: string }>();
  const add = (kind: 'uscc' | 'regno', value: string | null) => {
    if (value !== null && value !== own.uscc && value !== own.regNo)
      codes.set(`${kind}:${value}`, { kind, value });
  };
  for (const e of family) {
    add('uscc', e.uscc);
    add('regno', e.regNo);
    for (const a of repos.enterprises.aliases(e.id)) if (a.kind !== 'name') add(a.kind, a.value);
  }
  return [...codes.values()].sort((a, b) =>
    a.kind === b.kind ? (a.value < b.value ? -1 : 1) : a.kind < b.kind ? -1 : 1,
  );
}
