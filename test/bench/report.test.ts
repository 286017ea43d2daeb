/**
 * bench/RESULTS.md and its plots from results.json (bench/report.ts): the exact-name rule beside ours and the seed,
 * calibration tables for the runs with match probabilities, and the calibration plot, rendered for real (vega and
 * resvg are ESM, so the plots are drawn by the report script in a child process, as `npm run bench` runs it).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { calibrationPoints, resultsMarkdown, type BenchResults, type SizeResult, type TimeResult } from '../../bench/report';
import type { SystemResult } from '../../src/evaluate';
import { SAMPLE_GENERATOR_VERSION } from '../../src/sample';
import { matchingScores, type OffsiteGroup, type ProbabilityColumn } from '../../src/evaluate/matching';
import { evaluateCells } from '../../src/evaluate/metrics';
import { offsiteGroup as group } from '../support/offsite-group';

function system(name: string, groups: OffsiteGroup[], probability: ProbabilityColumn): SystemResult {
  const evaluation = evaluateCells([{ predicted: 'x', truth: 'A', events: 3, byCategory: { confirmed: 2, inferred: 1 }, known: 3 }]);
  return { name, ms: 1200, evaluation, fannedOutEvents: 0, matching: matchingScores(groups, probability) };
}

const run = (system: TimeResult['system'], ms: number, scores: SystemResult | null): TimeResult => ({
  system,
  loadMs: 100,
  ms,
  iterations: { js_id_propagation: 1 },
  steps: [{ name: 'stitched_events', ms }],
  peakRssMiB: 300,
  scores,
});

function size(events: number, withProbabilities: boolean): SizeResult {
  const scored = withProbabilities
    ? [
        group({ band: 3, rows: 18, probabilitySum: 16.74 }),
        group({ band: 3, rows: 2, correct: false, probabilitySum: 1.86 }),
        group({ band: 5, rows: 30, probabilitySum: 29.9 }),
      ]
    : [group({ rows: 40 }), group({ rows: 10, correct: false })];
  return {
    events,
    rows: { pages: events },
    generatedMs: 900,
    generator: SAMPLE_GENERATOR_VERSION,
    ours: run('ours', 1500, system('journey-stitch', scored, withProbabilities ? 'present' : 'missing')),
    exact: run(
      'ours-exact',
      1400,
      system('journey-stitch, exact-name rule', [group({ rows: 40 }), group({ rows: 20, correct: false })], 'missing'),
    ),
    seed: run('seed', 200, system('seed SQL', [group({ rows: 30 }), group({ rows: 30, correct: false })], 'not applicable')),
    machine: { cpus: 2, loadAverage: 1.5, memoryGiB: 24 },
    measuredAt: '2026-12-06T17:00:00.000Z',
  };
}

/** A size measured before the exact rule and the row-by-row offsite scores existed. */
function olderSize(events: number): SizeResult {
  const s = size(events, false);
  const { matching: _, ...ours } = s.ours.scores!;
  const { matching: __, ...seed } = s.seed.scores!;
  return {
    ...s,
    generator: undefined,
    exact: undefined,
    ours: { ...s.ours, scores: ours as SystemResult },
    seed: { ...s.seed, scores: seed as SystemResult },
  };
}

describe('RESULTS.md', () => {
  it('puts the exact-name rule beside ours and the seed, with a calibration table for the run with probabilities', () => {
    const md = resultsMarkdown({ sizes: { 100000: size(100_000, true), 1000000: olderSize(1_000_000) }, cost: null }, '## Findings\n\nx');
    expect(md).toContain('| ours, exact-name rule (s) |');
    expect(md).toMatch(/^\| 100,000 \| 1\.50 \| .* \| 1\.40 \| 0\.20 \|/m);
    expect(md).toMatch(/^\| 1,000,000 \| 1\.50 \| .* \| – \| 0\.20 \|/m);
    expect(md).toContain('| measure | journey-stitch | journey-stitch, exact-name rule | seed SQL |');
    expect(md).toContain('| name-matched (inferred) rows right: precision (rows) | 96.00% (50) | 66.67% (60) | 50.00% (60) |');
    // The older size: its offsite measures were not recorded, and it says so with a dash, not a zero.
    expect(md).toContain('| name-matched (inferred) rows right: precision (rows) | – | – |');
    expect(md).toContain('#### Calibration: journey-stitch\n\n| match probability |');
    expect(md).toContain('| [0.90, 0.95) | 20 | 0.930 | 90.00% | 50 | 96.00% | 96.00% |');
    expect(md).toContain('journey-stitch, exact-name rule: stitched_events has no match_probability column');
    expect(md).toContain('![predicted match probability against observed precision, per data size](calibration.png)');
    expect(md.trim().endsWith('## Findings\n\nx')).toBe(true);
    // The older size's data came from an earlier generator: said, naming it.
    expect(md).toMatch(/older sample generator .*\n.*: 1,000,000 events\./);
  });

  it('has no calibration plot when no run wrote probabilities', () => {
    const results: BenchResults = { sizes: { 100000: size(100_000, false) }, cost: null };
    expect(calibrationPoints(Object.values(results.sizes))).toEqual([]);
    const md = resultsMarkdown(results, null);
    expect(md).not.toContain('older sample generator');
    expect(md).not.toContain('calibration.png');
    expect(md).toContain('journey-stitch: stitched_events has no match_probability column');
  });

  it('plots a point per band with rows, per size', () => {
    const points = calibrationPoints([size(100_000, true), size(1_000_000, true)]);
    expect(points).toHaveLength(4);
    expect(points[0]).toMatchObject({ observed: 0.9, rows: 20, series: '100,000 events' });
    expect(points[0].predicted).toBeCloseTo(0.93, 10);
    expect(points[3]).toMatchObject({ rows: 30, observed: 1, series: '1,000,000 events' });
  });

  it('the report script writes RESULTS.md and both plots as PNG', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'js-bench-report-'));
    try {
      const results: BenchResults = { sizes: { 100000: size(100_000, true), 1000000: size(1_000_000, true) }, cost: null };
      const file = path.join(dir, 'results.json');
      writeFileSync(file, JSON.stringify(results));
      execFileSync(process.execPath, [require.resolve('tsx/cli'), path.join(__dirname, '../../bench/report.ts'), file, dir], {
        stdio: 'pipe',
      });
      expect(readFileSync(path.join(dir, 'RESULTS.md'), 'utf8')).toBe(resultsMarkdown(results, null));
      for (const png of ['time-vs-events.png', 'calibration.png']) {
        const bytes = readFileSync(path.join(dir, png));
        expect(bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
        // Drawn at twice the spec's size: hundreds of pixels wide, not an empty image.
        expect(bytes.readUInt32BE(16)).toBeGreaterThan(600);
      }
      expect(existsSync(path.join(dir, 'FINDINGS.md'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
