/**
 * What the engine tells its Progress sink: loading in bytes of every file, models n of N with the model running,
 * export in tables n of N; and while DuckDB reads a large file, the bytes read so far.
 */
import { statSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../../../src/config/schema';
import { loadSources } from '../../../src/warehouse/duckdb/load';
import { formatBytes, type Progress, type ProgressUnit } from '../../../src/warehouse/progress';
import { stitchDuckDB } from '../../../src/warehouse/duckdb/stitch';
import { openMemoryDb } from '../../support/duckdb';
import { tinyConfig, writeTinyWorld } from './tiny-world';

type Call =
  | { kind: 'phase'; name: string; total: number | undefined; unit: ProgressUnit }
  | { kind: 'update'; phase: string; done: number; label: string; line?: string }
  | { kind: 'log'; line: string }
  | { kind: 'done' };

function recorder(): Progress & { calls: Call[] } {
  const calls: Call[] = [];
  let phase = '';
  return {
    calls,
    phase: (name, total, unit) => void calls.push({ kind: 'phase', name: (phase = name), total, unit }),
    update: (done, label, line) => void calls.push({ kind: 'update', phase, done, label, ...(line === undefined ? {} : { line }) }),
    log: (line) => void calls.push({ kind: 'log', line }),
    done: () => void calls.push({ kind: 'done' }),
  };
}

describe('stitchDuckDB reports progress', () => {
  let dir: string;
  let config: Config;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'js-progress-'));
    await writeTinyWorld(path.join(dir, 'data'));
    config = tinyConfig(dir);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('loading (bytes of total), models (n of N, each started and finished), export (tables n of N)', async () => {
    const progress = recorder();
    const result = await stitchDuckDB(config, { exportDir: path.join(dir, 'export'), progress });
    const phases = progress.calls.filter((c) => c.kind === 'phase');
    const files = (await readdir(path.join(dir, 'data'))).map((f) => path.join(dir, 'data', f));
    const totalBytes = files.reduce((n, f) => n + statSync(f).size, 0);
    expect(phases).toEqual([
      { kind: 'phase', name: 'loading', total: totalBytes, unit: 'bytes' },
      { kind: 'phase', name: 'models', total: result.run.steps.length, unit: 'models' },
      { kind: 'phase', name: 'export', total: 7, unit: 'tables' },
    ]);
    const updates = (phase: string) => progress.calls.flatMap((c) => (c.kind === 'update' && c.phase === phase ? [c] : []));

    // Loading: never backwards, one kept line per file, ending at every byte.
    const loading = updates('loading');
    expect(loading.map((u) => u.done)).toEqual([...loading.map((u) => u.done)].sort((a, b) => a - b));
    let read = 0;
    expect(loading.filter((u) => u.line).map((u) => u.line!.replace(/\(\d+ ms\)/, '(t)'))).toEqual(
      [
        ['pages.ndjson', '3 rows, 1 unreadable line(s) kept in rejected_rows'],
        ['tracks.csv', '1 rows'],
        ['identifies.ndjson', '1 rows'],
        ['linkedin.ndjson', '2 rows'],
      ].map(
        ([file, rows]) =>
          `read ${file}: ${rows} (t) [${formatBytes((read += statSync(path.join(dir, 'data', file)).size))} of ${formatBytes(totalBytes)}]`,
      ),
    );
    expect(loading.at(-1)).toMatchObject({ done: totalBytes, label: 'linkedin.ndjson' });

    // Models: each one labelled while it runs, then its line with its place [n/N].
    const models = updates('models');
    const steps = result.run.steps.map((s) => s.name);
    expect(models.filter((u) => !u.line && !u.label.includes('iteration')).map((u) => [u.done, u.label])).toEqual(
      steps.map((s, i) => [i, s]),
    );
    expect(models.filter((u) => u.line).map((u) => [u.done, u.label, /\[(\d+)\/(\d+)\]$/.exec(u.line!)?.slice(1).map(Number)])).toEqual(
      steps.map((s, i) => [i + 1, s, [i + 1, steps.length]]),
    );
    // A loop says which iteration it is on.
    expect(models.some((u) => /^js_\w+_propagation \(iteration 2\)$/.test(u.label))).toBe(true);

    // Export: each table named as it starts, then its line.
    expect(updates('export').map((u) => [u.done, u.label, u.line])).toEqual(
      ['stitched_events', 'persons', 'identity_links', 'sessions', 'journey_paths', 'session_paths', 'rejected_rows'].flatMap((t, i) => [
        [i, t, undefined],
        [i + 1, t, `  exported ${t} (${i + 1} of 7)`],
      ]),
    );
    // The summary comes after the last bar is taken down.
    const lastDone = progress.calls.map((c) => c.kind).lastIndexOf('done');
    const summary = progress.calls.findIndex((c) => c.kind === 'log' && c.line === 'summary:');
    expect(progress.calls.slice(summary).some((c) => c.kind === 'phase' || c.kind === 'update')).toBe(false);
    expect(progress.calls.slice(0, summary).some((c) => c.kind === 'done')).toBe(true);
    expect(lastDone).toBeGreaterThan(summary); // and once more at the very end (a failure takes it down too)
  });

  it('takes the bar down when the run fails', async () => {
    const progress = recorder();
    await expect(
      stitchDuckDB(config, {
        progress,
        build: () => ({ outputs: [], scratch: [], steps: [{ kind: 'sql', name: 'probe', sql: 'SELECT * FROM no_such_table' }] }),
      }),
    ).rejects.toThrow(/model 'probe' failed/);
    expect(progress.calls.at(-1)).toEqual({ kind: 'done' });
  });
});

describe('loadSources reports the bytes DuckDB has read of a large file', () => {
  let dir: string;
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('between the start and the end of the file, never backwards', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'js-progress-large-'));
    await writeTinyWorld(path.join(dir, 'data'));
    // ~20 MB of page views, polled every 5 ms: DuckDB takes some tens of milliseconds to read them.
    const line = (i: number) =>
      JSON.stringify({
        id: `p${i}`,
        anonymous_id: `a${i % 997}`,
        timestamp: '2024-03-01T10:00:00Z',
        context_page_path: `/blog/${'x'.repeat(40)}`,
      });
    const rows = Array.from({ length: 200_000 }, (_, i) => line(i)).join('\n');
    await writeFile(path.join(dir, 'data', 'pages.ndjson'), `${rows}\n`);
    const pagesBytes = statSync(path.join(dir, 'data', 'pages.ndjson')).size;
    const seen: Array<[string, number]> = [];
    const db = await openMemoryDb();
    try {
      await loadSources(db.conn, tinyConfig(dir), { onBytes: (file, done) => void seen.push([path.basename(file), done]), pollMs: 5 });
    } finally {
      db.close();
    }
    const pages = seen.filter(([f]) => f === 'pages.ndjson').map(([, n]) => n);
    expect(pages[0]).toBe(0); // at the file's start
    const between = pages.filter((n) => n > 0 && n < pagesBytes);
    expect(between.length).toBeGreaterThanOrEqual(1);
    expect(pages).toEqual([...pages].sort((a, b) => a - b));
  });
});
