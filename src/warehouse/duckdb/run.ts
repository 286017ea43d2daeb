/**
 * Runs a compiled Pipeline on an embedded DuckDB connection: the DuckDB executor of the step loop both warehouses
 * share (src/sql/runner.ts: statements in order, loops until their `changedSql` reports 0 or the cap). Reports what
 * happened per step (for progress lines and the run summary).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { scratchLastUses, type LoopStep, type Pipeline, type SqlStep } from '../../sql/pipeline';
import { runPipelineSteps, type LoopPosition, type PipelineExecutor } from '../../sql/runner';
import { JourneyStitchError } from '../../contract/errors';

export { LoopCapError } from '../../sql/runner';

export interface StepReport {
  kind: 'sql' | 'loop';
  /** Model (step) name. */
  name: string;
  ms: number;
  /** The table the statement (re)created, as declared by the step. */
  table?: string;
  /** Rows written by a CREATE TABLE AS / INSERT (absent for statements that write no rows). */
  rows?: number;
  /** Loops only: iterations run until the labels stopped changing. */
  iterations?: number;
  /** Loops only: the reports of the body statements in the last iteration. */
  body?: StepReport[];
}

export interface RunReport {
  steps: StepReport[];
  /** Iterations per loop name. */
  iterations: Record<string, number>;
  totalMs: number;
}

export interface RunHooks {
  /** Called when a top-level step (statement or whole loop) starts. */
  onStepStart?(name: string): void;
  /** Called when a top-level step (statement or whole loop) finishes. */
  onStep?(report: StepReport): void;
  /** Called after each loop iteration with the number of changes it made. */
  onIteration?(loop: string, iteration: number, changed: number): void;
  /**
   * Drop each scratch table (given its reference) as soon as no later step reads it, so a large run holds only
   * the intermediates still needed. Off by default: tests read the intermediates after the run.
   */
  dropScratchEarly?: (table: string) => string;
}

/** The message of anything thrown (native DuckDB errors may come from another realm, so no instanceof). */
export function messageOf(err: unknown): string {
  const message = (err as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(err);
}

/** A statement failed: names the model (and loop iteration) and carries DuckDB's message. */
export class PipelineStepError extends JourneyStitchError {
  constructor(
    readonly step: string,
    override readonly cause: unknown,
    readonly loop?: { name: string; iteration: number },
  ) {
    const where = loop ? ` (loop '${loop.name}', iteration ${loop.iteration})` : '';
    super(`model '${step}'${where} failed: ${messageOf(cause)}`);
    this.name = 'PipelineStepError';
  }
}

const now = () => performance.now();

async function runStatement(conn: DuckDBConnection, step: SqlStep, loop?: LoopPosition): Promise<StepReport> {
  const started = now();
  let rows: number | undefined;
  try {
    const reader = await conn.runAndReadAll(step.sql);
    // CREATE TABLE AS and INSERT answer with one row, column Count: the rows written.
    if (reader.columnNames().length === 1 && reader.columnNames()[0] === 'Count' && reader.currentRowCount === 1) {
      rows = Number(reader.getRows()[0][0]);
    }
  } catch (err) {
    throw new PipelineStepError(step.name, err, loop);
  }
  const report: StepReport = { kind: 'sql', name: step.name, ms: now() - started };
  if (step.creates !== undefined) report.table = step.creates;
  if (rows !== undefined) report.rows = rows;
  return report;
}

async function readChanged(conn: DuckDBConnection, loop: LoopStep, where: LoopPosition): Promise<number> {
  let value: unknown;
  try {
    const rows = (await conn.runAndReadAll(loop.changedSql)).getRowObjectsJS();
    if (rows.length !== 1 || !('changed' in rows[0])) {
      throw new Error(`changedSql must return one row with a column 'changed', got ${rows.length} row(s)`);
    }
    value = rows[0].changed;
  } catch (err) {
    throw new PipelineStepError(`${loop.name} (convergence check)`, err, where);
  }
  // SUM over no rows is NULL: nothing changed.
  return value === null ? 0 : Number(value);
}

/** Statements on an embedded DuckDB connection, each timed with the rows it wrote. */
const duckdbExecutor = (conn: DuckDBConnection): PipelineExecutor<StepReport> => ({
  statement: (step, loop) => runStatement(conn, step, loop),
  changed: (loop, at) => readChanged(conn, loop, at),
});

/** Iterations per loop, from the reports of the steps run (one pipeline, or the several of an incremental run). */
export function loopIterations(steps: readonly StepReport[]): Record<string, number> {
  return Object.fromEntries(steps.flatMap((s) => (s.iterations === undefined ? [] : [[s.name, s.iterations]])));
}

export async function runPipeline(conn: DuckDBConnection, pipeline: Pipeline, hooks: RunHooks = {}): Promise<RunReport> {
  const started = now();
  const steps: StepReport[] = [];
  const ref = hooks.dropScratchEarly;
  const drops = ref ? scratchLastUses(pipeline) : new Map<number, string[]>();
  let stepStarted = started;
  await runPipelineSteps(duckdbExecutor(conn), pipeline.steps, {
    onStepStart: (step) => {
      stepStarted = now();
      hooks.onStepStart?.(step.name);
    },
    onIteration: hooks.onIteration,
    onStepEnd: async (step, i, outcome) => {
      const report: StepReport =
        outcome.kind === 'sql'
          ? outcome.report
          : { kind: 'loop', name: step.name, ms: now() - stepStarted, iterations: outcome.iterations, body: outcome.body };
      steps.push(report);
      hooks.onStep?.(report);
      for (const table of drops.get(i) ?? []) await conn.run(`DROP TABLE IF EXISTS ${ref!(table)}`);
    },
  });
  return { steps, iterations: loopIterations(steps), totalMs: now() - started };
}
