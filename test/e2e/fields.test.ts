/**
 * The generated LookML project against the database stitched from the demo data: every field of every explore
 * compiles and runs in the preview, and the dynamic path views (templated filters) agree with the engine's
 * journey_paths / session_paths tables when no filter narrows them.
 */
import { join } from 'node:path';
import { exploreFields } from '../support/explore-fields';
import { CoreApi } from '../../src/preview/api/core';
import { PreviewDatabase } from '../../src/preview/api/database';
import { PREVIEW_USERS } from '../../src/preview/api/users';
import { prepareDemo } from '../../src/preview/demo';
import { loadPreviewProject, type PreviewProject } from '../../src/preview/project';
import { EVENT_FIELDS, SESSION_FIELDS } from '../../src/contract/looker';
import { IDENTITY_STATUSES } from '../../src/contract/tables';
import { breakdownQuery, journeySummaryQuery, landingPathsQuery, touchOptionsQuery } from '../../src/extension/looker/queries';
import { DEFAULT_VIEW_STATE } from '../../src/extension/journeys/viewState';

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
  const res = await api.invoke(
    { httpMethod: 'POST', path: '/queries/run/json', body: { model: 'journey_stitch', ...body } },
    PREVIEW_USERS.pii,
  );
  if (!res.ok) throw new Error(res.error.message);
  return res.value as Record<string, unknown>[];
}

test('every field of every explore runs', async () => {
  const failures: string[] = [];
  let fields = 0;
  let leftOut = 0;
  for (const { explore, name, inExplore } of exploreFields(project.model)) {
    // Outside a join's fields: list the field is not in the explore: refused, as Looker refuses it.
    if (!inExplore) {
      leftOut++;
      const refused = await run({ view: explore.name, fields: [name], limit: '5' }).then(
        () => false,
        (e: Error) => /not in the explore/.test(e.message),
      );
      if (!refused) failures.push(`${explore.name} ${name}: selectable outside its join's fields: list`);
      continue;
    }
    fields++;
    await run({ view: explore.name, fields: [name], limit: '5' }).catch((e: Error) =>
      failures.push(`${explore.name} ${name}: ${e.message}`),
    );
  }
  expect(failures).toEqual([]);
  expect(fields).toBeGreaterThan(100);
  // The path explores' persons joins offer a few dimensions only.
  expect(leftOut).toBeGreaterThan(10);
});

test.each([
  ['journeys', 'journey_paths'],
  ['session_journeys', 'session_paths'],
])('explore %s without narrowing filters equals the stitched %s table', async (explore, view) => {
  const steps = [1, 2, 3].map((i) => `${view}.step_${i}`);
  const viaLookml = await run({
    view: explore,
    fields: [...steps, `${view}.count`],
    filters: { [`${view}.date_filter`]: '' },
    limit: '-1',
  });
  const direct = await db.run(`SELECT step_1, step_2, step_3, COUNT(*) FROM ${view} GROUP BY ALL`);
  const key = (s: unknown[]) => JSON.stringify(s);
  const expected = Object.fromEntries(direct.map((r) => [key(r.slice(0, 3)), Number(r[3])]));
  const actual = Object.fromEntries(viaLookml.map((r) => [key(steps.map((s) => r[s])), r[`${view}.count`]]));
  expect(actual).toEqual(expected);
});

describe("the Journeys' first-touch queries (#24 channels) on the demo data, as the extension sends them", () => {
  const all = { ...DEFAULT_VIEW_STATE, datePreset: 'any' as const, statuses: [...IDENTITY_STATUSES] };
  const counts = (rows: unknown[][]) => Object.fromEntries(rows.map((r) => [String(r[0]), [Number(r[1]), Number(r[2])]]));

  test('conversion rate by first-touch channel equals journey_paths grouped by channel', async () => {
    const q = breakdownQuery(all);
    const rows = await run(q);
    const direct = await db.run('SELECT channel, COUNT(*), COUNT(*) FILTER (WHERE converted) FROM journey_paths GROUP BY channel');
    expect(Object.fromEntries(rows.map((r) => [String(r[q.fields[0]]), [r[q.fields[1]], r[q.fields[2]]]]))).toEqual(counts(direct));
    // The demo data has several channels, conversions among them, and the rates are converted / persons.
    expect(rows.length).toBeGreaterThan(3);
    for (const r of rows) expect(r[q.fields[3]]).toBeCloseTo(Number(r[q.fields[2]]) / Number(r[q.fields[1]]), 6);
  });

  test("the landing path filter is contains, whatever the case; its suggestions are the sessions' landing paths", async () => {
    const suggestions = (await run(landingPathsQuery(all))).map((r) => r[SESSION_FIELDS.landingPagePath] as string);
    expect(suggestions.length).toBeGreaterThan(2);
    const top = suggestions[0];
    const needle = top.slice(1, 5).toUpperCase();
    const [filtered] = await run(journeySummaryQuery({ ...all, landingPath: needle }));
    const [[direct]] = await db.run(
      `SELECT COUNT(*) FROM journey_paths WHERE strpos(lower(landing_page_path), lower('${needle.replace(/'/g, "''")}')) > 0`,
    );
    expect(filtered['journey_paths.count']).toBe(Number(direct));
    expect(Number(direct)).toBeGreaterThan(0);
  });

  test('the touch options list the UTM values and referrer domains of the events', async () => {
    const rows = await run(touchOptionsQuery(all));
    const sources = new Set(rows.map((r) => r[EVENT_FIELDS.utmSource]).filter((v) => v !== null));
    const direct = await db.run('SELECT DISTINCT utm_source FROM stitched_events WHERE utm_source IS NOT NULL');
    expect(sources).toEqual(new Set(direct.map((r) => r[0])));
  });
});
