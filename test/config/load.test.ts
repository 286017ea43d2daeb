import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, parseConfig } from '../../src/config/load';
import { closest, editDistance } from '../../src/config/issues';
import { starterConfig } from '../../src/config/template';
import { hashKeyWarning } from '../../src/config/schema';

/** The config error's problem lines (each already prefixed with the file name in the message). */
function problems(text: string): string[] {
  try {
    parseConfig(text, 'journey-stitch.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message.split('\n');
  }
  throw new Error('expected a ConfigError');
}

const DUCKDB_MINIMAL = `warehouse: duckdb
source:
  type: segment
  path: ./data
offsite:
  - name: linkedin
    path: ./data/linkedin.ndjson
`;

const BIGQUERY_MINIMAL = `warehouse: bigquery
project: acme-analytics
dataset: segment_raw
source:
  type: segment
offsite:
  - name: linkedin
    table: linkedin_interactions
`;

describe('parseConfig', () => {
  it('loads the minimal duckdb config with defaults filled in', () => {
    const config = parseConfig(DUCKDB_MINIMAL);
    expect(config.warehouse).toBe('duckdb');
    expect(config.source).toMatchObject({
      type: 'segment',
      path: './data',
      tables: { pages: 'pages', tracks: 'tracks', identifies: 'identifies' },
    });
    expect(config.offsite).toEqual([{ name: 'linkedin', path: './data/linkedin.ndjson', format: 'generic', columns: {} }]);
    expect(config.identity.max_iterations).toBe(50);
    expect(config.output.database).toBe('.journey-stitch/journey_stitch.duckdb');
  });

  it('loads the minimal bigquery config', () => {
    const config = parseConfig(BIGQUERY_MINIMAL);
    expect(config).toMatchObject({ warehouse: 'bigquery', project: 'acme-analytics', dataset: 'segment_raw', location: 'US' });
    expect(config.offsite[0]).toMatchObject({ name: 'linkedin', table: 'linkedin_interactions' });
  });

  it('names an unknown key with its path, line and a did-you-mean', () => {
    const text = DUCKDB_MINIMAL.replace('  path: ./data\n', '  path: ./data\n  columns:\n    pages:\n      timestmp: sent_at\n');
    expect(problems(text)).toEqual([
      "journey-stitch.yaml: source.columns.pages.timestmp: unknown key — did you mean 'timestamp'? (line 7, column 7)",
    ]);
  });

  it('lists the allowed keys when nothing is close, and reports every problem at once', () => {
    const text = `${DUCKDB_MINIMAL}colour: blue\nsessions:\n  inactivity_minuets: 20\n`;
    const lines = problems(text);
    expect(lines).toHaveLength(2);
    // In file order.
    expect(lines[1]).toBe(
      "journey-stitch.yaml: sessions.inactivity_minuets: unknown key — did you mean 'inactivity_minutes'? (line 10, column 3)",
    );
    expect(lines[0]).toMatch(/^journey-stitch\.yaml: colour: unknown key — allowed keys here: .*warehouse.*offsite.*\(line 8, column 1\)$/);
  });

  it('does not also report a misspelt required key as missing', () => {
    expect(problems(DUCKDB_MINIMAL.replace('source:', 'sourse:'))).toEqual([
      "journey-stitch.yaml: sourse: unknown key — did you mean 'source'? (line 2, column 1)",
    ]);
  });

  it('names the key in a list item', () => {
    const text = DUCKDB_MINIMAL.replace('    path: ./data/linkedin.ndjson\n', '    path: ./data/linkedin.ndjson\n    colums: {}\n');
    expect(problems(text)).toEqual(["journey-stitch.yaml: offsite[0].colums: unknown key — did you mean 'columns'? (line 8, column 5)"]);
  });

  it('explains a bad enum value with the allowed options and a did-you-mean', () => {
    expect(problems(DUCKDB_MINIMAL.replace('warehouse: duckdb', 'warehouse: bigqurey'))).toEqual([
      "journey-stitch.yaml: warehouse: 'bigqurey' is not allowed; use one of: duckdb, bigquery (did you mean 'bigquery'?) (line 1, column 12)",
    ]);
    expect(problems(DUCKDB_MINIMAL.replace('type: segment', 'type: mixpanel'))).toEqual([
      "journey-stitch.yaml: source.type: 'mixpanel' is not allowed; use one of: segment, rudderstack, snowplow (line 3, column 9)",
    ]);
  });

  it('explains wrong types, ranges, identifiers and missing keys', () => {
    const text = `${DUCKDB_MINIMAL}identity:\n  max_iterations: 0\n  junk_values: none\njourneys:\n  steps: many\n`;
    expect(problems(text)).toEqual([
      'journey-stitch.yaml: identity.max_iterations: 0 is out of range; must be at least 1 (line 9, column 19)',
      "journey-stitch.yaml: identity.junk_values: expected a list, got string 'none' (line 10, column 16)",
      "journey-stitch.yaml: journeys.steps: expected a number, got string 'many' (line 12, column 10)",
    ]);
    expect(problems(DUCKDB_MINIMAL.replace('name: linkedin', 'name: linked-in'))[0]).toBe(
      "journey-stitch.yaml: offsite[0].name: 'linked-in': offsite source name must be a plain identifier (letters, digits, underscores; not starting with a digit) (line 6, column 11)",
    );
    expect(problems('warehouse: duckdb\n')).toEqual(['journey-stitch.yaml: source: required key is missing']);
  });

  it("validates the duckdb: resources, which are optional and leave DuckDB's defaults", () => {
    expect(parseConfig(DUCKDB_MINIMAL).duckdb).toEqual({});
    expect(parseConfig(`${DUCKDB_MINIMAL}duckdb:\n  memory_limit: 512 MiB\n  threads: 2\n`).duckdb).toEqual({
      memory_limit: '512 MiB',
      threads: 2,
    });
    expect(problems(`${DUCKDB_MINIMAL}duckdb:\n  memory_limit: lots\n  threads: 0\n`)).toEqual([
      "journey-stitch.yaml: duckdb.memory_limit: 'lots': must be a size with a unit, such as '8GB' or '512MiB' (line 9, column 17)",
      'journey-stitch.yaml: duckdb.threads: 0 is out of range; must be at least 1 (line 10, column 12)',
    ]);
  });

  it('identity.hash_key: empty by default with a warning, refused with characters SQL or LookML would need escaped', () => {
    expect(parseConfig(DUCKDB_MINIMAL).identity.hash_key).toBe('');
    expect(hashKeyWarning(parseConfig(DUCKDB_MINIMAL))).toMatch(/^identity\.hash_key is not set: .*HASH_KEY constant/);
    expect(hashKeyWarning(parseConfig(`${DUCKDB_MINIMAL}identity:\n  hash_key: short\n`))).toMatch(/shorter than 16/);
    expect(hashKeyWarning(parseConfig(`${DUCKDB_MINIMAL}identity:\n  hash_key: Xq7-vR2_pL9mK4tZ\n`))).toBeUndefined();
    expect(problems(`${DUCKDB_MINIMAL}identity:\n  hash_key: "it's"\n`)).toEqual([
      expect.stringMatching(/identity\.hash_key: .*letters, digits, '_' and '-' only/),
    ]);
  });

  it('requires project and dataset for bigquery', () => {
    expect(problems(BIGQUERY_MINIMAL.replace('project: acme-analytics\n', ''))).toEqual([
      'journey-stitch.yaml: project: warehouse: bigquery needs project (where the raw tables live)',
    ]);
  });

  it('reports YAML syntax errors with line and column, and empty files', () => {
    expect(problems('warehouse: duckdb\nwarehouse: bigquery\n')).toEqual([
      'journey-stitch.yaml: YAML syntax error at line 2, column 1: Map keys must be unique',
    ]);
    expect(problems('warehouse: duckdb\nsource:\n  type: segment\n  path: [./data\n')[0]).toMatch(
      /^journey-stitch\.yaml: YAML syntax error at line \d+, column \d+: /,
    );
    expect(problems('')).toEqual(["journey-stitch.yaml: the file is empty; run 'journey-stitch init' to write a starter config"]);
    expect(problems('- a\n- b\n')).toEqual(['journey-stitch.yaml: expected a mapping of settings (key: value) at the top level']);
  });

  it('accepts both starter configs written by init', () => {
    expect(parseConfig(starterConfig('duckdb', 'journey-stitch.schema.json')).warehouse).toBe('duckdb');
    expect(parseConfig(starterConfig('bigquery', 'journey-stitch.schema.json')).warehouse).toBe('bigquery');
    // Its commented-out DuckDB resources are valid once uncommented.
    const uncommented = starterConfig('duckdb', 'journey-stitch.schema.json').replace(
      /^# ((duckdb| {2}memory_limit| {2}threads):)/gm,
      '$1',
    );
    expect(parseConfig(uncommented).duckdb).toEqual({ memory_limit: '8GB', threads: 4 });
  });
});

describe('loadConfig', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'js-config-'));
    await mkdir(path.join(dir, 'project'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('resolves relative paths against the config file folder, not the working directory', async () => {
    const file = path.join(dir, 'project', 'journey-stitch.yaml');
    await writeFile(file, `${DUCKDB_MINIMAL}output:\n  database: out/stitched.duckdb\n`);
    const { config, file: loaded } = await loadConfig(file);
    expect(loaded).toBe(file);
    expect(config.source.path).toBe(path.join(dir, 'project', 'data'));
    expect(config.offsite[0].path).toBe(path.join(dir, 'project', 'data', 'linkedin.ndjson'));
    expect(config.output.database).toBe(path.join(dir, 'project', 'out', 'stitched.duckdb'));
  });

  it('names the missing file and how to create one', async () => {
    const missing = path.join(dir, 'nope.yaml');
    await expect(loadConfig(missing)).rejects.toThrow(
      `${missing}: not found; run 'journey-stitch init' to create one, or pass --config <file>`,
    );
  });
});

describe('did-you-mean', () => {
  it('measures edits, counting a swap of neighbours as one', () => {
    expect(editDistance('timestmp', 'timestamp')).toBe(1);
    expect(editDistance('evnet', 'event')).toBe(1);
    expect(editDistance('abc', 'xyz')).toBe(3);
  });
  it('suggests only close candidates', () => {
    expect(closest('Timestamp', ['id', 'timestamp'])).toBe('timestamp');
    expect(closest('colour', ['warehouse', 'source'])).toBeUndefined();
  });
});
