/**
 * `journey-stitch stitch` on DuckDB: load the source files, build and run the models, and write the database
 * file atomically. The run happens in a temporary database next to the target; only a complete run is renamed
 * over config.output.database, so a failure leaves the previous database (and exports) untouched.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Config } from '../config/schema';
import { IDENTITY_STATUSES, OUTPUT_TABLES, REJECTS_TABLE } from '../contract/tables';
import { buildPipeline, SourceColumnError } from '../models';
import { DuckDBDialect } from '../sql/dialects/duckdb';
import type { Pipeline } from '../sql/pipeline';
import { stageExport, type StagedExport } from './export';
import { appendLoadRejects, explainSourceColumnError, loadSources, type LoadedSources } from './load';
import { LoopCapError, runPipeline, type RunReport, type StepReport } from './run';

const duck = new DuckDBDialect();

export interface StitchSummary {
  /** Rows read from every source file, readable or not. */
  eventsIn: number;
  duplicatesRemoved: number;
  eventsOut: number;
  persons: number;
  /** Events per identity status (confirmed, inferred, anonymous, unmatched). */
  eventsByStatus: Record<string, number>;
  /** Rejected rows by reason ("on line N" left out). */
  rejectedByReason: Record<string, number>;
  /** Label-propagation iterations per loop. */
  iterations: Record<string, number>;
}

export interface StitchResult {
  database: string;
  exported: string[];
  summary: StitchSummary;
  run: RunReport;
}

export interface StitchOptions {
  exportDir?: string;
  /** Progress and summary lines (the CLI writes them to stderr). */
  log?: (line: string) => void;
  /** Replaces the models (tests use it to run a pipeline that fails on purpose). */
  build?: (sources: LoadedSources) => Pipeline;
}

const fmt = (n: number) => n.toLocaleString('en-US');

export function progressLine(step: StepReport): string {
  const what = step.kind === 'loop' ? `${step.iterations} iteration(s)` : step.rows !== undefined ? `${fmt(step.rows)} rows` : '';
  return `  ${step.name.padEnd(28)} ${what.padStart(16)} ${`${Math.round(step.ms)} ms`.padStart(9)}`;
}

async function countRows(conn: DuckDBConnection, sql: string): Promise<Array<[string, number]>> {
  return (await conn.runAndReadAll(sql)).getRows().map(([k, n]) => [String(k), Number(n)]);
}

async function collectSummary(conn: DuckDBConnection, loaded: LoadedSources, run: RunReport): Promise<StitchSummary> {
  const one = async (sql: string) => (await countRows(conn, `SELECT 'n', (${sql})`))[0][1];
  const eventsIn = loaded.tables.reduce((n, t) => n + t.rows + t.rejected, 0);
  const eventsOut = await one(`SELECT count(*) FROM ${duck.quoteIdent('stitched_events')}`);
  const rejectedByReason = Object.fromEntries(
    await countRows(conn, `SELECT regexp_replace(reason, ' on line \\d+.*$', ''), count(*) FROM ${duck.quoteIdent(REJECTS_TABLE)} GROUP BY 1 ORDER BY 2 DESC, 1`),
  );
  const rejected = Object.values(rejectedByReason).reduce((a, b) => a + b, 0);
  const byStatus = Object.fromEntries(await countRows(conn, `SELECT identity_status, count(*) FROM ${duck.quoteIdent('stitched_events')} GROUP BY 1`));
  return {
    eventsIn,
    // Every row read is rejected, dropped as a duplicate event id, or stitched.
    duplicatesRemoved: eventsIn - rejected - eventsOut,
    eventsOut,
    persons: await one(`SELECT count(*) FROM ${duck.quoteIdent('persons')}`),
    eventsByStatus: Object.fromEntries(IDENTITY_STATUSES.map((s) => [s, byStatus[s] ?? 0])),
    rejectedByReason,
    iterations: run.iterations,
  };
}

export function formatSummary(s: StitchSummary): string[] {
  const pct = (n: number) => (s.eventsOut ? `${((100 * n) / s.eventsOut).toFixed(1)}%` : '0%');
  const rejected = Object.values(s.rejectedByReason).reduce((a, b) => a + b, 0);
  return [
    `events in:          ${fmt(s.eventsIn)}`,
    `rejected rows:      ${fmt(rejected)}${rejected ? ` (${Object.entries(s.rejectedByReason).map(([r, n]) => `${r}: ${fmt(n)}`).join(', ')}; see ${REJECTS_TABLE})` : ''}`,
    `duplicates removed: ${fmt(s.duplicatesRemoved)}`,
    `events out:         ${fmt(s.eventsOut)}`,
    `persons:            ${fmt(s.persons)}`,
    `events by identity: ${Object.entries(s.eventsByStatus).map(([k, n]) => `${k} ${pct(n)}`).join(', ')}`,
    `label propagation:  ${Object.entries(s.iterations).map(([loop, n]) => `${loop} ${n} iteration(s)`).join(', ') || 'no loops'}`,
  ];
}

