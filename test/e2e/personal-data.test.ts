/**
 * Personal data sealed, on the demo data: every field a user without `can_see_pii` can select, in every explore,
 * runs through the preview's query compiler on the stitched demo database, and no value it returns is a raw email,
 * name, IP address, user id or profile URL from the input files. A field behind the grant is dropped for that user
 * (Looker's warning), so it is listed and skipped; everything else must be safe to show.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exploreFields } from '../support/explore-fields';
import { DEFAULT_JUNK_VALUES } from '../../src/config/schema';
import { LOOKER_MODEL } from '../../src/contract/looker';
import { CoreApi } from '../../src/preview/api/core';
import { PreviewDatabase } from '../../src/preview/api/database';
import { PREVIEW_USERS } from '../../src/preview/api/users';
import { prepareDemo } from '../../src/preview/demo';
import { loadPreviewProject, type PreviewProject } from '../../src/preview/project';
import { compileQuery } from '../../src/preview/query/compile';
import { stitchDuckDB } from '../../src/warehouse/duckdb/stitch';
import { GENERATED_MARK, generateProject } from '../../src/lookml/project';
import { writeProject } from '../../src/lookml/write';
import { tinyConfig, writeTinyWorld } from '../warehouse/duckdb/tiny-world';

/** Raw columns holding personal data, in the demo's Segment and LinkedIn files. */
const PERSONAL_COLUMNS = ['user_id', 'email', 'name', 'first_name', 'last_name', 'full_name', 'context_ip', 'profile_url'];

interface World {
  project: PreviewProject;
  db: PreviewDatabase;
  api: CoreApi;
  /** Every personal value of the input files, trimmed and lower-cased (emails are compared without case). */
  personal: Set<string>;
}

/** The personal values of a folder of .ndjson and .csv source files. */
function personalValues(dataDir: string): Set<string> {
  const junk = new Set(DEFAULT_JUNK_VALUES);
  const personal = new Set<string>();
  const add = (v: unknown) => {
    const text = typeof v === 'string' ? v.trim().toLowerCase() : undefined;
    if (text && text.length >= 2 && !junk.has(text)) personal.add(text);
  };
  const rowsOf = (file: string): Record<string, unknown>[] => {
    const lines = readFileSync(join(dataDir, file), 'utf8').split('\n').filter(Boolean);
    if (file.endsWith('.csv')) {
      const header = lines[0].split(',');
      return lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], v])));
    }
    return lines.flatMap((line) => {
      try {
        const row = JSON.parse(line) as unknown;
        return typeof row === 'object' && row !== null ? [row as Record<string, unknown>] : [];
      } catch {
        return []; // a malformed line
      }
    });
  };
  for (const file of readdirSync(dataDir).filter((f) => /\.(ndjson|csv)$/.test(f) && !f.startsWith('ground_truth'))) {
    for (const row of rowsOf(file)) {
      for (const column of PERSONAL_COLUMNS) add(row[column]);
      if (row.first_name && row.last_name) add(`${String(row.first_name)} ${String(row.last_name)}`);
    }
  }
  return personal;
}

async function openWorld(projectDir: string, database: string, dataDir: string): Promise<World> {
  const project = await loadPreviewProject(projectDir);
  const db = await PreviewDatabase.forProject(database, project.manifest.constants);
  return { project, db, api: new CoreApi(project.manifest, project.model, db), personal: personalValues(dataDir) };
}

const worlds: Record<string, World> = {};
let tinyDir: string;

