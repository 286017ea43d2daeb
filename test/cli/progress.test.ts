/**
 * Progress sinks: on a terminal a bar (cli-progress) under the kept lines; elsewhere plain lines, no escape codes,
 * at most one line per tenth of a phase between items; --quiet nothing.
 */
import { Writable } from 'node:stream';
import { barProgress, progressFor } from '../../src/cli/progress';
import { formatAmount, lineProgress, silentProgress } from '../../src/warehouse/progress';

const ESC = '\x1b';

/** A stand-in terminal: what cli-progress needs of process.stderr (isTTY, columns, write, cursor moves). */
function fakeTerminal(): Writable & { isTTY: boolean; columns: number; text: () => string } {
  let written = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      written += String(chunk);
      done();
    },
  }) as Writable & { isTTY: boolean; columns: number; text: () => string };
  stream.isTTY = true;
  stream.columns = 120;
  stream.text = () => written;
  return stream;
}

/** A stand-in pipe (a log file, CI): no isTTY. */
function fakePipe() {
  const lines: string[] = [];
  return { write: (chunk: string) => (lines.push(chunk), true), lines };
}

describe('lineProgress (not a terminal)', () => {
  it("prints each finished item's line and other lines as they come", () => {
    const lines: string[] = [];
    const p = lineProgress((l) => lines.push(l));
    p.log('models:');
    p.phase('models', 3, 'models');
    p.update(0, 'js_staged');
    p.update(1, 'js_staged', '  js_staged  10 rows  5 ms  [1/3]');
    p.update(1, 'js_events');
    p.update(2, 'js_events', '  js_events  9 rows  4 ms  [2/3]');
    p.done();
    p.log('summary:');
    expect(lines).toEqual(['models:', '  js_staged  10 rows  5 ms  [1/3]', '  js_events  9 rows  4 ms  [2/3]', 'summary:']);
  });

  it('between items, one line per tenth of the phase crossed, with the bytes read of the total', () => {
    const lines: string[] = [];
    const p = lineProgress((l) => lines.push(l));
    const total = 200_000_000;
    p.phase('loading', total, 'bytes');
    // A large file polled a thousand times: ten lines at most, never the same tenth twice.
    for (let read = 0; read <= 150_000_000; read += 100_000) p.update(read, 'pages.ndjson');
    expect(lines).toHaveLength(7);
    expect(lines[0]).toBe('loading: 20.0 MB of 200.0 MB (10%), pages.ndjson');
    expect(lines[6]).toBe('loading: 140.0 MB of 200.0 MB (70%), pages.ndjson');
    // The file's own line then counts for its tenth: no progress line repeats it.
    p.update(160_000_000, 'pages.ndjson', 'read pages.ndjson: 1,000 rows (900 ms) [160.0 MB of 200.0 MB]');
    p.update(161_000_000, 'tracks.ndjson');
    p.update(180_000_000, 'tracks.ndjson');
    expect(lines.slice(7)).toEqual([
      'read pages.ndjson: 1,000 rows (900 ms) [160.0 MB of 200.0 MB]',
      'loading: 180.0 MB of 200.0 MB (90%), tracks.ndjson',
    ]);
    expect(lines.join('\n')).not.toContain(ESC);
  });

  it('formats amounts: bytes of total, n of N, a count without a total', () => {
    expect(formatAmount(45_200_000, 120_000_000, 'bytes')).toBe('45.2 MB of 120.0 MB');
    expect(formatAmount(1_234, 5_000, 'bytes')).toBe('1.2 kB of 5.0 kB');
    expect(formatAmount(12, 40, 'models')).toBe('12 of 40');
    expect(formatAmount(1_500, undefined, 'models')).toBe('1,500');
  });
});

describe('barProgress (a terminal)', () => {
  it('draws a bar per phase with n of N and the model running, keeps the lines above it, and clears it at the end', () => {
    const term = fakeTerminal();
    const p = barProgress(term);
    p.phase('models', 4, 'models');
    p.update(0, 'js_staged');
    p.update(1, 'js_staged', '  js_staged  10 rows  5 ms  [1/4]');
    p.update(1, 'js_events');
    p.log('warning: something to keep');
    p.update(2, 'js_events', '  js_events  9 rows  4 ms  [2/4]');
    const drawn = term.text();
    p.done();
    const all = term.text();
    // cli-progress draws with escape codes: the bar, its share, the amount and the running model.
    expect(drawn).toContain(ESC);
    expect(drawn).toMatch(/models \[█{6}░{18}\] 25% \| 1 of 4 \| \d+s \| js_events/);
    expect(drawn).toMatch(/models \[█{12}░{12}\] 50% \| 2 of 4 \| \d+s \| js_events/);
    // The kept lines are written whole, each on a line of its own, above the bar.
    for (const line of ['  js_staged  10 rows  5 ms  [1/4]', 'warning: something to keep', '  js_events  9 rows  4 ms  [2/4]'])
      expect(all).toContain(`${line}\n`);
    expect(all.indexOf('[1/4]')).toBeLessThan(all.indexOf('warning: something to keep'));
    // Taken down: the last thing written clears from the cursor down, and later lines are plain.
    expect(all.endsWith(`${ESC}[0J`)).toBe(true);
    p.log('summary:');
    expect(term.text().slice(all.length)).toBe('summary:\n');
  });

  it('shows bytes read of the total while loading, and a count alone when the total is not known', async () => {
    const term = fakeTerminal();
    const p = barProgress(term);
    // Between kept lines the bar is redrawn on cli-progress's timer (10 a second): wait for it.
    const redrawn = () => new Promise((resolve) => setTimeout(resolve, 250));
    p.phase('loading', 4_000_000, 'bytes');
    p.update(1_000_000, 'pages.ndjson');
    await redrawn();
    p.phase('models', undefined, 'models'); // an incremental run plans its models as it goes
    p.update(3, 'js_cutoff');
    await redrawn();
    p.done();
    expect(term.text()).toMatch(/loading \[█{6}░{18}\] 25% \| 1\.0 MB of 4\.0 MB \| \d+s \| pages\.ndjson/);
    expect(term.text()).toMatch(/models 3 \| \d+s \| js_cutoff/);
  });
});

describe('progressFor', () => {
  const run = (p: ReturnType<typeof progressFor>) => {
    p.phase('export', 2, 'tables');
    p.update(1, 'persons', '  exported persons (1 of 2)');
    p.log('wrote db');
    p.done();
  };

  it('plain lines when the stream is not a terminal, or is a dumb one', () => {
    const pipe = fakePipe();
    run(progressFor(pipe));
    expect(pipe.lines).toEqual(['  exported persons (1 of 2)\n', 'wrote db\n']);
    const dumb = fakeTerminal();
    run(progressFor(dumb, { env: { TERM: 'dumb' } }));
    expect(dumb.text()).toBe('  exported persons (1 of 2)\nwrote db\n');
  });

  it('a bar on a terminal', () => {
    const term = fakeTerminal();
    run(progressFor(term, { env: { TERM: 'xterm-256color' } }));
    expect(term.text()).toMatch(/export \[█{12}░{12}\] 50% \| 1 of 2/);
  });

  it('nothing with --quiet, terminal or not', () => {
    const term = fakeTerminal();
    const pipe = fakePipe();
    run(progressFor(term, { quiet: true }));
    run(progressFor(pipe, { quiet: true }));
    expect(term.text()).toBe('');
    expect(pipe.lines).toEqual([]);
    expect(progressFor(pipe, { quiet: true })).toBe(silentProgress);
  });
});
