/**
 * Every tile of every generated LookML dashboard runs through the preview's query compiler on the stitched demo
 * database, as a user without can_see_pii, with its filters and the dashboard filters' defaults it listens to: no
 * error, rows returned. The dashboard files are read back from the generated project (YAML), not from the
 * generator's objects. Pivots are left to the result (the preview does not pivot): the query, its GROUP BY and
 * its rows are the same.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CoreApi } from '../../src/preview/api/core';
import { PreviewDatabase } from '../../src/preview/api/database';
import { PREVIEW_USERS } from '../../src/preview/api/users';
import { prepareDemo } from '../../src/preview/demo';
import { loadPreviewProject } from '../../src/preview/project';
import type { Tile } from '../../src/lookml/dashboards';

/** A tile as the dashboard file holds it: the generator's Tile, with its model. */
type Element = Tile & { model: string };
interface DashboardDoc {
  dashboard: string;
  filters: { name: string; default_value: string }[];
  elements: Element[];
}

let api: CoreApi;
let db: PreviewDatabase;
let dashboards: DashboardDoc[];

beforeAll(async () => {
  const paths = await prepareDemo(join(__dirname, '..', '..'), { quiet: true, extension: false });
  const project = await loadPreviewProject(paths.projectDir);
  db = await PreviewDatabase.forProject(paths.database, project.manifest.constants);
  api = new CoreApi(project.manifest, project.model, db);
  const dir = join(paths.projectDir, 'lookml', 'dashboards');
  dashboards = readdirSync(dir)
    .filter((f) => f.endsWith('.dashboard.lookml'))
    .flatMap((f) => parse(readFileSync(join(dir, f), 'utf8')) as DashboardDoc[]);
}, 300_000);
afterAll(() => db?.close());

test('the demo project has the three dashboards, each tile on the newspaper grid', () => {
  expect(dashboards.map((d) => d.dashboard).sort()).toEqual(['journey_stitch_identity_coverage', 'journey_stitch_journeys', 'journey_stitch_offsite']);
  expect(dashboards.flatMap((d) => d.elements).length).toBeGreaterThanOrEqual(12);
});

test('every tile runs on the demo data with its filters and the dashboard defaults, and returns rows', async () => {
  const outcomes: string[] = [];
  for (const d of dashboards) {
    const defaults = Object.fromEntries(d.filters.map((f) => [f.name, f.default_value]));
    for (const e of d.elements) {
      const listened = Object.fromEntries(Object.entries(e.listen ?? {}).map(([filter, field]) => [field, defaults[filter]]));
      const body = { model: e.model, view: e.explore, fields: e.fields, sorts: e.sorts, filters: { ...e.filters, ...listened }, limit: String(e.limit ?? 500) };
      const res = await api.invoke({ httpMethod: 'POST', path: '/queries/run/json', body }, PREVIEW_USERS.no_pii);
      const rows = res.ok ? (res.value as Record<string, unknown>[]) : [];
      // Every selected field is answered (none dropped for the grant) and the tile is not empty.
      const complete = rows.length > 0 && e.fields.every((f) => f in rows[0]);
      outcomes.push(`${d.dashboard}/${e.name}: ${res.ok ? (complete ? 'ok' : `${rows.length} rows, fields ${rows[0] ? Object.keys(rows[0]).join(',') : '-'}`) : res.error.message}`);
    }
  }
  expect(outcomes.filter((o) => !o.endsWith(': ok'))).toEqual([]);
  expect(outcomes.length).toBeGreaterThanOrEqual(12);
}, 300_000);
