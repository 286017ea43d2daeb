/**
 * The layer boundaries of docs/development.md hold because `npm run lint` fails on a crossing: this lints snippets
 * as if they sat in src/, through the real config, and checks a crossing is refused and an allowed import is not.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

function lint(file: string, source: string): string {
  const eslint = path.join(root, 'node_modules', '.bin', 'eslint');
  const run = spawnSync(eslint, ['--stdin', '--stdin-filename', file, '--format', 'json'], { cwd: root, input: source, encoding: 'utf8' });
  const [result] = JSON.parse(run.stdout) as { messages: { ruleId: string | null; message: string }[] }[];
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`).join('\n');
}

describe('layer boundaries (eslint.config.mjs)', () => {
  it.each([
    ['src/models/example.ts', "import { stitchDuckDB } from '../warehouse/duckdb/stitch';"],
    ['src/models/incremental/example.ts', "import { runPipeline } from '../../warehouse/duckdb/run';"],
    ['src/config/example.ts', "import { buildPipeline } from '../models';"],
    ['src/extension/example.tsx', "import { loadSources } from '../warehouse/duckdb/load';"],
    ['src/sql/example.ts', "import { configSchema } from '../config/schema';"],
    ['src/preview/example.ts', "import { buildProgram } from '../cli/main';"],
    // Each warehouse beside the other, never on it; the shared modules in src/warehouse/ import neither.
    ['src/warehouse/bigquery/example.ts', "import { runPipeline } from '../duckdb/run';"],
    ['src/warehouse/bigquery/example.ts', "import { loadSources } from '../../warehouse/duckdb/load';"],
    ['src/warehouse/duckdb/example.ts', "import { stitchBigQuery } from '../bigquery';"],
    ['src/warehouse/example.ts', "import { stitchDuckDB } from './duckdb/stitch';"],
    ['src/warehouse/bigquery/example.ts', "import { buildProgram } from '../../cli/main';"],
    // check sits below the warehouses (they print its report): it never reaches back up into one.
    ['src/check/example.ts', "import { loadSources } from '../warehouse/duckdb/load';"],
    ['src/check/example.ts', "import { closestName } from '../warehouse/bigquery/introspect';"],
    // A module loaded when used crosses the same boundaries as one imported up front.
    ['src/check/example.ts', "const { checkFiles } = await import('../warehouse/duckdb/check');"],
    ['src/warehouse/duckdb/example.ts', "const { introspect } = await import('../bigquery/introspect');"],
    ['src/models/example.ts', "const { stitchDuckDB } = require('../warehouse/duckdb/stitch');"],
  ])(
    '%s may not import across its layer: %s',
    (file, source) => {
      expect(lint(file, `${source}\nexport const used = [${source.match(/\{ (\w+) \}/)![1]}];\n`)).toMatch(
        /^(no-restricted-imports|layers\/loaded-imports): .*docs\/development\.md, Layers/m,
      );
    },
    60_000,
  );

  it.each([
    ['src/models/example.ts', "import { DuckDBDialect } from '../sql/dialects/duckdb';"],
    ['src/warehouse/duckdb/example.ts', "import { buildPipeline } from '../../models';"],
    ['src/warehouse/bigquery/example.ts', "import { runRecord } from '../runRecord';"],
    ['src/warehouse/duckdb/example.ts', "import { lineProgress } from '../progress';"],
    ['src/warehouse/index.ts', "import { duckdbWarehouse } from './duckdb/warehouse';"],
    ['src/preview/example.ts', "import { stitchDuckDB } from '../warehouse/duckdb/stitch';"],
    ['src/models/incremental/example.ts', "import { appendCandidatesSql } from './append';"],
    ['src/preview/example.ts', "import { generateLookml } from '../lookml/generate';"],
    ['src/sql/example.ts', "import { JourneyStitchError } from '../contract/errors';"],
    ['src/warehouse/bigquery/example.ts', "import { formatSourceReport } from '../../check/report';"],
    ['src/warehouse/duckdb/example.ts', "const { checkFiles } = await import('./check');"],
  ])(
    '%s may import within the layers below: %s',
    (file, source) => {
      expect(lint(file, `${source}\nexport const used = [${source.match(/\{ (\w+) \}/)![1]}];\n`)).toBe('');
    },
    60_000,
  );
});
