/**
 * `journey-stitch stitch` on DuckDB: load the source files, build and run the models, and write the database
 * file atomically. The run happens in a temporary database next to the target; only a complete run is renamed
 * over config.output.database, so a failure leaves the previous database (and exports) untouched.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Config } from '../../config/schema';
import { OUTPUT_TABLES, REJECTS_TABLE } from '../../contract/tables';
import { buildPipeline, SourceColumnError } from '../../models';
import { matchHeaders, withHeaderMatches } from '../../models/headers';
import { rawTableSpecs } from '../../models/raw-tables';
import type { Pipeline } from '../../sql/pipeline';
import { sourceChecks, valueFindings } from './check';
import { isRunning, prepareExportDir, stageExport, type StagedExport } from './export';
import { lateRowsNote } from '../runRecord';
import { outstandingLateRows, refreshIncremental } from './incremental';
import { openDuckDB, withMemoryHint } from './instance';
import { appendLoadRejects, explainSourceColumnError, loadSources, type LoadedSources } from './load';
import { lineProgress, type Progress } from '../progress';
import { LoopCapError, loopIterations, runPipeline, type RunReport } from './run';
import { collectSummary, formatSummary, headerLines, loadLine, progressLine, type StitchSummary } from './summary';
import { dialects } from '../../sql/dialects';
import { JourneyStitchError } from '../../contract/errors';

const duck = dialects.duckdb;

export interface StitchResult {
  database: string;
  exported: string[];
  summary: StitchSummary;
  run: RunReport;
}

export interface StitchOptions {
  exportDir?: string;
  /** Where progress goes: loading (bytes of total), models (n of N), export (tables n of N), warnings, the summary. */
  progress?: Progress;
  /** Shorthand for a `progress` of plain lines (tests read them); ignored when `progress` is given. */
  log?: (line: string) => void;
  /**
   * Only events newer than the last run (minus incremental.lookback_hours) are processed and only affected
   * persons rewritten; the result equals a full rebuild. The first run (or one after a config change) is full.
   */
  incremental?: boolean;
  /** Warnings (columns that matter missing, config values that match nothing) fail the run before anything is written. */
  strict?: boolean;
  /** Replaces the models (tests use it to run a pipeline that fails on purpose). */
  build?: (sources: LoadedSources) => Pipeline;
}

/** Remove a DuckDB database file and its companions (write-ahead log, spill folder). */
async function removeDatabase(file: string): Promise<void> {
  await Promise.all([file, `${file}.wal`, `${file}.tmp`].map((f) => rm(f, { recursive: true, force: true })));
}

/** The temporary database a run builds next to `target`, named after the process that owns it. */
const tempDatabase = (target: string) =>
  path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);

/** Temp databases of runs that were killed outright (no chance to clean up): their process is gone. */
async function removeAbandonedTemps(target: string): Promise<void> {
  const prefix = `.${path.basename(target)}.`;
  for (const name of await readdir(path.dirname(target))) {
    const match = name.startsWith(prefix) ? /^(\d+)-[0-9a-f]{8}\.tmp(\.wal|\.tmp)?$/.exec(name.slice(prefix.length)) : null;
    if (match && !isRunning(Number(match[1]))) await rm(path.join(path.dirname(target), name), { recursive: true, force: true });
  }
}

interface Built {
  run: RunReport;
  summary: StitchSummary;
  staged?: StagedExport;
}

