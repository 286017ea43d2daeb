/**
 * A pipeline is what the models compile to: an ordered list of SQL statements, with loops for the
 * iterative identity graph. Runners execute it (DuckDB in-process, BigQuery jobs); `toScript` renders it
 * as one script (BigQuery scripting) for scheduled queries and SQL Runner.
 *
 * Every step declares the tables it reads, creates and changes in place (models/context.ts records them as the SQL
 * is written, with `ref`), so what depends on what is known without reading SQL text: the order (`orderSteps`),
 * how long a scratch table lives (`scratchLastUses`), the PDT cuts, which statements wait for publishing.
 */

/** What a model's table is: part of the output contract, an intermediate table of one run, or state kept between runs. */
export type ModelKind = 'output' | 'intermediate' | 'state';

export interface SqlStep {
  kind: 'sql';
  /** Model name, used in progress output and error messages. */
  name: string;
  sql: string;
  /** The table this statement (re)creates, if any. */
  creates?: string;
  /** What kind of model that table is (a declared model's). */
  model?: ModelKind;
  /** Pipeline tables (by name, as `out` names them) this statement reads. */
  reads?: string[];
  /** Raw source tables (logical names, see RawSources) it reads. */
  sources?: string[];
  /** Tables it changes in place (INSERT, DELETE, ALTER, CREATE IF NOT EXISTS) rather than (re)creates. */
  writes?: string[];
}

/** Repeat `body` until `changedSql` (one row, one column `changed`) returns 0, at most `maxIterations` times. */
export interface LoopStep {
  kind: 'loop';
  name: string;
  body: SqlStep[];
  changedSql: string;
  /** Pipeline tables `changedSql` reads. */
  changedReads?: string[];
  maxIterations: number;
}

export type Step = SqlStep | LoopStep;

export interface Pipeline {
  steps: Step[];
  /** Tables the pipeline creates that are part of the output contract. */
  outputs: string[];
  /** Scratch tables it creates along the way (dropped at the end by runners that care). */
  scratch: string[];
}

/** The models' declarations do not make a graph: an unknown table, a cycle, or two models with one name. */
export class ModelGraphError extends Error {
  constructor(message: string) {
    super(`model graph: ${message}`);
    this.name = 'ModelGraphError';
  }
}

const statements = (step: Step): SqlStep[] => (step.kind === 'sql' ? [step] : step.body);

/** The tables a step (re)creates; a loop's are those of its body. */
export function createsOf(step: Step): string[] {
  return [...new Set(statements(step).flatMap((s) => (s.creates ? [s.creates] : [])))];
}

/** The tables a step changes in place. */
export function writesOf(step: Step): string[] {
  return [...new Set(statements(step).flatMap((s) => s.writes ?? []))];
}

/** The pipeline tables a step reads (a loop: its body's and its convergence check's). */
export function readsOf(step: Step): string[] {
  const reads = step.kind === 'sql' ? (step.reads ?? []) : [...step.body.flatMap((s) => s.reads ?? []), ...(step.changedReads ?? [])];
  return [...new Set(reads)];
}

/** The raw source tables a step reads. */
export function sourcesOf(step: Step): string[] {
  return [...new Set(statements(step).flatMap((s) => s.sources ?? []))];
}

/** Every table a step names: reads, creates and in-place writes. */
const touches = (step: Step): string[] => [...new Set([...readsOf(step), ...createsOf(step), ...writesOf(step)])];

/**
 * For each step, the steps it depends on: the maker of every table it names, and, for a table changed in place (an
 * INSERT into a run log, a loop refining a table its first statement made), every step naming that table before it.
 * `external` tables (made before the pipeline: the previous run's state) have no maker; any other table nobody
 * makes or changes is an error, as is a table two statements make.
 */
export function dependencies(steps: readonly Step[], external: readonly string[] = []): number[][] {
  const maker = new Map<string, number>();
  steps.forEach((step, i) => {
    for (const table of createsOf(step)) {
      const other = maker.get(table);
      // A loop re-creating a table an earlier step made refines it in place.
      if (other !== undefined && step.kind === 'sql')
        throw new ModelGraphError(`two models named '${table}' (steps '${steps[other].name}' and '${step.name}')`);
      if (other === undefined) maker.set(table, i);
    }
  });
  const changed = new Set(steps.flatMap((step, i) => [...writesOf(step), ...createsOf(step).filter((t) => maker.get(t) !== i)]));
  return steps.map((step, i) => {
    const deps = new Set<number>();
    for (const table of touches(step)) {
      const made = maker.get(table);
      if (made === undefined && !changed.has(table) && !external.includes(table))
        throw new ModelGraphError(`'${step.name}' reads '${table}', which no model makes`);
      if (made !== undefined && made !== i) deps.add(made);
      if (changed.has(table)) for (let j = 0; j < i; j++) if (touches(steps[j]).includes(table)) deps.add(j);
    }
    return [...deps];
  });
}

