/**
 * The main job behind `npm start`: demo data → stitch on DuckDB → LookML project → extension bundle, each step
 * a library call (the ones behind `journey-stitch sample`, `stitch` and `generate`; npm for the bundle), skipped when the hash of its inputs (source files, data,
 * arguments) matches the last successful run and its outputs still exist. The extension build runs alongside the
 * data steps, since it does not depend on them.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { loadConfig } from '../config/load';
import { lineProgress } from '../warehouse/progress';
import { stitchDuckDB } from '../warehouse/duckdb/stitch';
import { generateLookml } from '../lookml/generate';
import { generateSample, resolveSampleOptions } from '../sample';
import { DEMO_OPTIONS } from '../sample/demo-size';
import { PreviewDatabase } from './api/database';
import { JourneyStitchError } from '../contract/errors';

export interface DemoPaths {
  /** Folder of the sample data and its config (journey-stitch.yaml). */
  dataDir: string;
  config: string;
  /** The stitched database (the sample config's output.database). */
  database: string;
  /** The generated LookML project (manifest.lkml, lookml/). */
  projectDir: string;
  bundle: string;
}

export interface DemoStepReport {
  step: string;
  skipped: boolean;
  ms: number;
}

export function demoPaths(root: string): DemoPaths {
  const work = join(root, '.journey-stitch', 'demo');
  const dataDir = join(work, 'data');
  return {
    dataDir,
    config: join(dataDir, 'journey-stitch.yaml'),
    database: join(dataDir, 'journey_stitch.duckdb'),
    projectDir: join(work, 'project'),
    bundle: join(root, 'dist', 'bundle.js'),
  };
}

/** Every file under `paths` (files or folders), in a stable order; `skip` filters out outputs living among inputs. */
function listFiles(root: string, paths: string[], skip: (file: string) => boolean = () => false): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    if (!existsSync(p)) return;
    if (statSync(p).isDirectory()) for (const name of readdirSync(p).sort()) walk(join(p, name));
    else if (!skip(p)) out.push(p);
  };
  for (const p of paths) walk(join(root, p));
  return out;
}

/** Hash of the files' paths and contents and of the step's arguments. */
export function hashInputs(root: string, files: string[], args: string[]): string {
  const h = createHash('sha256');
  h.update(JSON.stringify(args));
  for (const f of files) {
    h.update(`\0${relative(root, f)}\0`);
    h.update(readFileSync(f));
  }
  return h.digest('hex');
}

export interface Step {
  name: string;
  /** Computed when the step's turn comes (a step's inputs may be an earlier step's outputs). */
  inputs: () => string;
  outputs: string[];
  run: () => Promise<void>;
  /** Whether the outputs are current although this runner did not record them (built by another command). */
  builtElsewhere?: () => boolean;
}

function readState(stateFile: string): Record<string, string> {
  try {
    return JSON.parse(readFileSync(stateFile, 'utf8'));
  } catch {
    return {};
  }
}

/**
 * Runs the steps in order, recording each success in `stateFile`; a step whose inputs hash to the recorded value
 * and whose outputs exist is skipped. A failed step records nothing, so it runs again next time.
 */
export async function runSteps(stateFile: string, steps: Step[], report: (r: DemoStepReport) => void): Promise<void> {
  for (const step of steps) {
    const started = Date.now();
    const hash = step.inputs();
    const outputsExist = step.outputs.every((o) => existsSync(o));
    const skipped = outputsExist && (readState(stateFile)[step.name] === hash || (step.builtElsewhere?.() ?? false));
    if (!skipped) {
      await step.run();
      // Re-read: steps run on two lanes at once and each records only its own result.
    }
    writeFileSync(stateFile, JSON.stringify({ ...readState(stateFile), [step.name]: hash }, null, 2));
    report({ step: step.name, skipped, ms: Date.now() - started });
  }
}

/**
 * Runs one step's work with a `log` for its progress lines: on stderr, or with `quiet` kept and shown only if the
 * step fails.
 */
async function logged(name: string, quiet: boolean, work: (log: (line: string) => void) => Promise<unknown>): Promise<void> {
  const lines: string[] = [];
  const log = quiet ? (line: string) => void lines.push(line) : (line: string) => void process.stderr.write(`${line}\n`);
  try {
    await work(log);
  } catch (e) {
    if (!quiet) throw e;
    throw new JourneyStitchError(`${name} failed: ${(e as Error).message}\n${lines.join('\n').slice(-4000)}`, { cause: e });
  }
}

function npmRun(root: string, script: string, args: string[] = []): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', script, '--', ...args], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new JourneyStitchError(`npm run ${script} failed (exit ${code}):\n${stderr.slice(-4000)}`)),
    );
  });
}

export interface PrepareOptions {
  /** Called after each step (run or skipped). */
  report?: (r: DemoStepReport) => void;
  /** Keep the commands' progress output to show only on failure (tests). */
  quiet?: boolean;
  /** Also build the extension bundle (default true; the data steps alone need no bundle). */
  extension?: boolean;
  /** The demo data's last day, YYYY-MM-DD (default: today, UTC). */
  today?: string;
}

