/**
 * `journey-stitch evaluate`: stitch a folder of sample data (ours, and the seed's SQL on the same loaded
 * tables), then score both against the folder's ground truth.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { ConfigError, loadConfig } from '../config/load';
import { nameMatching, type Config } from '../config/schema';
import { openDuckDB, withMemoryHint } from '../warehouse/duckdb/instance';
import { loadSources, SourceFileError, type LoadedSources } from '../warehouse/duckdb/load';
import { runPipeline, type RunReport } from '../warehouse/duckdb/run';
import { buildPipeline } from '../models';
import { CONFIG_FILE, GROUND_TRUTH } from '../sample';
import { hasColumn, matchingScores, offsiteGroups, type MatchingScores, type ProbabilityColumn } from './matching';
import { evaluateCells, type Cell, type Evaluation } from './metrics';
import { SEED_PREDICTIONS, runSeedBaseline, seedUnsupported } from './seed';
import { dialects } from '../sql/dialects';

const duck = dialects.duckdb;
export const TRUTH_TABLE = 'js_ground_truth';
/** Category of ground-truth events missing from a stitcher's output (rejected or lost). */
export const NOT_IN_OUTPUT = 'not in output';

/**
 * Our output as predictions: the event's identity_status is its category; confirmed/inferred are known persons; the
 * match probability of inferred events when the models write one (before evidence scoring they did not).
 */
export async function ourPredictions(conn: DuckDBConnection): Promise<{ sql: string; probability: ProbabilityColumn }> {
  const present = await hasColumn(conn, 'stitched_events', 'match_probability');
  return {
    sql: `SELECT event_id, person_id, identity_status AS category, identity_status IN ('confirmed', 'inferred') AS known,
  ${present ? 'match_probability' : 'CAST(NULL AS DOUBLE)'} AS probability
FROM stitched_events`,
    probability: present ? 'present' : 'missing',
  };
}

/** The config with name matching by the exact-name rule (the comparison the scored matching is measured against). */
export function withExactNames(config: Config): Config {
  const current = nameMatching(config);
  if (!current) throw new Error('identity.name_matching is false: there is no name matching to compare with the exact-name rule');
  return { ...config, identity: { ...config.identity, name_matching: { ...current, method: 'exact' } } };
}

export interface SystemResult {
  name: string;
  /** Time of the stitching SQL (loading the files excluded; the same for both). */
  ms: number;
  evaluation: Evaluation;
  /** Events the stitcher gave to more than one person (the seed's name join fans out); scored with the first. */
  fannedOutEvents: number;
  /** Offsite rows: attached to the right visitor, and name matches by probability band. */
  matching: MatchingScores;
}

export interface EvaluationReport {
  data: string;
  /** Ground-truth events scored (malformed ones, which every stitcher should reject, left out). */
  events: number;
  malformedExcluded: number;
  systems: SystemResult[];
  /** Why the seed baseline did not run, if it did not. */
  seedSkipped: string | null;
  /** Why the exact-name rule was not run for comparison, if it was not. */
  exactSkipped: string | null;
  iterations: Record<string, number>;
}

/** The ground-truth file of a sample folder. */
export function findGroundTruth(data: string): string {
  const candidates = ['ndjson', 'parquet'].map((ext) => path.join(data, `${GROUND_TRUTH}.${ext}`)).filter((f) => existsSync(f));
  if (candidates.length === 0) {
    throw new SourceFileError(
      `no ${GROUND_TRUTH}.ndjson or ${GROUND_TRUTH}.parquet in ${data}: evaluate needs data written by 'journey-stitch sample' (pass its folder as --data)`,
    );
  }
  return candidates[0];
}

