/**
 * What the pipeline's order promises about memory: a run that drops scratch tables early (stitch, the benches)
 * holds no per-event intermediate longer than it must while the two largest steps run.
 */
import { buildPipeline } from '../../src/models';
import { DuckDBDialect } from '../../src/sql/dialects/duckdb';
import { scratchLastUses } from '../../src/sql/pipeline';
import { testConfig } from '../support/scenarios';

const duck = new DuckDBDialect();

describe('the order of the full pipeline', () => {
  const pipeline = buildPipeline({
    config: testConfig(),
    dialect: duck,
    raw: { ref: (t) => t, columns: () => undefined },
    out: (t) => duck.quoteIdent(t),
  });
  const stepOf = (name: string) => pipeline.steps.findIndex((s) => s.name === name);
  const droppedAfter = new Map<string, number>();
  for (const [step, tables] of scratchLastUses(pipeline)) for (const t of tables) droppedAfter.set(t, step);

  it('drops the per-event tables of attribution before the sessionizing sort', () => {
    const sort = stepOf('js_sessionized');
    expect(sort).toBeGreaterThan(0);
    for (const table of ['js_event_base', 'js_event_nodes', 'js_event_component']) expect(droppedAfter.get(table)).toBeLessThan(sort);
    // The sort's own input goes right after it.
    expect(droppedAfter.get('js_event_person')).toBe(sort);
  });

  it('drops the deduplicated events right after stitched_events, before the tables built on it', () => {
    expect(droppedAfter.get('js_events')).toBe(stepOf('stitched_events'));
    expect(stepOf('identity_links')).toBeGreaterThan(stepOf('stitched_events'));
  });
});