/** Everything that happens inside the temporary database: load, models, rejects, clean-up, summary, export. */
async function build(
  conn: DuckDBConnection,
  configured: Config,
  opts: StitchOptions,
  progress: Progress,
  checkSignal: () => void,
): Promise<Built> {
  const log = (line: string) => progress.log(line);
  let phaseStarted = false;
  const loaded = await loadSources(conn, configured, {
    onBytes: (file, doneBytes, totalBytes) => {
      if (!phaseStarted) progress.phase('loading', totalBytes, 'bytes');
      phaseStarted = true;
      progress.update(doneBytes, path.basename(file));
    },
    onTable: (t, doneBytes, totalBytes) => {
      progress.update(doneBytes, path.basename(t.file), loadLine(t, { doneBytes, totalBytes }));
      checkSignal();
    },
  });
  progress.done();
  checkSignal();
  // Columns found by header (userId is user_id; known exports' own names) become mappings, and the run says so.
  const headers = matchHeaders(configured, (table) => [...loaded.raw.columns(table)!]);
  const config = withHeaderMatches(configured, headers.matches);
  for (const line of headerLines(loaded, headers)) log(line);
  // The checks of `journey-stitch check` on what was loaded (missing columns that matter); errors are the models'.
  const warnings = sourceChecks(config, loaded, headers)
    .flatMap((c) => c.findings)
    .filter((f) => f.level === 'warning')
    .map((f) => f.message);
  for (const w of warnings) log(`warning: ${w}`);

  let pipeline: Pipeline;
  try {
    pipeline = opts.build
      ? opts.build(loaded)
      : buildPipeline({ config, dialect: duck, raw: loaded.raw, out: (t) => duck.quoteIdent(t), temporaryScratch: true, inline: true });
  } catch (err) {
    throw err instanceof SourceColumnError ? explainSourceColumnError(err, loaded) : err;
  }

  log(opts.incremental ? 'models (incremental):' : 'models:');
  // A full run knows its models ([n/N]); an incremental one plans them as it goes.
  const total = opts.incremental ? undefined : pipeline.steps.length;
  progress.phase('models', total, 'models');
  let done = 0;
  const hooks = {
    onStepStart: (name: string) => progress.update(done, name),
    onIteration: (loop: string, iteration: number) => progress.update(done, `${loop} (iteration ${iteration + 1})`),
    onStep: (step: Parameters<typeof progressLine>[0]) => {
      done++;
      progress.update(done, step.name, progressLine(step, total === undefined ? undefined : { n: done, total }));
      checkSignal();
    },
    dropScratchEarly: (t: string) => duck.quoteIdent(t),
  };
  let run: RunReport;
  try {
    if (opts.incremental) {
      const refreshed = await refreshIncremental(conn, { config, incremental: config.incremental, raw: loaded.raw, hooks });
      run = { steps: refreshed.steps, iterations: loopIterations(refreshed.steps), totalMs: refreshed.totalMs };
      const r = refreshed.run;
      log(
        `  ${r.mode} run${refreshed.fullReason ? ` (${refreshed.fullReason})` : ''}: ${r.new_events.toLocaleString('en-US')} new events, ` +
          `${r.affected_persons.toLocaleString('en-US')} persons re-stitched, ${r.rows_rewritten.toLocaleString('en-US')} rows rewritten`,
      );
      const late = lateRowsNote(r.late_rows);
      if (late) log(`  warning: ${late}`);
    } else {
      run = await runPipeline(conn, pipeline, hooks);
    }
  } catch (err) {
    if (err instanceof LoopCapError) throw new JourneyStitchError(`${err.message} (identity.max_iterations in the config)`, { cause: err });
    throw err;
  }
  progress.done();
  log(progressLine({ kind: 'sql', name: 'all models', ms: run.totalMs }));
  await appendLoadRejects(conn);
  // Incremental runs drop their own scratch tables and keep their state tables.
  if (!opts.incremental) for (const table of pipeline.scratch) await conn.run(duck.dropTableIfExists(duck.quoteIdent(table)));

  // Config values that match nothing (track_events, conversion_events, email_query_params), on the stitched events.
  const valueWarnings = (await valueFindings(conn, config, duck.quoteIdent('stitched_events'))).map((f) => f.message);
  for (const w of valueWarnings) log(`warning: ${w}`);
  const summary = await collectSummary(conn, loaded, rawTableSpecs(config), run, opts.incremental ? await outstandingLateRows(conn) : 0, [
    ...warnings,
    ...valueWarnings,
  ]);
  if (opts.strict && summary.warnings.length) {
    throw new JourneyStitchError(
      `--strict: ${summary.warnings.length} warning(s), the database was not written:\n${summary.warnings.map((w) => `  ${w}`).join('\n')}`,
    );
  }
  const exported = [...OUTPUT_TABLES, REJECTS_TABLE];
  if (opts.exportDir) progress.phase('export', exported.length, 'tables');
  const staged = opts.exportDir
    ? await stageExport(
        conn,
        exported,
        opts.exportDir,
        (table, done) => {
          progress.update(done, table, `  exported ${table} (${done} of ${exported.length})`);
          checkSignal();
        },
        (table, done) => progress.update(done, table),
      )
    : undefined;
  progress.done();
  return { run, summary, staged };
}

export async function stitchDuckDB(config: Config, opts: StitchOptions = {}): Promise<StitchResult> {
  const progress = opts.progress ?? lineProgress(opts.log ?? (() => {}));
  const log = (line: string) => progress.log(line);
  const target = config.output.database;
  if (opts.exportDir) await prepareExportDir(opts.exportDir);
  await mkdir(path.dirname(target), { recursive: true });
  await removeAbandonedTemps(target);
  const temp = tempDatabase(target);
  // An incremental run starts from the previous database (its outputs and state) and still publishes atomically.
  if (opts.incremental && existsSync(target)) await copyFile(target, temp);
  const instance = await openDuckDB(temp, config);
  const conn = await instance.connect();
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    conn.closeSync();
    instance.closeSync();
  };
  // Ctrl-C or a kill: stop the running statement and clean up like any failure (the old database stays).
  let signal: string | undefined;
  const stop = (name: NodeJS.Signals) => {
    signal = name;
    conn.interrupt();
  };
  const checkSignal = () => {
    if (signal) throw new JourneyStitchError(`stopped by ${signal}; ${target} was not changed`);
  };
  process.on('SIGINT', stop).on('SIGTERM', stop);
  let staged: StagedExport | undefined;
  try {
    const built = await build(conn, config, opts, progress, checkSignal);
    staged = built.staged;
    await conn.run('CHECKPOINT');
    close();
    checkSignal();
    if (existsSync(`${temp}.wal`))
      throw new JourneyStitchError(
        `DuckDB left a write-ahead log next to ${temp}; the database was not replaced: check the disk has space and run the stitch again`,
      );

    // Publish. A stale log of the old database must not be replayed onto the new one.
    await rm(`${target}.wal`, { force: true });
    await rename(temp, target);
    const exported = staged ? await staged.commit() : [];
    staged = undefined;
    log('summary:');
    for (const line of formatSummary(built.summary)) log(`  ${line}`);
    log(`wrote ${target}${exported.length ? ` and ${exported.length} export files in ${opts.exportDir}` : ''}`);
    return { database: target, exported, summary: built.summary, run: built.run };
  } catch (err) {
    checkSignal(); // an interrupted statement fails with DuckDB's "Interrupted": say what happened instead
    throw withMemoryHint(config, err);
  } finally {
    progress.done();
    process.off('SIGINT', stop).off('SIGTERM', stop);
    close();
    await staged?.discard();
    await removeDatabase(temp);
  }
}
