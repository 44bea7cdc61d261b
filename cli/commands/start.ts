import { spawn } from 'node:child_process';
import path from 'node:path';
import { createEngine } from '../../workstation/engine/engine';
import { storeConnectionFromEnv } from '../../workstation/transfer/engine-worker';
import { startServer } from '../../workstation/engine/server';
import { electronBinary, tryInstallElectron } from '../electron-binary';
import { EXIT } from '../exit-codes';
import type { Io } from '../output';
import { refuseWhileEngineRuns, takeEngineLock, type EngineLock } from '../../workstation/engine-lock';
import { openDataFolder } from './data-folder';
import { REPO_ROOT, UI_OUT_DIR, buildPreload, buildUi, uiBuildIsStale } from '../ui-build';

export interface StartOptions {
  readonly dataDir: string;
  /** `browser` skips Electron even where its binary exists. */
  readonly mode: 'auto' | 'browser';
  /** Prepare (create, migrate) the data folder, report it and exit. */
  readonly check: boolean;
  readonly port?: number;
  readonly root?: string;
  /** Resolves when the workstation should stop; default: SIGINT or SIGTERM. */
  readonly until?: Promise<unknown>;
}

function signals(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => {
      resolve();
    });
    process.once('SIGTERM', () => {
      resolve();
    });
  });
}

/**
 * `dangan start` (what `npm start` runs): prepares the data folder, then opens the Electron window
 * when the Electron binary exists, and otherwise serves the same engine and UI in browser mode on
 * 127.0.0.1 with a per-run token, printing the address to open.
 */
export async function startCommand(options: StartOptions, io: Io): Promise<number> {
  const root = options.root ?? REPO_ROOT;
  // The one command that makes a new data folder; a wrong or newer one is refused all the same.
  const data = openDataFolder(options.dataDir, { create: true });
  let lock: EngineLock | null = null;
  let closed = false;
  const close = () => {
    if (!closed) data.close();
    closed = true;
    lock?.release();
  };
  try {
    // One app per data folder: a second one would process the same jobs (workstation/engine-lock.ts).
    refuseWhileEngineRuns(data.dir);
    const m = data.migrations;
    io.out(`档案 Dangan — 数据目录 data folder: ${data.dir}`);
    io.out(
      m.applied.length > 0
        ? `数据库已升级到第 ${m.to} 版 / database migrated to version ${m.to} (${m.applied.map((a) => `${a.version}-${a.name}`).join(', ')})`
        : `数据库为第 ${m.to} 版 / database at version ${m.to}`,
    );
    if (options.check) return EXIT.ok;

    let bin = options.mode === 'browser' ? null : electronBinary(root);
    if (bin === null && options.mode === 'auto' && process.env['DANGAN_NO_ELECTRON_INSTALL'] !== '1') {
      const tried = await tryInstallElectron(root, options.dataDir, 30_000);
      if (tried.attempted) {
        io.out(
          tried.ok
            ? '已下载 Electron / Electron downloaded'
            : '无法下载 Electron（离线？）/ could not download Electron (offline?)',
        );
      }
      if (tried.ok) bin = electronBinary(root);
    }

    if (bin !== null) {
      close(); // the Electron engine process opens the database itself: one writer
      if (uiBuildIsStale()) await buildUi();
      await buildPreload();
      io.out('正在打开桌面窗口 / opening the desktop window');
      return await new Promise<number>((resolve) => {
        const child = spawn(bin, [path.join(root, 'electron', 'launch.js'), '--data', options.dataDir], {
          stdio: 'inherit',
        });
        child.on('exit', (code) => {
          resolve(code === 0 ? EXIT.ok : EXIT.finding);
        });
        child.on('error', () => {
          resolve(EXIT.finding);
        });
      });
    }

    io.out('未找到 Electron，使用浏览器模式 / no Electron binary: browser mode');
    if (uiBuildIsStale()) {
      io.out('正在构建界面… / building the UI…');
      await buildUi();
    }
    lock = takeEngineLock(data.dir);
    const store = storeConnectionFromEnv();
    const engine = createEngine({
      db: data.db,
      dataDir: data.dir,
      store,
      log: (message, error) => {
        io.err(`${message}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      },
    });
    if (engine.recoveredJobs > 0) {
      io.out(
        `已恢复 ${engine.recoveredJobs} 个中断的任务 / ${engine.recoveredJobs} interrupted job(s) returned to the queue`,
      );
    }
    const server = await startServer({
      engine,
      uiRoot: UI_OUT_DIR,
      ...(options.port !== undefined ? { port: options.port } : {}),
    });
    io.out(
      store !== null
        ? `上传到档案库（环境变量）/ uploading to the store ($DANGAN_STORE_URL): ${store.url}`
        : engine.transfer !== null
          ? '上传到系统维护中设置的档案库 / uploading to the store set in 系统维护'
          : '未配置档案库（系统维护 → 档案库连接，或 $DANGAN_STORE_URL 等），上传队列只排队不上传 / no store configured (系统维护 or $DANGAN_STORE_URL …): the outbox queues without uploading',
    );
    io.out(`在浏览器中打开 / open in a browser: ${server.url}`);
    io.out('按 Ctrl+C 退出 / press Ctrl+C to stop');
    await (options.until ?? signals());
    await server.close();
    await engine.close(); // background work (page processing, uploads) stops before the database closes
    io.out('已停止 / stopped');
    return EXIT.ok;
  } finally {
    close();
  }
}
