/** The ZetaSQL harness itself: it must accept valid BigQuery and reject wrong names, types and syntax, saying where. */
import { configSchema } from '../../src/config/schema';
import { bigQueryCatalog } from '../support/bigquery-catalog';
import { catalogProto, parseAnalyzerError, pointAt, useZetaSQL } from '../support/zetasql';

const config = configSchema.parse({
  warehouse: 'bigquery',
  project: 'acme-analytics',
  dataset: 'segment_raw',
  source: { type: 'segment', columns: { identifies: { email: 'email_address' } } },
  offsite: [{ name: 'linkedin', columns: { full_name: 'member_name' } }],
});

const zetasql = useZetaSQL(() => bigQueryCatalog(config));

describe('ZetaSQL harness', () => {
  it('accepts a BigQuery statement over the raw and output tables, and reports its result columns', async () => {
    const res = await zetasql().expectValid(`
      SELECT p.anonymous_id, TIMESTAMP_TRUNC(p.timestamp, DAY) AS day, COUNTIF(i.email_address IS NOT NULL) AS identified
      FROM \`acme-analytics\`.\`segment_raw\`.\`pages\` AS p
      LEFT JOIN \`acme-analytics.segment_raw.identifies\` AS i USING (anonymous_id)
      WHERE TRUE
      GROUP BY 1, 2
      QUALIFY ROW_NUMBER() OVER (PARTITION BY p.anonymous_id ORDER BY day DESC) = 1`);
    expect(res.columns).toEqual([
      { name: 'anonymous_id', type: 'STRING' },
      { name: 'day', type: 'TIMESTAMP' },
      { name: 'identified', type: 'INT64' },
    ]);
  });

  it('accepts CREATE OR REPLACE TABLE with partitioning and clustering, and describes the created table', async () => {
    const res = await zetasql().expectValid(`
      CREATE OR REPLACE TABLE \`acme-analytics\`.\`journey_stitch\`.\`events_copy\`
      PARTITION BY DATE(occurred_at)
      CLUSTER BY person_id
      AS SELECT person_id, occurred_at, is_conversion FROM \`acme-analytics\`.\`journey_stitch\`.\`stitched_events\``);
    expect(res.creates).toEqual({
      path: ['acme-analytics', 'journey_stitch', 'events_copy'],
      columns: [
        { name: 'person_id', type: 'STRING' },
        { name: 'occurred_at', type: 'TIMESTAMP' },
        { name: 'is_conversion', type: 'BOOL' },
      ],
    });
  });

  it('lets a later statement read a table an earlier one created (addTables)', async () => {
    const zs = zetasql();
    const scratch = 'SELECT n FROM `acme-analytics`.`journey_stitch`.`scratch_numbers`';
    expect(await zs.analyze(scratch)).toMatchObject({ ok: false, message: expect.stringContaining('Table not found') });
    const created = await zs.expectValid('CREATE OR REPLACE TABLE `acme-analytics`.`journey_stitch`.`scratch_numbers` AS SELECT 1 AS n');
    await zs.addTables(created.creates!);
    expect(await zs.analyze(scratch)).toMatchObject({ ok: true, columns: [{ name: 'n', type: 'INT64' }] });
  });

  it('rejects an unknown column, naming it, with its position', async () => {
    const res = await zetasql().analyze('SELECT\n  email\nFROM `acme-analytics`.`segment_raw`.`identifies`');
    // The config maps email to email_address, so `email` does not exist; the analyzer suggests the close name.
    expect(res).toEqual({ ok: false, message: expect.stringMatching(/^Unrecognized name: email/), line: 2, column: 3 });
  });

  it('rejects a mapped column under its logical name on an offsite table, and an unknown table', async () => {
    expect(await zetasql().analyze('SELECT full_name FROM `acme-analytics`.`segment_raw`.`linkedin`')).toMatchObject({
      ok: false,
      message: expect.stringContaining('Unrecognized name: full_name'),
    });
    expect(await zetasql().analyze('SELECT 1 FROM `acme-analytics`.`segment_raw`.`twitter`')).toMatchObject({
      ok: false,
      message: expect.stringContaining('Table not found'),
    });
  });

  it('rejects a type error with the operator and argument types', async () => {
    const res = await zetasql().analyze('SELECT * FROM `acme-analytics`.`segment_raw`.`tracks` WHERE timestamp > 5');
    expect(res).toMatchObject({ ok: false, line: 1 });
    expect(!res.ok && res.message).toMatch(/No matching signature for operator >.*TIMESTAMP, INT64/);
  });

  it('rejects syntax errors and DuckDB-only syntax', async () => {
    expect(await zetasql().analyze('SELEC 1')).toEqual({ ok: false, message: expect.stringContaining('Syntax error'), line: 1, column: 1 });
    // DuckDB's double-quoted identifiers are string literals in BigQuery, so this selects a string, not a column
    // — but a DuckDB function does not exist at all:
    expect(await zetasql().analyze("SELECT regexp_matches('a', 'a')")).toMatchObject({
      ok: false,
      message: expect.stringContaining('Function not found: regexp_matches'),
    });
  });

  it('rejects what BigQuery lacks even though ZetaSQL has it (product mode, features)', async () => {
    expect(await zetasql().analyze('SELECT CAST(1 AS INT32)')).toMatchObject({ ok: false, message: expect.stringContaining('INT32') });
  });

  it('documents that QUALIFY needs WHERE, GROUP BY or HAVING in the analyzer', async () => {
    const bare = 'SELECT anonymous_id FROM `acme-analytics`.`segment_raw`.`pages` QUALIFY ROW_NUMBER() OVER (ORDER BY timestamp) = 1';
    expect(await zetasql().analyze(bare)).toMatchObject({
      ok: false,
      message: expect.stringContaining('QUALIFY clause must be used in conjunction with WHERE'),
    });
    expect(await zetasql().analyze(bare.replace(' QUALIFY', ' WHERE TRUE QUALIFY'))).toMatchObject({ ok: true });
  });

  it('parses BigQuery scripts (syntax only) and rejects a malformed one', async () => {
    const script = `DECLARE changed INT64 DEFAULT 1;
WHILE changed > 0 DO
  CREATE OR REPLACE TABLE \`acme-analytics\`.\`journey_stitch\`.\`x\` AS SELECT 1 AS n;
  SET changed = (SELECT COUNT(*) FROM \`acme-analytics\`.\`journey_stitch\`.\`x\` WHERE n > 1);
END WHILE;`;
    expect(await zetasql().parseScript(script)).toEqual({ ok: true });
    expect(await zetasql().parseScript(script.replace('END WHILE', 'END'))).toEqual({
      ok: false,
      message: expect.stringContaining('Expected keyword WHILE'),
      line: 5,
      column: 4,
    });
    // A single-statement analysis refuses scripting statements: scripts are parsed, their statements analyzed.
    expect(await zetasql().analyze('DECLARE x INT64 DEFAULT 1')).toMatchObject({ ok: false, message: expect.stringContaining('DECLARE') });
  });

  it('expectValid throws a message that points at the error', async () => {
    await expect(zetasql().expectValid('SELECT nope FROM `acme-analytics`.`segment_raw`.`pages`')).rejects.toThrow(
      /Unrecognized name: nope[^]*1\| SELECT nope[^]*\n {10}\^/,
    );
  });
});

describe('harness helpers', () => {
  it('nests tables by path and keeps their dotted names at the root', () => {
    const proto = catalogProto([{ path: ['p-1', 'd', 't'], columns: [{ name: 'a', type: 'DATE' }] }]);
    expect(proto.catalog[0].name).toBe('p-1');
    expect(proto.catalog[0].catalog[0].table[0]).toEqual({ name: 't', column: [{ name: 'a', type: { typeKind: 'TYPE_DATE' } }] });
    expect(proto.table.map((t) => t.name)).toEqual(['p-1.d.t']);
    expect(() =>
      catalogProto([
        { path: ['a', 't'], columns: [] },
        { path: ['A', 'T'], columns: [] },
      ]),
    ).toThrow(/defined twice/);
  });

  it('splits analyzer messages and draws a caret', () => {
    expect(parseAnalyzerError('Unrecognized name: x [at 2:8]')).toEqual({ ok: false, message: 'Unrecognized name: x', line: 2, column: 8 });
    expect(parseAnalyzerError('no location')).toEqual({ ok: false, message: 'no location' });
    expect(pointAt('SELECT 1\nSELECT x', 2, 8)).toBe('2| SELECT x\n          ^');
  });
});
