/**
 * The generated LookML project against the database stitched from the demo data: every field of every explore
 * compiles and runs in the preview, and the dynamic path views (templated filters) agree with the engine's
 * journey_paths / session_paths tables when no filter narrows them.
 */
import { join } from 'node:path';
import { CoreApi } from '../../src/preview/api/core';
import { PreviewDatabase } from '../../src/preview/api/database';
import { PREVIEW_USERS } from '../../src/preview/api/users';
import { prepareDemo } from '../../src/preview/demo';
import { loadPreviewProject, type PreviewProject } from '../../src/preview/project';

let project: PreviewProject;
let db: PreviewDatabase;
let api: CoreApi;

beforeAll(async () => {
  const paths = await prepareDemo(join(__dirname, '..', '..'), { quiet: true, extension: false });
  project = await loadPreviewProject(paths.projectDir);
  db = await PreviewDatabase.forProject(paths.database, project.manifest.constants);
  api = new CoreApi(project.manifest, project.model, db);
}, 300_000);
afterAll(() => db?.close());

async function run(body: object) {
  const res = await api.invoke({ httpMethod: 'POST', path: '/queries/run/json', body: { model: 'journey_stitch', ...body } }, PREVIEW_USERS.pii);
  if (!res.ok) throw new Error(res.error.message);
  return res.value as Record<string, unknown>[];
}

test('every field of every explore runs', async () => {
  const failures: string[] = [];
  let fields = 0;
  for (const explore of project.model.explores.values()) {
    const views: [string, string][] = [[explore.alias, explore.view], ...explore.joins.map((j): [string, string] => [j.name, j.view])];
    for (const [alias, view] of views) {
      for (const field of project.model.views.get(view)!.fields.values()) {
        if (field.kind === 'filter') continue;
        fields++;
        await run({ view: explore.name, fields: [`${alias}.${field.shortName}`], limit: '5' }).catch((e: Error) => failures.push(`${explore.name} ${alias}.${field.shortName}: ${e.message}`));
      }
    }
  }
  expect(failures).toEqual([]);
  expect(fields).toBeGreaterThan(100);
});

test.each([
  ['journeys', 'journey_paths'],
  ['session_journeys', 'session_paths'],
])('explore %s without narrowing filters equals the stitched %s table', async (explore, view) => {
  const steps = [1, 2, 3].map((i) => `${view}.step_${i}`);
  const viaLookml = await run({ view: explore, fields: [...steps, `${view}.count`], filters: { [`${view}.date_filter`]: '' }, limit: '-1' });
  const direct = await db.run(`SELECT step_1, step_2, step_3, COUNT(*) FROM ${view} GROUP BY ALL`);
  const key = (s: unknown[]) => JSON.stringify(s);
  const expected = Object.fromEntries(direct.map((r) => [key(r.slice(0, 3)), Number(r[3])]));
  const actual = Object.fromEntries(viaLookml.map((r) => [key(steps.map((s) => r[s])), r[`${view}.count`]]));
  expect(actual).toEqual(expected);
});
