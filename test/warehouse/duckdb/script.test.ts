import { getDialect } from '../../../src/sql/dialects';
import type { Pipeline } from '../../../src/sql/pipeline';
import { stepScript, toScript } from '../../../src/sql/script';
import { runPipeline } from '../../../src/warehouse/duckdb/run';
import { createTable, openMemoryDb, queryRows } from '../../support/duckdb';

/** Minimum-label propagation on a chain: converges after `chain` rounds. */
function propagation(maxIterations: number): Pipeline {
  return {
    outputs: ['labels'],
    scratch: ['labels_prev'],
    steps: [
      {
        kind: 'sql',
        name: 'init',
        sql: 'CREATE OR REPLACE TABLE labels AS SELECT DISTINCT a AS node, a AS label FROM edges UNION SELECT b, b FROM edges;',
      },
      {
        kind: 'loop',
        name: 'propagate',
        maxIterations,
        body: [
          { kind: 'sql', name: 'labels_prev', sql: 'CREATE OR REPLACE TABLE labels_prev AS SELECT * FROM labels' },
          {
            kind: 'sql',
            name: 'labels',
            sql: `CREATE OR REPLACE TABLE labels AS
SELECT p.node, least(p.label, coalesce(min(q.label), p.label)) AS label
FROM labels_prev p
LEFT JOIN (SELECT a AS x, b AS y FROM edges UNION ALL SELECT b, a FROM edges) e ON e.x = p.node
LEFT JOIN labels_prev q ON q.node = e.y
GROUP BY p.node, p.label`,
          },
        ],
        changedSql: 'SELECT count(*) AS changed FROM labels JOIN labels_prev USING (node) WHERE labels.label <> labels_prev.label',
      },
    ],
  };
}

const edges = [
  { a: 1, b: 2 },
  { a: 2, b: 3 },
  { a: 3, b: 4 },
  { a: 7, b: 8 },
];

describe('toScript for DuckDB', () => {
  it('runs as one script and gives the same tables as the looping runner', async () => {
    const viaRunner = await openMemoryDb();
    const viaScript = await openMemoryDb();
    try {
      await createTable(viaRunner.conn, 'edges', edges);
      await createTable(viaScript.conn, 'edges', edges);
      await runPipeline(viaRunner.conn, propagation(10));
      const script = toScript(propagation(10), getDialect('duckdb'));
      expect(script.match(/-- propagate: iteration \d+ of 10/g)).toHaveLength(10);
      expect(script).toMatch(/DuckDB SQL has no loops/);
      // Before any model: the session's time zone is pinned (zone-less timestamps mean UTC).
      expect(script.indexOf(`SET TimeZone = 'UTC';`)).toBeGreaterThan(0);
      expect(script.indexOf(`SET TimeZone = 'UTC';`)).toBeLessThan(script.indexOf('-- model:'));
      await viaScript.conn.run(script);
      expect(await queryRows(viaScript.conn, `SELECT current_setting('TimeZone') AS tz`)).toEqual([{ tz: 'UTC' }]);
      const q = 'SELECT node, label FROM labels ORDER BY node';
      const expected = await queryRows(viaRunner.conn, q);
      expect(expected.map((r) => r.label)).toEqual([1, 1, 1, 1, 7, 7]);
      expect(await queryRows(viaScript.conn, q)).toEqual(expected);
    } finally {
      viaRunner.close();
      viaScript.close();
    }
  });

  it('fails when the unrolled rounds were not enough', async () => {
    const db = await openMemoryDb();
    try {
      await createTable(db.conn, 'edges', edges);
      await expect(db.conn.run(toScript(propagation(2), getDialect('duckdb')))).rejects.toThrow(
        /loop propagate did not converge after 2 iterations/,
      );
    } finally {
      db.close();
    }
  });
});

describe('toScript for BigQuery', () => {
  const script = toScript(propagation(50), getDialect('bigquery'));
  const statements = script
    .split('\n')
    .filter((l) => l.trim() && !l.trim().startsWith('--'))
    .join('\n');

  it('declares its variables first, loops with WHILE and raises when the cap is hit', () => {
    expect(
      statements.startsWith('DECLARE js_changed INT64 DEFAULT 0;\nDECLARE js_iterations INT64 DEFAULT 0;\nCREATE OR REPLACE TABLE labels'),
    ).toBe(true);
    expect(script.match(/DECLARE/g)).toHaveLength(2);
    expect(script).toContain('WHILE js_changed > 0 AND js_iterations < 50 DO');
    expect(script).toContain('SET js_changed = (SELECT COALESCE(SUM(changed), 0) FROM (\n    SELECT count(*) AS changed FROM labels');
    expect(script).toContain('END WHILE;\nIF js_changed > 0 THEN\n  RAISE USING MESSAGE = ');
    expect(script).toContain("'journey-stitch: loop propagate did not converge after 50 iterations; raise the iteration cap'");
    // The body appears once (not unrolled).
    expect(script.match(/CREATE OR REPLACE TABLE labels_prev/g)).toHaveLength(1);
  });

  it('ends every statement with a semicolon, without doubling the ones already there', () => {
    expect(script).not.toMatch(/;;/);
    // Every statement-ending line of the script: a line followed by a blank line, a comment or a keyword line.
    const chunks = script.split(/\n\n/).filter((c) => !c.split('\n').every((l) => l.startsWith('--')));
    for (const chunk of chunks) expect(chunk.trimEnd()).toMatch(/;$/);
  });

  it('adds header notes and, when asked, drops the scratch tables at the end', () => {
    const bq = getDialect('bigquery');
    const withCleanup = toScript(propagation(5), bq, { notes: ['Reads `p`.`d`.`edges`.'], scratchRef: (t) => bq.tableRef('p', 'out', t) });
    expect(withCleanup).toMatch(
      /^-- journey-stitch: identity stitching pipeline\n-- Generated for bigquery; .*\n-- Reads `p`.`d`.`edges`.\n/,
    );
    expect(withCleanup.trimEnd().endsWith('DROP TABLE IF EXISTS `p`.`out`.`labels_prev`;')).toBe(true);
    expect(toScript(propagation(5), bq)).not.toContain('DROP TABLE');
  });

  it('renders one step on its own, with the declarations a loop needs', () => {
    const pipeline = propagation(5);
    const loopOnly = stepScript(pipeline.steps[1], getDialect('bigquery'));
    expect(loopOnly).toMatch(/^-- journey-stitch: step propagate/);
    expect(loopOnly).toContain('DECLARE js_changed INT64 DEFAULT 0;');
    const plain = stepScript(pipeline.steps[0], getDialect('bigquery'));
    expect(plain).not.toContain('DECLARE');
    expect(plain.trimEnd().endsWith('FROM edges;')).toBe(true);
  });
});
