/**
 * Incremental-refresh test harness: raw tables that grow batch by batch in one DuckDB database (a full run on the
 * first batch, incremental runs after each next one), a fresh database with one full rebuild on everything, and
 * every output table read back whole (all columns, sorted by primary key) so the two can be compared exactly.
 */
import { nameMatching, OFFSITE_COLUMNS, SEGMENT_COLUMNS, type Config } from '../../src/config/schema';
import { OUTPUT_TABLES, REJECTS_TABLE, outputTables } from '../../src/contract/tables';
import { refreshFull, refreshIncremental, type RefreshResult } from '../../src/warehouse/duckdb/incremental';
import { runPipeline } from '../../src/warehouse/duckdb/run';
import { buildPipeline, type MatchModel, type RawSources } from '../../src/models';
import type { IncrementalConfig } from '../../src/models/incremental';
import type { OracleInput, RawRow } from '../../src/oracle';
import { DuckDBDialect } from '../../src/sql/dialects';
import { openMemoryDb, queryRows, type TestDb } from '../support/duckdb';

const duck = new DuckDBDialect();

export type RawTableName = 'pages' | 'tracks' | 'identifies' | `offsite:${string}`;

/** Logical raw table → its rows, in the shape of an oracle input. */
export function rawRowsOf(input: OracleInput): Array<[RawTableName, RawRow[]]> {
  return [
    ['pages', input.pages ?? []],
    ['tracks', input.tracks ?? []],
    ['identifies', input.identifies ?? []],
    ...Object.entries(input.offsite ?? {}).map(([name, rows]): [RawTableName, RawRow[]] => [`offsite:${name}`, rows]),
  ];
}

const physical = (table: RawTableName) => `raw_${table.replace(':', '_')}`;

/** Columns of each raw table: every logical column (no mapping in the test configs), and an offsite id only if some row has one. */
function rawColumns(config: Config, all: OracleInput): Map<RawTableName, string[]> {
  const crm = config.identity.crm_ids.map((c) => c.column);
  const columns = new Map<RawTableName, string[]>();
  for (const [table, rows] of rawRowsOf(all)) {
    let logical: string[];
    if (table === 'pages') logical = [...SEGMENT_COLUMNS.common];
    else if (table === 'tracks') logical = [...SEGMENT_COLUMNS.common, ...SEGMENT_COLUMNS.tracks];
    else if (table === 'identifies') logical = [...SEGMENT_COLUMNS.common, ...SEGMENT_COLUMNS.identifies, ...crm];
    else logical = OFFSITE_COLUMNS.filter((c) => c !== 'id' || rows.some((r) => 'id' in r));
    columns.set(table, [...new Set([...logical, ...rows.flatMap((r) => Object.keys(r))])]);
  }
  for (const o of config.offsite)
    if (!columns.has(`offsite:${o.name}`))
      columns.set(
        `offsite:${o.name}`,
        OFFSITE_COLUMNS.filter((c) => c !== 'id'),
      );
  return columns;
}

/** A database whose raw tables receive rows batch by batch. */
export class RawDatabase {
  private constructor(
    readonly db: TestDb,
    private readonly columns: Map<RawTableName, string[]>,
  ) {}

  /** `all` fixes the raw tables' columns up front (every batch's rows must fit them). */
  static async open(config: Config, all: OracleInput): Promise<RawDatabase> {
    const db = await openMemoryDb();
    await db.conn.run(`SET TimeZone = 'UTC'`);
    const columns = rawColumns(config, all);
    for (const [table, cols] of columns) {
      await db.conn.run(
        `CREATE TABLE ${duck.quoteIdent(physical(table))} (${cols.map((c) => `${duck.quoteIdent(c)} VARCHAR`).join(', ')})`,
      );
    }
    return new RawDatabase(db, columns);
  }

  get raw(): RawSources {
    return {
      ref: (table) => duck.quoteIdent(physical(table as RawTableName)),
      columns: (table) => new Set(this.columns.get(table as RawTableName)),
    };
  }

  async append(batch: OracleInput): Promise<void> {
    for (const [table, rows] of rawRowsOf(batch)) {
      const cols = this.columns.get(table);
      if (!cols) throw new Error(`no raw table for '${table}'`);
      for (const row of rows) {
        const values = cols.map((c) => (row[c] === null || row[c] === undefined ? null : String(row[c])));
        await this.db.conn.run(
          `INSERT INTO ${duck.quoteIdent(physical(table))} VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`,
          values,
        );
      }
    }
  }

  close(): void {
    this.db.close();
  }
}

export type TableRows = Record<string, Record<string, unknown>[]>;

