/**
 * `npm run bench -- [--sizes 100000,1000000,10000000] [--data <dir>] [--accuracy-max N] [--cost-size N] [--cost-only] [--no-exact]`
 *
 * For each size: generate Parquet sample data once (seed 'bench', cached in --data), then measure in separate
 * processes (so each peak RSS is its own): our full pipeline, our pipeline with the exact-name rule (the comparison
 * for scored name matching; --no-exact skips it), the seed's SQL, and (once) BigQuery bytes per model. Results
 * accumulate in bench/results.json; bench/RESULTS.md and the plots are rewritten from it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MANIFEST_FILE, SAMPLE_GENERATOR_VERSION, generateSample, resolveSampleOptions } from '../src/sample';
import { writeResults, type BenchResults, type SizeResult } from './report';

const BENCH_DIR = __dirname;
const RESULTS_FILE = path.join(BENCH_DIR, 'results.json');
const SEED = 'bench';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

function measure(...args: string[]): unknown {
  const tsx = require.resolve('tsx/cli');
  const out = execFileSync(process.execPath, [tsx, path.join(BENCH_DIR, 'measure.ts'), ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out.trim().split('\n').pop()!);
}

async function ensureData(dir: string, events: number): Promise<{ generatedMs: number | null; files: Record<string, number> }> {
  const manifest = path.join(dir, MANIFEST_FILE);
  if (existsSync(manifest)) {
    const m = JSON.parse(readFileSync(manifest, 'utf8'));
    const current =
      m.generator === SAMPLE_GENERATOR_VERSION &&
      m.options?.events === events &&
      m.options?.seed === SEED &&
      m.options?.format === 'parquet';
    if (current) return { generatedMs: null, files: m.rows };
  }
  process.stderr.write(`generating ${events.toLocaleString('en')} events in ${dir}…\n`);
  const started = performance.now();
  const r = await generateSample(resolveSampleOptions({ out: dir, events, seed: SEED, format: 'parquet' }));
  return { generatedMs: Math.round(performance.now() - started), files: r.rows };
}

async function main() {
  const sizes = arg('sizes', '100000,1000000,10000000')
    .split(',')
    .map((s) => Number(s.replace(/_/g, '')));
  const dataRoot = arg('data', path.join(os.tmpdir(), 'journey-stitch-bench'));
  const accuracyMax = Number(arg('accuracy-max', '10000000'));
  const exact = !process.argv.includes('--no-exact');
  const costSize = Number(arg('cost-size', '1000000'));
  const costOnly = process.argv.includes('--cost-only');
  const results: BenchResults = existsSync(RESULTS_FILE) ? JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) : { sizes: {}, cost: null };
  for (const events of sizes) {
    const dir = path.join(dataRoot, String(events));
    const data = await ensureData(dir, events);
    if (costOnly) {
      if (events !== costSize) continue;
    } else {
      await measureTimes(results, events, dir, data, accuracyMax, exact);
    }
    if (events === costSize) {
      process.stderr.write(`${events.toLocaleString('en')} events: BigQuery bytes per model…\n`);
      results.cost = { events, ...(measure(dir, 'cost') as object) } as BenchResults['cost'];
      writeFileSync(RESULTS_FILE, JSON.stringify(results, null, 2) + '\n');
    }
    await writeResults(results, BENCH_DIR);
  }
  await writeResults(results, BENCH_DIR);
  process.stderr.write(`wrote ${path.join(BENCH_DIR, 'RESULTS.md')}\n`);
}

/** Our pipeline and the seed's SQL on one data set, each in its own process. */
async function measureTimes(
  results: BenchResults,
  events: number,
  dir: string,
  data: { generatedMs: number | null; files: Record<string, number> },
  accuracyMax: number,
  exact: boolean,
): Promise<void> {
  const accuracy = events <= accuracyMax ? ['--accuracy'] : [];
  process.stderr.write(`${events.toLocaleString('en')} events: our pipeline…\n`);
  const ours = measure(dir, 'time', 'ours', ...accuracy) as SizeResult['ours'];
  if (exact) process.stderr.write(`${events.toLocaleString('en')} events: our pipeline with the exact-name rule…\n`);
  const exactRule = exact ? (measure(dir, 'time', 'ours-exact', ...accuracy) as SizeResult['ours']) : null;
  process.stderr.write(`${events.toLocaleString('en')} events: the seed's SQL…\n`);
  const seed = measure(dir, 'time', 'seed', ...accuracy) as SizeResult['seed'];
  results.sizes[events] = {
    events,
    rows: data.files,
    generatedMs: data.generatedMs ?? results.sizes[events]?.generatedMs ?? null,
    generator: SAMPLE_GENERATOR_VERSION,
    ours,
    exact: exactRule,
    seed,
    machine: { cpus: os.cpus().length, loadAverage: os.loadavg()[0], memoryGiB: Math.round(os.totalmem() / 2 ** 30) },
    measuredAt: new Date().toISOString(),
  };
  writeFileSync(RESULTS_FILE, JSON.stringify(results, null, 2) + '\n');
}

main().catch((err) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
