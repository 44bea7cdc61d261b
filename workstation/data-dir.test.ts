import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDataDir } from './data-dir';

describe('resolveDataDir', () => {
  const home = '/home/wang';
  it('prefers --data, then $DANGAN_DATA', () => {
    expect(resolveDataDir({ flag: 'x/y', env: { DANGAN_DATA: '/env' }, home })).toBe(path.resolve('x/y'));
    expect(resolveDataDir({ env: { DANGAN_DATA: '/env' }, home })).toBe('/env');
  });

  it('falls back to the platform app-data folder', () => {
    expect(resolveDataDir({ env: {}, platform: 'linux', home })).toBe('/home/wang/.local/share/dangan');
    expect(resolveDataDir({ env: { XDG_DATA_HOME: '/xdg' }, platform: 'linux', home })).toBe('/xdg/dangan');
    expect(resolveDataDir({ env: {}, platform: 'darwin', home })).toBe(
      '/home/wang/Library/Application Support/Dangan',
    );
    expect(
      resolveDataDir({ env: { APPDATA: 'C:/Users/wang/AppData/Roaming' }, platform: 'win32', home }),
    ).toBe(path.join('C:/Users/wang/AppData/Roaming', 'Dangan'));
  });
});
