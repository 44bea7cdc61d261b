import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// electron-builder reads YAML; this checks the security-relevant lines without a YAML library.
const config = fs.readFileSync(path.join(import.meta.dirname, 'electron-builder.yml'), 'utf8');
const setting = (key: string) => new RegExp(`^\\s*${key}:\\s*(\\S+)`, 'm').exec(config)?.[1];

describe('electron-builder.yml', () => {
  it('turns off RunAsNode, NODE_OPTIONS and --inspect, and turns on asar integrity', () => {
    expect(setting('runAsNode')).toBe('false');
    expect(setting('enableNodeOptionsEnvironmentVariable')).toBe('false');
    expect(setting('enableNodeCliInspectArguments')).toBe('false');
    expect(setting('enableEmbeddedAsarIntegrityValidation')).toBe('true');
    expect(setting('onlyLoadAppFromAsar')).toBe('true');
    expect(setting('grantFileProtocolExtraPrivileges')).toBe('false');
    expect(setting('asar')).toBe('true');
  });

  it('builds the Windows NSIS x64 installer and the Linux AppImage and deb, rebuilding native modules', () => {
    expect(config).toMatch(/target: nsis\s+arch: \[x64\]/);
    expect(config).toMatch(/- AppImage\s+- deb/);
    expect(setting('npmRebuild')).toBe('true');
  });
});
