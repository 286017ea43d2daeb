// Lint (npm run lint, part of npm test): typescript-eslint's recommended rules and the layer boundaries of
// docs/development.md ("Layers"), so an import across a boundary fails the tests instead of a review.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const LAYERS = [
  'check',
  'cli',
  'config',
  'contract',
  'evaluate',
  'extension',
  'lookml',
  'models',
  'oracle',
  'preview',
  'sample',
  'sql',
  'warehouse',
];

/** What each layer of src/ may import from the others; a layer not listed here may import any. */
const MAY_IMPORT = {
  contract: [],
  sql: ['contract'],
  config: ['contract', 'sql'],
  models: ['config', 'contract', 'sql'],
  oracle: ['config', 'contract', 'models'],
  lookml: ['config', 'contract', 'models', 'sql'],
  sample: ['config', 'contract', 'sql'],
  extension: ['contract', 'oracle'],
  // The source report and name similarity that check (files) and introspect (BigQuery) share.
  check: [],
  warehouse: ['check', 'config', 'contract', 'models', 'sql'],
  evaluate: ['config', 'models', 'sample', 'sql', 'warehouse'],
  // The local Looker host calls the library (sample, stitch, generate), never the CLI.
  preview: ['config', 'contract', 'extension', 'lookml', 'sample', 'sql', 'warehouse'],
};

/**
 * The layers form an order: none may reach itself through the lists. Each import is judged by its own layer's
 * list only, so two layers listing each other (check and warehouse did) let a cycle through unnoticed.
 */
const mayImport = (layer) => MAY_IMPORT[layer] ?? LAYERS.filter((other) => other !== layer);
for (const layer of LAYERS) {
  const reached = new Set();
  const visit = (from) => {
    for (const next of mayImport(from)) {
      if (reached.has(next)) continue;
      reached.add(next);
      visit(next);
    }
  };
  visit(layer);
  if (reached.has(layer))
    throw new Error(`eslint.config.mjs: src/${layer}/ may import itself through MAY_IMPORT; the layers must form an order`);
}

/**
 * Inside src/warehouse/: each warehouse stands beside the others, never on them; what they share (the interface,
 * the run record, the Progress sink) sits in src/warehouse/ itself, which imports no warehouse but in its registry.
 */
const WAREHOUSES = ['bigquery', 'duckdb'];
const warehouseBoundaries = [
  ...WAREHOUSES.map((name) => ({
    files: [`src/warehouse/${name}/**/*.{ts,tsx}`],
    forbidden: WAREHOUSES.filter((other) => other !== name),
    message: `src/warehouse/${name}/ may not import another warehouse; move what both need to src/warehouse/ (docs/development.md, Layers).`,
  })),
  {
    files: ['src/warehouse/*.{ts,tsx}'],
    ignores: ['src/warehouse/index.ts'],
    forbidden: WAREHOUSES,
    message: 'src/warehouse/ outside its registry (index.ts) may not import a warehouse (docs/development.md, Layers).',
  },
];

const layerPattern = (layer) => {
  const forbidden = LAYERS.filter((other) => other !== layer && !MAY_IMPORT[layer].includes(other));
  const message = `src/${layer}/ may import only ${MAY_IMPORT[layer].join(', ') || 'no other layer'} (docs/development.md, Layers).`;
  return { regex: `^\\.\\./(\\.\\./)*(${forbidden.join('|')})(/|$)`, message };
};
/**
 * no-restricted-imports reads import and export statements only: this applies its patterns to `import('…')` and
 * `require('…')` too, which load a module when it is used (the warehouses load theirs so).
 */
const loadedImports = {
  meta: { type: 'problem', schema: false },
  create(context) {
    const patterns = context.options[0].patterns.map(({ regex, message }) => ({ regex: new RegExp(regex), message }));
    const check = (node, source) => {
      if (source?.type !== 'Literal' || typeof source.value !== 'string') return;
      const crossing = patterns.find((p) => p.regex.test(source.value));
      if (crossing)
        context.report({ node, message: `'${source.value}' import is restricted from being used by a pattern. ${crossing.message}` });
    };
    return {
      ImportExpression: (node) => check(node, node.source),
      'CallExpression[callee.name="require"]': (node) => check(node, node.arguments[0]),
    };
  },
};
const layersPlugin = { rules: { 'loaded-imports': loadedImports } };

const restrict = (patterns) => ({
  'no-restricted-imports': ['error', { patterns }],
  'layers/loaded-imports': ['error', { patterns }],
});

const boundaries = [
  ...Object.keys(MAY_IMPORT).map((layer) => ({ files: [`src/${layer}/**/*.{ts,tsx}`], rules: restrict([layerPattern(layer)]) })),
  // A later block replaces the rule's patterns for its files: it repeats the warehouse layer's own.
  ...warehouseBoundaries.map(({ files, ignores, forbidden, message }) => ({
    files,
    ...(ignores ? { ignores } : {}),
    rules: restrict([
      layerPattern('warehouse'),
      // ./duckdb, ../duckdb, ../../warehouse/duckdb: however the path gets there.
      { regex: `^(\\./|(\\.\\./)+)(warehouse/)?(${forbidden.join('|')})(/|$)`, message },
    ]),
  })),
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'dist/**', 'bundle.js', 'test-artifacts/**', 'lookml/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // TypeScript checks names; this rule does not know its types and globals.
      'no-undef': 'off',
    },
  },
  // The CLI loads each command's modules when the command runs (require), so `--help` starts fast; scripts are CommonJS.
  {
    files: ['src/cli/**/*.ts', '**/*.js', '**/*.cjs', 'test/cli/start.test.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // Tests and benchmarks poke at untyped rows and fixtures; declarations of untyped libraries say so.
  { files: ['test/**', 'bench/**', '**/*.d.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  { files: ['src/**/*.{ts,tsx}'], plugins: { layers: layersPlugin } },
  ...boundaries,
  // One registry of dialects (src/sql/dialects/index.ts): modules take dialects.duckdb / dialects.bigquery.
  {
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/sql/dialects/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'NewExpression[callee.name=/Dialect$/]',
          message: 'Use the registry: dialects.duckdb, dialects.bigquery or getDialect(name) from src/sql/dialects.',
        },
      ],
    },
  },
);
