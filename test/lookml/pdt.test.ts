/**
 * `pdt` materialization: the stitching pipeline split into one create_process per persisted view (the stitched
 * views and the hidden intermediate ones). Checks the split is sound: each view builds its own table on the
 * datagroup, dependencies are acyclic, a build reads only tables Looker names for it (earlier views' tables, or
 * TEMP tables of its own script, created before they are read) and no fixed-name table that another build could
 * write; every statement is valid BigQuery (ZetaSQL) once Looker has substituted the constants and table names.
 */
import { DEFAULT_PROJECT_CONFIG, generateProject, INTERMEDIATE_VIEWS_FILE } from '../../src/lookml/project';
import { configSchema } from '../../src/config/schema';
import { pdtProcesses, PdtPlanError, stitchingPdtPipeline } from '../../src/lookml/pdt';
import { DATAGROUP } from '../../src/lookml/model';
import { STITCHED_VIEWS } from '../../src/lookml/views';
import type { SqlStep, Step } from '../../src/sql/pipeline';
import { rawSourceTables } from '../support/bigquery-catalog';
import { useZetaSQL } from '../support/zetasql';
import { parseLookml as parse } from '../../src/lookml/parser';

const snowplow = configSchema.parse({ warehouse: 'bigquery', project: 'acme-data', dataset: 'raw', source: { type: 'snowplow' }, offsite: [{ name: 'linkedin' }, { name: 'twitter' }] });

/**
 * Each persisted view's sql_steps as Looker reads them: the text between `sql_step:` and `;;`. (lookml-parser turns a
 * single `;` inside SQL into ";," in its output, so the SQL is taken from the text; the structure from the parser.)
 */
function processes(config: typeof DEFAULT_PROJECT_CONFIG): Map<string, { steps: string[]; trigger: string }> {
  const files = generateProject(config);
  const views = new Map<string, { steps: string[]; trigger: string }>();
  for (const file of [...STITCHED_VIEWS.map((v) => `lookml/views/${v}.view.lkml`), INTERMEDIATE_VIEWS_FILE]) {
    const text = files.find((f) => f.path === file)?.content ?? '';
    const parsed = parse(text).view;
    for (const block of text.split(/^(?=view: )/m).filter((b) => b.startsWith('view: '))) {
      const name = /^view: (\w+)/.exec(block)![1];
      const dt = parsed[name].derived_table;
      const steps = [...block.matchAll(/sql_step:([\s\S]*?);;/g)].map((m) => m[1].trim());
      expect(steps).toHaveLength([dt.create_process.sql_step].flat().length);
      views.set(name, { steps, trigger: dt.datagroup_trigger });
    }
  }
  return views;
}

