/**
 * src/sql/script.ts renders through the Dialect's declared capabilities, never its name: a dialect with
 * `scripting` loops natively in its own syntax and can hold a lock; one without unrolls and cannot.
 */
import type { Scripting } from '../../src/sql/dialect';
import { BigQueryDialect, DuckDBDialect, dialects } from '../../src/sql/dialects';
import type { Pipeline } from '../../src/sql/pipeline';
import { stepScript, toScript } from '../../src/sql/script';
import { openMemoryDb } from '../support/duckdb';
import { useZetaSQL } from '../support/zetasql';

const loop: Pipeline = {
  outputs: ['t'],
  scratch: ['t_prev'],
  steps: [
    { kind: 'sql', name: 'seed', sql: 'CREATE OR REPLACE TABLE t AS SELECT 1 AS n' },
    {
      kind: 'loop',
      name: 'grow',
      maxIterations: 3,
      body: [{ kind: 'sql', name: 't_prev', sql: 'CREATE OR REPLACE TABLE t_prev AS SELECT * FROM t' }],
      changedSql: 'SELECT 0 AS changed',
    },
  ],
};
const lock = { take: 'SELECT 1', release: 'SELECT 2', note: 'the run lock' };

/** A made-up warehouse's procedural SQL, to show that the script takes every construct from the dialect. */
const madeUp: Scripting = {
  declareInt: (name, initial) => `LET ${name} := ${initial};`,
  setVariable: (name, expr) => `${name} := ${expr};`,
  whileLoop: (condition, body) => `LOOP WHILE ${condition}\n${body}\nEND LOOP;`,
  ifThen: (condition, body) => `WHEN ${condition} DO ${body}`,
  raise: (message) => `FAIL '${message}';`,
  guarded: (body, onError) => `TRY\n${body}\nCATCH ${onError} RETHROW;`,
};
class ScriptedDuck extends DuckDBDialect {
  override readonly scripting: Scripting | null = madeUp;
}
/** BigQuery's SQL with its scripting switched off: the script must unroll, whatever the name. */
class PlainBigQuery extends BigQueryDialect {
  override readonly scripting: Scripting | null = null;
}

describe('scripts by capability', () => {
  it('loops with the dialect’s own scripting statements when it has them', () => {
    const script = toScript(loop, new ScriptedDuck());
    expect(script).toContain('LET js_changed := 0;\nLET js_iterations := 0;');
    expect(script).toContain('LOOP WHILE js_changed > 0 AND js_iterations < 3\n-- model: t_prev');
    expect(script).toContain(
      "WHEN js_changed > 0 DO FAIL 'journey-stitch: loop grow did not converge after 3 iterations; raise the iteration cap';",
    );
    expect(script).not.toMatch(/iteration 1 of 3|WHILE js_changed > 0 AND js_iterations < 3 DO|DECLARE/);
    // The session setup of the dialect still comes first.
    expect(script.indexOf("SET TimeZone = 'UTC';")).toBeLessThan(script.indexOf('LET js_changed'));
    expect(stepScript(loop.steps[0], new ScriptedDuck())).not.toContain('LET');
  });

  it('unrolls a loop for a dialect without scripting, failing with its raiseError', () => {
    const script = toScript(loop, new PlainBigQuery());
    expect(script.match(/-- grow: iteration \d of 3/g)).toHaveLength(3);
    expect(script).toContain('-- BigQuery SQL has no loops');
    expect(script).toContain(
      "THEN ERROR('journey-stitch: loop grow did not converge after 3 iterations; raise the iteration cap') END AS converged",
    );
    expect(script).not.toMatch(/DECLARE|WHILE/);
  });

  it('holds a lock in the dialect’s exception block, and refuses a lock without scripting', () => {
    const script = toScript(loop, new ScriptedDuck(), { lock });
    expect(script).toContain('-- the run lock\nSELECT 1;\n\nTRY\n');
    expect(script).toMatch(/CATCH SELECT 2; RETHROW;\n\nSELECT 2;\n$/);
    expect(() => toScript(loop, dialects.duckdb, { lock })).toThrow(
      'a locked script releases its lock when a statement fails, which needs scripting; DuckDB SQL has none',
    );
    expect(() => toScript(loop, new PlainBigQuery(), { lock })).toThrow(/BigQuery SQL has none/);
  });

  describe('BigQuery scripting', () => {
    const zetasql = useZetaSQL(() => [{ path: ['p', 'd', 't'], columns: [{ name: 'n', type: 'INT64' }] }]);

    it('parses: variables, a loop, a condition, a raise and an exception block', async () => {
      const s = dialects.bigquery.scripting!;
      const script = [
        s.declareInt('x', 0),
        s.setVariable('x', '(SELECT COUNT(*) FROM `p`.`d`.`t`)'),
        s.whileLoop('x < 3', s.setVariable('x', 'x + 1')),
        s.guarded(s.ifThen('x > 5', s.raise("it's too big")), 'SELECT 1;'),
      ].join('\n');
      expect(await zetasql().parseScript(script)).toEqual({ ok: true });
      expect(await zetasql().parseScript(s.whileLoop('x < 3', 'SELECT 1'))).toMatchObject({ ok: false });
    });

    it('raiseError: an expression that fails the query with its message (evaluated by ZetaSQL)', async () => {
      expect(await zetasql().evaluate(`CASE WHEN FALSE THEN ${dialects.bigquery.raiseError('no')} END`)).toBeNull();
      await expect(zetasql().evaluate(dialects.bigquery.raiseError("it's broken"))).rejects.toThrow("it's broken");
    });
  });

  it('raiseError on DuckDB fails the query with its message only when reached', async () => {
    const db = await openMemoryDb();
    try {
      const duck = dialects.duckdb;
      const reader = await db.conn.runAndReadAll(`SELECT CASE WHEN FALSE THEN ${duck.raiseError('no')} END AS v`);
      expect(reader.getRowObjectsJS()).toEqual([{ v: null }]);
      await expect(db.conn.run(`SELECT ${duck.raiseError("it's broken")}`)).rejects.toThrow("it's broken");
    } finally {
      db.close();
    }
  });
});
