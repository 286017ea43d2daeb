import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_PROJECT_CONFIG, generateProject, GENERATED_MARK } from '../../src/lookml/project';
import { writeProject } from '../../src/lookml/write';
import { runCli } from '../cli/run-cli';
import { rejectedOurs } from '../support/errors';

describe('writeProject', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'js-lookml-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const files = generateProject(DEFAULT_PROJECT_CONFIG);

  it('writes every file, then leaves unchanged files and refinements alone, and removes stale generated files', async () => {
    const first = await writeProject(files, dir, GENERATED_MARK);
    expect(first.written.sort()).toEqual(files.map((f) => f.path).sort());

    const refinement = path.join(dir, 'lookml/refinements/persons.lkml');
    const custom = 'view: +persons {\n  dimension: vip {\n    type: yesno\n    sql: TRUE ;;\n  }\n}\n';
    await writeFile(refinement, custom);
    const stale = path.join(dir, 'lookml/views/old.view.lkml');
    await writeFile(stale, `# ${GENERATED_MARK}\nview: old {}\n`);
    const userFile = path.join(dir, 'lookml/views/mine.view.lkml');
    await writeFile(userFile, 'view: mine {}\n');

    const second = await writeProject(files, dir, GENERATED_MARK);
    expect(second.written).toEqual([]);
    expect(second.kept).toContain('lookml/refinements/persons.lkml');
    expect(second.removed).toEqual(['lookml/views/old.view.lkml']);
    expect(await readFile(refinement, 'utf8')).toBe(custom);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(userFile)).toBe(true);
  });

  it('changes nothing when a file cannot be written', async () => {
    await writeProject(files, dir, GENERATED_MARK);
    const changed = files.map((f) => (f.once ? f : { ...f, content: `${f.content}\n# changed\n` }));
    // The last file's temporary name is taken by a directory: writing it fails after the others were staged.
    const last = changed[changed.length - 1].path;
    const blocker = path.join(dir, `${last}.tmp-${process.pid}`);
    await mkdir(blocker);
    const err = await rejectedOurs(writeProject(changed, dir, GENERATED_MARK));
    expect(err.message).toMatch(
      new RegExp(`^could not write the LookML project to ${dir} \\(nothing was changed\\): .*; make the folder writable or write elsewhere \\(generate --out <dir>\\)$`),
    );
    for (const f of files) expect(await readFile(path.join(dir, f.path), 'utf8')).toBe(f.content);
    await rm(blocker, { recursive: true });
    const leftovers = (await readdir(path.join(dir, 'lookml/views'))).filter((n) => n.includes('.tmp-'));
    expect(leftovers).toEqual([]);
  });
});

describe('journey-stitch generate', () => {
  it('writes a project from a config file and reports what it wrote', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'js-generate-'));
    try {
      await writeFile(
        path.join(dir, 'journey-stitch.yaml'),
        'warehouse: bigquery\nproject: acme-data\ndataset: raw\nsource:\n  type: segment\nlookml:\n  materialization: tables\n',
      );
      await mkdir(path.join(dir, 'out'));
      const res = await runCli(['generate', '--out', 'out'], dir);
      // No identity.hash_key in this config: generate writes the project and warns once.
      expect(res.stderr).toMatch(/^warning: .*journey-stitch\.yaml: identity\.hash_key is not set: .*HASH_KEY constant\)\n$/);
      expect(res.code).toBe(0);
      expect(res.stdout).toMatch(/tables materialization\): 25 written/);
      const manifest = await readFile(path.join(dir, 'out/manifest.lkml'), 'utf8');
      expect(manifest).toContain('value: "acme-data"');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails with the config problem and writes nothing', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'js-generate-'));
    try {
      await writeFile(path.join(dir, 'bad.yaml'), 'warehouse: bigquery\nsource:\n  type: segment\n');
      const res = await runCli(['generate', '--config', 'bad.yaml', '--out', 'out'], dir);
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(/bad.yaml: .*project/);
      expect(existsSync(path.join(dir, 'out'))).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
