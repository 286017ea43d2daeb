/**
 * One measurement in its own process (so peak memory is this measurement's alone), printed as one JSON line:
 *   tsx bench/measure.ts <data dir> time ours|ours-exact|seed [--accuracy]   wall time, peak RSS, iterations (and
 *     scores); ours-exact: our pipeline with the exact-name rule instead of scored name matching
 *   tsx bench/measure.ts <data dir> cost [--share 0.01]           BigQuery bytes per model: full and daily incremental
 *     (the increment is the last day, or with --share the last rows in time order that make up that share, as in
 *     bench/incremental.ts); COST_DETAIL=<part of a step name> prints those steps' tables, columns and MiB
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { loadConfig } from '../src/config/load';
import type { Config } from '../src/config/schema';
import { loadSources, rawName, type LoadedSources } from '../src/warehouse/duckdb/load';
import { refreshFull, refreshIncremental } from '../src/warehouse/duckdb/incremental';
import { runPipeline, type StepReport } from '../src/warehouse/duckdb/run';
import { EXACT_NAMES, findGroundTruth, loadGroundTruth, ourPredictions, scoreSystem, stitchLoaded, withExactNames } from '../src/evaluate';
import { SEED_PREDICTIONS, runSeedBaseline, seedSql } from '../src/evaluate/seed';
import { rawTimestampColumn } from '../src/models/incremental';
import { buildPipeline, type RawSources } from '../src/models';
import { DATE_PARTITIONS } from '../src/models/context';
import { DuckDBDialect } from '../src/sql/dialects/duckdb';
import { statementScan, withScanLedger, type StatementScan } from './bigquery-cost';
import { rawBefore, shareCut } from './increment';

const duck = new DuckDBDialect();
export const MEMORY_LIMIT = process.env.BENCH_MEMORY_LIMIT ?? '8GB';
const SPILL_DIR = path.join(os.tmpdir(), 'journey-stitch-bench-spill');

/** Peak resident memory of this process so far (Linux), in MiB. */
function peakRssMiB(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : Math.round(process.memoryUsage().rss / 2 ** 20);
}

