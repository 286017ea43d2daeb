/**
 * A LookML project or database the preview cannot use is the user's to fix: each refusal is a PreviewProjectError
 * (a JourneyStitchError) naming the file and what to do, so the CLI prints it without a stack.
 */
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PreviewDatabase } from '../../src/preview/api/database';
import { loadPreviewProject } from '../../src/preview/project';
import { rejectedOurs } from '../support/errors';
import { writeFixtureProject } from './support/fixture';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'preview-errors-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('a folder without a generated project: says to run generate', async () => {
  const err = await rejectedOurs(loadPreviewProject(dir));
  expect([err.name, err.message]).toEqual([
    'PreviewProjectError',
    `${join(dir, 'manifest.lkml')} not found: run \`journey-stitch generate\` first (or pass --project <folder with manifest.lkml>)`,
  ]);
});

test('a manifest without project_name, a missing model file, a dashboard file that is not a list: each names its file', async () => {
  const project = writeFixtureProject(dir);
  const manifest = join(project, 'manifest.lkml');
  const original = readFileSync(manifest, 'utf8');
  writeFileSync(manifest, original.replace(/^project_name: .*$/m, ''));
  expect((await rejectedOurs(loadPreviewProject(project))).message).toBe(`${manifest}: project_name is missing`);
  writeFileSync(manifest, original);

  renameSync(join(project, 'lookml', 'journey_stitch.model.lkml'), join(project, 'lookml', 'other.model.lkml'));
  expect((await rejectedOurs(loadPreviewProject(project))).message).toBe(
    `${join(project, 'lookml')}: no model file journey_stitch.model.lkml (found: other); run \`journey-stitch generate\` to write it`,
  );
  renameSync(join(project, 'lookml', 'other.model.lkml'), join(project, 'lookml', 'journey_stitch.model.lkml'));

  mkdirSync(join(project, 'lookml', 'dashboards'));
  const dashboard = join(project, 'lookml', 'dashboards', 'overview.dashboard.lookml');
  writeFileSync(dashboard, 'dashboard: overview\n');
  const err = await rejectedOurs(loadPreviewProject(project));
  expect([err.name, err.message]).toEqual([
    'PreviewProjectError',
    `${dashboard}: not a list of dashboards (write each as - dashboard: name)`,
  ]);
  writeFileSync(dashboard, '- dashboard: [overview\n');
  expect((await rejectedOurs(loadPreviewProject(project))).message).toMatch(new RegExp(`^${dashboard}: not valid YAML: `));
});

test('a database that is not there: says to run stitch', async () => {
  const missing = join(dir, 'stitched.duckdb');
  expect((await rejectedOurs(PreviewDatabase.open(missing, 'journey_stitch'))).message).toBe(
    `${missing} not found: run \`journey-stitch stitch\` first (config output.database)`,
  );
});
