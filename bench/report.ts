/** bench/RESULTS.md and the time-vs-events plot, written from bench/results.json. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SystemResult } from '../src/evaluate';
import { OUTPUT_TABLES } from '../src/contract/tables';
import { SAMPLE_GENERATOR_CHANGE, SAMPLE_GENERATOR_VERSION } from '../src/sample';
import { calibrationSections, evaluationTable } from '../src/evaluate/report';
import { calibrationPlotPng, timePlotPng, type CalibrationPoint, type PlotPoint } from './plot';

export interface TimeResult {
  system: 'ours' | 'ours-exact' | 'seed';
  loadMs: number;
  ms: number;
  iterations: Record<string, number>;
  steps: { name: string; ms: number }[];
  peakRssMiB: number;
  scores: SystemResult | null;
}

export interface SizeResult {
  events: number;
  rows: Record<string, number>;
  generatedMs: number | null;
  /** The sample generator's version the data came from (absent: before it was recorded, version 1). */
  generator?: number;
  ours: TimeResult;
  /** Our pipeline with the exact-name rule (absent from results measured before it was, or with --no-exact). */
  exact?: TimeResult | null;
  seed: TimeResult;
  machine: { cpus: number; loadAverage: number; memoryGiB: number };
  measuredAt: string;
}

interface ModelCost {
  name: string;
  bytes: number;
  statements: number;
  /** What DML bills for its target table (absent in results measured before it was recorded). */
  modifiedBytes?: number;
}

export interface BenchResults {
  sizes: Record<string, SizeResult>;
  cost: {
    events: number;
    full: ModelCost[];
    daily: ModelCost[];
    seedBytes: number | null;
    partitionShare: Record<string, number>;
    incremental: {
      lastDay: string;
      cutoff: string | null;
      newEvents: number;
      affectedPersons: number;
      ms: number;
      fullReason: string | null;
    };
  } | null;
}

const PRICE_PER_TIB = 6.25;
const int = (n: number) => Math.round(n).toLocaleString('en');
const sec = (ms: number) => (ms / 1000).toFixed(ms < 10_000 ? 2 : 1);
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
/** Bytes of a run: the sum over its models. */
const totalBytes = (models: readonly ModelCost[]) => models.reduce((a, m) => a + m.bytes, 0);
const usd = (bytes: number) => `$${((bytes / 2 ** 40) * PRICE_PER_TIB).toFixed(4)}`;

