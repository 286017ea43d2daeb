/**
 * Renders a Pipeline as SQL text: the whole pipeline as one script (`toScript`), or one step on its own
 * (`stepScript`, for the numbered files of `journey-stitch sql`).
 *
 * A dialect with scripting (BigQuery) runs loops natively (WHILE ... END WHILE), so a scheduled query or SQL Runner
 * gets the same convergence check and cap as the embedded runner. Without it (DuckDB) the script unrolls each loop
 * body `maxIterations` times (see `unrolledLoop`). What differs per warehouse is the Dialect's (`scripting`,
 * `raiseError`); this file only arranges the statements.
 */
import type { Dialect, Scripting } from './dialect';
import type { LoopStep, Pipeline, SqlStep, Step } from './pipeline';

// Script variables shared by every loop (declared first in a script).
const CHANGED = 'js_changed';
const ITERATIONS = 'js_iterations';

const statement = (sql: string) => `${sql.trim().replace(/;\s*$/, '')};`;
/** Every non-empty line two spaces in. */
export const indent = (text: string) => text.replace(/^(?=.)/gm, '  ');
// Model names come from code, not config; still keep comments to one safe line.
const comment = (text: string) => `-- ${text.replace(/[\r\n]+/g, ' ')}`;

function sqlStep(step: SqlStep): string {
  return `${comment(`model: ${step.name}`)}\n${statement(step.sql)}`;
}

const convergenceMessage = (loop: LoopStep) =>
  `journey-stitch: loop ${loop.name} did not converge after ${loop.maxIterations} iterations; raise the iteration cap`;

/** A warehouse with scripting loops natively: the same convergence check and cap as the runner's. */
function scriptedLoop(loop: LoopStep, dialect: Dialect, scripting: Scripting): string {
  const changed = `(SELECT COALESCE(SUM(changed), 0) FROM (\n${indent(loop.changedSql.trim().replace(/;\s*$/, ''))}\n))`;
  return [
    comment(`loop: ${loop.name} (repeat until nothing changes, at most ${loop.maxIterations} times)`),
    scripting.setVariable(CHANGED, '1'),
    scripting.setVariable(ITERATIONS, '0'),
    scripting.whileLoop(
      `${CHANGED} > 0 AND ${ITERATIONS} < ${dialect.numberLiteral(loop.maxIterations)}`,
      [...loop.body.map(sqlStep), scripting.setVariable(CHANGED, changed), scripting.setVariable(ITERATIONS, `${ITERATIONS} + 1`)].join(
        '\n',
      ),
    ),
    scripting.ifThen(`${CHANGED} > 0`, scripting.raise(convergenceMessage(loop))),
  ].join('\n');
}

/**
 * A warehouse without scripting (DuckDB): the body repeated maxIterations times. Label propagation is idempotent
 * once converged (a converged labelling maps to itself), so the extra rounds change nothing and the result equals
 * the looping runner's.
 */
function unrolledLoop(loop: LoopStep, dialect: Dialect): string {
  const rounds = Array.from({ length: loop.maxIterations }, (_, i) =>
    [comment(`${loop.name}: iteration ${i + 1} of ${loop.maxIterations}`), ...loop.body.map(sqlStep)].join('\n'),
  );
  return [
    comment(`loop: ${loop.name}, unrolled ${loop.maxIterations} times.`),
    comment(`${dialect.displayName} SQL has no loops; once converged an iteration changes nothing, so the unrolled rounds`),
    comment('give the same result as `journey-stitch stitch`, which stops as soon as nothing changes.'),
    ...rounds,
    comment(`${loop.name}: fail, like the runner, if the last round still changed something.`),
    statement(
      `SELECT CASE WHEN changed > 0 THEN ${dialect.raiseError(convergenceMessage(loop))} END AS converged FROM (\n${indent(loop.changedSql.trim().replace(/;\s*$/, ''))}\n)`,
    ),
  ].join('\n');
}

function stepBody(step: Step, dialect: Dialect): string {
  if (step.kind === 'sql') return sqlStep(step);
  return dialect.scripting ? scriptedLoop(step, dialect, dialect.scripting) : unrolledLoop(step, dialect);
}

/** The session setup, then the loop variables when the script loops natively (declarations come first). */
function declarations(steps: Step[], dialect: Dialect): string[] {
  const setup = dialect.sessionSetup.map(statement);
  const { scripting } = dialect;
  if (!scripting || !steps.some((s) => s.kind === 'loop')) return setup;
  return [...setup, `${scripting.declareInt(CHANGED, 0)}\n${scripting.declareInt(ITERATIONS, 0)}`];
}

export interface ScriptOptions {
  /** Extra header comment lines, e.g. which raw tables the script reads. */
  notes?: string[];
  /** When given, the script ends by dropping the pipeline's scratch tables (referenced through this). */
  scratchRef?: (table: string) => string;
  /** Leave out the header comment (a script embedded in another file, which says where it comes from). */
  noHeader?: boolean;
  /**
   * A lock the script holds (needs the dialect's scripting) while it runs: `take` runs first (and fails the script when another run holds
   * the lock), `release` after the last step, and also when a step fails (the error is raised again).
   */
  lock?: { take: string; release: string; note: string };
}

function dropScratch(pipeline: Pipeline, dialect: Dialect, ref: (table: string) => string): string[] {
  if (!pipeline.scratch.length) return [];
  return [
    [
      comment('intermediate tables are not part of the output: drop them'),
      ...pipeline.scratch.map((t) => statement(dialect.dropTableIfExists(ref(t)))),
    ].join('\n'),
  ];
}

function header(title: string, dialect: Dialect, notes: string[] = []): string {
  return [
    comment(`journey-stitch: ${title}`),
    comment(`Generated for ${dialect.name}; do not edit, regenerate with \`journey-stitch sql\`.`),
    ...notes.map(comment),
  ].join('\n');
}

/** The whole pipeline as one script. */
export function toScript(pipeline: Pipeline, dialect: Dialect, options: ScriptOptions = {}): string {
  const body = [
    ...pipeline.steps.map((s) => stepBody(s, dialect)),
    ...(options.scratchRef ? dropScratch(pipeline, dialect, options.scratchRef) : []),
  ];
  const parts = [
    ...(options.noHeader ? [] : [header('identity stitching pipeline', dialect, options.notes)]),
    ...declarations(pipeline.steps, dialect),
    ...(options.lock ? locked(body, options.lock, dialect) : body),
  ];
  return `${parts.join('\n\n')}\n`;
}

/** `body` between taking and releasing `lock`, released on failure too (an exception block of the dialect's scripting). */
function locked(body: string[], lock: NonNullable<ScriptOptions['lock']>, dialect: Dialect): string[] {
  if (!dialect.scripting)
    throw new Error(`a locked script releases its lock when a statement fails, which needs scripting; ${dialect.displayName} SQL has none`);
  return [
    [comment(lock.note), statement(lock.take)].join('\n'),
    dialect.scripting.guarded(body.join('\n\n'), statement(lock.release)),
    statement(lock.release),
  ];
}

/** One step as a script that runs on its own (after the steps before it). */
export function stepScript(step: Step, dialect: Dialect, options: ScriptOptions = {}): string {
  const parts = [header(`step ${step.name}`, dialect, options.notes), ...declarations([step], dialect), stepBody(step, dialect)];
  return `${parts.join('\n\n')}\n`;
}
