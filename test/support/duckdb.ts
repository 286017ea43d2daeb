/**
 * Test helpers: an in-memory DuckDB, tables created from arrays of JS row objects, and queries returning
 * plain JS rows. Used by the engine, models and oracle tests.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { ColumnType } from '../../src/contract/tables';

export interface TestDb {
  conn: DuckDBConnection;
  close(): void;
}

export async function openMemoryDb(): Promise<TestDb> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  return {
    conn,
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

/** A contract column type, or any DuckDB type written as SQL (e.g. 'DATE', 'VARCHAR[]'). */
export type TestColumnType = ColumnType | (string & {});

const SQL_TYPES: Record<ColumnType, string> = {
  string: 'VARCHAR',
  int: 'BIGINT',
  float: 'DOUBLE',
  bool: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
};

const sqlType = (t: TestColumnType) => SQL_TYPES[t as ColumnType] ?? t;
const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

function inferType(column: string, rows: Record<string, unknown>[]): ColumnType {
  const sample = rows.map((r) => r[column]).find((v) => v !== null && v !== undefined);
  if (typeof sample === 'boolean') return 'bool';
  if (typeof sample === 'bigint') return 'int';
  if (typeof sample === 'number') return rows.every((r) => r[column] == null || Number.isInteger(r[column])) ? 'int' : 'float';
  if (sample instanceof Date) return 'timestamp';
  return 'string';
}

/** A value DuckDB can bind: everything goes in as text (or NULL) and is CAST to the column type. */
function bindable(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/**
 * CREATE OR REPLACE TABLE `name` from row objects. Columns are the union of the rows' keys (missing keys are
 * NULL), typed by `types` or inferred from the first non-null value (string if all are null).
 * With no rows, `types` alone defines the columns.
 */
export async function createTable(
  conn: DuckDBConnection,
  name: string,
  rows: Record<string, unknown>[],
  types: Record<string, TestColumnType> = {},
): Promise<void> {
  const columns = [...new Set([...Object.keys(types), ...rows.flatMap((r) => Object.keys(r))])];
  if (columns.length === 0) throw new Error(`createTable('${name}'): no rows and no column types given`);
  const typeOf = Object.fromEntries(columns.map((c) => [c, sqlType(types[c] ?? inferType(c, rows))]));
  await conn.run(`CREATE OR REPLACE TABLE ${quote(name)} (${columns.map((c) => `${quote(c)} ${typeOf[c]}`).join(', ')})`);
  const batch = 200;
  for (let start = 0; start < rows.length; start += batch) {
    const chunk = rows.slice(start, start + batch);
    const tuples = chunk.map((_, i) => `(${columns.map((c, j) => `CAST($${i * columns.length + j + 1} AS ${typeOf[c]})`).join(', ')})`);
    const values = chunk.flatMap((r) => columns.map((c) => bindable(r[c])));
    await conn.run(`INSERT INTO ${quote(name)} VALUES ${tuples.join(', ')}`, values);
  }
}

/** Rows as JS objects: BIGINT → number when safe (else bigint), TIMESTAMP → ISO string ("2024-01-01 10:00:00"). */
export async function queryRows(conn: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  const reader = await conn.runAndReadAll(sql);
  const json = reader.getRowObjectsJson();
  const js = reader.getRowObjectsJS();
  return js.map((row, i) =>
    Object.fromEntries(
      Object.entries(row).map(([k, v]) => {
        if (typeof v === 'bigint') return [k, Number.isSafeInteger(Number(v)) ? Number(v) : v];
        if (v instanceof Date) return [k, json[i][k]];
        return [k, v];
      }),
    ),
  );
}

/** The single value of a one-row, one-column query. */
export async function queryValue(conn: DuckDBConnection, sql: string): Promise<unknown> {
  const rows = await queryRows(conn, sql);
  if (rows.length !== 1 || Object.keys(rows[0]).length !== 1) throw new Error(`expected one value from: ${sql}`);
  return Object.values(rows[0])[0];
}
