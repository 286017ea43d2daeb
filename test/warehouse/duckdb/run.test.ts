import { scratchLastUses, type Pipeline, type SqlStep } from '../../../src/sql/pipeline';
import { LoopCapError, PipelineStepError, runPipeline, type StepReport } from '../../../src/warehouse/duckdb/run';
import { createTable, openMemoryDb, queryRows, queryValue, type TestDb } from '../../support/duckdb';

const sql = (name: string, text: string, creates?: string): SqlStep => ({ kind: 'sql', name, sql: text, creates });

/** Minimum-label propagation over an undirected edge list: a miniature of the identity graph loop. */
function labelPropagation(maxIterations: number): Pipeline {
  return {
    outputs: ['components'],
    scratch: ['labels', 'labels_prev'],
    steps: [
      {
        ...sql(
          'nodes',
          `CREATE OR REPLACE TABLE labels AS SELECT DISTINCT a AS node, a AS label FROM (SELECT a FROM edges UNION SELECT b FROM edges)`,
          'labels',
        ),
        reads: ['edges'],
      },
      {
        kind: 'loop',
        name: 'propagate',
        maxIterations,
        body: [
          { ...sql('labels_prev', 'CREATE OR REPLACE TABLE labels_prev AS SELECT * FROM labels', 'labels_prev'), reads: ['labels'] },
          {
            ...sql(
              'labels',
              `CREATE OR REPLACE TABLE labels AS
             SELECT p.node, least(p.label, coalesce(min(q.label), p.label)) AS label
             FROM labels_prev p
             LEFT JOIN (SELECT a AS x, b AS y FROM edges UNION ALL SELECT b, a FROM edges) e ON e.x = p.node
             LEFT JOIN labels_prev q ON q.node = e.y
             GROUP BY p.node, p.label`,
              'labels',
            ),
            reads: ['labels_prev', 'edges'],
          },
        ],
        changedSql: 'SELECT count(*) AS changed FROM labels JOIN labels_prev USING (node) WHERE labels.label <> labels_prev.label',
        changedReads: ['labels', 'labels_prev'],
      },
      {
        ...sql(
          'components',
          'CREATE OR REPLACE TABLE components AS SELECT label, count(*) AS size FROM labels GROUP BY label ORDER BY label',
          'components',
        ),
        reads: ['labels'],
      },
    ],
  };
}

