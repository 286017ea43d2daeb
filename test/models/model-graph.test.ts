/**
 * The model graph: every statement declares what it reads (ModelContext.ref, external, source), and those
 * declarations are what the runners, the PDT cuts and the BigQuery deferral trust. So they are checked here against
 * the SQL itself, built with marker references: every table a statement names is declared, and nothing else.
 */
import { buildPipeline } from '../../src/models';
import { ModelContext } from '../../src/models/context';
import { buildFullPipeline, buildIncrementalPlan } from '../../src/models/incremental';
import type { BuildOptions } from '../../src/models/types';
import type { Dialect } from '../../src/sql/dialect';
import { BigQueryDialect, DuckDBDialect } from '../../src/sql/dialects';
import {
  createsOf,
  inlinable,
  ModelGraphError,
  orderSteps,
  readsOf,
  upstreamOf,
  writesOf,
  type Pipeline,
  type SqlStep,
  type Step,
} from '../../src/sql/pipeline';
import { testConfig } from '../support/scenarios';

const duck = new DuckDBDialect();
const bq = new BigQueryDialect();

/** Table and raw references as markers the test can find in the text. */
const out = (t: string) => `⟦${t}⟧`;
const rawRef = (t: string) => `⟪${t}⟫`;
const named = (sql: string, re: RegExp) => [...new Set([...sql.matchAll(re)].map((m) => m[1]))].sort();

const statements = (steps: readonly Step[]): SqlStep[] =>
  steps.flatMap((s) =>
    s.kind === 'sql' ? [s] : [...s.body, { kind: 'sql' as const, name: `${s.name} (check)`, sql: s.changedSql, reads: s.changedReads }],
  );

function expectDeclared(steps: readonly Step[]) {
  const wrong = statements(steps).flatMap((s) => {
    const tables = named(s.sql, /⟦([^⟧]+)⟧/g);
    const declared = [...new Set([...(s.reads ?? []), ...(s.creates ? [s.creates] : []), ...(s.writes ?? [])])].sort();
    const sources = named(s.sql, /⟪([^⟫]+)⟫/g);
    return JSON.stringify(tables) === JSON.stringify(declared) && JSON.stringify(sources) === JSON.stringify([...(s.sources ?? [])].sort())
      ? []
      : [{ step: s.name, tables, declared, sources, declaredSources: s.sources ?? [] }];
  });
  expect(wrong).toEqual([]);
}

const options = (config = testConfig(), dialect: Dialect = duck): BuildOptions => ({
  config,
  dialect,
  raw: { ref: rawRef, columns: () => undefined },
  out,
});
const scored = testConfig({ identity: { name_matching: { min_probability: 0.5 } } });
const exact = testConfig({ identity: { name_matching: { method: 'exact' } } });
const run = { runId: 'r1', refreshedAt: '2024-03-01 00:00:00', configHash: 'h', lookbackHours: 24 };

