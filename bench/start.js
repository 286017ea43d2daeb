/**
 * `npm run bench:start`: how long `journey-stitch --help` takes as a whole process (node start, the CLI's modules,
 * the help text), the median of 10 runs after one warm-up run. The target is under 0.3 s. Plain JavaScript, so it
 * measures the bin as a user runs it.
 */
const { execFileSync } = require('node:child_process');
const os = require('node:os');
const path = require('node:path');

const BIN = path.resolve(__dirname, '..', 'bin', 'journey-stitch.js');
const RUNS = Number(process.env.RUNS ?? 10);
const TARGET_S = 0.3;

function once(args) {
  const started = process.hrtime.bigint();
  execFileSync(process.execPath, [BIN, ...args], { stdio: 'ignore' });
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

once(['--help']); // builds the CLI if a source changed, and warms the file cache
const times = Array.from({ length: RUNS }, () => once(['--help']));
const m = median(times);
process.stdout.write(
  `journey-stitch --help: median ${m.toFixed(3)} s of ${RUNS} runs (min ${Math.min(...times).toFixed(3)}, max ${Math.max(...times).toFixed(3)}), ` +
    `target < ${TARGET_S} s: ${m < TARGET_S ? 'met' : 'NOT met'} (load average ${os.loadavg()[0].toFixed(1)}, ${os.cpus().length} cores)\n`,
);
if (m >= TARGET_S) process.exitCode = 1;