/** Remove a DuckDB database file and its companions (write-ahead log, spill folder). */
async function removeDatabase(file: string): Promise<void> {
  await Promise.all([file, `${file}.wal`, `${file}.tmp`].map((f) => rm(f, { recursive: true, force: true })));
}

/** The temporary database a run builds next to `target`, named after the process that owns it. */
const tempDatabase = (target: string) => path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Temp databases of runs that were killed outright (no chance to clean up): their process is gone. */
async function removeAbandonedTemps(target: string): Promise<void> {
  const prefix = `.${path.basename(target)}.`;
  for (const name of await readdir(path.dirname(target))) {
    const match = name.startsWith(prefix) ? /^(\d+)-[0-9a-f]{8}\.tmp(\.wal|\.tmp)?$/.exec(name.slice(prefix.length)) : null;
    if (match && !isRunning(Number(match[1]))) await rm(path.join(path.dirname(target), name), { recursive: true, force: true });
  }
}

export async function stitchDuckDB(config: Config, opts: StitchOptions = {}): Promise<StitchResult> {
  const log = opts.log ?? (() => {});
  const target = config.output.database;
  await mkdir(path.dirname(target), { recursive: true });
  await removeAbandonedTemps(target);
  const temp = tempDatabase(target);
  const instance = await DuckDBInstance.create(temp);
  const conn = await instance.connect();
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    conn.closeSync();
    instance.closeSync();
  };
  let staged: StagedExport | undefined;
  // Ctrl-C or a kill: stop the running statement and clean up like any failure (the old database stays).
  let signal: string | undefined;
  const stop = (name: NodeJS.Signals) => {
    signal = name;
    conn.interrupt();
  };
  const checkSignal = () => {
    if (signal) throw new Error(`stopped by ${signal}; ${target} was not changed`);
  };
  process.on('SIGINT', stop).on('SIGTERM', stop);
  try {
    const loaded = await loadSources(conn, config);
    checkSignal();
    for (const t of loaded.tables) log(`read ${path.basename(t.file)}: ${fmt(t.rows)} rows${t.rejected ? `, ${fmt(t.rejected)} unreadable line(s) kept in ${REJECTS_TABLE}` : ''}`);

    let pipeline: Pipeline;
    try {
      pipeline = opts.build ? opts.build(loaded) : buildPipeline({ config, dialect: duck, raw: loaded.raw, out: (t) => duck.quoteIdent(t) });
    } catch (err) {
      throw err instanceof SourceColumnError ? explainSourceColumnError(err, loaded) : err;
    }

    log('models:');
    let run: RunReport;
    try {
      run = await runPipeline(conn, pipeline, {
        onStep: (s) => {
          log(progressLine(s));
          checkSignal();
        },
      });
    } catch (err) {
      if (err instanceof LoopCapError) throw new Error(`${err.message} (identity.max_iterations in the config)`);
      throw err;
    }
    log(`  ${'all models'.padEnd(28)} ${''.padStart(16)} ${`${Math.round(run.totalMs)} ms`.padStart(9)}`);
    await appendLoadRejects(conn);
    for (const table of pipeline.scratch) await conn.run(duck.dropTableIfExists(duck.quoteIdent(table)));

    const summary = await collectSummary(conn, loaded, run);
    if (opts.exportDir) staged = await stageExport(conn, [...OUTPUT_TABLES, REJECTS_TABLE], opts.exportDir);
    await conn.run('CHECKPOINT');
    close();
    checkSignal();
    if (existsSync(`${temp}.wal`)) throw new Error(`DuckDB left a write-ahead log next to ${temp}; the database was not replaced`);

    // A stale log of the old database must not be replayed onto the new one.
    await rm(`${target}.wal`, { force: true });
    await rename(temp, target);
    const exported = staged ? await staged.commit() : [];
    staged = undefined;
    log('summary:');
    for (const line of formatSummary(summary)) log(`  ${line}`);
    log(`wrote ${target}${exported.length ? ` and ${exported.length} export files in ${opts.exportDir}` : ''}`);
    return { database: target, exported, summary, run };
  } catch (err) {
    checkSignal(); // an interrupted statement fails with DuckDB's "Interrupted": say what happened instead
    throw err;
  } finally {
    process.off('SIGINT', stop).off('SIGTERM', stop);
    close();
    await staged?.discard();
    await removeDatabase(temp);
  }
}
