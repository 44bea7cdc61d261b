import { openDataDir } from '../../workstation/data-dir';
import { EXIT } from '../exit-codes';
import type { Io } from '../output';

/**
 * `dangan start` (what `npm start` runs). Today it prepares the data folder (creating and migrating
 * the database) and reports it; the engine server and the UI join it as the desktop-app issue lands.
 */
export function startCommand(options: { dataDir: string }, io: Io): number {
  const data = openDataDir(options.dataDir);
  try {
    const m = data.migrations;
    io.out(`档案 Dangan — 数据目录 data folder: ${data.dir}`);
    io.out(
      m.applied.length > 0
        ? `数据库已升级到第 ${m.to} 版 / database migrated to version ${m.to} (${m.applied.map((a) => `${a.version}-${a.name}`).join(', ')})`
        : `数据库为第 ${m.to} 版 / database at version ${m.to}`,
    );
    io.out(
      '图形界面尚未完成；可用命令见 npx dangan --help / the UI is not built yet; see npx dangan --help for the commands available',
    );
    return EXIT.ok;
  } finally {
    data.close();
  }
}
