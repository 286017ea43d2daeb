/**
 * The one loop that runs a Pipeline's steps, whatever the warehouse: statements in order; a loop's body and then its
 * convergence check, again and again until nothing changed, or until its iteration cap, which is an error (the result
 * would be partial). What running a statement means (a DuckDB query, a BigQuery job) and what it reports is the
 * executor's: src/warehouse/duckdb/run.ts (DuckDB) and src/warehouse/bigquery/run.ts each give one.
 */
import type { LoopStep, SqlStep, Step } from './pipeline';
import { JourneyStitchError } from '../contract/errors';

/** Where in a loop a statement runs. */
export interface LoopPosition {
  name: string;
  iteration: number;
}

/** Runs statements on one warehouse; `R` is what it reports per statement. */
export interface PipelineExecutor<R> {
  /** Run one statement (inside a loop: at `loop`) and report on it; a failure throws, naming the model. */
  statement(step: SqlStep, loop?: LoopPosition): Promise<R>;
  /** Run a loop's convergence check: how many values the iteration changed (0: converged). */
  changed(loop: LoopStep, at: LoopPosition): Promise<number>;
}

/** What a top-level step came to: a statement's report, or a loop's iterations and its last iteration's reports. */
export type StepOutcome<R> = { kind: 'sql'; report: R } | { kind: 'loop'; iterations: number; body: R[] };

export interface StepHooks<R> {
  /** Before each top-level step (a statement or a whole loop). */
  onStepStart?(step: Step, index: number): void;
  /** After each loop iteration, with the number of values it changed. */
  onIteration?(loop: string, iteration: number, changed: number): void;
  /** After each top-level step, awaited before the next one starts. */
  onStepEnd?(step: Step, index: number, outcome: StepOutcome<R>): void | Promise<void>;
}

/** A loop hit its iteration cap while still changing: its result would be partial, so it is an error. */
export class LoopCapError extends JourneyStitchError {
  constructor(
    readonly loop: string,
    readonly maxIterations: number,
    readonly changed: number,
  ) {
    super(
      `loop '${loop}' did not converge: ${changed} value(s) still changed after ${maxIterations} iterations ` +
        `(the cap); raise the iteration cap or look for an unexpectedly large connected component`,
    );
    this.name = 'LoopCapError';
  }
}

async function runLoop<R>(
  executor: PipelineExecutor<R>,
  loop: LoopStep,
  onIteration: StepHooks<R>['onIteration'],
): Promise<{ iterations: number; body: R[] }> {
  if (!(loop.maxIterations >= 1)) throw new Error(`loop '${loop.name}': maxIterations must be at least 1, got ${loop.maxIterations}`);
  for (let iteration = 1; ; iteration++) {
    const at = { name: loop.name, iteration };
    const body: R[] = [];
    for (const step of loop.body) body.push(await executor.statement(step, at));
    const changed = await executor.changed(loop, at);
    onIteration?.(loop.name, iteration, changed);
    if (changed === 0) return { iterations: iteration, body };
    if (iteration >= loop.maxIterations) throw new LoopCapError(loop.name, loop.maxIterations, changed);
  }
}

/** Run `steps` in order on `executor`; the first failure stops the run (nothing after it runs). */
export async function runPipelineSteps<R>(
  executor: PipelineExecutor<R>,
  steps: readonly Step[],
  hooks: StepHooks<R> = {},
): Promise<StepOutcome<R>[]> {
  const outcomes: StepOutcome<R>[] = [];
  for (const [index, step] of steps.entries()) {
    hooks.onStepStart?.(step, index);
    const outcome: StepOutcome<R> =
      step.kind === 'sql'
        ? { kind: 'sql', report: await executor.statement(step) }
        : { kind: 'loop', ...(await runLoop(executor, step, hooks.onIteration)) };
    outcomes.push(outcome);
    await hooks.onStepEnd?.(step, index, outcome);
  }
  return outcomes;
}
