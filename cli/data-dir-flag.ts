/**
 * `resolveDataDir({ flag })`, loading workstation/data-dir (and with it the database modules) only once a
 * command runs: registering every command and printing help stay quick.
 */
export async function dataDirFromFlag(flag: string | undefined): Promise<string> {
  const { resolveDataDir } = await import('../workstation/data-dir');
  return resolveDataDir({ flag });
}