describe('runPipeline', () => {
  let db: TestDb;
  beforeEach(async () => {
    db = await openMemoryDb();
    // A chain 1-2-3-4-5 needs several iterations; 10-11 is a second component.
    await createTable(db.conn, 'edges', [
      { a: 1, b: 2 },
      { a: 2, b: 3 },
      { a: 3, b: 4 },
      { a: 4, b: 5 },
      { a: 10, b: 11 },
    ]);
  });
  afterEach(() => db.close());

  it('runs statements and loops to convergence, reporting rows and iterations', async () => {
    const seen: StepReport[] = [];
    const iterations: Array<[number, number]> = [];
    const report = await runPipeline(db.conn, labelPropagation(20), {
      onStep: (r) => seen.push(r),
      onIteration: (_loop, i, changed) => iterations.push([i, changed]),
    });

    expect(await queryRows(db.conn, 'SELECT * FROM components')).toEqual([
      { label: 1, size: 5 },
      { label: 10, size: 2 },
    ]);
    // Chain of 5 nodes: label 1 travels one hop per iteration (4 hops), then one iteration with no change.
    expect(report.iterations).toEqual({ propagate: 5 });
    expect(iterations.map(([i]) => i)).toEqual([1, 2, 3, 4, 5]);
    expect(iterations[iterations.length - 1][1]).toBe(0);
    expect(iterations[0][1]).toBeGreaterThan(0);

    expect(report.steps.map((s) => [s.kind, s.name, s.table, s.rows])).toEqual([
      ['sql', 'nodes', 'labels', 7],
      ['loop', 'propagate', undefined, undefined],
      ['sql', 'components', 'components', 2],
    ]);
    expect(report.steps[1].body?.map((s) => [s.name, s.rows])).toEqual([
      ['labels_prev', 7],
      ['labels', 7],
    ]);
    expect(seen).toEqual(report.steps);
    for (const s of report.steps) expect(s.ms).toBeGreaterThanOrEqual(0);
  });

  it('fails naming the loop when the cap is hit with changes left', async () => {
    const run = runPipeline(db.conn, labelPropagation(3));
    await expect(run).rejects.toThrow(LoopCapError);
    await expect(runPipeline(db.conn, labelPropagation(3))).rejects.toThrow(
      /loop 'propagate' did not converge: \d+ value\(s\) still changed after 3 iterations/,
    );
  });

  it('converging exactly on the last allowed iteration is not an error', async () => {
    const report = await runPipeline(db.conn, labelPropagation(5));
    expect(report.iterations.propagate).toBe(5);
  });

  it('names the failing model and carries the DuckDB message', async () => {
    const pipeline: Pipeline = {
      outputs: [],
      scratch: [],
      steps: [sql('ok', 'CREATE TABLE a AS SELECT 1 AS x', 'a'), sql('stg_pages', 'CREATE TABLE b AS SELECT y FROM a', 'b')],
    };
    const error = await runPipeline(db.conn, pipeline).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipelineStepError);
    expect((error as PipelineStepError).step).toBe('stg_pages');
    expect((error as Error).message).toMatch(/^model 'stg_pages' failed: Binder Error: .*"y"/s);
    // The statement before it ran.
    expect(await queryValue(db.conn, 'SELECT x FROM a')).toBe(1);
  });

  it('names the loop iteration of a failing body statement and a bad convergence query', async () => {
    const failing: Pipeline = {
      outputs: [],
      scratch: [],
      steps: [{ kind: 'loop', name: 'graph', maxIterations: 3, body: [sql('step', 'SELECT nope')], changedSql: 'SELECT 0 AS changed' }],
    };
    await expect(runPipeline(db.conn, failing)).rejects.toThrow(/^model 'step' \(loop 'graph', iteration 1\) failed: .*nope/s);
    const badCheck: Pipeline = {
      outputs: [],
      scratch: [],
      steps: [{ kind: 'loop', name: 'graph', maxIterations: 3, body: [], changedSql: 'SELECT 1 AS n' }],
    };
    await expect(runPipeline(db.conn, badCheck)).rejects.toThrow(/column 'changed'/);
  });
  it('drops each scratch table after the last step that reads it when asked (dropScratchEarly)', async () => {
    const pipeline = labelPropagation(20);
    // labels_prev is last read inside the loop (step 1); labels by the final step (2).
    expect(scratchLastUses(pipeline)).toEqual(
      new Map([
        [1, ['labels_prev']],
        [2, ['labels']],
      ]),
    );
    const existing = async () =>
      (await queryRows(db.conn, `SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'labels%' ORDER BY 1`)).map(
        (r) => r.table_name,
      );
    await runPipeline(db.conn, pipeline, {
      dropScratchEarly: (t) => t,
    });
    expect(await existing()).toEqual([]);
    expect(await queryRows(db.conn, 'SELECT label, size FROM components ORDER BY label')).toEqual([
      { label: 1, size: 5 },
      { label: 10, size: 2 },
    ]);
    // Without the option every scratch table is kept for the caller.
    await runPipeline(db.conn, labelPropagation(20));
    expect(await existing()).toEqual(['labels', 'labels_prev']);
  });
});

describe('test/support/duckdb createTable', () => {
  it('creates typed tables from row objects, with explicit and inferred types', async () => {
    const db = await openMemoryDb();
    try {
      await createTable(
        db.conn,
        'pages',
        [
          { id: 'a', n: 1, score: 1.5, ok: true, at: '2024-01-02T03:04:05Z' },
          { id: "it's", n: null, extra: 'x' },
        ],
        { at: 'timestamp' },
      );
      const types = await queryRows(
        db.conn,
        `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'pages' ORDER BY ordinal_position`,
      );
      expect(types).toEqual([
        { column_name: 'at', data_type: 'TIMESTAMP' },
        { column_name: 'id', data_type: 'VARCHAR' },
        { column_name: 'n', data_type: 'BIGINT' },
        { column_name: 'score', data_type: 'DOUBLE' },
        { column_name: 'ok', data_type: 'BOOLEAN' },
        { column_name: 'extra', data_type: 'VARCHAR' },
      ]);
      expect(await queryRows(db.conn, 'SELECT * FROM pages ORDER BY id')).toEqual([
        { at: '2024-01-02 03:04:05', id: 'a', n: 1, score: 1.5, ok: true, extra: null },
        { at: null, id: "it's", n: null, score: null, ok: null, extra: 'x' },
      ]);
      await createTable(db.conn, 'empty', [], { id: 'string' });
      expect(await queryValue(db.conn, 'SELECT count(*) FROM empty')).toBe(0);
    } finally {
      db.close();
    }
  });
});
