// ESLint rule `layering/imports`: every import must be allowed by the layer table (layers.js).
//
// Written here rather than taken from eslint-plugin-import's `no-restricted-paths` because the
// table also governs Node built-ins and npm packages per layer (core may not import sharp, the
// renderer may not import better-sqlite3), and because it needs no module resolver: a relative
// specifier is resolved against the importing file and classified by its top-level folder.
import { builtinModules } from 'node:module';
import path from 'node:path';
import { LAYERS } from './layers.js';

const BUILTINS = new Set(builtinModules);
const TEST_PACKAGES = new Set(['vitest', 'fast-check', 'eslint', 'typescript-eslint']);

/** @param {string} specifier */
function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/**
 * Classify an import. Returns { kind: 'node' | 'package' | 'local', name }.
 * @param {string} specifier
 * @param {string} fromFile absolute path of the importing file
 * @param {string} root absolute path of the repository root
 */
export function classifyImport(specifier, fromFile, root) {
  if (specifier.startsWith('node:') || BUILTINS.has(packageName(specifier))) {
    return { kind: 'node', name: specifier };
  }
  if (specifier.startsWith('.') || specifier.startsWith('/')) {
    const target = path.resolve(path.dirname(fromFile), specifier);
    const rel = path.relative(root, target).split(path.sep).join('/');
    return { kind: 'local', name: rel };
  }
  return { kind: 'package', name: packageName(specifier) };
}

/** @param {string} relPath path relative to the root, '/'-separated */
function layerOf(relPath) {
  const top = relPath.split('/')[0] ?? '';
  return Object.hasOwn(LAYERS, top) ? top : undefined;
}

/**
 * @param {string} layerName
 * @param {{kind: string, name: string}} imp
 * @param {boolean} [isTest] whether the importing file is a test (`*.test.ts`)
 * @returns {string | undefined} why the import is refused, or undefined when allowed
 */
export function refusal(layerName, imp, isTest = false) {
  const layer = LAYERS[layerName];
  if (!layer) return undefined;
  // Tests sit next to their module and may use the shared test support and dev-only packages.
  if (isTest && imp.kind === 'local' && imp.name.startsWith('tests/support/')) return undefined;
  if (isTest && imp.kind === 'package' && TEST_PACKAGES.has(imp.name)) return undefined;
  if (imp.kind === 'node') {
    return layer.node ? undefined : `${layerName}/ may not import Node built-in '${imp.name}'`;
  }
  if (imp.kind === 'package') {
    if (layer.deny?.includes(imp.name)) return `${layerName}/ may not import package '${imp.name}'`;
    if (layer.packages === 'any' || layer.packages.includes(imp.name)) return undefined;
    return `${layerName}/ may not import package '${imp.name}' (allowed: ${layer.packages.join(', ') || 'none'})`;
  }
  if (imp.name.startsWith('..')) return `${layerName}/ may not import '${imp.name}' from outside the project`;
  const target = layerOf(imp.name);
  if (target === undefined || target === layerName || layer.layers.includes('*')) return undefined;
  const allowed = layer.layers.some((l) => imp.name === l || imp.name.startsWith(`${l}/`));
  return allowed ? undefined : `${layerName}/ may not import from ${target}/ ('${imp.name}')`;
}

/** @type {import('eslint').Rule.RuleModule} */
export const importsRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the layer table of docs/ARCHITECTURE.md' },
    messages: { bad: 'Bad layering: {{why}}. See docs/ARCHITECTURE.md (layers).' },
    schema: [],
  },
  create(context) {
    const root = context.cwd;
    const file = context.filename;
    const rel = path.relative(root, file).split(path.sep).join('/');
    const layerName = layerOf(rel);
    if (layerName === undefined) return {};
    const isTest = /\.test\.tsx?$/.test(file);

    /** @type {(node: import('estree').Node, source: unknown) => void} */
    const check = (node, source) => {
      if (typeof source !== 'string') return;
      const why = refusal(layerName, classifyImport(source, file, root), isTest);
      if (why) context.report({ node, messageId: 'bad', data: { why } });
    };

    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
      CallExpression: (node) => {
        const arg = node.arguments[0];
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && arg?.type === 'Literal') {
          check(node, arg.value);
        }
      },
    };
  },
};

export const layeringPlugin = { rules: { imports: importsRule } };