describe('declared reads match the SQL', () => {
  it.each([
    ['default', testConfig()],
    ['scored name matching', scored],
    ['exact name matching', exact],
  ])('full pipeline (%s), both dialects, each materialization', (_, config) => {
    for (const inline of [false, true]) {
      expectDeclared(buildPipeline({ ...options(config), inline }).steps);
      expectDeclared(buildPipeline({ ...options(config, bq), inline }).steps);
    }
  });

  it.each([
    ['default', testConfig()],
    ['scored name matching', scored],
  ])('full run with state, and the incremental plan (%s)', (_, config) => {
    expectDeclared(buildFullPipeline({ ...options(config), ...run }).steps);
    const plan = buildIncrementalPlan({ ...options(config), ...run, cutoff: '2024-02-28 00:00:00' });
    expectDeclared([...plan.prepare, ...plan.apply]);
  });

  it('every table a full pipeline reads is made by an earlier step; the order is the written one', () => {
    const pipeline = buildPipeline(options(scored));
    const made = new Set<string>();
    for (const step of pipeline.steps) {
      for (const s of statements([step]))
        for (const t of s.reads ?? []) expect([t, made.has(t) || createsOf(step).includes(t)]).toEqual([t, true]);
      createsOf(step).forEach((t) => made.add(t));
    }
    expect(pipeline.steps.slice(0, 6).map((s) => s.name)).toEqual([
      'js_events',
      'js_duplicate_ids',
      'js_set_aside',
      'rejected_rows',
      'js_events_drop_set_aside',
      'js_events_restore_first_copies',
    ]);
    // js_events is finished in place: every later reader comes after both statements.
    const finished = pipeline.steps.findIndex((s) => s.name === 'js_events_restore_first_copies');
    const readBefore = pipeline.steps.slice(0, finished).filter((s) => readsOf(s).includes('js_events'));
    expect(readBefore.map((s) => s.name)).toEqual(['js_duplicate_ids', 'js_set_aside']);
    expect(pipeline.steps.slice(finished + 1).some((s) => readsOf(s).includes('js_events'))).toBe(true);
  });

  it.each([
    ['default', testConfig()],
    ['scored name matching', scored],
  ])('the incremental sub-plans (%s): upstream of js_events, and from js_events to the outputs', (_, config) => {
    const full = buildPipeline(options(config)).steps.map((s) => s.name);
    const plan = buildIncrementalPlan({ ...options(config), ...run, cutoff: '2024-02-28 00:00:00' });
    // Staging again, without rejected_rows (the apply reads the restaged rejects from inc_new_js_set_aside), and with
    // the statements that finish js_events in place.
    expect(plan.prepare.slice(0, 5).map((s) => [s.name, [...createsOf(s), ...writesOf(s)]])).toEqual([
      ['js_events', ['inc_new_js_events']],
      ['js_duplicate_ids', ['inc_new_js_duplicate_ids']],
      ['js_set_aside', ['inc_new_js_set_aside']],
      ['js_events_drop_set_aside', ['inc_new_js_events']],
      ['js_events_restore_first_copies', ['inc_new_js_events']],
    ]);
    // The recomputation: every model after js_events, in the full pipeline's order (js_match_params too, which reads
    // the stored parameters rather than js_events when matching is scored).
    const recomputed = plan.prepare.filter((s) => createsOf(s).some((t) => t.startsWith('inc_delta_')) && s.name !== 'inc_delta_js_events');
    expect(recomputed.map((s) => s.name)).toEqual(full.slice(full.indexOf('js_events_restore_first_copies') + 1));
    expect(plan.scratch).toEqual(expect.arrayContaining(recomputed.flatMap(createsOf)));
    expect(plan.scratch).not.toContain('inc_new_rejected_rows');
  });

  it('the full run writes the run log in place and declares it so; each model declares its kind', () => {
    const steps = buildFullPipeline({ ...options(), ...run }).steps;
    const kind = (name: string) => statements(steps).find((s) => s.creates === name)?.model;
    expect(['stitched_events', 'rejected_rows', 'js_events', 'js_id_labels', 'js_state_events', 'js_full_run'].map(kind)).toEqual([
      'output',
      'output',
      'intermediate',
      'intermediate',
      'state',
      'intermediate',
    ]);
    expect(steps.filter((s) => writesOf(s).includes('journey_stitch_runs')).map((s) => s.name)).toEqual([
      'journey_stitch_runs (create)',
      'journey_stitch_runs (add column next_cutoff)',
      'journey_stitch_runs (add column rows_before_next_cutoff)',
      'journey_stitch_runs (add column late_rows)',
      'journey_stitch_runs',
    ]);
  });
});

describe('the graph', () => {
  const ctx = () => new ModelContext(options());

  it('orders by dependency, keeping the written order where the graph allows', () => {
    const c = ctx();
    const steps = [
      c.scratchTable('b', () => `SELECT * FROM ${c.ref('a')}`),
      c.scratchTable('x', () => 'SELECT 1 AS x'),
      c.scratchTable('a', () => 'SELECT 1 AS y'),
      c.outputTable('persons', () => `SELECT * FROM ${c.ref('b')} CROSS JOIN ${c.ref('x')}`),
    ];
    expect(orderSteps(steps).map((s) => s.name)).toEqual(['x', 'a', 'b', 'persons']);
    expect(upstreamOf(steps, ['b']).map((s) => s.name)).toEqual(['b', 'a']);
  });

  it('a ref to a model nobody makes is an error, unless the caller names it as external', () => {
    const c = ctx();
    const steps = [c.scratchTable('b', () => `SELECT * FROM ${c.ref('nope')}`)];
    expect(() => orderSteps(steps)).toThrow(new ModelGraphError("'b' reads 'nope', which no model makes"));
    expect(orderSteps(steps, ['nope'])).toEqual(steps);
  });

  it('a cycle is an error naming the models in it', () => {
    const c = ctx();
    const steps = [
      c.scratchTable('a', () => `SELECT * FROM ${c.ref('b')}`),
      c.scratchTable('b', () => `SELECT * FROM ${c.ref('a')}`),
      c.scratchTable('z', () => 'SELECT 1'),
    ];
    expect(() => orderSteps(steps)).toThrow(/model graph: a cycle among 'a', 'b'$/);
  });

  it('two models with one name are an error', () => {
    const c = ctx();
    c.scratchTable('a', () => 'SELECT 1 AS x');
    expect(() => c.outputTable('a', () => 'SELECT 2 AS x')).toThrow(new ModelGraphError("two models named 'a'"));
    const d = ctx();
    const twice = [d.scratchTable('a', () => 'SELECT 1 AS x'), d.scratchTable('a', () => 'SELECT 2 AS x')];
    expect(() => orderSteps(twice)).toThrow(/two models named 'a'/);
  });

  it('a loop refining a table an earlier step made orders its readers after it', () => {
    const c = ctx();
    const init = c.scratchTable('labels', () => 'SELECT 1 AS node');
    const reader = c.scratchTable('components', () => `SELECT * FROM ${c.ref('labels')}`);
    const loop = c.loop('propagate', 3, [c.scratchTable('labels', () => `SELECT * FROM ${c.ref('labels')}`)], () => 'SELECT 0 AS changed');
    expect(orderSteps([init, loop, reader]).map((s) => s.name)).toEqual(['labels', 'propagate', 'components']);
  });

  it('records no reads outside a model, and refuses a model written inside another', () => {
    const c = ctx();
    expect(c.ref('js_events')).toBe('⟦js_events⟧');
    expect(() => c.scratchTable('a', () => c.scratchTable('b', () => 'SELECT 1').sql)).toThrow(ModelGraphError);
  });

  it('a namespace prefixes the models and their reads, not the external tables', () => {
    const c = new ModelContext({ ...options(), namespace: 'inc_new_' });
    const step = c.scratchTable('b', () => `SELECT * FROM ${c.ref('a')} JOIN ${c.external('js_state_events')} USING (event_id)`);
    expect(step).toMatchObject({ name: 'b', creates: 'inc_new_b', reads: ['inc_new_a', 'js_state_events'] });
    expect(step.sql).toContain('⟦inc_new_b⟧');
  });
});

