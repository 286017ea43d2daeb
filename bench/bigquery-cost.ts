/**
 * BigQuery cost on paper. BigQuery on-demand bills the bytes of every column a query reads, at BigQuery's
 * logical sizes (STRING: 2 + UTF-8 bytes, INT64/FLOAT64/TIMESTAMP: 8, BOOL: 1, NULL: 0), however few rows
 * survive the filters. So for each statement the pipeline runs on DuckDB we ask DuckDB's plan which columns of
 * which tables it scans (filter pushdown off, so filter columns show up as scanned), and add up those columns'
 * BigQuery sizes in the tables as they are at that moment.
 *
 * DML also bills the table it modifies (BigQuery's DML pricing): a DELETE, UPDATE or MERGE adds every column of
 * the target table as it is when the statement starts, or of only the partitions it modifies when the table is
 * date-partitioned (`partitions`: table name → partition column). An INSERT bills only what it reads.
 *
 * A lower bound where BigQuery would re-read a CTE that DuckDB reads once, and where it rounds a small table read
 * up to 10 MiB; an upper bound where clustering would prune.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { DuckDBDialect } from '../src/sql/dialects/duckdb';

const duck = new DuckDBDialect();

export interface TableScan {
  table: string;
  columns: string[];
  bytes: number;
  /** The constant filter over the scan, as DuckDB prints it (see collectScans). */
  filter?: string;
  /** What a DML statement bills of the table it modifies (the partitions it changes, or the whole table). */
  modified?: true;
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

/**
 * Every table scan in a plan, with the filter that applies to its rows alone: with filter pushdown off, a WHERE
 * sits in a FILTER above the scan, passed down through projections and to the outer side of the joins an IN,
 * EXISTS or NOT EXISTS becomes (their inner side cannot see the outer columns).
 */
function collectScans(node: PlanNode, out: { table: string; columns: string[]; filter?: string }[], filter?: string): void {
  const info = node.extra_info ?? {};
  if (node.name === 'SEQ_SCAN' || node.name === 'TABLE_SCAN') {
    const table = info.Table;
    const projections = info.Projections;
    if (typeof table === 'string') {
      const columns = (Array.isArray(projections) ? projections.map(String) : typeof projections === 'string' ? [projections] : []).filter(
        Boolean,
      );
      out.push({ table, columns, ...(filter ? { filter } : {}) });
    }
  }
  const own = node.name === 'FILTER' && typeof info.Expression === 'string' ? info.Expression : undefined;
  const outerOnly = /JOIN/.test(node.name) && /^(MARK|SEMI|ANTI)$/.test(String(info['Join Type']));
  (node.children ?? []).forEach((child, i) => {
    const passed = own ?? (node.name === 'PROJECTION' || (outerOnly && i === 0) ? filter : undefined);
    collectScans(child, out, passed);
  });
}

/**
 * The days a constant filter leaves of a table date-partitioned on `column`, as a predicate on its rows; undefined
 * when it prunes nothing. BigQuery prunes partitions on constant comparisons of the partition column (top-level
 * conjuncts, as DuckDB prints them: `(occurred_at >= '2024-03-01 00:00:00'::TIMESTAMP)`); a partition is billed
 * whole when any instant of its day can pass.
 */
export function prunedDays(filter: string | undefined, column: string): string | undefined {
  // Only conjuncts prune: a comparison under an OR does not.
  if (!filter || /\bOR\b/.test(filter)) return undefined;
  const name = column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const comparison = new RegExp(`(?:^|[\\s(])"?${name}"? (>=|>|<=|<|=) '([0-9: .-]+)'::TIMESTAMP`, 'g');
  const day = `CAST(${duck.quoteIdent(column)} AS DATE)`;
  const days = [...filter.matchAll(comparison)].map(([, op, value]) => {
    const date = `CAST(TIMESTAMP ${duck.stringLiteral(value)} AS DATE)`;
    // `< midnight` keeps no instant of that day.
    const before = op === '<' && /^\S+( 00:00:00(\.0*)?)?$/.test(value) ? '<' : '<=';
    return `${day} ${op.startsWith('>') ? '>=' : op.startsWith('<') ? before : '='} ${date}`;
  });
  return days.length ? days.join(' AND ') : undefined;
}

