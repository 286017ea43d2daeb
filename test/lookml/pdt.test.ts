/**
 * `pdt` materialization: the stitching pipeline split into one create_process per stitched view. Checks the
 * split is sound (each view builds its own table, dependencies are acyclic, every scratch table is built before
 * it is read, by the view itself or one it depends on) and that every step is BigQuery SQL once Looker has
 * substituted the constants and table names.
 */
import { DEFAULT_PROJECT_CONFIG, generateProject } from '../../src/lookml/project';
import { configSchema } from '../../src/config/schema';
import { pdtProcesses, PdtPlanError } from '../../src/lookml/pdt';
import { DATAGROUP } from '../../src/lookml/model';
import { STITCHED_VIEWS } from '../../src/lookml/views';
import { useZetaSQL } from '../support/zetasql';
import { parseLookml as parse } from '../../src/lookml/parser';

const snowplow = configSchema.parse({ warehouse: 'bigquery', project: 'acme-data', dataset: 'raw', source: { type: 'snowplow' }, offsite: [{ name: 'linkedin' }, { name: 'twitter' }] });

/**
 * Each view's sql_steps as Looker reads them: the text between `sql_step:` and `;;`. (lookml-parser turns a
 * single `;` inside SQL into ";," in its output, so the SQL is taken from the text; the structure from the parser.)
 */
function processes(config: typeof DEFAULT_PROJECT_CONFIG): Map<string, { steps: string[]; trigger: string }> {
  const files = generateProject(config);
  return new Map(
    STITCHED_VIEWS.map((v) => {
      const text = files.find((f) => f.path === `lookml/views/${v}.view.lkml`)!.content;
      const dt = parse(text).view[v].derived_table;
      const steps = [...text.matchAll(/sql_step:([\s\S]*?);;/g)].map((m) => m[1].trim());
      expect(steps).toHaveLength([dt.create_process.sql_step].flat().length);
      return [v, { steps, trigger: dt.datagroup_trigger }];
    }),
  );
}

const scratchTables = (sql: string, verb: 'CREATE OR REPLACE TABLE' | 'read') => {
  const ref = /`@\{SCRATCH\}`\.`(\w+)`/g;
  if (verb === 'read') return new Set([...sql.matchAll(ref)].map((m) => m[1]));
  return new Set([...sql.matchAll(/CREATE OR REPLACE TABLE `@\{SCRATCH\}`\.`(\w+)`/g)].map((m) => m[1]));
};

describe.each([
  ['default config', DEFAULT_PROJECT_CONFIG],
  ['snowplow with two offsite sources', snowplow],
])('pdt materialization, %s', (_name, config) => {
  const views = processes(config);

  it('every stitched view builds its own table on the datagroup, never referring to itself', () => {
    for (const [view, { steps, trigger }] of views) {
      expect(trigger).toBe(DATAGROUP);
      expect(steps[steps.length - 1]).toMatch(/CREATE OR REPLACE TABLE \$\{SQL_TABLE_NAME\}/);
      expect(steps.join('\n')).not.toContain(`\${${view}.SQL_TABLE_NAME}`);
    }
  });

  it('dependencies are acyclic and every scratch table is built before it is read', () => {
    const deps = new Map([...views].map(([v, p]) => [v, [...p.steps.join('\n').matchAll(/\$\{(\w+)\.SQL_TABLE_NAME\}/g)].map((m) => m[1])]));
    const order: string[] = [];
    const visit = (v: string, path: string[]) => {
      if (path.includes(v)) throw new Error(`dependency cycle: ${[...path, v].join(' -> ')}`);
      if (order.includes(v)) return;
      for (const d of deps.get(v) ?? []) visit(d, [...path, v]);
      order.push(v);
    };
    for (const v of views.keys()) visit(v, []);
    const upstream = (v: string): Set<string> => new Set([v, ...(deps.get(v) ?? []).flatMap((d) => [...upstream(d)])]);
    for (const [view, { steps }] of views) {
      const built = new Set<string>();
      for (const u of upstream(view)) if (u !== view) for (const t of scratchTables(views.get(u)!.steps.join('\n'), 'CREATE OR REPLACE TABLE')) built.add(t);
      // Within the view, statements run in order: a table must be created before a later statement reads it.
      for (const step of steps) {
        for (const statement of step.split(/;\s*\n/)) {
          const creates = scratchTables(statement, 'CREATE OR REPLACE TABLE');
          for (const t of scratchTables(statement, 'read')) if (!creates.has(t)) expect({ view, reads: t, built: built.has(t) }).toEqual({ view, reads: t, built: true });
          creates.forEach((t) => built.add(t));
        }
      }
    }
  });

  const zetasql = useZetaSQL();
  it('every step is valid BigQuery once Looker substitutes constants and table names', async () => {
    const looker = (view: string, sql: string) =>
      sql
        .replace(/@\{RAW_PROJECT\}/g, 'acme-data')
        .replace(/@\{RAW_DATASET\}/g, 'raw')
        .replace(/@\{SCRATCH\}/g, 'looker_scratch')
        .replace(/\$\{SQL_TABLE_NAME\}/g, `\`looker_scratch.${view}_pdt\``)
        .replace(/\$\{(\w+)\.SQL_TABLE_NAME\}/g, (_, v: string) => `\`looker_scratch.${v}_pdt\``);
    for (const [view, { steps }] of views) {
      for (const step of steps) {
        const res = await zetasql().parseScript(looker(view, step));
        expect(res).toEqual({ ok: true });
      }
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
