/**
 * File output for the generator: buffered NDJSON files written synchronously (bounded memory, deterministic
 * bytes), Parquet converted from them by DuckDB, and a staging folder so a failed run leaves no half-written
 * data set behind.
 */
import { closeSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { dialects } from '../sql/dialects';

const FLUSH_BYTES = 1 << 20;

export class NdjsonFile {
  private readonly fd: number;
  private chunks: string[] = [];
  private pending = 0;
  lines = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  write(line: string): void {
    this.chunks.push(line);
    this.pending += line.length;
    this.lines++;
    if (this.pending >= FLUSH_BYTES) this.flush();
  }

  private flush(): void {
    if (this.chunks.length === 0) return;
    writeSync(this.fd, this.chunks.join(''));
    this.chunks = [];
    this.pending = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** A staging folder inside `out`; `commit` moves its files into `out`, `abandon` removes it. */
export class Staging {
  readonly dir: string;

  constructor(readonly out: string) {
    mkdirSync(out, { recursive: true });
    this.dir = join(out, `.journey-stitch-sample-${process.pid}.tmp`);
    rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir);
  }

  path(file: string): string {
    return join(this.dir, file);
  }

  remove(file: string): void {
    rmSync(this.path(file), { force: true });
  }

  /** The names of the files staged so far. */
  files(): string[] {
    return readdirSync(this.dir).sort();
  }

  /** Moves the staged files into `out`, first removing `stale` files there (an earlier run's other format). */
  commit(stale: string[] = []): string[] {
    const files = this.files();
    for (const f of stale) if (!files.includes(f)) rmSync(join(this.out, f), { force: true });
    for (const f of files) renameSync(join(this.dir, f), join(this.out, f));
    rmSync(this.dir, { recursive: true, force: true });
    return files;
  }

  abandon(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export type ParquetType = 'VARCHAR' | 'TIMESTAMP' | 'BOOLEAN';

/**
 * NDJSON → Parquet with DuckDB, reading every column with an explicit type (no inference from a sample).
 * Timestamps that do not parse become NULL (a Parquet TIMESTAMP column cannot hold 'not a timestamp').
 * With `timeOrdered`, rows are written in the order of the (one) TIMESTAMP column, as a warehouse export lands
 * (Segment's tables are partitioned by day): a reader that wants only recent rows, like an incremental refresh,
 * can then skip the older row groups by their statistics. The other columns break ties, so the bytes stay the same
 * for the same input.
 */
export async function ndjsonToParquet(
  conversions: { from: string; to: string; columns: [string, ParquetType][]; timeOrdered?: boolean }[],
): Promise<void> {
  const d = dialects.duckdb;
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    for (const statement of d.sessionSetup) await conn.run(statement);
    for (const { from, to, columns, timeOrdered } of conversions) {
      const readTypes = columns
        .map(([c, t]) => `${d.stringLiteral(c)}: ${d.stringLiteral(t === 'BOOLEAN' ? 'BOOLEAN' : 'VARCHAR')}`)
        .join(', ');
      const select = columns
        .map(([c, t]) => (t === 'TIMESTAMP' ? `${d.safeTimestamp(d.quoteIdent(c))} AS ${d.quoteIdent(c)}` : d.quoteIdent(c)))
        .join(', ');
      const byTime = [...columns].sort(([, a], [, b]) => Number(b === 'TIMESTAMP') - Number(a === 'TIMESTAMP'));
      const order = timeOrdered ? ` ORDER BY ${byTime.map(([c]) => `${d.quoteIdent(c)} NULLS LAST`).join(', ')}` : '';
      await conn.run(
        `COPY (SELECT ${select} FROM read_json(${d.stringLiteral(from)}, format = 'newline_delimited', columns = {${readTypes}})${order}) ` +
          `TO ${d.stringLiteral(to)} (FORMAT parquet, COMPRESSION zstd)`,
      );
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
