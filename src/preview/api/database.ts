/**
 * The stitched DuckDB database, opened read-only for the preview. It is attached under the output dataset's name
 * (manifest constant OUTPUT_DATASET), so `@{OUTPUT_DATASET}.persons` in the LookML resolves to its table, and
 * made the default catalog, so persisted derived tables resolve by their bare names.
 */
import { existsSync } from 'node:fs';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { QueryRunner } from './core';
import { dialects } from '../../sql/dialects';

const dialect = dialects.duckdb;

export class PreviewDatabase implements QueryRunner {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
  ) {}

  static async open(path: string, catalog: string): Promise<PreviewDatabase> {
    if (!existsSync(path)) throw new Error(`${path} not found: run \`journey-stitch stitch\` first (config output.database)`);
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    // Stored times are UTC; Looker's queries here run in UTC too (no query time zone), whatever the machine's zone.
    for (const statement of dialect.sessionSetup) await conn.run(statement);
    await conn.run(`ATTACH ${dialect.stringLiteral(path)} AS ${dialect.quoteIdent(catalog)} (READ_ONLY)`);
    await conn.run(`USE ${dialect.quoteIdent(catalog)}`);
    return new PreviewDatabase(instance, conn);
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
