/**
 * The one step loop both warehouses run (src/sql/runner.ts), with a scripted executor: order of statements and
 * convergence checks, the iteration cap, hooks. DuckDB (test/warehouse/duckdb/run.test.ts) and BigQuery's fake
 * (test/warehouse/bigquery-run.test.ts) run it for real.
 */
import type { LoopStep, SqlStep, Step } from '../../src/sql/pipeline';
import { LoopCapError, runPipelineSteps, type LoopPosition, type PipelineExecutor } from '../../src/sql/runner';

const sql = (name: string): SqlStep => ({ kind: 'sql', name, sql: `SELECT '${name}'` });
const loop = (name: string, maxIterations: number, ...body: SqlStep[]): LoopStep => ({
  kind: 'loop',
  name,
  body,
  changedSql: 'SELECT 0 AS changed',
  maxIterations,
});

/** Records every call; a loop's check answers the next of `changes` (per loop). */
function scripted(changes: Record<string, number[]>): PipelineExecutor<string> & { calls: string[] } {
  const calls: string[] = [];
  const at = (l?: LoopPosition) => (l ? ` @${l.name}#${l.iteration}` : '');
  return {
    calls,
    statement: async (step, l) => (calls.push(`${step.name}${at(l)}`), `report ${step.name}${at(l)}`),
    changed: async (l, position) => {
      calls.push(`check${at(position)}`);
      return changes[l.name].shift()!;
    },
  };
}

describe('runPipelineSteps', () => {
  it('runs statements in order and a loop until its check says nothing changed, reporting each', async () => {
    const executor = scripted({ propagate: [3, 1, 0] });
    const events: string[] = [];
    const steps: Step[] = [sql('a'), loop('propagate', 5, sql('b'), sql('c')), sql('d')];
    const outcomes = await runPipelineSteps(executor, steps, {
      onStepStart: (s, i) => void events.push(`start ${i} ${s.name}`),
      onIteration: (l, i, changed) => void events.push(`iteration ${l} ${i}: ${changed}`),
      onStepEnd: async (s, i, o) => void events.push(`end ${i} ${s.name} ${o.kind === 'loop' ? o.iterations : ''}`.trim()),
    });
    expect(executor.calls).toEqual([
      'a',
      'b @propagate#1',
      'c @propagate#1',
      'check @propagate#1',
      'b @propagate#2',
      'c @propagate#2',
      'check @propagate#2',
      'b @propagate#3',
      'c @propagate#3',
      'check @propagate#3',
      'd',
    ]);
    expect(outcomes).toEqual([
      { kind: 'sql', report: 'report a' },
      { kind: 'loop', iterations: 3, body: ['report b @propagate#3', 'report c @propagate#3'] },
      { kind: 'sql', report: 'report d' },
    ]);
    expect(events).toEqual([
      'start 0 a',
      'end 0 a',
      'start 1 propagate',
      'iteration propagate 1: 3',
      'iteration propagate 2: 1',
      'iteration propagate 3: 0',
      'end 1 propagate 3',
      'start 2 d',
      'end 2 d',
    ]);
  });

  it('converging on the last allowed iteration is fine; still changing there is a LoopCapError, and nothing after runs', async () => {
    expect(await runPipelineSteps(scripted({ l: [2, 0] }), [loop('l', 2, sql('x'))])).toEqual([
      { kind: 'loop', iterations: 2, body: ['report x @l#2'] },
    ]);
    const executor = scripted({ l: [2, 1, 5] });
    const run = runPipelineSteps(executor, [loop('l', 2, sql('x')), sql('after')]);
    await expect(run).rejects.toThrow(LoopCapError);
    await expect(runPipelineSteps(scripted({ l: [2, 1] }), [loop('l', 2, sql('x'))])).rejects.toThrow(
      "loop 'l' did not converge: 1 value(s) still changed after 2 iterations (the cap); raise the iteration cap or look for an unexpectedly large connected component",
    );
    expect(executor.calls).toEqual(['x @l#1', 'check @l#1', 'x @l#2', 'check @l#2']);
  });

  it('refuses a loop without a positive cap before running anything of it', async () => {
    const executor = scripted({ l: [0] });
    await expect(runPipelineSteps(executor, [sql('a'), loop('l', 0, sql('x'))])).rejects.toThrow(
      "loop 'l': maxIterations must be at least 1, got 0",
    );
    expect(executor.calls).toEqual(['a']);
  });

  it('stops at the first failed statement', async () => {
    const calls: string[] = [];
    const failing: PipelineExecutor<void> = {
      statement: async (step) => {
        calls.push(step.name);
        if (step.name === 'b') throw new Error("model 'b' failed");
      },
      changed: async () => 0,
    };
    await expect(runPipelineSteps(failing, [sql('a'), sql('b'), sql('c')])).rejects.toThrow("model 'b' failed");
    expect(calls).toEqual(['a', 'b']);
  });
});