function performanceTable(sizes: SizeResult[]): string {
  const rows = sizes.map((s) => {
    const iters = Object.values(s.ours.iterations).join(' / ') || '–';
    const exact = s.exact ? sec(s.exact.ms) : '–';
    return `| ${int(s.events)} | ${sec(s.ours.ms)} | ${int(s.events / (s.ours.ms / 1000))} | ${int(s.ours.peakRssMiB)} | ${iters} | ${exact} | ${sec(s.seed.ms)} | ${int(s.seed.peakRssMiB)} | ${(s.ours.ms / s.seed.ms).toFixed(1)}× | ${sec(s.ours.loadMs)} | ${s.generatedMs === null ? '–' : sec(s.generatedMs)} | ${s.machine.loadAverage.toFixed(1)} |`;
  });
  return [
    '| events | our pipeline (s) | events/s | peak RSS (MiB) | label-propagation iterations (identity / anonymous) | ours, exact-name rule (s) | seed SQL (s) | seed peak RSS (MiB) | ours ÷ seed | opening the Parquet files (s) | generating the sample (s) | load average during run |',
    '| ---: | ---: | ---: | ---: | :---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}

function slowestModels(s: SizeResult, n = 8): string {
  const total = s.ours.steps.reduce((a, x) => a + x.ms, 0);
  const top = [...s.ours.steps].sort((a, b) => b.ms - a.ms).slice(0, n);
  return [
    `| model (${int(s.events)} events) | time (s) | share |`,
    '| --- | ---: | ---: |',
    ...top.map((x) => `| ${x.name} | ${sec(x.ms)} | ${((100 * x.ms) / total).toFixed(0)}% |`),
  ].join('\n');
}

function costTable(cost: NonNullable<BenchResults['cost']>): string {
  const byName = new Map<string, { full: number; daily: number }>();
  for (const m of cost.full) byName.set(m.name, { full: m.bytes, daily: 0 });
  for (const m of cost.daily)
    byName.set(m.name, { full: byName.get(m.name)?.full ?? 0, daily: (byName.get(m.name)?.daily ?? 0) + m.bytes });
  const [full, daily] = [totalBytes(cost.full), totalBytes(cost.daily)];
  const rows = [...byName].map(([name, b]) => `| ${name} | ${mib(b.full)} | ${mib(b.daily)} |`);
  return [
    `| model | full run (MiB) | daily incremental (MiB) |`,
    '| --- | ---: | ---: |',
    ...rows,
    `| **total** | **${mib(full)}** (${usd(full)}) | **${mib(daily)}** (${usd(daily)}) |`,
    ...(cost.seedBytes !== null ? [`| the seed's SQL (one query, full) | ${mib(cost.seedBytes)} (${usd(cost.seedBytes)}) | – |`] : []),
  ].join('\n');
}

/**
 * The part of the daily run no exact incremental refresh on BigQuery can avoid: every output row that changes must
 * be changed, and a MERGE, UPDATE or DELETE bills all columns of each partition it changes (the whole table when it
 * is not partitioned). Measured as what the output tables' DML billed for its targets.
 */
function dmlFloor(cost: NonNullable<BenchResults['cost']>): string[] {
  if (cost.daily.some((m) => m.modifiedBytes === undefined)) return [];
  const [full, daily] = [totalBytes(cost.full), totalBytes(cost.daily)];
  const billed = (table: string) =>
    cost.daily.filter((m) => m.name.startsWith(`${table} (`)).reduce((a, m) => a + (m.modifiedBytes ?? 0), 0);
  const stitched = billed('stitched_events');
  const outputs = OUTPUT_TABLES.reduce((a, t) => a + billed(t), 0);
  const share = (bytes: number) => (bytes / full).toFixed(3);
  return [
    `Of the daily run's ${mib(daily)} MiB, ${mib(outputs)} MiB (${share(outputs)} of a full run) is what the output tables' DML bills for`,
    `the rows that change, ${mib(stitched)} MiB (${share(stitched)}) of it for stitched_events' partitions. BigQuery bills a MERGE, UPDATE or DELETE for all`,
    'columns of every partition it changes (the whole table when it is not partitioned), and every output row that changes',
    'must be changed, so no exact incremental plan that changes the tables in place bills less than that.',
    '',
  ];
}

const sortedSizes = (results: BenchResults) => Object.values(results.sizes).sort((a, b) => a.events - b.events);
const scoredSizes = (results: BenchResults) => sortedSizes(results).filter((s) => s.ours.scores && s.seed.scores);

/** RESULTS.md and its plots (time-vs-events.png; calibration.png when name matches carry probabilities) in `dir`. */
export async function writeResults(results: BenchResults, dir: string): Promise<void> {
  const sizes = sortedSizes(results);
  if (sizes.length === 0) return;
  const points: PlotPoint[] = sizes.flatMap((s) => [
    { events: s.events, seconds: s.ours.ms / 1000, series: 'journey-stitch (full pipeline)' },
    { events: s.events, seconds: s.seed.ms / 1000, series: "seed's SQL" },
  ]);
  writeFileSync(path.join(dir, 'time-vs-events.png'), await timePlotPng(points, 'Stitching time on embedded DuckDB (log-log)'));
  const calibration = calibrationPoints(scoredSizes(results));
  if (calibration.length > 0) {
    writeFileSync(
      path.join(dir, 'calibration.png'),
      await calibrationPlotPng(calibration, 'Name matches: predicted probability against observed precision'),
    );
  }
  const findingsFile = path.join(dir, 'FINDINGS.md');
  writeFileSync(
    path.join(dir, 'RESULTS.md'),
    resultsMarkdown(results, existsSync(findingsFile) ? readFileSync(findingsFile, 'utf8') : null),
  );
}

/** RESULTS.md's text (pure): the time, accuracy and calibration tables, the cost on paper, then the findings. */
export function resultsMarkdown(results: BenchResults, findings: string | null): string {
  const sizes = sortedSizes(results);
  const scored = scoredSizes(results);
  const accuracy = scored.map((s) => {
    const systems = [s.ours.scores!, ...(s.exact?.scores ? [s.exact.scores] : []), s.seed.scores!];
    return [`### ${int(s.events)} events`, evaluationTable(systems), ...calibrationSections(systems.slice(0, -1), '####')].join('\n\n');
  });
  const calibration = calibrationPoints(scored);
  const m = sizes[0].machine;
  return [
    '# Benchmarks',
    '',
    `Generated by \`npm run bench\` (bench/run.ts) from bench/results.json; do not edit by hand (findings: bench/FINDINGS.md).`,
    `Data: \`journey-stitch sample --format parquet --seed bench --events N\` (Segment pages/tracks/identifies + a LinkedIn export).`,
    `Machine: ${m.cpus} CPUs, ${m.memoryGiB} GiB RAM, embedded in-memory DuckDB (memory_limit ${process.env.BENCH_MEMORY_LIMIT ?? '8GB'}, spilling to the temp folder).`,
    'Both read the Parquet files in place (views over read_parquet, as `stitch` does), so both times include reading them;',
    `and are single runs on a machine shared with other work: the load average column says how busy it was.`,
    '',
    '## Time',
    '',
    performanceTable(sizes),
    '',
    ...olderData(sizes),
    '![time against events, log-log](time-vs-events.png)',
    '',
    '### Where our time goes',
    '',
    slowestModels(sizes[sizes.length - 1]),
    '',
    '## Accuracy (pairwise, against the ground truth)',
    '',
    'Precision: of the event pairs a stitcher puts on one person, the share that truly belong together; recall: of the truly',
    'same-person pairs, the share it found. "Pairs with an inferred event" are the name-matched links. Offsite rows are also',
    'scored row by row: one is right when its true person owns most web events of the person it was given; name-match recall is',
    'over the rows not tied by email whose true person identified on the site. "Exact-name rule": our pipeline again with',
    '`identity.name_matching: { method: exact }` (a name shared by exactly one known person), the comparison for scored matching.',
    'Calibration tables: per band of match probability, the inferred rows, their mean predicted probability and the share right,',
    "then what a minimum-probability filter at the band's lower bound keeps.",
    '',
    ...(calibration.length > 0 ? ['![predicted match probability against observed precision, per data size](calibration.png)', ''] : []),
    ...accuracy.flatMap((a) => [a, '']),
    ...(results.cost
      ? [
          `## BigQuery cost on paper (${int(results.cost.events)} events)`,
          '',
          'Bytes each model would scan on BigQuery on-demand (STRING 2 + UTF-8 bytes, INT64/TIMESTAMP 8, BOOL 1, NULL 0), from the columns',
          "DuckDB's plan reads in each statement, sized in the tables as they are when the statement runs (bench/bigquery-cost.ts).",
          `Daily incremental: state built from all days before ${results.cost.incremental.lastDay}, then one refresh (72 h lookback, cutoff`,
          `${results.cost.incremental.cutoff}): ${int(results.cost.incremental.newEvents)} new events, ${int(results.cost.incremental.affectedPersons)} affected persons, ${sec(results.cost.incremental.ms)} s on DuckDB (the ledger's own queries included).`,
          'Raw tables are assumed partitioned by day (only the partitions since the cutoff are billed); scratch, state and output tables are read whole,',
          "except the days a constant filter on a day-partitioned table's column prunes (the event-level state since the cutoff).",
          'A DELETE also bills its target table as it is when it starts, all columns: whole, or only the days it modifies where the table is',
          'partitioned by day (stitched_events, sessions, session_paths and the event-level state), as BigQuery prices DML.',
          `Price: $${PRICE_PER_TIB}/TiB; BigQuery bills at least 10 MiB per table read, which small tables would round up to.`,
          '',
          costTable(results.cost),
          '',
          ...dmlFloor(results.cost),
        ]
      : []),
    ...(findings !== null ? [findings.trim(), ''] : []),
  ].join('\n');
}

/** A note naming the sizes measured on data of an older sample generator (their accuracy is not comparable). */
function olderData(sizes: SizeResult[]): string[] {
  const older = sizes.filter((s) => (s.generator ?? 1) !== SAMPLE_GENERATOR_VERSION);
  if (older.length === 0) return [];
  return [
    `Measured on data of an older sample generator (before version ${SAMPLE_GENERATOR_VERSION}: ${SAMPLE_GENERATOR_CHANGE}), so not comparable with the other`,
    `sizes until measured again: ${older.map((s) => int(s.events)).join(', ')} events.`,
    '',
  ];
}

/** Per size, a point per probability band with rows: the band's mean predicted probability and observed precision. */
export function calibrationPoints(sizes: SizeResult[]): CalibrationPoint[] {
  return sizes.flatMap((s) =>
    (s.ours.scores?.matching?.bands ?? []).flatMap((b) =>
      b.events > 0 && b.meanProbability !== null && b.precision !== null
        ? [{ predicted: b.meanProbability, observed: b.precision, rows: b.events, series: `${int(s.events)} events` }]
        : [],
    ),
  );
}

/**
 * `tsx bench/report.ts [results.json] [dir]`: rewrite RESULTS.md and the plots from results.json without measuring
 * (by default bench/results.json into bench/).
 */
if (require.main === module) {
  const [file = path.join(__dirname, 'results.json'), dir = __dirname] = process.argv.slice(2);
  const results = JSON.parse(readFileSync(file, 'utf8')) as BenchResults;
  writeResults(results, dir).then(() => process.stderr.write(`wrote ${path.join(dir, 'RESULTS.md')}\n`));
}
