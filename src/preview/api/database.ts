/**
 * The stitched DuckDB database, opened read-only for the preview. It is attached under the output dataset's name
 * (manifest constant OUTPUT_DATASET), so `@{OUTPUT_DATASET}.persons` in the LookML resolves to its table, and
 * made the default catalog, so persisted derived tables resolve by their bare names; the SCRATCH constant's
 * dataset is stood in for (standInForScratch).
 */
import { existsSync } from 'node:fs';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { REJECTS_TABLE } from '../../contract/tables';
import { SCRATCH_PREFIX } from '../../lookml/pdt';
import type { QueryRunner } from './core';
import { dialects } from '../../sql/dialects';
import { JourneyStitchError } from '../../contract/errors';

const dialect = dialects.duckdb;

/**
 * pdt builds write their rejected rows to `@{SCRATCH}.journey_stitch_rejected_rows`, which Looker reads as is; here
 * an in-memory catalog of that name holds a view of the stitched database's rejected_rows under that name.
 */
async function standInForScratch(conn: DuckDBConnection, catalog: string, scratch: string): Promise<void> {
  const found = await conn.runAndReadAll(
    `SELECT 1 FROM duckdb_tables() WHERE database_name = ${dialect.stringLiteral(catalog)} AND schema_name = 'main' AND table_name = ${dialect.stringLiteral(REJECTS_TABLE)}`,
  );
  if (!found.getRows().length) return;
  const q = (s: string) => dialect.quoteIdent(s);
  await conn.run(`ATTACH ':memory:' AS ${q(scratch)}`);
  await conn.run(
    `CREATE VIEW ${q(scratch)}.main.${q(SCRATCH_PREFIX + REJECTS_TABLE)} AS SELECT * FROM ${q(catalog)}.main.${q(REJECTS_TABLE)}`,
  );
}

export class PreviewDatabase implements QueryRunner {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
  ) {}

  /** `scratch`: the SCRATCH constant, where a pdt build writes its rejected rows (see standInForScratch). */
  static async open(path: string, catalog: string, scratch?: string): Promise<PreviewDatabase> {
    if (!existsSync(path)) throw new JourneyStitchError(`${path} not found: run \`journey-stitch stitch\` first (config output.database)`);
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    // Stored times are UTC; Looker's queries here run in UTC too (no query time zone), whatever the machine's zone.
    for (const statement of dialect.sessionSetup) await conn.run(statement);
    await conn.run(`ATTACH ${dialect.stringLiteral(path)} AS ${dialect.quoteIdent(catalog)} (READ_ONLY)`);
    await conn.run(`USE ${dialect.quoteIdent(catalog)}`);
    if (scratch && scratch !== catalog) await standInForScratch(conn, catalog, scratch);
    return new PreviewDatabase(instance, conn);
  }

  /** The database as a project's constants name it: attached as OUTPUT_DATASET, with SCRATCH's stand-in. */
  static forProject(path: string, constants: Readonly<Record<string, string>>): Promise<PreviewDatabase> {
    const plain = (name: string | undefined) => (name && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : undefined);
    return PreviewDatabase.open(path, plain(constants.OUTPUT_DATASET) ?? 'journey_stitch', plain(constants.SCRATCH));
  }

  /** Queries run one at a time on the single connection. */
  run(sql: string): Promise<unknown[][]> {
    const next = this.queue.then(async () => (await this.conn.runAndReadAll(sql)).getRows() as unknown[][]);
    this.queue = next.catch(() => undefined);
    return next;
  }

  close(): void {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}