export async function loadGroundTruth(conn: DuckDBConnection, file: string): Promise<void> {
  const read = file.endsWith('.parquet')
    ? `read_parquet(${duck.stringLiteral(file)})`
    : `read_json(${duck.stringLiteral(file)}, format = 'newline_delimited', columns = {event_id: 'VARCHAR', person_id: 'VARCHAR', source_table: 'VARCHAR', malformed: 'BOOLEAN'})`;
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${TRUTH_TABLE} AS SELECT event_id, person_id, source_table, malformed FROM ${read}`);
}

/** Contingency cells of a predictions query (event_id, person_id, category, known) against the ground truth. */
export async function predictionCells(conn: DuckDBConnection, predictions: string): Promise<{ cells: Cell[]; fannedOutEvents: number }> {
  await conn.run(`CREATE OR REPLACE TEMP TABLE js_predicted AS
    SELECT event_id, min(person_id) AS person_id, min(category) AS category, bool_or(known) AS known, count(DISTINCT person_id) AS persons
    FROM (${predictions}) WHERE event_id IS NOT NULL GROUP BY event_id`);
  const rows = (
    await conn.runAndReadAll(`
      SELECT p.person_id AS predicted, t.person_id AS truth,
        coalesce(p.category, ${duck.stringLiteral(NOT_IN_OUTPUT)}) AS category,
        count(*) AS events, count(*) FILTER (WHERE p.known) AS known
      FROM ${TRUTH_TABLE} t LEFT JOIN js_predicted p ON p.event_id = t.event_id
      WHERE NOT t.malformed
      GROUP BY ALL`)
  ).getRows();
  const fannedOut = (await conn.runAndReadAll(`SELECT count(*) FROM js_predicted WHERE persons > 1`)).getRows()[0][0];
  await conn.run('DROP TABLE js_predicted');
  const cells = new Map<string, Cell>();
  for (const [predicted, truth, category, events, known] of rows) {
    const key = JSON.stringify([predicted, truth]);
    let cell = cells.get(key);
    if (!cell)
      cells.set(
        key,
        (cell = { predicted: predicted === null ? null : String(predicted), truth: String(truth), events: 0, byCategory: {}, known: 0 }),
      );
    cell.events += Number(events);
    cell.known += Number(known);
    cell.byCategory[String(category)] = (cell.byCategory[String(category)] ?? 0) + Number(events);
  }
  return { cells: [...cells.values()], fannedOutEvents: Number(fannedOut) };
}

/** Builds and runs our pipeline on loaded sources. */
export async function stitchLoaded(conn: DuckDBConnection, config: Config, loaded: LoadedSources): Promise<RunReport> {
  const pipeline = buildPipeline({ config, dialect: duck, raw: loaded.raw, out: (t) => duck.quoteIdent(t) });
  return runPipeline(conn, pipeline, { dropScratchEarly: (t) => duck.quoteIdent(t) });
}

/** Scores a predictions query (event_id, person_id, category, known, probability) against the loaded ground truth. */
export async function scoreSystem(
  conn: DuckDBConnection,
  name: string,
  ms: number,
  predictions: string,
  probability: ProbabilityColumn,
): Promise<SystemResult> {
  const { cells, fannedOutEvents } = await predictionCells(conn, predictions);
  const matching = matchingScores(await offsiteGroups(conn, TRUTH_TABLE, predictions), probability);
  return { name, ms, evaluation: evaluateCells(cells), fannedOutEvents, matching };
}

/** Our pipeline on loaded sources, scored. */
export async function stitchAndScore(
  conn: DuckDBConnection,
  name: string,
  config: Config,
  loaded: LoadedSources,
): Promise<{ run: RunReport; result: SystemResult }> {
  const run = await stitchLoaded(conn, config, loaded);
  const ours = await ourPredictions(conn);
  return { run, result: await scoreSystem(conn, name, run.totalMs, ours.sql, ours.probability) };
}

export const EXACT_NAMES = 'journey-stitch, exact-name rule';

export interface EvaluateOptions {
  data: string;
  /** Config file (default: journey-stitch.yaml in the data folder). */
  config?: string;
  /** Also run the seed's SQL (default true). */
  baseline?: boolean;
  /** Also stitch with the exact-name rule when the config scores name matches (default true). */
  exact?: boolean;
}

export async function evaluateFolder(opts: EvaluateOptions): Promise<EvaluationReport> {
  const truthFile = findGroundTruth(opts.data);
  const configFile = opts.config ?? path.join(opts.data, CONFIG_FILE);
  const { config } = await loadConfig(configFile);
  if (config.warehouse !== 'duckdb')
    throw new ConfigError(configFile, [
      'warehouse: evaluate runs on the embedded DuckDB; set warehouse: duckdb (the config journey-stitch sample writes)',
    ]);
  const instance = await openDuckDB(':memory:', config);
  const conn = await instance.connect();
  try {
    const loaded = await loadSources(conn, config);
    await loadGroundTruth(conn, truthFile);
    const { run, result } = await stitchAndScore(conn, 'journey-stitch', config, loaded);
    const systems = [result];
    const exactSkipped =
      opts.exact === false ? 'not requested' : nameMatching(config)?.method !== 'scored' ? 'the config does not score name matches' : null;
    // The same data again with the exact-name rule: its output replaces ours, which is scored already.
    if (exactSkipped === null) systems.push((await stitchAndScore(conn, EXACT_NAMES, withExactNames(config), loaded)).result);
    const seedSkipped = opts.baseline === false ? 'not requested' : seedUnsupported(config);
    if (seedSkipped === null) {
      const ms = await runSeedBaseline(conn, loaded.raw, config);
      systems.push(await scoreSystem(conn, 'seed SQL', ms, SEED_PREDICTIONS, 'not applicable'));
    }
    const [events, malformed] = (
      await conn.runAndReadAll(`SELECT count(*) FILTER (WHERE NOT malformed), count(*) FILTER (WHERE malformed) FROM ${TRUTH_TABLE}`)
    ).getRows()[0];
    return {
      data: opts.data,
      events: Number(events),
      malformedExcluded: Number(malformed),
      systems,
      seedSkipped,
      exactSkipped,
      iterations: run.iterations,
    };
  } catch (err) {
    throw withMemoryHint(config, err);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