async function open(
  data: string,
): Promise<{ conn: DuckDBConnection; config: Config; loaded: LoadedSources; raw: RawSources; loadMs: number; close(): void }> {
  const { config } = await loadConfig(path.join(data, 'journey-stitch.yaml'));
  // A shared 2-core machine: cap DuckDB's memory and spill to the temp folder, not the working directory.
  const instance = await DuckDBInstance.create(':memory:', { memory_limit: MEMORY_LIMIT, temp_directory: SPILL_DIR });
  const conn = await instance.connect();
  const started = performance.now();
  const loaded = await loadSources(conn, config);
  return {
    conn,
    config,
    loaded,
    raw: loaded.raw,
    loadMs: performance.now() - started,
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

export type MeasuredSystem = 'ours' | 'ours-exact' | 'seed';
const SYSTEM_NAMES: Record<MeasuredSystem, string> = { ours: 'journey-stitch', 'ours-exact': EXACT_NAMES, seed: 'seed SQL' };

async function time(data: string, system: MeasuredSystem, accuracy: boolean) {
  const db = await open(data);
  try {
    const rssAfterLoad = peakRssMiB();
    let ms: number;
    let iterations: Record<string, number> = {};
    let steps: { name: string; ms: number }[] = [];
    if (system !== 'seed') {
      const run = await stitchLoaded(db.conn, system === 'ours-exact' ? withExactNames(db.config) : db.config, db.loaded);
      ms = run.totalMs;
      iterations = run.iterations;
      steps = run.steps.map((s) => ({ name: s.name, ms: Math.round(s.ms) }));
    } else {
      ms = await runSeedBaseline(db.conn, db.raw, db.config);
    }
    const peak = peakRssMiB();
    let scores = null;
    if (accuracy) {
      await loadGroundTruth(db.conn, findGroundTruth(data));
      const predictions =
        system === 'seed' ? { sql: SEED_PREDICTIONS, probability: 'not applicable' as const } : await ourPredictions(db.conn);
      scores = await scoreSystem(db.conn, SYSTEM_NAMES[system], ms, predictions.sql, predictions.probability);
    }
    return {
      system,
      loadMs: Math.round(db.loadMs),
      ms: Math.round(ms),
      iterations,
      steps,
      peakRssMiB: peak,
      rssAfterLoadMiB: rssAfterLoad,
      scores,
    };
  } finally {
    db.close();
  }
}

interface ModelCost {
  name: string;
  bytes: number;
  statements: number;
  /** Bytes read from raw (source) tables, by table: what date partitioning can prune. */
  rawBytes: Record<string, number>;
  /** Of `bytes`, what DML bills for the table it modifies (its changed partitions, or all of it). */
  modifiedBytes: number;
}

const isRaw = (planTable: string) => planTable.includes('js_raw_');

const perStep = (ledger: { take(): StatementScan[] }, into: ModelCost[]) => (step: StepReport) => {
  const scans = ledger.take();
  if (process.env.COST_DETAIL && step.name.includes(process.env.COST_DETAIL)) {
    const tables = scans.flatMap((s) => s.scans).map((t) => [t.table, t.columns.length, Math.round(t.bytes / 2 ** 20)]);
    process.stderr.write(`${step.name}: ${JSON.stringify(tables)}\n`);
  }
  const rawBytes: Record<string, number> = {};
  for (const t of scans.flatMap((s) => s.scans).filter((t) => isRaw(t.table))) rawBytes[t.table] = (rawBytes[t.table] ?? 0) + t.bytes;
  const modifiedBytes = scans.flatMap((s) => s.scans).reduce((a, t) => a + (t.modified ? t.bytes : 0), 0);
  into.push({ name: step.name, bytes: scans.reduce((a, s) => a + s.bytes, 0), statements: scans.length, rawBytes, modifiedBytes });
};

/** Share of each raw table's rows in the daily partitions a run reading from `cutoff` on would touch. */
async function partitionShare(
  db: { conn: DuckDBConnection; config: Config; raw: RawSources },
  tables: string[],
  cutoff: string,
): Promise<Record<string, number>> {
  const share: Record<string, number> = {};
  for (const planTable of tables) {
    const logical = planTable.includes('offsite') ? `offsite:${db.config.offsite[0].name}` : planTable.replace(/^.*js_raw_/, '');
    const ts = duck.safeTimestamp(duck.quoteIdent(rawTimestampColumn(db.config, logical)));
    const [n, since] = (
      await db.conn.runAndReadAll(
        `SELECT count(*), count(*) FILTER (WHERE ${ts} IS NULL OR CAST(${ts} AS DATE) >= CAST(${duck.stringLiteral(cutoff)} AS DATE)) FROM ${db.raw.ref(logical)}`,
      )
    )
      .getRows()[0]
      .map(Number);
    share[planTable] = n === 0 ? 0 : since / n;
  }
  return share;
}

/**
 * Parquet sources are views over the files; the scan ledger sizes tables, so copy them into tables first (under
 * the same names, which the models reference).
 */
async function materializeRaw(conn: DuckDBConnection, loaded: LoadedSources): Promise<void> {
  for (const t of loaded.tables.filter((x) => x.format === 'parquet')) {
    const ref = loaded.raw.ref(t.table);
    const name = rawName(t.table);
    await conn.run(`CREATE TEMP TABLE ${duck.quoteIdent(`${name}_copy`)} AS SELECT * FROM ${ref}`);
    await conn.run(`DROP VIEW ${ref}`);
    await conn.run(`ALTER TABLE ${duck.tableRef('temp', 'main', `${name}_copy`)} RENAME TO ${duck.quoteIdent(name)}`);
  }
}

async function cost(data: string, incrementShare?: number) {
  // Full run: every model's scans, on the full data.
  const full: ModelCost[] = [];
  const db = await open(data);
  try {
    await materializeRaw(db.conn, db.loaded);
    const ledger = withScanLedger(db.conn, DATE_PARTITIONS);
    const pipeline = buildPipeline({ config: db.config, dialect: duck, raw: db.raw, out: (t) => duck.quoteIdent(t), inline: true });
    await runPipeline(ledger.conn, pipeline, { onStep: perStep(ledger, full) });
    const seedScan = await statementScan(db.conn, seedSql(db.raw, db.config));

    // Daily incremental: state built from every day before the last full day, then a refresh that reads that
    // day and the stragglers after it (plus the lookback for late data).
    const [dayCut, newest] = (
      await db.conn.runAndReadAll(
        `SELECT strftime(date_trunc('day', max(occurred_at)) - INTERVAL 1 DAY, '%Y-%m-%d %H:%M:%S'), strftime(max(occurred_at) + INTERVAL 1 HOUR, '%Y-%m-%dT%H:%M:%SZ') FROM stitched_events`,
      )
    )
      .getRows()[0]
      .map(String);
    const lastDay = incrementShare === undefined ? dayCut : await shareCut(db.conn, db.config, db.raw, incrementShare);
    for (const t of pipeline.outputs) await db.conn.run(duck.dropTableIfExists(duck.quoteIdent(t)));
    const incremental = { lookback_hours: 72 };
    await refreshFull(db.conn, {
      config: db.config,
      incremental,
      raw: rawBefore(db.config, db.raw, lastDay),
      now: new Date(lastDay.replace(' ', 'T') + 'Z'),
    });
    const daily: ModelCost[] = [];
    const incLedger = withScanLedger(db.conn, DATE_PARTITIONS);
    const refreshed = await refreshIncremental(incLedger.conn, {
      config: db.config,
      incremental,
      raw: db.raw,
      now: new Date(newest),
      hooks: { onStep: perStep(incLedger, daily) },
    });
    // BigQuery prunes date partitions of the raw tables: the daily run reads only the days since the cutoff.
    const rawTables = [...new Set(daily.flatMap((m) => Object.keys(m.rawBytes)))];
    const share = refreshed.run.cutoff ? await partitionShare(db, rawTables, refreshed.run.cutoff) : {};
    for (const m of daily) {
      for (const [t, b] of Object.entries(m.rawBytes)) m.bytes -= Math.round(b * (1 - (share[t] ?? 1)));
    }
    return {
      full,
      daily,
      partitionShare: share,
      seedBytes: seedScan?.bytes ?? null,
      incremental: {
        lastDay,
        ...(incrementShare === undefined ? {} : { share: incrementShare }),
        cutoff: refreshed.run.cutoff,
        newEvents: refreshed.run.new_events,
        affectedPersons: refreshed.run.affected_persons,
        ms: Math.round(refreshed.totalMs),
        fullReason: refreshed.fullReason ?? null,
      },
    };
  } finally {
    db.close();
  }
}

async function main() {
  const [data, mode, system, ...flags] = process.argv.slice(2);
  if (!data || (mode !== 'time' && mode !== 'cost') || (mode === 'time' && !(system in SYSTEM_NAMES))) {
    throw new Error('usage: measure.ts <data dir> time ours|ours-exact|seed [--accuracy] | measure.ts <data dir> cost [--share 0.01]');
  }
  const shareAt = process.argv.indexOf('--share');
  const share = shareAt >= 0 ? Number(process.argv[shareAt + 1]) : undefined;
  if (share !== undefined && !(share > 0 && share < 1))
    throw new Error(`--share must be a fraction between 0 and 1, got '${process.argv[shareAt + 1]}'`);
  const result =
    mode === 'time'
      ? await time(data, system as MeasuredSystem, flags.includes('--accuracy') || system === '--accuracy')
      : await cost(data, share);
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch((err) => {
  process.stderr.write(`measure: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
