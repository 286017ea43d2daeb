/**
 * A pipeline is what the models compile to: an ordered list of SQL statements, with loops for the
 * iterative identity graph. Runners execute it (DuckDB in-process, BigQuery jobs); `toScript` renders it
 * as one script (BigQuery scripting) for scheduled queries and SQL Runner.
 */

export interface SqlStep {
  kind: 'sql';
  /** Model name, used in progress output and error messages. */
  name: string;
  sql: string;
  /** The table this statement (re)creates, if any. */
  creates?: string;
}

/** Repeat `body` until `changedSql` (one row, one column `changed`) returns 0, at most `maxIterations` times. */
export interface LoopStep {
  kind: 'loop';
  name: string;
  body: SqlStep[];
  changedSql: string;
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

/**
 * For each step index, the scratch tables no later step mentions (by their reference `ref(table)`): a runner can
 * drop them right after that step and give the memory back, instead of holding every intermediate to the end.
 */
export function scratchLastUses(pipeline: Pipeline, ref: (table: string) => string): Map<number, string[]> {
  const texts = pipeline.steps.map((s) => (s.kind === 'sql' ? s.sql : [...s.body.map((b) => b.sql), s.changedSql].join('\n')));
  const last = new Map<number, string[]>();
  for (const table of pipeline.scratch) {
    const r = ref(table);
    let i = texts.length - 1;
    while (i >= 0 && !texts[i].includes(r)) i--;
    if (i >= 0) last.set(i, [...(last.get(i) ?? []), table]);
  }
  return last;
}
