/**
 * The dynamic path views over real stitching output: the sample data stitched on DuckDB by the engine, then
 * the generated journey_paths / session_paths SQL rendered as the preview renders it. Unfiltered, the views
 * reproduce the engine's static path tables exactly; filtered, the paths are rebuilt from the filtered events.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { resolveConfigPaths } from '../../src/config/load';
import { configSchema, type Config } from '../../src/config/schema';
import { stitchDuckDB } from '../../src/warehouse/duckdb/stitch';
import { generateProject } from '../../src/lookml/project';
import { PREVIEW_DIALECT_NAME, renderLiquid } from '../../src/preview/query/liquid';
import { generateSample, resolveSampleOptions, sampleConfig } from '../../src/sample';
import { queryRows } from '../support/duckdb';
import { parseLookml as parse } from '../../src/lookml/parser';

type PathView = 'journey_paths' | 'session_paths';

let dir: string;
let config: Config;
let instance: DuckDBInstance;
let conn: DuckDBConnection;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'js-lookml-sample-'));
  // Large enough for scored name matching to infer persons with web events in the second half (the filters keep them);
  // the lowest threshold allowed, so the inferred rows spread over probabilities for the probability filter to cut.
  await generateSample(resolveSampleOptions({ out: dir, events: 10_000, persons: 400, seed: 'lookml' }));
  const sampled = sampleConfig('segment', 'ndjson');
  config = resolveConfigPaths(configSchema.parse({ ...sampled, identity: { ...sampled.identity, name_matching: { min_probability: 0.5 } } }), dir);
  await stitchDuckDB(config);
  instance = await DuckDBInstance.create(config.output.database, { access_mode: 'READ_ONLY' });
  conn = await instance.connect();
}, 120_000);

afterAll(async () => {
  conn?.closeSync();
  instance?.closeSync();
  await rm(dir, { recursive: true, force: true });
});

/** The view's derived-table SQL for DuckDB with the given templated filter predicates (field → predicate on the column). */
function pathSql(view: PathView, filters: Record<string, (col: string) => string> = {}): string {
  const file = generateProject(config).find((f) => f.path === `lookml/views/${view}.view.lkml`)!;
  const sql = (parse(file.content).view[view].derived_table.sql as string).replace(/\$\{(\w+)\.SQL_TABLE_NAME\}/g, '$1');
  return renderLiquid(sql, {
    dialectName: PREVIEW_DIALECT_NAME,
    where: view,
    condition: (field, col) => (filters[field.split('.')[1]] ?? (() => '1=1'))(col.trim()),
  });
}

const key = (view: PathView) => (view === 'journey_paths' ? 'person_id' : 'session_id');

/** Each unit's steps from its events (k, step_label; in time order), consecutive duplicates collapsed, in TypeScript. */
function collapsedSteps(events: Record<string, unknown>[]): Map<string, string[]> {
  const expected = new Map<string, string[]>();
  for (const e of events) {
    const steps = expected.get(e.k as string) ?? [];
    if (e.step_label !== null && steps[steps.length - 1] !== e.step_label) steps.push(e.step_label as string);
    expected.set(e.k as string, steps);
  }
  return expected;
}

/** The path rows' step_1 … step_N equal the expected steps, cut at N. */
function expectSteps(view: PathView, rows: Record<string, unknown>[], expected: Map<string, string[]>): void {
  const n = config.journeys.steps;
  expect(new Map(rows.map((r) => [r[key(view)], Array.from({ length: n }, (_, i) => r[`step_${i + 1}`]).filter((s) => s !== null)]))).toEqual(
    new Map([...expected].map(([k, s]) => [k, s.slice(0, n)])),
  );
}

