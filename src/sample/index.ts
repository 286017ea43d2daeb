/**
 * `journey-stitch sample`: writes a synthetic data set (source tables, ground truth, a config to stitch it)
 * into a folder. Same options and seed → same bytes.
 */
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { configSchema, type ConfigInput } from '../config/schema';
import { Deliverer, isMalformed, type FaultCounts } from './deliver';
import { NdjsonFile, Staging, ndjsonToParquet, type ParquetType } from './files';
import { OFFSITE_SOURCE, TABLE_COLUMNS, TIMESTAMP_COLUMNS, tableOf, tablesOf, toLine, toRow, type SourceFormat } from './shapes';
import { Simulation, WINDOW_DAYS, windowStartEndingOn, type Phenomena } from './simulate';

export type FileFormat = 'ndjson' | 'parquet';

export interface SampleOptions {
  out: string;
  /** Distinct events to generate (at least; the last household is completed). */
  events: number;
  /** Sets activity per person: events / persons on average. */
  persons: number;
  seed: string;
  format: FileFormat;
  source: SourceFormat;
  /** Last day (YYYY-MM-DD) of the simulated 365 days; without it, the fixed window from 2024-01-01. */
  end?: string;
}

import { DEMO_OPTIONS, DEMO_SIZE } from './demo-size';
import { JourneyStitchError } from '../contract/errors';

export { DEMO_OPTIONS, DEMO_SIZE };
const DEFAULT_EVENTS_PER_PERSON = 25;
/**
 * The generator's version, written to the manifest: bumped when the same options give other data (2: LinkedIn
 * headlines, companies and the matching confounders), so a cache of generated data (the bench's) knows it is stale.
 */
export const SAMPLE_GENERATOR_VERSION = 2;
export const SAMPLE_GENERATOR_CHANGE = 'LinkedIn headlines, companies and the name-matching confounders';