/** A table name from a plan's or a statement's reference (`memory.main.t`, `"t"`). */
const bareName = (ref: string) => ref.split('.').pop()!.replace(/"/g, '');

/** `"temp".main.u` / `memory.main.t` → a quoted reference. */
function tableRefOf(planName: string): string {
  return duck.tableRef(...planName.split('.').map((p) => p.replace(/^"|"$/g, '')));
}

const FIXED_WIDTH: Record<string, number> = {
  BIGINT: 8,
  INTEGER: 8,
  DOUBLE: 8,
  FLOAT: 8,
  TIMESTAMP: 8,
  'TIMESTAMP WITH TIME ZONE': 8,
  DATE: 8,
  BOOLEAN: 1,
  HUGEINT: 16,
};

/** A table's column types, by column name. */
async function columnTypes(conn: DuckDBConnection, ref: string): Promise<Map<string, string>> {
  return new Map(
    (await conn.runAndReadAll(`SELECT column_name, column_type FROM (DESCRIBE ${ref})`)).getRows().map(([n, t]) => [String(n), String(t)]),
  );
}

/** An aggregate summing the BigQuery logical bytes of the given columns over a table's rows (0 when none exist). */
function bytesSql(types: Map<string, string>, columns: string[]): string {
  const terms = columns
    .filter((c) => types.has(c))
    .map((c) => {
      const q = duck.quoteIdent(c);
      const width = FIXED_WIDTH[types.get(c)!];
      return width !== undefined ? `${width} * count(${q})` : `coalesce(sum(strlen(CAST(${q} AS VARCHAR)) + 2), 0)`;
    });
  return terms.length ? terms.join(' + ') : '0 * count(*)';
}

/** BigQuery logical bytes of the given columns of a table, as it is now (`types` when the caller has them; `where`: only the partitions it keeps). */
export async function columnBytes(
  conn: DuckDBConnection,
  ref: string,
  columns: string[],
  types?: Map<string, string>,
  where?: string,
): Promise<number> {
  if (columns.length === 0) return 0;
  const sql = bytesSql(types ?? (await columnTypes(conn, ref)), columns);
  return Number((await conn.runAndReadAll(`SELECT ${sql} FROM ${ref}${where ? ` WHERE ${where}` : ''}`)).getRows()[0][0]);
}

const DML_TARGET = /^\s*(?:DELETE\s+FROM|UPDATE|MERGE\s+(?:INTO\s+)?)\s*("[^"]+"|[\w.]+)/i;

/**
 * The table a DML statement modifies, which BigQuery bills whole (`t`) or, when it is date-partitioned, by the
 * partitions the statement modifies (`t'`), as they are before it runs. The modified partitions are found by
 * running it: a per-day fingerprint of the rows (count and XOR of row hashes) before and after. Undefined for
 * statements that modify nothing in place (INSERT adds no `t`).
 */
async function modifiedTable(
  conn: DuckDBConnection,
  sql: string,
  partitions: Record<string, string>,
  scans: TableScan[] = [],
): Promise<{ name: string; read: TableScan; after(): Promise<TableScan> } | undefined> {
  const m = DML_TARGET.exec(sql);
  if (!m) return undefined;
  const ref = m[1];
  const name = ref.replace(/"/g, '').split('.').pop()!;
  const types = await columnTypes(conn, ref);
  const columns = [...types.keys()];
  // What the statement itself reads of its target (q): DuckDB's plan lists no columns for a DELETE's scan, so
  // the target's columns named in the statement are taken, over every row but those of the partitions its
  // constant filter on the partition column prunes.
  const partitionColumn = partitions[name];
  const filter = scans.find((t) => bareName(t.table.split(' ')[0]) === name)?.filter;
  const named = columns.filter((c) => new RegExp(`\\b${c}\\b`).test(sql.slice(m[0].length)));
  const days = partitionColumn ? prunedDays(filter, partitionColumn) : undefined;
  const read = {
    table: `${name} (read by the statement${days ? `, days ${filter}` : ''})`,
    columns: named,
    bytes: await columnBytes(conn, ref, named, types, days),
  };
  if (!partitionColumn) {
    const bytes = await columnBytes(conn, ref, columns, types);
    return { name, read, after: async () => ({ table: `${name} (modified)`, columns, bytes, modified: true }) };
  }
  const day = `CAST(CAST(r.${duck.quoteIdent(partitionColumn)} AS DATE) AS VARCHAR)`;
  const fingerprints = async () =>
    new Map(
      (await conn.runAndReadAll(`SELECT ${day}, count(*) || ':' || bit_xor(hash(r)) FROM ${ref} AS r GROUP BY 1`))
        .getRows()
        .map(([d, f]) => [String(d), String(f)]),
    );
  const before = await fingerprints();
  const bytesByDay = new Map(
    (await conn.runAndReadAll(`SELECT ${day}, ${bytesSql(types, columns)} FROM ${ref} AS r GROUP BY 1`))
      .getRows()
      .map(([d, b]) => [String(d), Number(b)]),
  );
  return {
    name,
    read,
    async after() {
      const now = await fingerprints();
      const modified = [...before.keys()].filter((d) => now.get(d) !== before.get(d));
      const bytes = modified.reduce((sum, d) => sum + (bytesByDay.get(d) ?? 0), 0);
      return { table: `${name} (${modified.length} of ${before.size} partitions modified)`, columns, bytes, modified: true };
    },
  };
}

/**
 * What one statement would scan on BigQuery; null when DuckDB cannot explain it (DDL, several statements). A scan of
 * a date-partitioned table (`partitions`) under a constant filter on its column bills only the days the filter keeps.
 */
export async function statementScan(
  conn: DuckDBConnection,
  sql: string,
  partitions: Record<string, string> = {},
): Promise<StatementScan | null> {
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
  const found: { table: string; columns: string[]; filter?: string }[] = [];
  for (const node of plan) collectScans(node, found);
  const scans: TableScan[] = [];
  for (const { table, columns, filter } of found) {
    const column = partitions[bareName(table)];
    const days = column ? prunedDays(filter, column) : undefined;
    const bytes = await columnBytes(conn, tableRefOf(table), columns, undefined, days);
    scans.push({ table: days ? `${table} (days ${filter})` : table, columns, bytes, ...(filter ? { filter } : {}) });
  }
  return { sql, scans, bytes: scans.reduce((a, s) => a + s.bytes, 0) };
}

type Runner = (sql: string, ...rest: unknown[]) => Promise<unknown>;

/**
 * A connection that records, for each statement it runs, what it would scan on BigQuery (a DML statement's
 * target table included: `partitions` names the date-partitioned tables and their column). `take()` returns the
 * statements recorded since the last call (so a step hook can attribute them to the step).
 */
export function withScanLedger(
  conn: DuckDBConnection,
  partitions: Record<string, string> = {},
): { conn: DuckDBConnection; take(): StatementScan[] } {
  let pending: StatementScan[] = [];
  let measuring = false;
  const wrap =
    (run: Runner): Runner =>
    async (sql, ...rest) => {
      if (measuring || !/^\s*(CREATE|INSERT|DELETE|UPDATE|MERGE|SELECT|WITH)\b/i.test(sql)) return run(sql, ...rest);
      measuring = true;
      try {
        const scan = await statementScan(conn, sql, partitions);
        const target = await modifiedTable(conn, sql, partitions, scan?.scans);
        const result = await run(sql, ...rest);
        if (scan && target) {
          // The plan's scan of the target stands for the statement's read where it names columns (UPDATE).
          const planned = scan.scans.filter((t) => bareName(t.table.split(' ')[0]) === target.name);
          const read = planned.some((t) => t.columns.length > 0) ? [] : [target.read];
          for (const t of [...read, await target.after()]) {
            scan.scans.push(t);
            scan.bytes += t.bytes;
          }
        }
        if (scan) pending.push(scan);
        return result;
      } finally {
        measuring = false;
      }
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