describe.each<PathView>(['journey_paths', 'session_paths'])('%s over the stitched sample', (view) => {
  it('unfiltered, equals the engine\'s table row for row', async () => {
    const dynamic = await queryRows(conn, `SELECT * FROM (${pathSql(view)}) ORDER BY ${key(view)}`);
    const stored = await queryRows(conn, `SELECT * FROM ${view} ORDER BY ${key(view)}`);
    expect(stored.length).toBeGreaterThan(50);
    // The view adds the step details (inferred flags, seconds between columns) to the engine's columns.
    const engineColumns = Object.keys(stored[0]);
    expect(dynamic.map((r) => Object.fromEntries(engineColumns.map((c) => [c, r[c]])))).toEqual(stored);
  });

  it('marks the steps a name-matched event made and times each column to the next, as the events say', async () => {
    const n = config.journeys.steps;
    const rows = await queryRows(conn, `SELECT * FROM (${pathSql(view)}) ORDER BY ${key(view)}`);
    const events = await queryRows(
      conn,
      `SELECT e.${key(view)} AS k, e.step_label, e.is_conversion, e.identity_status = 'inferred' AS inferred, epoch_ms(e.occurred_at) AS t
       FROM stitched_events AS e ORDER BY e.${key(view)}, e.occurred_at, e.event_id`,
    );
    // Per unit, in TypeScript: each step's first event (time, inferred), and the steps before the first conversion.
    type Step = { t: number; inferred: boolean };
    const units = new Map<string, { steps: Step[]; labels: string[]; before: Step[] | null; convertedAt: number | null }>();
    for (const e of events) {
      const u = units.get(e.k as string) ?? { steps: [], labels: [], before: null, convertedAt: null };
      if (e.is_conversion && u.before === null) {
        u.before = [...u.steps].reverse();
        u.convertedAt = Number(e.t);
      }
      if (e.step_label !== null && u.labels[u.labels.length - 1] !== e.step_label) {
        u.labels.push(e.step_label as string);
        // A conversion step is no step before the conversion.
        u.steps.push({ t: Number(e.t), inferred: e.inferred === true });
      }
      units.set(e.k as string, u);
    }
    const seconds = (a: number | undefined, b: number | undefined | null) => (a === undefined || b === undefined || b === null ? null : (b - a) / 1000);
    const flag = (s: Step | undefined) => (s === undefined ? null : s.inferred ? 1 : 0);
    const near = (x: unknown) => (x === null ? null : Math.round(Number(x)));
    let inferredSteps = 0;
    for (const r of rows) {
      const u = units.get(r[key(view)] as string)!;
      const got: unknown[] = [];
      const want: unknown[] = [];
      for (let i = 1; i <= n; i++) {
        got.push(r[`step_${i}_inferred`]);
        want.push(flag(u.steps[i - 1]));
        if (u.steps[i - 1]?.inferred) inferredSteps += 1;
      }
      for (let i = 1; i < n; i++) {
        got.push(near(r[`seconds_step_${i}_to_next`]));
        want.push(near(seconds(u.steps[i - 1]?.t, u.steps[i]?.t)));
      }
      for (let k = 1; k <= n; k++) {
        const before = r.converted ? u.before : null;
        got.push(r[`before_${k}_inferred`], near(r[`seconds_before_${k}_to_next`]));
        want.push(before ? flag(before[k - 1]) : null, before ? near(seconds(before[k - 1]?.t, k === 1 ? u.convertedAt : before[k - 2]?.t)) : null);
      }
      expect({ unit: r[key(view)], got }).toEqual({ unit: r[key(view)], got: want });
    }
    // The sample has name-matched steps to mark.
    expect(inferredSteps).toBeGreaterThan(0);
  });

  it('filtered by source, identity status and date, rebuilds the paths from the remaining events', async () => {
    const [{ mid }] = await queryRows(conn, `SELECT CAST(MIN(occurred_at) + (MAX(occurred_at) - MIN(occurred_at)) / 2 AS VARCHAR) AS mid FROM stitched_events`);
    const filtered = await queryRows(
      conn,
      `SELECT * FROM (${pathSql(view, {
        source_filter: (c) => `${c} = 'web'`,
        identity_status_filter: (c) => `${c} IN ('confirmed', 'inferred')`,
        date_filter: (c) => `${c} >= TIMESTAMP '${mid}'`,
      })}) ORDER BY ${key(view)}`,
    );
    expect(filtered.length).toBeGreaterThan(0);
    // The same paths computed independently: the engine's stitched events, filtered, steps collapsed in TypeScript.
    const events = await queryRows(
      conn,
      `SELECT e.${key(view)} AS k, e.step_label, e.is_conversion FROM stitched_events AS e JOIN persons AS p USING (person_id)
       WHERE e.source = 'web' AND p.identity_status IN ('confirmed', 'inferred') AND e.occurred_at >= TIMESTAMP '${mid}'
       ORDER BY e.${key(view)}, e.occurred_at, e.event_id`,
    );
    const expected = collapsedSteps(events);
    expectSteps(view, filtered, expected);
    expect(filtered.map((r) => r.step_count)).toEqual(filtered.map((r) => expected.get(r[key(view)] as string)!.length));
    expect(new Set(filtered.map((r) => r.identity_status))).toEqual(new Set(['confirmed', 'inferred']));
  });

  it('filtered by event identity status (-inferred), leaves name-matched events out and keeps their persons', async () => {
    const filtered = await queryRows(conn, `SELECT * FROM (${pathSql(view, { event_status_filter: (c) => `${c} <> 'inferred'` })}) ORDER BY ${key(view)}`);
    const events = await queryRows(
      conn,
      `SELECT e.${key(view)} AS k, e.step_label, e.is_conversion FROM stitched_events AS e
       WHERE e.identity_status <> 'inferred' ORDER BY e.${key(view)}, e.occurred_at, e.event_id`,
    );
    // Steps, and the steps before the first conversion (latest first), from the remaining events in TypeScript.
    const expected = new Map<string, { steps: string[]; before: string[] | null }>();
    for (const e of events) {
      const unit = expected.get(e.k as string) ?? { steps: [], before: null };
      if (e.is_conversion && unit.before === null) unit.before = [...unit.steps].reverse();
      if (e.step_label !== null && unit.steps[unit.steps.length - 1] !== e.step_label) unit.steps.push(e.step_label as string);
      expected.set(e.k as string, unit);
    }
    const n = config.journeys.steps;
    const cells = (r: Record<string, unknown>, prefix: string) => Array.from({ length: n }, (_, i) => r[`${prefix}_${i + 1}`]).filter((s) => s !== null);
    expect(new Map(filtered.map((r) => [r[key(view)], { steps: cells(r, 'step'), before: r.converted ? cells(r, 'before') : null }]))).toEqual(
      new Map([...expected].map(([k, u]) => [k, { steps: u.steps.slice(0, n), before: u.before && u.before.slice(0, n) }])),
    );
    // The persons with name-matched events are still there (as inferred persons), with their other events.
    const inferred = filtered.filter((r) => r.identity_status === 'inferred');
    expect(inferred.length).toBeGreaterThan(0);
    const [{ stored }] = await queryRows(conn, `SELECT COUNT(*) AS stored FROM ${view} WHERE identity_status = 'inferred'`);
    expect(inferred.length).toBeLessThanOrEqual(Number(stored));
  });

  it('filtered by match probability, leaves the name matches below it out and keeps every other event', async () => {
    // The threshold: the median probability of the stored name matches, so some fall on each side.
    const [{ threshold }] = await queryRows(conn, `SELECT MEDIAN(match_probability) AS threshold FROM stitched_events WHERE identity_status = 'inferred'`);
    const [{ below }] = await queryRows(conn, `SELECT COUNT(*) AS below FROM stitched_events WHERE match_probability < ${threshold}`);
    expect(Number(below)).toBeGreaterThan(0);
    const filtered = await queryRows(conn, `SELECT * FROM (${pathSql(view, { match_probability_filter: (c) => `${c} >= ${threshold}` })}) ORDER BY ${key(view)}`);
    const events = await queryRows(
      conn,
      `SELECT e.${key(view)} AS k, e.step_label FROM stitched_events AS e
       WHERE e.match_probability IS NULL OR e.match_probability >= ${threshold} ORDER BY e.${key(view)}, e.occurred_at, e.event_id`,
    );
    const expected = collapsedSteps(events);
    expectSteps(view, filtered, expected);
  });

  it('filtered by landing page, keeps exactly the paths starting there', async () => {
    const [{ landing }] = await queryRows(conn, `SELECT step_1 AS landing FROM ${view} WHERE step_1 IS NOT NULL GROUP BY step_1 ORDER BY COUNT(*) DESC, step_1 LIMIT 1`);
    const filtered = await queryRows(conn, `SELECT ${key(view)} AS k FROM (${pathSql(view, { landing_page_filter: (c) => `${c} = '${String(landing).replace(/'/g, "''")}'` })}) ORDER BY 1`);
    const stored = await queryRows(conn, `SELECT ${key(view)} AS k FROM ${view} WHERE step_1 = '${String(landing).replace(/'/g, "''")}' ORDER BY 1`);
    expect(filtered.length).toBeGreaterThan(1);
    expect(filtered).toEqual(stored);
  });
});
