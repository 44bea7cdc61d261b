// The layering table of docs/ARCHITECTURE.md, as data. The `layering/imports` rule enforces it.
//
// layers:   top-level folders this layer may import from (its own folder is always allowed).
// node:     may it import Node built-ins (`node:fs`, `fs`, ...)?
// packages: npm packages it may import: 'any', or an allow-list of package names.
// deny:     npm packages refused even when `packages` is 'any'.

/** @typedef {{ layers: string[], node: boolean, packages: 'any' | string[], deny?: string[] }} Layer */

const UI_PACKAGES = [
  'react',
  'react-dom',
  'antd',
  '@ant-design/icons',
  'echarts',
  'zod',
  'dayjs',
  '@tanstack/react-virtual',
  'react-zoom-pan-pinch',
];

/** @type {Record<string, Layer>} */
export const LAYERS = {
  // Pure domain: no I/O of any kind. Data from resources/ (JSON) is allowed.
  core: { layers: ['resources'], node: false, packages: ['zod'] },
  db: {
    layers: ['core', 'resources'],
    node: true,
    packages: ['better-sqlite3', 'kysely', 'zod', 'sm-crypto-v2'],
  },
  native: {
    layers: ['core', 'resources'],
    node: true,
    packages: 'any',
    deny: ['electron', 'react', 'better-sqlite3'],
  },
  workstation: {
    layers: ['core', 'db', 'native', 'resources'],
    node: true,
    packages: 'any',
    deny: ['electron', 'react', 'react-dom', 'antd'],
  },
  electron: {
    layers: ['core', 'workstation', 'resources'],
    node: true,
    packages: 'any',
    deny: ['react', 'antd'],
  },
  // The UI talks to the engine only through the typed API contract in core/contracts.
  renderer: { layers: ['core/contracts', 'resources'], node: false, packages: UI_PACKAGES },
  store: {
    layers: ['core', 'db', 'resources'],
    node: true,
    packages: 'any',
    deny: ['electron', 'react', 'antd'],
  },
  cli: {
    layers: ['core', 'db', 'native', 'workstation', 'store', 'resources'],
    node: true,
    packages: 'any',
    deny: ['electron', 'react', 'antd'],
  },
  resources: { layers: [], node: false, packages: [] },
  tests: { layers: ['*'], node: true, packages: 'any' },
  bench: { layers: ['*'], node: true, packages: 'any' },
  tools: { layers: ['*'], node: true, packages: 'any' },
};
