/**
 * The journey-stitch command. Each command lives in ./commands/<name>.ts and exports
 * `register(program)`; this file only wires them together and turns errors into a clean exit.
 */
import { Command } from 'commander';
import { version } from '../../package.json';
import { isJourneyStitchError } from '../contract/errors';
import { register as check } from './commands/check';
import { register as evaluate } from './commands/evaluate';
import { register as generate } from './commands/generate';
import { register as init } from './commands/init';
import { register as introspect } from './commands/introspect';
import { register as preview } from './commands/preview';
import { register as sample } from './commands/sample';
import { register as schema } from './commands/schema';
import { register as sql } from './commands/sql';
import { register as stitch } from './commands/stitch';

type Register = (program: Command) => void;

// One import per command; keep alphabetical.
const commands: Register[] = [check, evaluate, generate, init, introspect, preview, sample, schema, sql, stitch];

export function buildProgram(): Command {
  const program = new Command('journey-stitch')
    .description('Stitch anonymous and offsite activity into customer journeys, for BigQuery, DuckDB and Looker.')
    .version(version)
    .showHelpAfterError();
  for (const register of commands) register(program);
  return program;
}

/** Runs the command line (bin/journey-stitch.js, `npx journey-stitch`, or `tsx src/cli/main.ts`). */
export function main(): void {
  // `journey-stitch sql | head`: a closed pipe is the reader's choice, not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  buildProgram()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      process.stderr.write(errorReport(err));
      process.exitCode = 1;
    });
}

/** JavaScript's own error types: thrown by a bug in journey-stitch, never on purpose for a user's mistake. */
const PROGRAMMING_ERRORS = new Set(['TypeError', 'ReferenceError', 'RangeError', 'SyntaxError', 'EvalError', 'URIError', 'AssertionError']);

/** The bug behind `err`: err itself or an error in its `cause` chain of JavaScript's own types (by name: see below). */
function bugIn(err: unknown, seen = new Set<unknown>()): Error | undefined {
  if (typeof err !== 'object' || err === null || seen.has(err)) return undefined;
  seen.add(err);
  // Ours are thrown on purpose whatever they are called; only what caused them can be a bug.
  if (!isJourneyStitchError(err) && PROGRAMMING_ERRORS.has((err as Error).name)) return err as Error;
  return bugIn((err as Error).cause, seen);
}

/**
 * What the CLI prints for an error that ends a run. A JourneyStitchError (src/contract/errors.ts: a user's mistake
 * or a warehouse's refusal, saying what to fix) prints its message alone, unless a bug caused it (a step that failed
 * on a TypeError); so does another library's error (DuckDB's, the file system's), which is about the input. A bug
 * prints its stack, which is what a bug report needs, and so does every error when JOURNEY_STITCH_DEBUG is set.
 * By name and brand, not instanceof: errors from DuckDB's native code or another realm are not instances of this
 * realm's classes.
 */
export function errorReport(err: unknown, env: NodeJS.ProcessEnv = process.env): string {
  if (!(err instanceof Error) && typeof (err as Error | null)?.message !== 'string') {
    return `journey-stitch: unexpected error (a bug in journey-stitch; please report it): ${String(err)}\n`;
  }
  const { name, message, stack } = err as Error;
  const bug = bugIn(err);
  if (bug) {
    const via = bug === err ? '' : `${name}: ${message}\ncaused by `;
    return `journey-stitch: unexpected error (a bug in journey-stitch; please report it with these lines):\n${via}${bug.stack ?? `${bug.name}: ${bug.message}`}\n`;
  }
  if (env.JOURNEY_STITCH_DEBUG) return `journey-stitch: ${stack ?? message}\n`;
  // Ours say what to fix; another library's (DuckDB's, the file system's) say what is wrong with the input.
  return `journey-stitch: ${message}\n`;
}

if (require.main === module) main();
