/**
 * How a run reports its progress: a warehouse calls a Progress sink and never writes to a stream itself. The CLI
 * chooses the sink (src/cli/progress.ts): a live bar on a terminal, plain lines otherwise, nothing with --quiet.
 * The plain-line sink lives here (it needs no library); the bar sits at the CLI's edge.
 */

/** What a phase counts: bytes read (loading), models run, tables exported. */
export type ProgressUnit = 'bytes' | 'models' | 'tables';

export interface Progress {
  /**
   * A phase begins (ending the one before): `total` units, or undefined when not known ahead (an incremental run
   * plans its models as it goes).
   */
  phase(name: string, total: number | undefined, unit: ProgressUnit): void;
  /**
   * The phase has reached `done` units and is working on `label` (a file, a model). With `line`, an item has just
   * finished (a file read, a model run, a table exported) and `line` says how it went: a line to keep.
   */
  update(done: number, label: string, line?: string): void;
  /** A line that is no step of a phase: a warning, a column mapping found, the summary. */
  log(line: string): void;
  /** No more progress (the run ended or failed): a bar is taken down, later lines are plain. Safe to call twice. */
  done(): void;
}

/** 1.2 kB, 34.5 MB, 1.2 GB. */
export function formatBytes(bytes: number): string {
  const [unit, scale] = bytes < 1e6 ? ['kB', 1e3] : bytes < 1e9 ? ['MB', 1e6] : ['GB', 1e9];
  return `${(bytes / scale).toFixed(1)} ${unit}`;
}

/** "45.2 MB of 120.0 MB", "12 of 40", "12" (total unknown). */
export function formatAmount(done: number, total: number | undefined, unit: ProgressUnit): string {
  const f = unit === 'bytes' ? formatBytes : (n: number) => n.toLocaleString('en-US');
  return total === undefined ? f(done) : `${f(done)} of ${f(total)}`;
}

/** Nothing but what the caller does with errors (--quiet). */
export const silentProgress: Progress = { phase() {}, update() {}, log() {}, done() {} };

/**
 * Plain lines, for logs, CI and schedulers (no terminal, no escape codes): each finished item's line, every other
 * line as is, and between items one line per tenth of a phase crossed (a large file being read), never more.
 */
export function lineProgress(write: (line: string) => void): Progress {
  let current: { name: string; total: number | undefined; unit: ProgressUnit; tenths: number } | undefined;
  const tenths = (done: number) => (current?.total ? Math.floor((10 * Math.min(done, current.total)) / current.total) : 0);
  return {
    phase(name, total, unit) {
      current = { name, total, unit, tenths: 0 };
    },
    update(done, label, line) {
      if (!current) return;
      const reached = tenths(done);
      if (line !== undefined) write(line);
      else if (reached > current.tenths)
        write(`${current.name}: ${formatAmount(done, current.total, current.unit)} (${reached * 10}%), ${label}`);
      current.tenths = Math.max(current.tenths, reached);
    },
    log: write,
    done() {
      current = undefined;
    },
  };
}
