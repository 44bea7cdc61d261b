import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { layeringConfig } from './layering-config.js';

// Lints probe sources as if they lived at the given path, with exactly the project's layering config.
async function lint(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({
    cwd: process.cwd(),
    overrideConfigFile: true,
    overrideConfig: [
      { files: ['**/*.ts', '**/*.tsx'], languageOptions: { parser: tseslint.parser } },
      ...layeringConfig,
    ],
  });
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

describe('layering lint', () => {
  it('refuses Node built-ins in core/', async () => {
    const found = await lint(
      'core/probe.ts',
      "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
    );
    expect(found).toEqual([
      expect.stringMatching(/layering\/imports: Bad layering: core\/ may not import Node built-in 'node:fs'/),
    ]);
  });

  it('refuses bare built-in names too (fs without node:)', async () => {
    const found = await lint('core/probe.ts', "import path from 'path';\nexport const x = path;\n");
    expect(found).toEqual([expect.stringMatching(/may not import Node built-in 'path'/)]);
  });

  it('refuses electron and DOM globals in core/', async () => {
    const found = await lint(
      'core/codes/probe.ts',
      "import { app } from 'electron';\nexport const t = document.title + String(app);\n",
    );
    expect(found).toContainEqual(expect.stringMatching(/core\/ may not import package 'electron'/));
    expect(found).toContainEqual(expect.stringMatching(/no-restricted-globals: .*document/));
  });

  it('refuses core/ importing db/ through a relative path', async () => {
    const found = await lint(
      'core/codes/probe.ts',
      "import { openDatabase } from '../../db/open';\nexport const x = openDatabase;\n",
    );
    expect(found).toEqual([expect.stringMatching(/core\/ may not import from db\//)]);
  });

  it('refuses db/ importing workstation/ and electron', async () => {
    const found = await lint(
      'db/probe.ts',
      "import { x } from '../workstation/y';\nimport 'electron';\nexport const z = x;\n",
    );
    expect(found).toHaveLength(2);
  });

  it('lets the renderer import core/contracts but not the rest of core/ or node', async () => {
    expect(
      await lint(
        'renderer/probe.ts',
        "import { api } from '../core/contracts/api';\nexport const a = api;\n",
      ),
    ).toEqual([]);
    expect(
      await lint('renderer/probe.ts', "import { x } from '../core/codes/uscc';\nexport const a = x;\n"),
    ).toEqual([expect.stringMatching(/renderer\/ may not import from core\//)]);
    expect(
      await lint('renderer/probe.ts', "import { x } from 'better-sqlite3';\nexport const a = x;\n"),
    ).toHaveLength(1);
  });

  it('allows what the table allows', async () => {
    expect(
      await lint(
        'core/probe.ts',
        "import { z } from 'zod';\nimport { text } from './text';\nexport const a = [z, text];\n",
      ),
    ).toEqual([]);
    expect(
      await lint(
        'db/probe.ts',
        "import fs from 'node:fs';\nimport { text } from '../core/text';\nexport const a = [fs, text];\n",
      ),
    ).toEqual([]);
    expect(
      await lint(
        'workstation/probe.ts',
        "import { a } from '../db/x';\nimport { b } from '../native/y';\nexport const c = [a, b];\n",
      ),
    ).toEqual([]);
  });

  it('catches dynamic import() and require()', async () => {
    const found = await lint(
      'core/probe.ts',
      "export const a = import('node:fs');\nexport const b = require('fs');\n",
    );
    expect(found.filter((m) => m.startsWith('layering/imports'))).toHaveLength(2);
  });
});

describe('layering lint for tests', () => {
  it('lets a test next to its module use tests/support and vitest, but not a plain module', async () => {
    const probe =
      "import { describe } from 'vitest';\nimport { tempDir } from '../tests/support/temp-dir';\nexport const a = [describe, tempDir];\n";
    expect(await lint('db/probe.test.ts', probe)).toEqual([]);
    expect(await lint('db/probe.ts', probe)).toHaveLength(2);
  });
});