/** Fills in events/persons from each other; validates ranges with messages naming the option. */
export function resolveSampleOptions(input: Partial<SampleOptions> & { out: string }): SampleOptions {
  const events = input.events ?? (input.persons !== undefined ? input.persons * DEFAULT_EVENTS_PER_PERSON : 100_000);
  const persons = input.persons ?? Math.max(1, Math.round(events / DEFAULT_EVENTS_PER_PERSON));
  for (const [name, v] of [
    ['--events', events],
    ['--persons', persons],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new JourneyStitchError(`${name} must be a positive whole number, got ${v}`);
  }
  if (events < persons)
    throw new JourneyStitchError(`--events (${events}) must be at least --persons (${persons}): every person has at least one event`);
  windowStartEndingOn(input.end); // rejects a bad --end before anything is written
  return {
    out: input.out,
    events,
    persons,
    seed: input.seed ?? '1',
    format: input.format ?? 'ndjson',
    source: input.source ?? 'segment',
    end: input.end,
  };
}

export const GROUND_TRUTH = 'ground_truth';
export const CONFIG_FILE = 'journey-stitch.yaml';
export const MANIFEST_FILE = 'sample.json';
export const GROUND_TRUTH_COLUMNS: [string, ParquetType][] = [
  ['event_id', 'VARCHAR'],
  ['person_id', 'VARCHAR'],
  ['source_table', 'VARCHAR'],
  ['malformed', 'BOOLEAN'],
];

export interface SampleResult {
  options: SampleOptions;
  files: string[];
  /** Distinct events (ground-truth rows plus id-less malformed rows). */
  events: number;
  /** Rows written per table, duplicates included. */
  rows: Record<string, number>;
  phenomena: Phenomena;
  faults: FaultCounts;
}

/** The config that stitches the generated folder (paths relative to the folder). */
export function sampleConfig(source: SourceFormat, format: FileFormat): ConfigInput {
  return {
    warehouse: 'duckdb',
    source: source === 'segment' ? { type: 'segment', path: '.' } : { type: 'snowplow', path: '.' },
    // The export's own row id, so every offsite event has an id the ground truth can name.
    offsite: [{ name: OFFSITE_SOURCE, label: 'LinkedIn', path: `${OFFSITE_SOURCE}.${format}`, columns: { id: 'id' } }],
    output: { database: 'journey_stitch.duckdb' },
  };
}

export async function generateSample(options: SampleOptions, onProgress?: (events: number) => void): Promise<SampleResult> {
  const staging = new Staging(options.out);
  try {
    const tables = tablesOf(options.source);
    const files = Object.fromEntries(tables.map((t) => [t, new NdjsonFile(staging.path(`${t}.ndjson`))]));
    const truth = new NdjsonFile(staging.path(`${GROUND_TRUTH}.ndjson`));
    const sim = new Simulation({
      seed: options.seed,
      eventsPerPerson: options.events / options.persons,
      windowStart: windowStartEndingOn(options.end),
    });
    const deliverer = new Deliverer(options.seed);
    let events = 0;
    let reported = 0;
    while (events < options.events) {
      for (const e of sim.household()) {
        const table = tableOf(e, options.source);
        const deliveries = deliverer.deliver(e);
        for (const d of deliveries) files[table].write(toLine(table, toRow(e, d, options.source)));
        const first = deliveries[0];
        if (first.id !== null) {
          truth.write(
            `{"event_id":${JSON.stringify(first.id)},"person_id":${JSON.stringify(e.person)},"source_table":${JSON.stringify(table)},"malformed":${isMalformed(first, e)}}\n`,
          );
        }
        events++;
      }
      if (onProgress && events - reported >= 1_000_000) onProgress((reported = events));
    }
    for (const f of [...Object.values(files), truth]) f.close();

    if (options.format === 'parquet') {
      const typed = (columns: readonly string[]): [string, ParquetType][] =>
        columns.map((c) => [c, TIMESTAMP_COLUMNS.has(c) ? 'TIMESTAMP' : 'VARCHAR']);
      await ndjsonToParquet([
        ...tables.map((t) => ({
          from: staging.path(`${t}.ndjson`),
          to: staging.path(`${t}.parquet`),
          columns: typed(TABLE_COLUMNS[t]),
          timeOrdered: true,
        })),
        { from: staging.path(`${GROUND_TRUTH}.ndjson`), to: staging.path(`${GROUND_TRUTH}.parquet`), columns: GROUND_TRUTH_COLUMNS },
      ]);
      for (const t of [...tables, GROUND_TRUTH]) staging.remove(`${t}.ndjson`);
    }

    const config = sampleConfig(options.source, options.format);
    configSchema.parse(config); // the generated config must be one the tool accepts
    const header =
      `# Generated by journey-stitch sample: seed '${options.seed}', ${events} events, ${sim.phenomena.persons} persons` +
      // Only with --end, so that data sets of the default window keep their bytes.
      `${options.end === undefined ? '' : `, ${WINDOW_DAYS} days to ${options.end}`}.\n` +
      `# Ground truth (the true person of every event id): ${GROUND_TRUTH}.${options.format}\n`;
    writeFileSync(staging.path(CONFIG_FILE), header + stringify(config));
    const result: SampleResult = {
      options,
      // Every file of the data set, this manifest included.
      files: [...staging.files(), MANIFEST_FILE].sort(),
      events,
      rows: Object.fromEntries(tables.map((t) => [t, files[t].lines])),
      phenomena: sim.phenomena,
      faults: deliverer.counts,
    };
    writeFileSync(
      staging.path(MANIFEST_FILE),
      JSON.stringify({ generator: SAMPLE_GENERATOR_VERSION, ...result, options: { ...options, out: undefined } }, null, 2) + '\n',
    );
    // Files an earlier run may have left in another format or shape: two 'pages' files would stop the engine.
    const stale = ['pages', 'tracks', 'identifies', 'events', OFFSITE_SOURCE, GROUND_TRUTH].flatMap((t) => [`${t}.ndjson`, `${t}.parquet`]);
    staging.commit(stale);
    return result;
  } catch (err) {
    staging.abandon();
    throw err;
  }
}