/** Every output table (all columns, including stitched_events' extra ones) and rejected_rows, sorted. */
export async function readOutputs(db: TestDb, steps: number): Promise<TableRows> {
  const tables: TableRows = {};
  for (const def of outputTables(steps)) {
    tables[def.name] = await queryRows(db.conn, `SELECT * FROM ${duck.quoteIdent(def.name)} ORDER BY ${duck.quoteIdent(def.primaryKey)}`);
  }
  tables[REJECTS_TABLE] = await queryRows(db.conn, `SELECT * FROM ${duck.quoteIdent(REJECTS_TABLE)} ORDER BY ALL`);
  return tables;
}

/**
 * The name-matching parameters in the state of the last refreshInBatches: an incremental run scores with the
 * parameters of the full run that built its state (src/models/matching.ts), so what it must equal is a full rebuild
 * with those parameters pinned. Undefined before any run, or when matching is not scored.
 */
let lastStateModel: { params: Record<string, unknown>; nameTokens: Record<string, unknown>[] } | undefined;

/** One full rebuild over `all` in a fresh database; scored name matching uses the last refresh's state parameters. */
export async function fullRebuild(config: Config, all: OracleInput): Promise<TableRows> {
  const rawDb = await RawDatabase.open(config, all);
  try {
    await rawDb.append(all);
    let matchModel: MatchModel | undefined;
    if (nameMatching(config)?.method === 'scored' && lastStateModel) {
      // Table names, as `out` takes them: the pipeline reads them through the model graph (ModelContext.external).
      matchModel = { params: 'pinned_match_params', nameTokens: 'pinned_name_tokens' };
      const [params, nameTokens] = [duck.quoteIdent(matchModel.params), duck.quoteIdent(matchModel.nameTokens)];
      const columns = Object.entries(lastStateModel.params).map(
        ([name, value]) => `CAST(${value === null ? 'NULL' : String(value)} AS DOUBLE) AS ${duck.quoteIdent(name)}`,
      );
      await rawDb.db.conn.run(`CREATE TABLE ${params} AS SELECT ${columns.join(', ')}`);
      await rawDb.db.conn.run(`CREATE TABLE ${nameTokens} (token VARCHAR, records BIGINT)`);
      for (const row of lastStateModel.nameTokens) {
        await rawDb.db.conn.run(`INSERT INTO ${nameTokens} VALUES (${duck.stringLiteral(String(row.token))}, ${Number(row.records)})`);
      }
    }
    await runPipeline(rawDb.db.conn, buildPipeline({ config, dialect: duck, raw: rawDb.raw, out: (t) => duck.quoteIdent(t), matchModel }));
    return await readOutputs(rawDb.db, config.journeys.steps);
  } finally {
    rawDb.close();
  }
}

export async function refreshInBatches(
  config: Config,
  incremental: Pick<IncrementalConfig, 'lookback_hours'>,
  batches: OracleInput[],
  onRun?: (index: number, result: RefreshResult, db: TestDb) => Promise<void>,
  /** The run time of each run (default: far after every event). */
  now: (index: number) => Date = (i) => new Date(Date.UTC(2030, 0, 1, 0, i)),
): Promise<TableRows> {
  const rawDb = await RawDatabase.open(config, mergeInputs(batches));
  try {
    for (const [i, batch] of batches.entries()) {
      await rawDb.append(batch);
      const opts = { config, incremental, raw: rawDb.raw, now: now(i) };
      const result = i === 0 ? await refreshFull(rawDb.db.conn, opts) : await refreshIncremental(rawDb.db.conn, opts);
      await onRun?.(i, result, rawDb.db);
    }
    lastStateModel =
      nameMatching(config)?.method === 'scored'
        ? {
            params: (await queryRows(rawDb.db.conn, `SELECT * FROM js_state_match_params`))[0],
            nameTokens: await queryRows(rawDb.db.conn, `SELECT * FROM js_state_name_tokens ORDER BY token`),
          }
        : undefined;
    return await readOutputs(rawDb.db, config.journeys.steps);
  } finally {
    rawDb.close();
  }
}

export function mergeInputs(inputs: OracleInput[]): OracleInput {
  const merged: Required<OracleInput> = { pages: [], tracks: [], identifies: [], offsite: {} } as Required<OracleInput>;
  for (const input of inputs) {
    for (const [table, rows] of rawRowsOf(input)) {
      if (table.startsWith('offsite:')) {
        const name = table.slice('offsite:'.length);
        (merged.offsite[name] ??= []).push(...rows);
      } else merged[table as 'pages' | 'tracks' | 'identifies']!.push(...rows);
    }
  }
  return merged;
}

export { OUTPUT_TABLES };