/** TEMP tables a script creates, and the unqualified tables it reads (FROM or JOIN a bare `name`). */
const tempCreated = (sql: string) => new Set([...sql.matchAll(/CREATE OR REPLACE TEMP TABLE `(\w+)`/g)].map((m) => m[1]));
const unqualifiedReads = (sql: string) => [...sql.matchAll(/\b(?:FROM|JOIN)\s+`(\w+)`(?![.`])/g)].map((m) => ({ table: m[1], at: m.index! }));

// The default config reads files on DuckDB; its BigQuery twin names the same raw tables (for the catalog).
const defaultOnBigQuery = configSchema.parse({ warehouse: 'bigquery', project: 'acme-data', dataset: 'raw', source: { type: 'segment' }, offsite: [{ name: 'linkedin' }] });

describe.each([
  ['default config', DEFAULT_PROJECT_CONFIG, defaultOnBigQuery],
  ['snowplow with two offsite sources', snowplow, snowplow],
])('pdt materialization, %s', (_name, config, rawConfig) => {
  const views = processes(config);

  it('every persisted view builds its own table on the datagroup, never referring to itself', () => {
    expect([...views.keys()]).toEqual(expect.arrayContaining(STITCHED_VIEWS));
    expect(views.size).toBeGreaterThan(STITCHED_VIEWS.length);
    for (const [view, { steps, trigger }] of views) {
      expect(trigger).toBe(DATAGROUP);
      expect(steps).toHaveLength(1);
      expect(steps[0]).toMatch(/CREATE OR REPLACE TABLE \$\{SQL_TABLE_NAME\}/);
      expect(steps[0]).not.toContain(`\${${view}.SQL_TABLE_NAME}`);
    }
  });

  it("a table finished in place (js_events' set-aside) is finished in its own build: no build changes another view's table", () => {
    const own = views.get('js_events')!.steps.join('\n');
    expect(own).toMatch(/DELETE FROM \$\{SQL_TABLE_NAME\}/);
    expect(own).toMatch(/INSERT INTO \$\{SQL_TABLE_NAME\}/);
    for (const { steps } of views.values()) expect(steps.join('\n')).not.toMatch(/(?:DELETE FROM|INSERT INTO|UPDATE) \$\{\w+\.SQL_TABLE_NAME\}/);
  });

  it('dependencies are acyclic, and a build reads only its own TEMP tables and the tables of views it depends on', () => {
    const deps = new Map([...views].map(([v, p]) => [v, [...p.steps.join('\n').matchAll(/\$\{(\w+)\.SQL_TABLE_NAME\}/g)].map((m) => m[1])]));
    const order: string[] = [];
    const visit = (v: string, path: string[]) => {
      if (path.includes(v)) throw new Error(`dependency cycle: ${[...path, v].join(' -> ')}`);
      if (order.includes(v)) return;
      for (const d of deps.get(v) ?? []) {
        expect(views.has(d)).toBe(true);
        visit(d, [...path, v]);
      }
      order.push(v);
    };
    for (const v of views.keys()) visit(v, []);
    for (const [view, { steps }] of views) {
      const sql = steps.join('\n');
      // Nothing is read from the shared scratch dataset, where a concurrent build (dev mode) could write.
      expect(sql.match(/`@\{SCRATCH\}`\.`\w+`/g) ?? []).toEqual(view === 'js_events' ? ['`@{SCRATCH}`.`journey_stitch_rejected_rows`'] : []);
      expect(sql).not.toMatch(/(FROM|JOIN) `@\{SCRATCH\}`/);
      // A TEMP table is created before the first statement that reads it.
      const created = tempCreated(sql);
      for (const { table, at } of unqualifiedReads(sql)) {
        expect({ view, table, temp: created.has(table) }).toEqual({ view, table, temp: true });
        expect(sql.indexOf(`CREATE OR REPLACE TEMP TABLE \`${table}\``)).toBeLessThan(at);
      }
    }
  });

  const zetasql = useZetaSQL();
  it('every statement is valid BigQuery once Looker substitutes constants and table names', async () => {
    const looker = (sql: string) =>
      sql
        .replace(/@\{RAW_PROJECT\}/g, 'acme-data')
        .replace(/@\{RAW_DATASET\}/g, 'raw')
        .replace(/@\{SCRATCH\}/g, 'looker_scratch')
        .replace(/@\{HASH_KEY\}/g, 'deployment-secret')
        .replace(/\$\{(\w+)\.SQL_TABLE_NAME\}/g, (_, v: string) => `\`looker_scratch.LR_${v}\``);
    // Each create_process script parses as a whole (DECLARE, WHILE, TEMP tables).
    for (const [view, { steps }] of views) {
      const own = steps[0].replace(/\$\{SQL_TABLE_NAME\}/g, `\${${view}.SQL_TABLE_NAME}`);
      expect(await zetasql().parseScript(looker(own))).toEqual({ ok: true });
    }
    // Every statement, in pipeline order, is analyzed against the tables the earlier ones created.
    const zs = zetasql();
    await zs.registerCatalog(rawSourceTables(rawConfig));
    const { pipeline } = stitchingPdtPipeline(config, STITCHED_VIEWS);
    const statements = (s: Step): SqlStep[] => (s.kind === 'sql' ? [s] : [...s.body, { kind: 'sql', name: `${s.name} (changed)`, sql: s.changedSql }]);
    for (const step of pipeline.steps.flatMap(statements)) {
      const res = await zs.expectValid(looker(step.sql), `step '${step.name}'`);
      if (res.creates) await zs.addTables(res.creates);
    }
  });
});

describe('pdtProcesses', () => {
  const step = (name: string, sql: string) => ({ kind: 'sql' as const, name, creates: name, sql });
  it('names the view it cannot build', () => {
    const pipeline = { steps: [step('a', 'CREATE OR REPLACE TABLE ${a.SQL_TABLE_NAME} AS SELECT 1 AS x')], outputs: ['a', 'b'], scratch: [] };
    expect(() => pdtProcesses(pipeline, ['a', 'b'])).toThrow(PdtPlanError);
    expect(() => pdtProcesses(pipeline, ['a', 'b'])).toThrow(/no step creating 'b'/);
  });
});
