// The layering part of the ESLint config, kept separate so that tests can lint probe code with
// exactly these rules (tools/eslint/layering.test.ts) without the type-aware setup.
import { layeringPlugin } from './layering-rule.js';

const NODE_AND_DOM_GLOBALS = [
  'process',
  'Buffer',
  'require',
  '__dirname',
  '__filename',
  'global',
  'window',
  'document',
  'navigator',
  'localStorage',
  'fetch',
].map((name) => ({
  name,
  message: 'core/ is pure domain code: no Node or DOM globals (see docs/ARCHITECTURE.md).',
}));

/** @type {import('eslint').Linter.Config[]} */
export const layeringConfig = [
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.mjs'],
    plugins: { layering: layeringPlugin },
    rules: { 'layering/imports': 'error' },
  },
  {
    files: ['core/**/*.ts'],
    ignores: ['core/**/*.test.ts'],
    rules: { 'no-restricted-globals': ['error', ...NODE_AND_DOM_GLOBALS] },
  },
];