beforeAll(async () => {
  const paths = await prepareDemo(join(__dirname, '..', '..'), { quiet: true, extension: false });
  worlds.demo = await openWorld(paths.projectDir, paths.database, paths.dataDir);
  // The tiny world's user id is an account id, not an email: the case person_id once showed in clear.
  tinyDir = mkdtempSync(join(tmpdir(), 'js-personal-'));
  await writeTinyWorld(join(tinyDir, 'data'));
  const config = tinyConfig(tinyDir);
  await stitchDuckDB(config);
  await writeProject(generateProject(config), join(tinyDir, 'project'), GENERATED_MARK);
  worlds.tiny = await openWorld(join(tinyDir, 'project'), config.output.database, join(tinyDir, 'data'));
}, 300_000);
afterAll(() => {
  for (const w of Object.values(worlds)) w.db.close();
  if (tinyDir) rmSync(tinyDir, { recursive: true, force: true });
});

/** Filters that lift an explore's default date limits (always_filter, conditionally_filter): all rows count. */
function liftDefaults(project: PreviewProject, exploreName: string): Record<string, string> {
  const explore = project.model.explores.get(exploreName)!;
  return Object.fromEntries(
    [...Object.keys(explore.alwaysFilter), ...Object.keys(explore.conditionallyFilter.filters)].map((f) => [f, '']),
  );
}

test('the demo input has personal values of every kind to look for', () => {
  const values = [...worlds.demo.personal];
  expect(values.filter((v) => v.includes('@')).length).toBeGreaterThan(50);
  expect(values.filter((v) => /^\d+\.\d+\.\d+\.\d+$/.test(v)).length).toBeGreaterThan(50);
  expect(values.filter((v) => v.startsWith('https://www.linkedin.com/in/')).length).toBeGreaterThan(10);
  expect(values.filter((v) => / /.test(v) && !v.includes('@')).length).toBeGreaterThan(20);
});

test.each(['demo', 'tiny'])(
  '%s data: no field a user without can_see_pii can select shows a raw email, name, IP, user id or profile URL',
  async (world) => {
    const { project, api, personal } = worlds[world];
    const user = PREVIEW_USERS.no_pii;
    const leaks: string[] = [];
    const guarded: string[] = [];
    const open: string[] = [];
    for (const { explore, name, inExplore } of exploreFields(project.model)) {
      // A join's fields: list leaves the rest of its view out of the explore: nobody can select them there.
      if (!inExplore) continue;
      const query = { model: LOOKER_MODEL, view: explore.name, fields: [name], filters: liftDefaults(project, explore.name), limit: '-1' };
      // Compiled as Looker would for this user: a field behind the grant is dropped, leaving nothing to run.
      try {
        compileQuery(project.model, query, user, project.manifest.constants);
      } catch (e) {
        if (!/you do not have access to it/.test((e as Error).message)) throw e;
        guarded.push(name);
        continue;
      }
      open.push(`${explore.name}:${name}`);
      const res = await api.invoke({ httpMethod: 'POST', path: '/queries/run/json', body: query }, user);
      if (!res.ok) throw new Error(`${explore.name} ${name}: ${res.error.message}`);
      for (const row of res.value as Record<string, unknown>[]) {
        const value = row[name];
        if (typeof value === 'string' && personal.has(value.trim().toLowerCase())) leaks.push(`${explore.name} ${name}: ${value}`);
      }
    }
    expect(leaks.slice(0, 20)).toEqual([]);
    // The check covered the fields people use, and the grant does hide the personal ones.
    expect(open.length).toBeGreaterThan(150);
    if (world === 'tiny') {
      expect([...personal].sort()).toEqual([
        'ada lovelace',
        'ada@example.com',
        'bob unknown',
        'https://www.linkedin.com/in/ada',
        'https://www.linkedin.com/in/bob',
        'u1',
      ]);
    }
    expect(guarded).toEqual(
      expect.arrayContaining([
        'stitched_events.user_id',
        'stitched_events.email',
        'persons.email',
        'persons.name',
        'identity_links.identifier',
      ]),
    );
    expect(open).toEqual(
      expect.arrayContaining([
        'persons:persons.person_id',
        'events:stitched_events.person_id',
        'events:stitched_events.user_id_hash',
        'persons:persons.email_hash',
      ]),
    );
  },
  600_000,
);
