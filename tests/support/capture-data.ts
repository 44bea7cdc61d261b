import { createRepos, type Repos } from '../../db/repos';
import type { Role } from '../../core/roles';
import { openDataDir } from '../../workstation/data-dir';
import { seedVolume } from './repos';
import { tempDir } from './temp-dir';

/** The scan operator every capture-command test data folder holds (`--as op-lin`). */
export const CLI_OPERATOR = 'op-lin';

/** Adds a user to a data folder's database (password irrelevant: the CLI asks for none). */
export async function addUser(repos: Repos, username: string, roles: readonly Role[]): Promise<number> {
  const user = await repos.users.create(
    { username, displayName: username, password: 'Capture#2026pw', roles },
    { userId: null, username: 'test' },
  );
  return user.id;
}

/**
 * A real data folder in a temp dir holding one registered volume and the scan operator `op-lin`, as
 * `dangan scan` and `dangan import` need them.
 */
export async function captureData(): Promise<{ dataDir: string; archiveNo: string; operatorId: number }> {
  const dataDir = tempDir();
  const data = openDataDir(dataDir);
  try {
    const repos = createRepos(data.db);
    const archiveNo = repos.volumes.get(seedVolume(repos).volumeId).archiveNo;
    const operatorId = await addUser(repos, CLI_OPERATOR, ['operator']);
    return { dataDir, archiveNo, operatorId };
  } finally {
    data.close();
  }
}
