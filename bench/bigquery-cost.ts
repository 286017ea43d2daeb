/**
 * BigQuery cost on paper. BigQuery on-demand bills the bytes of every column a query reads, at BigQuery's
 * logical sizes (STRING: 2 + UTF-8 bytes, INT64/FLOAT64/TIMESTAMP: 8, BOOL: 1, NULL: 0), however few rows
 * survive the filters. So for each statement the pipeline runs on DuckDB we ask DuckDB's plan which columns of
 * which tables it scans (filter pushdown off, so filter columns show up as scanned), and add up those columns'
 * BigQuery sizes in the tables as they are at that moment.
 *
 * A lower bound where BigQuery would re-read a CTE that DuckDB reads once; an upper bound where BigQuery's
 * partitioning or clustering would prune.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { DuckDBDialect } from '../src/sql/dialects/duckdb';

const duck = new DuckDBDialect();

export interface TableScan {
  table: string;
  columns: string[];
  bytes: number;
}

export interface StatementScan {
  sql: string;
  scans: TableScan[];
  bytes: number;
}

interface PlanNode {
  name: string;
  children?: PlanNode[];
  extra_info?: Record<string, unknown>;
}

function collectScans(node: PlanNode, out: { table: string; columns: string[] }[]): void {
  if (node.name === 'SEQ_SCAN' || node.name === 'TABLE_SCAN') {
    const info = node.extra_info ?? {};
    const table = info.Table;
    const projections = info.Projections;
    if (typeof table === 'string') {
      const columns = Array.isArray(projections) ? projections.map(String) : typeof projections === 'string' ? [projections] : [];
      out.push({ table, columns });
    }
  }
  for (const child of node.children ?? []) collectScans(child, out);
}

/** `"temp".main.u` / `memory.main.t` → a quoted reference. */
function tableRefOf(planName: string): string {
  return duck.tableRef(...planName.split('.').map((p) => p.replace(/^"|"$/g, '')));
}

const FIXED_WIDTH: Record<string, number> = { BIGINT: 8, INTEGER: 8, DOUBLE: 8, FLOAT: 8, TIMESTAMP: 8, 'TIMESTAMP WITH TIME ZONE': 8, DATE: 8, BOOLEAN: 1, HUGEINT: 16 };

/** BigQuery logical bytes of the given columns of a table, as it is now. */
export async function columnBytes(conn: DuckDBConnection, ref: string, columns: string[]): Promise<number> {
  if (columns.length === 0) return 0;
  const types = new Map(
    (await conn.runAndReadAll(`SELECT column_name, column_type FROM (DESCRIBE ${ref})`)).getRows().map(([n, t]) => [String(n), String(t)]),
  );
  const terms = columns
    .filter((c) => types.has(c))
    .map((c) => {
      const q = duck.quoteIdent(c);
      const width = FIXED_WIDTH[types.get(c)!];
      return width !== undefined ? `${width} * count(${q})` : `coalesce(sum(strlen(CAST(${q} AS VARCHAR)) + 2), 0)`;
    });
  if (terms.length === 0) return 0;
  return Number((await conn.runAndReadAll(`SELECT ${terms.join(' + ')} FROM ${ref}`)).getRows()[0][0]);
}

/** What one statement would scan on BigQuery; null when DuckDB cannot explain it (DDL, several statements). */
export async function statementScan(conn: DuckDBConnection, sql: string): Promise<StatementScan | null> {
  let plan: PlanNode[];
  try {
    await conn.run(`SET disabled_optimizers = 'filter_pushdown'`);
    const rows = (await conn.runAndReadAll(`EXPLAIN (FORMAT JSON) ${sql}`)).getRows();
    plan = JSON.parse(String(rows[0][1]));
  } catch {
    return null;
  } finally {
    await conn.run(`RESET disabled_optimizers`);
  }
  const found: { table: string; columns: string[] }[] = [];
  for (const node of plan) collectScans(node, found);
  const scans: TableScan[] = [];
  for (const s of found) scans.push({ ...s, bytes: await columnBytes(conn, tableRefOf(s.table), s.columns) });
  return { sql, scans, bytes: scans.reduce((a, s) => a + s.bytes, 0) };
}

type Runner = (sql: string, ...rest: unknown[]) => Promise<unknown>;

/**
 * A connection that records, before running each statement, what it would scan on BigQuery. `take()` returns
 * the statements recorded since the last call (so a step hook can attribute them to the step).
 */
export function withScanLedger(conn: DuckDBConnection): { conn: DuckDBConnection; take(): StatementScan[] } {
  let pending: StatementScan[] = [];
  let measuring = false;
  const wrap =
    (run: Runner): Runner =>
    async (sql, ...rest) => {
      if (!measuring && /^\s*(CREATE|INSERT|DELETE|UPDATE|MERGE|SELECT|WITH)\b/i.test(sql)) {
        measuring = true;
        try {
          const scan = await statementScan(conn, sql);
          if (scan) pending.push(scan);
        } finally {
          measuring = false;
        }
      }
      return run(sql, ...rest);
    };
  const proxy = new Proxy(conn, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if ((prop === 'run' || prop === 'runAndReadAll') && typeof value === 'function') return wrap(value.bind(target) as Runner);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return {
    conn: proxy,
    take() {
      const taken = pending;
      pending = [];
      return taken;
    },
  };
}