/**
 * The steps in the graph's topological order, with their written order (the memory plan) as tie-break: a step
 * moves only when it reads something written after it. Throws ModelGraphError on a cycle.
 */
export function orderSteps<S extends Step>(steps: readonly S[], external: readonly string[] = []): S[] {
  const deps = dependencies(steps, external);
  const placed = new Set<number>();
  const order: S[] = [];
  while (order.length < steps.length) {
    const next = steps.findIndex((_, i) => !placed.has(i) && deps[i].every((d) => placed.has(d)));
    if (next < 0) {
      const stuck = steps.filter((_, i) => !placed.has(i)).map((s) => s.name);
      throw new ModelGraphError(`a cycle among ${stuck.map((n) => `'${n}'`).join(', ')}`);
    }
    placed.add(next);
    order.push(steps[next]);
  }
  return order;
}

/**
 * The steps `names` need (their upstream, themselves included), in pipeline order. A name is a step's or a table's;
 * a table is finished by the statements that change it in place after it is made (js_events' set-aside), so those
 * are needed too.
 */
export function upstreamOf<S extends Step>(steps: readonly S[], names: readonly string[], external: readonly string[] = []): S[] {
  const deps = dependencies(steps, external);
  const needed = new Set<number>();
  const visit = (i: number) => {
    if (needed.has(i)) return;
    needed.add(i);
    deps[i].forEach(visit);
  };
  for (const name of names) {
    const at = steps.flatMap((s, i) => (s.name === name || createsOf(s).includes(name) || writesOf(s).includes(name) ? [i] : []));
    if (at.length === 0) throw new ModelGraphError(`no model named '${name}'`);
    at.forEach(visit);
  }
  return steps.filter((_, i) => needed.has(i));
}

/**
 * The steps between two sets of models: those `to` need that `from` do not (the models after `from`, up to `to`, and
 * whatever else only they need), in pipeline order. `from` may be made outside the sub-plan: it reads them as they are.
 */
export function between<S extends Step>(
  steps: readonly S[],
  from: readonly string[],
  to: readonly string[],
  external: readonly string[] = [],
): S[] {
  const before = new Set(upstreamOf(steps, from, external));
  return upstreamOf(steps, to, external).filter((s) => !before.has(s));
}

/**
 * The intermediate models to write as a subquery of their one reader instead of a table written and read back
 * (materialization chosen per model, from the graph): an intermediate made by a plain statement, read by exactly one
 * later plain statement (never by a loop, whose body runs again every iteration), not in `keep` (tables a caller
 * reads after the pipeline), and whose own inputs all live until that reader anyway, so inlining holds no table longer
 * than the order's memory plan does (js_backfill, say, would keep js_event_person through the sessionizing sort).
 */
export function inlinable(steps: readonly Step[], keep: readonly string[] = []): string[] {
  const lastUse = new Map<string, number>();
  steps.forEach((step, i) => touches(step).forEach((t) => lastUse.set(t, i)));
  return steps.flatMap((step, i) => {
    if (step.kind !== 'sql' || step.model !== 'intermediate' || !step.creates || keep.includes(step.creates)) return [];
    const table = step.creates;
    const readers = steps.flatMap((s, j) => (j !== i && touches(s).includes(table) ? [j] : []));
    if (readers.length !== 1 || readers[0] < i || steps[readers[0]].kind !== 'sql') return [];
    return readsOf(step).every((input) => (lastUse.get(input) ?? -1) >= readers[0]) ? [table] : [];
  });
}

/**
 * For each step index, the scratch tables no later step reads: a runner can drop them right after that step and give
 * the memory back, instead of holding every intermediate to the end. A scratch table nothing reads goes after the
 * step that makes it.
 */
export function scratchLastUses(pipeline: Pipeline): Map<number, string[]> {
  const last = new Map<number, string[]>();
  for (const table of pipeline.scratch) {
    let i = pipeline.steps.length - 1;
    while (i >= 0 && !touches(pipeline.steps[i]).includes(table)) i--;
    if (i >= 0) last.set(i, [...(last.get(i) ?? []), table]);
  }
  return last;
}
