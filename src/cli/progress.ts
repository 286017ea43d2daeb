/**
 * The CLI's Progress sinks: on a terminal a live bar (cli-progress) under the lines a run keeps; elsewhere (CI, a
 * scheduler, a pipe, TERM=dumb) plain lines; with --quiet nothing. cli-progress is loaded only when a bar is drawn,
 * so `journey-stitch --help` and non-terminal runs never load it.
 */
import { formatAmount, lineProgress, silentProgress, type Progress, type ProgressUnit } from '../warehouse/progress';

/** The stream a sink writes to: process.stderr, or a stand-in with the same few members (tests). */
export interface OutputStream {
  write(chunk: string): boolean;
  isTTY?: boolean;
}

/** Whether to draw a bar: a terminal that can move the cursor. */
export function isInteractive(stream: OutputStream, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && env.TERM !== 'dumb';
}

export function progressFor(stream: OutputStream, opts: { quiet?: boolean; env?: NodeJS.ProcessEnv } = {}): Progress {
  if (opts.quiet) return silentProgress;
  if (isInteractive(stream, opts.env)) return barProgress(stream as NodeJS.WritableStream);
  return lineProgress((line) => stream.write(`${line}\n`));
}

/**
 * Bar formats: with a total, a bar and a share; without one (an incremental run's models), the count alone. Time
 * taken, not an ETA: models differ a thousandfold in cost, so an ETA from their count would mislead.
 */
const FORMAT = '{phase} [{bar}] {percentage}% | {amount} | {duration_formatted} | {label}';
const FORMAT_NO_TOTAL = '{phase} {amount} | {duration_formatted} | {label}';

/**
 * One bar per phase at the bottom of the terminal; lines (files read, models run, warnings) scroll above it. The
 * bar is cleared when its phase ends, so the terminal keeps the same lines a log would.
 */
export function barProgress(stream: NodeJS.WritableStream): Progress {
  const cliProgress = require('cli-progress') as typeof import('cli-progress');
  let multi: import('cli-progress').MultiBar | undefined;
  let bar: import('cli-progress').SingleBar | undefined;
  let phase: { name: string; total: number | undefined; unit: ProgressUnit } | undefined;

  const end = () => {
    multi?.stop();
    multi = bar = phase = undefined;
  };
  const payload = (done: number, label: string) => ({ phase: phase!.name, amount: formatAmount(done, phase!.total, phase!.unit), label });
  // MultiBar prints logged lines above its bars only when it redraws: redraw at once, so no line waits or is lost.
  const above = (line: string) => {
    multi!.log(`${line}\n`);
    multi!.update();
  };
  return {
    phase(name, total, unit) {
      end();
      phase = { name, total, unit };
      multi = new cliProgress.MultiBar({
        stream,
        format: total === undefined ? FORMAT_NO_TOTAL : FORMAT,
        barCompleteChar: '\u2588',
        barIncompleteChar: '\u2591',
        barsize: 24,
        clearOnComplete: true,
        hideCursor: false,
      });
      bar = multi.create(Math.max(total ?? 1, 1), 0, payload(0, ''));
    },
    update(done, label, line) {
      if (!multi || !bar) {
        if (line !== undefined) stream.write(`${line}\n`);
        return;
      }
      bar.update(Math.min(done, phase!.total ?? done), payload(done, label));
      if (line !== undefined) above(line);
    },
    log(line) {
      if (multi) above(line);
      else stream.write(`${line}\n`);
    },
    done: end,
  };
}
