/** `journey-stitch introspect`: found / missing columns, suggested mapping, and the command on a config file. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { runIntrospect } from '../../src/cli/commands/introspect';
import { configSchema, type ConfigInput } from '../../src/config/schema';
import { FakeBigQuery, type FakeTable } from '../../src/warehouse/bigquery/fake';
import { formatIntrospection, introspect, suggestedConfig } from '../../src/warehouse/bigquery/introspect';
import { stitchBigQuery } from '../../src/warehouse/bigquery';
import { rawSourceTables } from '../support/bigquery-catalog';

const input: ConfigInput = {
  warehouse: 'bigquery',
  project: 'acme-analytics',
  dataset: 'rudder',
  source: { type: 'rudderstack' },
  offsite: [{ name: 'linkedin' }],
};
const config = configSchema.parse(input);

/** The tables of a standard config, renamed the way a real RudderStack / export dataset might differ. */
function realisticDataset(): Record<string, FakeTable> {
  const rename: Record<string, Record<string, string | null>> = {
    pages: { timestamp: 'sent_at', context_page_url: 'url', context_campaign_term: null },
    tracks: { timestamp: 'original_timestamp' },
    identifies: { email: 'email_address', name: null, first_name: null, last_name: null },
    linkedin: { full_name: 'fullName', profile_url: 'profileUrl', content_url: null, id: null },
  };
  const tables: Record<string, FakeTable> = {};
  for (const t of rawSourceTables(config)) {
    const name = t.path[2];
    const columns = t.columns
      .filter((c) => rename[name]?.[c.name] !== null)
      .map((c) => ({ name: rename[name]?.[c.name] ?? c.name, type: c.type }));
    tables[`rudder.${name === 'linkedin' ? 'linkedin_export' : name}`] = {
      columns: [...columns, { name: 'loaded_at', type: 'TIMESTAMP' }],
      bytes: 1024,
    };
  }
  tables['rudder.users'] = { columns: [{ name: 'id', type: 'STRING' }], bytes: 10 };
  return tables;
}

const warehouse = () => new FakeBigQuery({ project: 'acme-analytics', tables: realisticDataset() });

describe('introspect', () => {
  it('reports found and missing columns per table, required apart from optional', async () => {
    const fake = warehouse();
    const result = introspect(config, await fake.getColumns('rudder'));
    const pages = result.tables.find((t) => t.spec.logical === 'pages')!;
    expect(pages.exists).toBe(true);
    expect(pages.missingRequired.map((c) => c.logical)).toEqual(['timestamp']);
    expect(pages.missingOptional.map((c) => c.logical)).toEqual(['context_page_url', 'context_campaign_term']);
    expect(pages.found.find((c) => c.logical === 'anonymous_id')).toEqual({
      logical: 'anonymous_id',
      physical: 'anonymous_id',
      required: true,
      dataType: 'STRING',
    });
    expect(pages.suggestions).toEqual([
      { logical: 'timestamp', column: 'sent_at', required: true },
      { logical: 'context_page_url', column: 'url', required: false },
    ]);
    const identifies = result.tables.find((t) => t.spec.logical === 'identifies')!;
    expect(identifies.missingRequired).toEqual([]);
    expect(identifies.missingOptional.map((c) => c.logical)).toEqual(['email', 'name', 'first_name', 'last_name']);
    expect(identifies.suggestions).toEqual([{ logical: 'email', column: 'email_address', required: false }]);
    const linkedin = result.tables.find((t) => t.spec.logical === 'offsite:linkedin')!;
    expect(linkedin).toMatchObject({ exists: false, suggestedTable: 'linkedin_export' });
    expect(result.otherTables).toEqual(['linkedin_export', 'users']);
    expect(result.ready).toBe(false);
  });

  it('suggests a config fragment that, merged in, makes the dataset ready and stitch run', async () => {
    const fake = warehouse();
    const first = introspect(config, await fake.getColumns('rudder'));
    const fragment = suggestedConfig(config, first)!;
    expect(fragment).toEqual({
      source: {
        columns: {
          pages: { timestamp: 'sent_at', context_page_url: 'url' },
          tracks: { timestamp: 'original_timestamp' },
          identifies: { email: 'email_address' },
        },
      },
      offsite: [{ name: 'linkedin', table: 'linkedin_export' }],
    });
    // Merge as a user would: source keys into source, offsite entries by name.
    const merged = configSchema.parse({
      ...input,
      source: { ...input.source, ...(fragment.source as object) },
      offsite: [{ ...input.offsite![0], ...(fragment.offsite as object[])[0] }],
    });
    const second = introspect(merged, await fake.getColumns('rudder'));
    // The offsite table is found now, so its columns are checked and mapped in turn.
    const again = suggestedConfig(merged, second)!;
    expect(again).toEqual({ offsite: [{ name: 'linkedin', columns: { profile_url: 'profileUrl', full_name: 'fullName' } }] });
    const final = configSchema.parse({
      ...input,
      source: merged.source,
      offsite: [{ ...merged.offsite[0], ...(again.offsite as object[])[0] }],
    });
    const ready = introspect(final, await fake.getColumns('rudder'));
    expect(ready.ready).toBe(true);
    expect(suggestedConfig(final, ready)).toBeUndefined();
    fake.datasets.add('journey_stitch');
    await expect(stitchBigQuery(final, { client: fake, dryRun: true })).resolves.toMatchObject({ dryRun: true });
  });

  it('prints a readable report with the mapping as YAML that parses back to the fragment', async () => {
    const fake = warehouse();
    const result = introspect(config, await fake.getColumns('rudder'));
    const text = formatIntrospection(config, result);
    expect(text).toContain('Raw dataset acme-analytics.rudder:');
    expect(text).toMatch(/^ {2}pages \(pages\): 11 of 14 expected columns$/m);
    expect(text).toContain('    missing, required: timestamp');
    expect(text).toContain('    missing, optional (read as NULL): context_page_url, context_campaign_term');
    expect(text).toContain('  linkedin (offsite:linkedin): table not found — did you mean linkedin_export?');
    expect(text).toContain('Not ready:');
    const yamlPart = text.split('merge into your config — offsite entries by name):\n\n')[1].split('\n\n')[0];
    expect(parse(yamlPart)).toEqual(suggestedConfig(config, result));
  });
});

describe('journey-stitch introspect (command)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'js-introspect-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads the config file and reports against the dataset', async () => {
    const file = path.join(dir, 'journey-stitch.yaml');
    await writeFile(file, stringify(input));
    const { text, ready } = await runIntrospect(file, warehouse());
    expect(ready).toBe(false);
    expect(text).toContain('timestamp: sent_at');
  });

  it('refuses a duckdb config and a missing dataset with clear messages', async () => {
    const duck = path.join(dir, 'duck.yaml');
    await writeFile(duck, stringify({ warehouse: 'duckdb', source: { type: 'segment', path: 'data' } }));
    await expect(runIntrospect(duck, warehouse())).rejects.toThrow(
      /duck\.yaml: introspect reads BigQuery's INFORMATION_SCHEMA; this config has warehouse: duckdb/,
    );
    const file = path.join(dir, 'other.yaml');
    await writeFile(file, stringify({ ...input, dataset: 'segment' }));
    await expect(runIntrospect(file, warehouse())).rejects.toThrow(
      'Not found: Dataset acme-analytics:segment was not found in location US',
    );
  });
});
