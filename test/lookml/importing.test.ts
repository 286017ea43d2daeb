/**
 * The generated project as a block: a customer's project imports it with remote_dependency and sets its constants
 * with override_constant. Both projects pass the project's validator (the importing one with the block's files under
 * `//journey_stitch/`) and lookml-parser; the validator refuses a missing required override, an unknown one and an
 * unpinned import; `generate` keeps the constants a customer set, in either project.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { configSchema } from '../../src/config/schema';
import type { GeneratedFile } from '../../src/lookml/document';
import { importingProject } from '../../src/lookml/importing';
import { constantValues } from '../../src/lookml/manifest';
import { parseLookml } from '../../src/lookml/parser';
import { DEFAULT_PROJECT_CONFIG, generateProject } from '../../src/lookml/project';
import { validateProject } from '../../src/lookml/validate';
import { runCli } from '../cli/run-cli';

const BLOCK = { projectName: 'acme_analytics', url: 'https://github.com/acme/journey-stitch-lookml.git', ref: 'v1.4.0' };
const config = DEFAULT_PROJECT_CONFIG;
const block = generateProject(config);
const importing = importingProject(config, BLOCK);
const asImported = (f: GeneratedFile): GeneratedFile => ({ ...f, path: `//journey_stitch/${f.path}` });
const messages = (files: GeneratedFile[]) => validateProject(files, { steps: config.journeys.steps }).map((i) => `${i.file}: ${i.message}`);
const manifestOf = (files: GeneratedFile[]) => files.find((f) => f.path === 'manifest.lkml')!.content;

test('the block and the project importing it are both valid, to the validator and to lookml-parser', () => {
  expect(messages(block)).toEqual([]);
  expect(messages([...importing, ...block.map(asImported)])).toEqual([]);
  for (const f of [...block, ...importing].filter((x) => x.path.endsWith('.lkml'))) expect(() => parseLookml(f.content)).not.toThrow();
  const manifest = parseLookml(manifestOf(importing));
  expect(manifest.project_name).toBe('acme_analytics');
  const dep = manifest.remote_dependency.journey_stitch;
  expect([dep.url, dep.ref]).toEqual([BLOCK.url, BLOCK.ref]);
  expect(Object.keys(dep.override_constant).filter((k) => !k.startsWith('$')).sort()).toEqual(['CONNECTION', 'HASH_KEY', 'OUTPUT_DATASET', 'RAW_DATASET', 'RAW_PROJECT', 'SCRATCH']);
  // The importing model reads the block's views and keeps the explores the extension queries.
  const model = importing.find((f) => f.path === 'lookml/journey_stitch.model.lkml')!.content;
  expect(model).toContain('include: "//journey_stitch/lookml/views/*.view.lkml"');
  expect(Object.keys(parseLookml(model).explore)).toEqual(expect.arrayContaining(['events', 'persons', 'journeys']));
});

test("the block's constants say which ones an importing project must set", () => {
  const exports = Object.fromEntries(
    Object.entries<{ export: string }>(parseLookml(manifestOf(block)).constant).filter(([k]) => !k.startsWith('$')).map(([k, c]) => [k, c.export]),
  );
  expect(exports).toEqual({
    CONNECTION: 'override_required',
    RAW_PROJECT: 'override_required',
    RAW_DATASET: 'override_required',
    OUTPUT_DATASET: 'override_optional',
    SCRATCH: 'override_optional',
    HASH_KEY: 'override_required',
  });
  const tables = parseLookml(manifestOf(generateProject(configSchema.parse({ ...config, lookml: { materialization: 'tables' } })))).constant;
  expect([tables.RAW_PROJECT.export, tables.OUTPUT_DATASET.export]).toEqual(['override_optional', 'override_required']);
});

test.each([
  ['a required constant not overridden', (m: string) => m.replace(/ {2}override_constant: HASH_KEY \{\n\s*value: ""\n\s*\}\n/, ''), /remote_dependency journey_stitch: the imported project requires override_constant HASH_KEY/],
  ['an override of a constant the block does not have', (m: string) => m.replace('override_constant: SCRATCH {', 'override_constant: SCRATCHPAD {'), /override_constant SCRATCHPAD: the imported manifest has no constant SCRATCHPAD/],
  ['an import without a pinned ref', (m: string) => m.replace(/\n\s*ref: "v1\.4\.0"/, ''), /has no ref: pin a commit or tag/],
])('the validator refuses %s', (_what, edit, expected) => {
  const manifest = manifestOf(importing);
  const edited = edit(manifest);
  expect(edited).not.toBe(manifest);
  const files = importing.map((f) => (f.path === 'manifest.lkml' ? { ...f, content: edited } : f));
  expect(messages([...files, ...block.map(asImported)])).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
});

test("generate keeps the constants a customer set, in the block's manifest and in the importing project's", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'js-import-'));
  try {
    await writeFile(path.join(dir, 'journey-stitch.yaml'), 'warehouse: bigquery\nproject: acme-data\ndataset: raw\nsource:\n  type: segment\n');
    const generate = () =>
      runCli(['generate', '--out', 'block', '--importing', 'mine', '--block-url', BLOCK.url, '--block-ref', BLOCK.ref, '--project-name', 'acme_analytics'], dir);
    const first = await generate();
    expect([first.code, first.stderr.replace(/^warning: .*identity\.hash_key.*\n/m, '')]).toEqual([0, '']);
    expect(first.stdout).toMatch(/importing project in mine: 8 written/);
    const blockManifest = path.join(dir, 'block/manifest.lkml');
    const mine = path.join(dir, 'mine/manifest.lkml');
    expect(constantValues(await readFile(blockManifest, 'utf8'))).toMatchObject({ CONNECTION: 'journey_stitch', RAW_PROJECT: 'acme-data' });

    // The customer sets their values; generating again keeps them.
    await writeFile(blockManifest, (await readFile(blockManifest, 'utf8')).replace('value: "journey_stitch"', 'value: "bq_production"'));
    await writeFile(mine, (await readFile(mine, 'utf8')).replace(/override_constant: HASH_KEY \{\n(\s*)value: ""/, 'override_constant: HASH_KEY {\n$1value: "Xq7vR2pL9mK4tZ8w"'));
    const second = await generate();
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/constants kept from manifest\.lkml \(the config differs\): CONNECTION/);
    expect(constantValues(await readFile(blockManifest, 'utf8'))).toMatchObject({ CONNECTION: 'bq_production', RAW_PROJECT: 'acme-data' });
    expect(await readFile(mine, 'utf8')).toContain('value: "Xq7vR2pL9mK4tZ8w"');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