/** A lock older than this is left over from a killed run. */
const STALE_LOCK_MS = 15 * 60_000;

/** Left by a process that is gone (killed mid-run) or too old to trust. */
function lockIsStale(lockFile: string): boolean {
  try {
    const pid = Number(readFileSync(lockFile, 'utf8'));
    if (Date.now() - statSync(lockFile).mtimeMs > STALE_LOCK_MS) return true;
    process.kill(pid, 0); // throws when no such process
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Runs `fn` holding an exclusive lock file, so two processes (npm start and a test run, or two test workers)
 * never rebuild the same demo files at once; the second waits, then finds the steps up to date.
 */
export async function withLock<T>(lockFile: string, fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (lockIsStale(lockFile)) rmSync(lockFile, { force: true });
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockFile, { force: true });
  }
}

/** Brings the demo's data, database, LookML project and extension bundle up to date. */
export async function prepareDemo(
  root: string,
  { report = () => {}, quiet = false, extension = true, today = new Date().toISOString().slice(0, 10) }: PrepareOptions = {},
): Promise<DemoPaths> {
  const paths = demoPaths(root);
  mkdirSync(join(root, '.journey-stitch', 'demo'), { recursive: true });
  const stateFile = join(root, '.journey-stitch', 'demo', 'steps.json');
  const code = (...dirs: string[]) => listFiles(root, ['src/contract', 'src/config', 'package-lock.json', ...dirs]);
  const isDatabase = (f: string) => /\.duckdb(\.wal)?$/.test(f);

  // The demo's year ends today, so the extension's default 'last 90 days' shows data. The day is one of the
  // arguments, and arguments are hashed: the data (and everything after it) is regenerated when the day changes.
  const sampleOptions = resolveSampleOptions({ ...DEMO_OPTIONS, end: today, out: paths.dataDir });
  const sampleArgs = [JSON.stringify(sampleOptions)];
  const stitchArgs = ['stitch', paths.config];
  const generateArgs = ['generate', paths.config, paths.projectDir];
  const dataSteps: Step[] = [
    {
      name: 'sample',
      inputs: () => hashInputs(root, code('src/sample'), sampleArgs),
      outputs: [paths.config],
      run: async () => {
        rmSync(paths.dataDir, { recursive: true, force: true });
        await logged('sample', quiet, (log) => generateSample(sampleOptions, (n) => log(`  ${n.toLocaleString('en')} events…`)));
      },
    },
    {
      name: 'stitch',
      inputs: () =>
        hashInputs(
          root,
          [
            ...code('src/warehouse/duckdb', 'src/warehouse/runRecord.ts', 'src/models', 'src/sql'),
            ...listFiles(paths.dataDir, ['.'], isDatabase),
          ],
          stitchArgs,
        ),
      outputs: [paths.database],
      run: () =>
        logged('stitch', quiet, async (log) => stitchDuckDB((await loadConfig(paths.config)).config, { progress: lineProgress(log) })),
    },
    {
      name: 'generate',
      inputs: () => hashInputs(root, [...code('src/lookml'), paths.config], generateArgs),
      outputs: [join(paths.projectDir, 'manifest.lkml')],
      run: () => logged('generate', quiet, async () => generateLookml((await loadConfig(paths.config)).config, paths.projectDir)),
    },
  ];
  const extensionInputs = () => code('src/extension', 'webpack.config.js', 'tsconfig.json');
  const extensionSteps: Step[] = [
    {
      name: 'build:extension',
      inputs: () => hashInputs(root, extensionInputs(), ['build:extension']),
      outputs: [paths.bundle],
      // `npm test` builds the bundle itself (pretest): a bundle newer than every input is current.
      builtElsewhere: () => statSync(paths.bundle).mtimeMs > Math.max(...extensionInputs().map((f) => statSync(f).mtimeMs)),
      run: async () => {
        // Built aside, then renamed into place: whoever reads dist/bundle.js meanwhile sees the old or the new file, never half of one.
        const out = join(root, '.journey-stitch', 'demo', 'bundle-build');
        rmSync(out, { recursive: true, force: true });
        await npmRun(root, 'build:extension', ['--output-path', out]);
        mkdirSync(dirname(paths.bundle), { recursive: true });
        renameSync(join(out, 'bundle.js'), paths.bundle);
      },
    },
  ];
  await withLock(join(root, '.journey-stitch', 'demo', 'lock'), () =>
    Promise.all([runSteps(stateFile, dataSteps, report), runSteps(stateFile, extension ? extensionSteps : [], report)]),
  );
  return paths;
}

/** First and last event day (YYYY-MM-DD) of the stitched data. */
export async function eventDateRange(database: string): Promise<{ from: string; to: string }> {
  const db = await PreviewDatabase.open(database, 'journey_stitch_range');
  try {
    const [[from, to]] = await db.run(
      'SELECT CAST(MIN(occurred_at) AS DATE)::VARCHAR, CAST(MAX(occurred_at) AS DATE)::VARCHAR FROM stitched_events',
    );
    return { from: String(from), to: String(to) };
  } finally {
    db.close();
  }
}