describe('materialization per model', () => {
  it('inlines an intermediate read by one later statement whose inputs live until then; keeps the others tables', () => {
    const tables = buildPipeline(options(scored));
    const inline = ['js_shared_emails', 'js_anon_direct', 'js_anon_ids', 'js_linkedin_visits', 'js_name_tokens'];
    expect(inlinable(tables.steps)).toEqual(inline);
    // One reader but it would hold per-event inputs longer (js_backfill: js_event_person through the sort), a loop's
    // table, a table several models read: tables.
    for (const t of ['js_backfill', 'js_identifier_usage', 'js_id_edges', 'js_id_labels', 'js_events'])
      expect(inlinable(tables.steps)).not.toContain(t);
    const inlined = buildPipeline({ ...options(scored), inline: true });
    // js_linkedin_visits and js_name_tokens: their one reader names them twice, so they stay tables (see below).
    const twice = ['js_linkedin_visits', 'js_name_tokens'];
    for (const t of twice) expect(inlined.steps.some((s) => createsOf(s).includes(t))).toBe(true);
    expect(tables.steps.length - inlined.steps.length).toBe(inline.length - twice.length);
    for (const t of inline.filter((x) => !twice.includes(x))) {
      expect(inlined.scratch).not.toContain(t);
      expect(inlined.steps.some((s) => readsOf(s).includes(t) || createsOf(s).includes(t))).toBe(false);
    }
    // The reader reads what the inlined model read, its SQL holds the select.
    const nodes = inlined.steps.find((s) => s.name === 'js_event_nodes') as SqlStep;
    expect(nodes.reads).toEqual(['js_events']);
    expect(nodes.sql).toContain('HAVING COUNT(DISTINCT user_id) >');
    expect(inlinable(tables.steps, ['js_anon_ids'])).toEqual(inline.filter((t) => t !== 'js_anon_ids'));
    // Each inlined select is written once, into its reader.
    for (const t of inline.filter((x) => !twice.includes(x)))
      expect(inlined.steps.filter((s) => s.kind === 'sql' && s.sql.includes(t)).length).toBe(0);
  });

  it('an input its reader names twice stays a table (a subquery would run once per mention)', () => {
    const c = new ModelContext(options(), ['a']);
    const a = c.scratchTable('a', () => 'SELECT 1 AS x');
    const b = c.scratchTable('b', () => `SELECT * FROM ${c.ref('a')} AS p JOIN ${c.ref('a')} AS q USING (x)`);
    expect(c.isInlined(a)).toBe(true);
    expect(b.sql).toContain('FROM (SELECT 1 AS x) AS p JOIN (SELECT 1 AS x) AS q');
    expect(c.inlinedTwice()).toEqual(['a']);
  });

  it('the full run with state keeps the tables the state is built from', () => {
    const full = buildFullPipeline({ ...options(scored), ...run, inline: true, keep: ['js_shared_emails'] });
    expect(full.steps.some((s) => createsOf(s).includes('js_shared_emails'))).toBe(true);
    expect(full.steps.some((s) => createsOf(s).includes('js_anon_ids'))).toBe(false);
    // js_name_tokens, inlinable in a plain full run, is kept: the state copies it.
    for (const t of ['js_events', 'js_set_aside', 'js_duplicate_ids', 'js_sessionized', 'js_match_params', 'js_name_tokens'])
      expect(full.scratch).toContain(t);
    expectDeclared(full.steps);
  });
});

describe('derived from the graph', () => {
  const pipeline: Pipeline = buildPipeline(options());

  it('every scratch table is made by exactly one model or refined by a loop', () => {
    for (const table of pipeline.scratch) expect([table, pipeline.steps.some((s) => createsOf(s).includes(table))]).toEqual([table, true]);
  });
});
