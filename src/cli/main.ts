/**
 * The journey-stitch command. Each command lives in ./commands/<name>.ts and exports
 * `register(program)`; this file only wires them together and turns errors into a clean exit.
 */
import { Command } from 'commander';
import { version } from '../../package.json';
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

/**
 * What the CLI prints for an error that ends a run. Expected errors (a bad config, a missing file: they say what to
 * fix) print their message alone; a programming error prints its stack too, which is what a bug report needs, and
 * so does every error when JOURNEY_STITCH_DEBUG is set. By name, not instanceof: errors from DuckDB's native code
 * or another realm are not instances of this realm's classes.
 */
export function errorReport(err: unknown, env: NodeJS.ProcessEnv = process.env): string {
  if (!(err instanceof Error) && typeof (err as Error | null)?.message !== 'string') {
    return `journey-stitch: unexpected error (a bug in journey-stitch; please report it): ${String(err)}\n`;
  }
  const { name, message, stack } = err as Error;
  if (PROGRAMMING_ERRORS.has(name)) return `journey-stitch: unexpected error (a bug in journey-stitch; please report it with these lines):\n${stack ?? `${name}: ${message}`}\n`;
  if (env.JOURNEY_STITCH_DEBUG) return `journey-stitch: ${stack ?? message}\n`;
  return `journey-stitch: ${message}\n`;
}

if (require.main === module) main();
