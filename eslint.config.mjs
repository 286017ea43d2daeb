// Lint (npm run lint, part of npm test): typescript-eslint's recommended rules and the layer boundaries of
// docs/development.md ("Layers"), so an import across a boundary fails the tests instead of a review.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const LAYERS = [
  'check',
  'cli',
  'config',
  'contract',
  'engine',
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
  sample: ['config', 'sql'],
  extension: ['contract', 'oracle'],
  engine: ['check', 'config', 'contract', 'models', 'sql'],
  warehouse: ['check', 'config', 'contract', 'engine', 'models', 'sql'],
  check: ['config', 'engine', 'models', 'sql', 'warehouse'],
  evaluate: ['config', 'engine', 'models', 'sample', 'sql'],
  // The local Looker host calls the library (sample, stitch, generate), never the CLI.
  preview: ['config', 'contract', 'engine', 'extension', 'lookml', 'sample', 'sql'],
};

const boundaries = Object.entries(MAY_IMPORT).map(([layer, allowed]) => {
  const forbidden = LAYERS.filter((other) => other !== layer && !allowed.includes(other));
  const message = `src/${layer}/ may import only ${allowed.join(', ') || 'no other layer'} (docs/development.md, Layers).`;
  return {
    files: [`src/${layer}/**/*.{ts,tsx}`],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: `^\\.\\./(\\.\\./)*(${forbidden.join('|')})(/|$)`, message }] }] },
  };
});

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
