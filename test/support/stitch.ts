/**
 * Runs the real stitching pipeline on DuckDB for an oracle input: raw tables created from the rows (all VARCHAR,
 * physical names from the config's column mapping), the models built with the DuckDB dialect, the pipeline run,
 * and the output tables read back as rows comparable with the oracle's (timestamps as ISO strings, BIGINT as
 * numbers, booleans), sorted by primary key.
 */
import { OFFSITE_COLUMNS, SEGMENT_COLUMNS, type Config } from '../../src/config/schema';
import { OUTPUT_TABLES, REJECTS_TABLE, outputTables, type OutputTable } from '../../src/contract/tables';
import { runPipeline, type RunReport } from '../../src/warehouse/duckdb/run';
import { buildPipeline, type RawSources } from '../../src/models';
import type { OracleInput, RawRow, Row } from '../../src/oracle';
import { compareText, isoFromMicros } from '../../src/oracle/values';
import { DuckDBDialect } from '../../src/sql/dialects';
import { createTable, queryRows, type TestDb } from './duckdb';

export interface RejectSummary {
  source_table: string;
  event_id: string | null;
  reason: string;
}

export type StitchedTables = Record<OutputTable, Row[]> & { rejected: RejectSummary[]; report: RunReport };

interface RawTableSpec {
  logical: string;
  physicalName: string;
  /** Logical column → physical column. */
  columns: Map<string, string>;
  rows: RawRow[];
}

/** The raw tables of an input: every known column of the table (so required ones exist), plus any extra keys. */
function rawTableSpecs(input: OracleInput, config: Config): RawTableSpec[] {
  if (config.source.type === 'snowplow') throw new Error('stitchOnDuckDB supports Segment/RudderStack inputs only');
  const source = config.source;
  const withMapping = (logical: string[], rows: RawRow[], mapping: Record<string, string | undefined>) => {
    const all = [...new Set([...logical, ...rows.flatMap((r) => Object.keys(r))])];
    return new Map(all.map((c) => [c, mapping[c] ?? c]));
  };
  const crmColumns = config.identity.crm_ids.map((c) => c.column);
  const segment = (['pages', 'tracks', 'identifies'] as const).map((kind): RawTableSpec => {
    const logical: string[] = [...SEGMENT_COLUMNS.common];
    if (kind === 'tracks') logical.push(...SEGMENT_COLUMNS.tracks);
    if (kind === 'identifies') logical.push(...SEGMENT_COLUMNS.identifies, ...crmColumns);
    const rows = input[kind] ?? [];
    return { logical: kind, physicalName: `raw_${kind}`, columns: withMapping(logical, rows, source.columns[kind]), rows };
  });
  const offsite = config.offsite.map((o): RawTableSpec => {
    const rows = input.offsite?.[o.name] ?? [];
    // The id column exists only when the rows have one: otherwise the models hash the row into an id.
    const logical = OFFSITE_COLUMNS.filter((c) => c !== 'id' || rows.some((r) => 'id' in r));
    return { logical: `offsite:${o.name}`, physicalName: `raw_offsite_${o.name}`, columns: withMapping(logical, rows, o.columns), rows };
  });
  return [...segment, ...offsite];
}

async function createRawTables(db: TestDb, specs: RawTableSpec[]): Promise<void> {
  for (const spec of specs) {
    const types = Object.fromEntries([...spec.columns.values()].map((c) => [c, 'string']));
    const rows = spec.rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [spec.columns.get(k)!, v])));
    await createTable(db.conn, spec.physicalName, rows, types);
  }
}

/** An output table's contract columns, timestamps as epoch microseconds (converted to ISO strings in JS). */
async function readOutput(db: TestDb, dialect: DuckDBDialect, table: OutputTable, steps: number): Promise<Row[]> {
  const def = outputTables(steps).find((t) => t.name === table)!;
  const select = def.columns.map((c) => {
    const col = dialect.quoteIdent(c.name);
    return c.type === 'timestamp' ? `epoch_us(${col}) AS ${col}` : col;
  });
  const rows = await queryRows(db.conn, `SELECT ${select.join(', ')} FROM ${dialect.quoteIdent(table)}`);
  const normalised = rows.map((row) =>
    Object.fromEntries(
      def.columns.map((c) => {
        const v = row[c.name];
        if (v === null || v === undefined) return [c.name, null];
        if (typeof v === 'bigint') throw new Error(`${table}.${c.name}: ${v} is too large for a JS number`);
        return [c.name, c.type === 'timestamp' ? isoFromMicros(v as number) : (v as Row[string])];
      }),
    ),
  );
  return normalised.sort((a, b) => compareText(String(a[def.primaryKey]), String(b[def.primaryKey])));
}

/** Builds and runs the pipeline for `input` on `db` (tables are replaced, so one database serves many runs). */
export async function stitchOnDuckDB(db: TestDb, input: OracleInput, config: Config): Promise<StitchedTables> {
  const dialect = new DuckDBDialect();
  // Timestamps without an offset are UTC, as in the oracle, whatever the machine's zone.
  await db.conn.run(`SET TimeZone = 'UTC'`);
  const specs = rawTableSpecs(input, config);
  await createRawTables(db, specs);
  const byLogical = new Map(specs.map((s) => [s.logical, s]));
  const spec = (table: string) => {
    const found = byLogical.get(table);
    if (!found) throw new Error(`the models asked for raw table '${table}', which the test input does not define`);
    return found;
  };
  const raw: RawSources = {
    ref: (table) => dialect.quoteIdent(spec(table).physicalName),
    columns: (table) => new Set(spec(table).columns.values()),
  };
  // The materialization stitch runs with (some intermediates as subqueries of their one reader).
  const pipeline = buildPipeline({ config, dialect, raw, out: (table) => dialect.quoteIdent(table), inline: true });
  const report = await runPipeline(db.conn, pipeline);

  const tables = {} as Record<OutputTable, Row[]>;
  for (const table of OUTPUT_TABLES) tables[table] = await readOutput(db, dialect, table, config.journeys.steps);
  const rejected = (await queryRows(
    db.conn,
    `SELECT source_table, event_id, reason FROM ${dialect.quoteIdent(REJECTS_TABLE)} ORDER BY source_table, event_id, reason`,
  )) as unknown as RejectSummary[];
  return { ...tables, rejected, report };
}
