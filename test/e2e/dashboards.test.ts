/**
 * Every tile of every generated LookML dashboard runs through the preview's query compiler on a stitched demo
 * database, as a user without can_see_pii, with its filters and the dashboard filters' defaults it listens to: no
 * error, rows returned. The dashboard files are read back from the generated project (YAML), not from the
 * generator's objects. Pivots are left to the result (the preview does not pivot): the query, its GROUP BY and
 * its rows are the same. Two projects: the demo's (pdt: rejected rows from the scratch table a build writes) and
 * one with `tables` + `lookml.run_history` over two `stitch --incremental` runs of the demo data, the second
 * finding rows that arrived late (run history and late-row tiles).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CoreApi } from '../../src/preview/api/core';
import { PreviewDatabase } from '../../src/preview/api/database';
import { PREVIEW_USERS } from '../../src/preview/api/users';
import { prepareDemo } from '../../src/preview/demo';
import { loadPreviewProject } from '../../src/preview/project';
import { tileQuery, type DashboardDoc } from '../../src/preview/dashboards/query';
import { LATE_PAGES, runLogWorld } from './run-log-world';

interface World {
  api: CoreApi;
  db: PreviewDatabase;
  dashboards: DashboardDoc[];
}

async function openWorld(projectDir: string, database: string): Promise<World> {
  const project = await loadPreviewProject(projectDir);
  const db = await PreviewDatabase.forProject(database, project.manifest.constants);
  const dir = join(projectDir, 'lookml', 'dashboards');
  const dashboards = readdirSync(dir)
    .filter((f) => f.endsWith('.dashboard.lookml'))
    .flatMap((f) => parse(readFileSync(join(dir, f), 'utf8')) as DashboardDoc[]);
  return { api: new CoreApi(project.manifest, project.model, db), db, dashboards };
}

/** Each tile's rows, or why it has none (an error, a field missing from the answer, no rows). */
async function runTiles(world: World): Promise<{ outcomes: string[]; rows: Map<string, Record<string, unknown>[]> }> {
  const outcomes: string[] = [];
  const rows = new Map<string, Record<string, unknown>[]>();
  for (const d of world.dashboards) {
    for (const e of d.elements) {
      const res = await world.api.invoke({ httpMethod: 'POST', path: '/queries/run/json', body: tileQuery(d, e) }, PREVIEW_USERS.no_pii);
      const got = res.ok ? (res.value as Record<string, unknown>[]) : [];
      rows.set(`${d.dashboard}/${e.name}`, got);
      // Every selected field is answered (none dropped for the grant) and the tile is not empty.
      const complete = got.length > 0 && e.fields.every((f) => f in got[0]);
      outcomes.push(
        `${d.dashboard}/${e.name}: ${res.ok ? (complete ? 'ok' : `${got.length} rows, fields ${got[0] ? Object.keys(got[0]).join(',') : '-'}`) : res.error.message}`,
      );
    }
  }
  return { outcomes, rows };
}

const worlds: Record<'demo' | 'runLog', World> = {} as never;
let tmp: string;

beforeAll(async () => {
  const paths = await prepareDemo(join(__dirname, '..', '..'), { quiet: true, extension: false });
  worlds.demo = await openWorld(paths.projectDir, paths.database);
  tmp = mkdtempSync(join(tmpdir(), 'js-dashboards-'));
  const runLog = await runLogWorld(paths.dataDir, tmp);
  worlds.runLog = await openWorld(runLog.projectDir, runLog.database);
}, 600_000);
afterAll(() => {
  for (const w of Object.values(worlds)) w?.db.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('the demo project has the four dashboards, each tile on the newspaper grid', () => {
  const { dashboards } = worlds.demo;
  expect(dashboards.map((d) => d.dashboard).sort()).toEqual([
    'journey_stitch_data_quality',
    'journey_stitch_identity_coverage',
    'journey_stitch_journeys',
    'journey_stitch_offsite',
  ]);
  expect(dashboards.flatMap((d) => d.elements).length).toBeGreaterThanOrEqual(17);
});

test.each(['demo', 'runLog'] as const)(
  '%s: every tile runs with its filters and the dashboard defaults, and returns rows',
  async (name) => {
    const { outcomes } = await runTiles(worlds[name]);
    expect(outcomes.filter((o) => !o.endsWith(': ok'))).toEqual([]);
    expect(outcomes.length).toBeGreaterThanOrEqual(17);
  },
  300_000,
);

test('pdt: the data quality dashboard has no run-log tile; tables + run_history adds run history and late rows', () => {
  const tiles = (w: World) => w.dashboards.find((d) => d.dashboard === 'journey_stitch_data_quality')!.elements.map((e) => e.explore);
  expect(new Set(tiles(worlds.demo))).toEqual(new Set(['rejected_rows']));
  expect(new Set(tiles(worlds.runLog))).toEqual(new Set(['rejected_rows', 'stitch_runs']));
});

test('the data quality tiles count what the stitched database holds: rejects, duplicates, runs and late rows', async () => {
  const { rows } = await runTiles(worlds.runLog);
  const [[rejected, duplicates]] = await worlds.runLog.db.run(
    "SELECT COUNT(*) FILTER (WHERE reason <> 'duplicate'), COUNT(*) FILTER (WHERE reason = 'duplicate') FROM rejected_rows",
  );
  expect(Number(duplicates)).toBeGreaterThan(0);
  expect(Number(rejected)).toBeGreaterThan(0);
  const tile = (n: string) => rows.get(`journey_stitch_data_quality/${n}`)!;
  expect(tile('rejected_rows')).toEqual([{ 'rejected_rows.rejected_count': Number(rejected) }]);
  expect(tile('duplicate_copies')).toEqual([{ 'rejected_rows.duplicate_count': Number(duplicates) }]);
  expect(tile('late_rows')).toEqual([{ 'journey_stitch_runs.outstanding_late_rows': LATE_PAGES }]);
  expect(tile('late_rows_by_day').map((r) => r['journey_stitch_runs.total_late_rows'])).toEqual([LATE_PAGES]);
  expect(tile('runs')).toEqual([{ 'journey_stitch_runs.count': 2 }]);
  expect(tile('run_history').map((r) => [r['journey_stitch_runs.mode'], r['journey_stitch_runs.late_rows']])).toEqual([
    ['incremental', LATE_PAGES],
    ['full', 0],
  ]);
  // A duplicate names the table of the copy kept: the demo's are re-deliveries to the same table.
  for (const r of tile('duplicated_events')) expect(r['rejected_rows.kept_source_table']).toBe(r['rejected_rows.source_table']);
}, 300_000);
