/**
 * The repository root is the LookML project generated from the default config: manifest.lkml and lookml/
 * must be exactly what the generator produces now (refinement files: present, user-owned).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseConfig } from '../../src/config/load';
import { DEFAULT_PROJECT_CONFIG, generateProject, GENERATED_MARK } from '../../src/lookml/project';

const ROOT = path.resolve(__dirname, '../..');
const REGENERATE = 'npx tsx src/cli/main.ts generate --config test/lookml/default-config.yaml --out .';

const listFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));

describe('repository root LookML project', () => {
  const files = generateProject(DEFAULT_PROJECT_CONFIG);

  it('is generated from test/lookml/default-config.yaml, which is the all-defaults config', () => {
    const text = readFileSync(path.join(ROOT, 'test/lookml/default-config.yaml'), 'utf8');
    expect(parseConfig(text)).toEqual(DEFAULT_PROJECT_CONFIG);
  });

  it.each(files.filter((f) => !f.once).map((f) => [f.path, f.content]))('%s is in sync with the generator', (file, content) => {
    const onDisk = path.join(ROOT, file);
    if (!existsSync(onDisk)) throw new Error(`${file} is missing: run ${REGENERATE}`);
    const actual = readFileSync(onDisk, 'utf8');
    if (actual !== content) throw new Error(`${file} is out of sync with the generator: run ${REGENERATE}`);
  });

  it('has every refinement file, and no stale generated file', () => {
    for (const f of files.filter((x) => x.once)) expect(existsSync(path.join(ROOT, f.path))).toBe(true);
    const produced = new Set(files.map((f) => path.join(ROOT, f.path)));
    const stale = listFiles(path.join(ROOT, 'lookml')).filter((p) => !produced.has(p) && readFileSync(p, 'utf8').includes(GENERATED_MARK));
    expect(stale).toEqual([]);
  });

  it('is the only LookML in the repository (Looker deploys every .lkml file it finds: a second model or manifest breaks it)', () => {
    const tracked = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n');
    const lookml = tracked.filter((f) => /\.(lkml|lookml)$/.test(f));
    expect(lookml).toContain('manifest.lkml');
    expect(lookml.filter((f) => f !== 'manifest.lkml' && !f.startsWith('lookml/'))).toEqual([]);
  });
});
