/**
 * `npx tsx bench/incremental.ts [--events 1000000] [--share 0.01] [--lookback 72] [--data <dir>] [--seed bench-incremental] [--db <file>] [--memory 8GB]`
 *
 * Incremental refresh against a full rebuild on DuckDB: a generated sample (`journey-stitch sample`, Parquet,
 * cached in --data) is cut at the time after which `share` of its rows arrive. State is built by a full run on
 * the rows before the cut; then the rest arrives and one incremental run (re-reading `lookback` hours) is timed
 * against one full rebuild on everything. Both results are compared table by table (EXCEPT ALL both ways), and
 * the figures are written to bench/RESULTS-incremental.md. `--db` puts the database in a file (for sizes beyond memory;
 * any file already there is deleted first).
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { loadConfig } from '../src/config/load';
import { MEMORY_SIZE } from '../src/config/schema';
import { OUTPUT_TABLES } from '../src/contract/tables';
import { refreshFull, refreshIncremental } from '../src/warehouse/duckdb/incremental';
import { loadSources } from '../src/warehouse/duckdb/load';
import { runPipeline } from '../src/warehouse/duckdb/run';
import { buildPipeline } from '../src/models';
import { between } from '../src/sql/pipeline';
import { APPEND } from '../src/models/incremental/append';
import { rawBefore, rawTimes, shareCut } from './increment';
import { MANIFEST_FILE, generateSample, resolveSampleOptions } from '../src/sample';
import { DuckDBDialect } from '../src/sql/dialects/duckdb';

const duck = new DuckDBDialect();
const DEFAULT_SEED = 'bench-incremental';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const fmt = (n: number) => n.toLocaleString('en-US');
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function ensureData(dir: string, events: number, seed: string): Promise<void> {
  const manifest = path.join(dir, MANIFEST_FILE);
  if (existsSync(manifest)) {
    const m = JSON.parse(readFileSync(manifest, 'utf8'));
    if (m.options?.events === events && m.options?.seed === seed && m.options?.format === 'parquet') return;
  }
  log(`generating ${fmt(events)} events in ${dir}…`);
  await generateSample(resolveSampleOptions({ out: dir, events, seed, format: 'parquet', source: 'segment' }));
}

async function value(conn: DuckDBConnection, sql: string): Promise<string> {
  return String((await conn.runAndReadAll(sql)).getRows()[0][0]);
}

const RESULTS = path.join(__dirname, 'RESULTS-incremental.md');
const HEADER = [
  '# Incremental refresh benchmark',
  '',
  'Ratios are incremental / full rebuild, on DuckDB. "Output rows written" counts the rows the incremental run inserted',
  '(recomputed rows identical to the stored ones stay in place). Bytes BigQuery would bill for the same plan are',
  'estimated by `bench/measure.ts cost` (bench/RESULTS.md): there the preparation steps read the state and output',
  'tables whole and each DELETE bills the days of the table it modifies, so the bytes ratio is far from the time ratio.',
  '',
];

/** One section per data size in RESULTS-incremental.md, smallest first; a rerun replaces its own section. */
function writeResults(events: number, section: string): void {
  const old = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '';
  const sections = old.split(/\n(?=## )/).filter((s) => s.startsWith('## ') && !s.startsWith(`## ${fmt(events)} events`));
  const size = (s: string) => Number(s.slice(3).split(' ')[0].replace(/,/g, ''));
  const all = [...sections.map((s) => s.trimEnd() + '\n'), section].sort((a, b) => size(a) - size(b));
  writeFileSync(RESULTS, [...HEADER, ...all].join('\n'));
}

async function main() {
  const events = Number(arg('events', '1000000'));
  const share = Number(arg('share', '0.01'));
  const lookbackHours = Number(arg('lookback', '72'));
  // --seed bench reuses the samples of bench/run.ts, in its folder (generating 10M events takes minutes).
  const seed = arg('seed', DEFAULT_SEED);
  const data = arg(
    'data',
    path.join(os.tmpdir(), seed === 'bench' ? `journey-stitch-bench/${events}` : `journey-stitch-bench-incremental-${events}`),
  );
  await ensureData(data, events, seed);

  const { config } = await loadConfig(path.join(data, 'journey-stitch.yaml'));
  const dbFile = arg('db', ':memory:');
  // A database left by an earlier run holds its run log, whose newer runs would set this run's cutoff: start empty.
  if (dbFile !== ':memory:') for (const f of [dbFile, `${dbFile}.wal`]) rmSync(f, { force: true });
  const instance = await DuckDBInstance.create(dbFile);
  const conn = await instance.connect();
  try {
    // A shared machine: cap DuckDB's memory and let it spill to the temp folder.
    const memory = arg('memory', '8GB');
    if (!MEMORY_SIZE.test(memory)) throw new Error(`--memory must be a size with a unit, such as 8GB, got '${memory}'`);
    await conn.run(`SET memory_limit = ${duck.stringLiteral(memory)}`);
    await conn.run(`SET temp_directory = ${duck.stringLiteral(path.join(os.tmpdir(), `journey-stitch-incremental-spill-${process.pid}`))}`);
    const loaded = await loadSources(conn, config);
    const raw = loaded.raw;
    const rawRows = loaded.tables.reduce((n, t) => n + t.rows, 0);
    const cut = await shareCut(conn, config, raw, share);
    const newRows = Number(
      await value(
        conn,
        `SELECT count(*) FROM (${rawTimes(config, raw)}) WHERE ts IS NULL OR ts >= CAST(${duck.stringLiteral(cut)} AS TIMESTAMP)`,
      ),
    );
    log(`${fmt(rawRows)} raw rows; the last ${fmt(newRows)} (from ${cut}) arrive as the increment`);

    // 1. The full rebuild on everything, into full_* tables.
    const full = buildPipeline({ config, dialect: duck, raw, out: (t) => duck.quoteIdent(`full_${t}`), temporaryScratch: true });
    const fullRun = await runPipeline(conn, full, { dropScratchEarly: (t) => duck.quoteIdent(`full_${t}`) });
    for (const t of full.scratch) await conn.run(duck.dropTableIfExists(duck.quoteIdent(`full_${t}`)));
    log(`full rebuild: ${secs(fullRun.totalMs)}`);

    // 2. State from the rows before the cut, then the incremental run over everything.
    const incremental = { lookback_hours: lookbackHours };
    const base = await refreshFull(conn, {
      config,
      incremental,
      raw: rawBefore(config, raw, cut),
      now: new Date(`${cut.replace(' ', 'T')}Z`),
    });
    log(`state (full run before the cut): ${secs(base.totalMs)}`);
    const inc = await refreshIncremental(conn, { config, incremental, raw });
    if (inc.run.mode !== 'incremental') throw new Error(`expected an incremental run, got a full one: ${inc.fullReason}`);
    log(
      `incremental: ${secs(inc.totalMs)}; ${fmt(inc.run.new_events)} new events, ${fmt(inc.run.affected_persons)} affected persons, ${fmt(inc.run.rows_rewritten)} rows rewritten`,
    );
    const slowest = [...inc.steps].sort((a, b) => b.ms - a.ms).slice(0, 6);
    // STEPS=1: every step of the incremental run, in order (for finding where its time goes).
    if (process.env.STEPS) for (const s of inc.steps) log(`  ${s.name.padEnd(40)} ${s.ms.toFixed(0).padStart(7)} ms`);

    // 3. Exactly equal? Rows of each table in one result and not the other, both ways.
    const differences: Record<string, number> = {};
    let outputRows = 0;
    for (const t of OUTPUT_TABLES) {
      const a = duck.quoteIdent(t);
      const b = duck.quoteIdent(`full_${t}`);
      differences[t] = Number(
        await value(
          conn,
          `SELECT (SELECT count(*) FROM (SELECT * FROM ${a} EXCEPT ALL SELECT * FROM ${b})) + (SELECT count(*) FROM (SELECT * FROM ${b} EXCEPT ALL SELECT * FROM ${a}))`,
        ),
      );
      outputRows += Number(await value(conn, `SELECT count(*) FROM ${b}`));
    }
    const persons = Number(await value(conn, `SELECT count(*) FROM full_persons`));
    // The floor of this design: every event of an affected person is stitched again, by the same models as a full run.
    const allEvents = Number(await value(conn, `SELECT count(*) FROM full_stitched_events`));
    const rowsOf = (step: string) => inc.steps.find((s) => s.name === step)?.rows ?? NaN;
    const recomputedEvents = rowsOf('inc_delta_js_events');
    // The recomputation's steps keep the models' names; the append's are prefixed (src/models/incremental/append.ts).
    const recomputedPersons = rowsOf('js_backfill');
    const appendedPersons = rowsOf(`${APPEND}persons`);
    const appendedEvents = rowsOf(`${APPEND}stitched_events`);
    const appendMs = inc.steps.filter((s) => s.name.startsWith(APPEND)).reduce((ms, s) => ms + s.ms, 0);
    const models = new Set(between(full.steps, ['js_events'], OUTPUT_TABLES).map((s) => s.name));
    const modelMs = (steps: { name: string; ms: number }[]) => steps.filter((s) => models.has(s.name)).reduce((ms, s) => ms + s.ms, 0);
    const equal = Object.values(differences).every((n) => n === 0);
    log(`equal to the full rebuild: ${equal ? 'yes' : `NO ${JSON.stringify(differences)}`}`);

    const ratio = (a: number, b: number) => (a / b).toFixed(3);
    const section = [
      `## ${fmt(events)} events`,
      '',
      `Generated by \`npx tsx bench/incremental.ts --events ${events} --share ${share} --lookback ${lookbackHours} --seed ${seed}${dbFile === ':memory:' ? '' : ' --db <file>'}\` on ${new Date().toISOString().slice(0, 10)}`,
      `(${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, DuckDB ${dbFile === ':memory:' ? 'in memory' : 'on disk'}). Sample: \`journey-stitch sample\`, seed '${seed}', Segment, Parquet.`,
      '',
      `The raw rows are cut at ${cut}: the ${fmt(newRows)} rows after it (${((100 * newRows) / rawRows).toFixed(2)}% of ${fmt(rawRows)}) arrive as the increment.`,
      `State is a full run on the rows before the cut; the incremental run re-reads ${lookbackHours} h before the last watermark for late data.`,
      '',
      '| | full rebuild | incremental | ratio |',
      '| --- | ---: | ---: | ---: |',
      `| wall time | ${secs(fullRun.totalMs)} | ${secs(inc.totalMs)} | ${ratio(inc.totalMs, fullRun.totalMs)} |`,
      `| output rows written | ${fmt(outputRows)} | ${fmt(inc.run.rows_rewritten)} | ${ratio(inc.run.rows_rewritten, outputRows)} |`,
      `| persons recomputed | ${fmt(persons)} | ${fmt(recomputedPersons)} | ${ratio(recomputedPersons, persons)} |`,
      `| events recomputed (their events) | ${fmt(allEvents)} | ${fmt(recomputedEvents)} | ${ratio(recomputedEvents, allEvents)} |`,
      `| time in the models after dedupe (identity graph to paths) | ${secs(modelMs(fullRun.steps))} | ${secs(modelMs(inc.steps))} | ${ratio(modelMs(inc.steps), modelMs(fullRun.steps))} |`,
      `| persons appended to (new page views only), their new events | | ${fmt(appendedPersons)}, ${fmt(appendedEvents)} | |`,
      `| time appending | | ${secs(appendMs)} | |`,
      '',
      `New or changed events: ${fmt(inc.run.new_events)}. Result equal to the full rebuild (every table, EXCEPT ALL both ways): **${equal ? 'yes' : `no: ${JSON.stringify(differences)}`}**.`,
      '',
      'Slowest steps of the incremental run:',
      '',
      ...slowest.map((s) => `- ${s.name}: ${secs(s.ms)}${s.iterations ? ` (${s.iterations} iterations)` : ''}`),
      '',
    ].join('\n');
    writeResults(events, section);
    log(section);
    if (!equal) process.exitCode = 1;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

main().catch((err) => {
  log(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
