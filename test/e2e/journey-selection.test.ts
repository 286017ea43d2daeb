/**
 * The Journeys view's node and link queries (issue 24 items 2, 3, 5) through the preview's query compiler on the
 * stitched demo database: the extension's own query builders, the generated LookML, DuckDB. What the server counts
 * for a node, Other, a drop-off or a link equals what the chart draws from the paths query (the extension's own
 * transform); the persons list is those journeys' persons; the medians are the medians of the journeys' own
 * seconds between the steps; the inferred flags are the name-matched steps.
 */
import { join } from 'node:path';
import { PERSON_FIELDS, pathFields } from '../../src/contract/looker';
import { CoreApi } from '../../src/preview/api/core';
import { PreviewDatabase } from '../../src/preview/api/database';
import { PREVIEW_USERS } from '../../src/preview/api/users';
import type { PreviewUser } from '../../src/preview/api/core';
import { prepareDemo } from '../../src/preview/demo';
import { loadPreviewProject } from '../../src/preview/project';
import { gapQuery, journeyPathsQuery, subsetPersonsQuery, subsetSummaryQuery, type InlineQuery } from '../../src/extension/looker/queries';
import { DEFAULT_VIEW_STATE, type JourneyViewState } from '../../src/extension/journeys/viewState';
import { keptLabelsOf, selectionFilters, parseSelection } from '../../src/extension/journeys/selection';
import { toPathRows } from '../../src/extension/journeys/journeyRows';
import { buildSankey, linkFocusId, type SankeyData } from '../../src/extension/sankey/transform';
import type { QueryResult, Row } from '../../src/extension/looker/runQuery';

const jp = pathFields('journey_paths');
let api: CoreApi;
let db: PreviewDatabase;

beforeAll(async () => {
  const paths = await prepareDemo(join(__dirname, '..', '..'), { quiet: true, extension: false });
  const project = await loadPreviewProject(paths.projectDir);
  db = await PreviewDatabase.open(paths.database, project.manifest.constants.OUTPUT_DATASET ?? 'journey_stitch');
  api = new CoreApi(project.manifest, project.model, db);
}, 300_000);
afterAll(() => db?.close());

async function run(q: InlineQuery, user: PreviewUser = PREVIEW_USERS.pii): Promise<Row[]> {
  const res = await api.invoke({ httpMethod: 'POST', path: '/queries/run/json', body: q }, user);
  if (!res.ok) throw new Error(res.error.message);
  return res.value as Row[];
}
const asResult = (rows: Row[]): QueryResult => ({ rows, returnedFields: new Set(), droppedFields: new Set(), limitReached: false });

// Any time: the demo's events, whatever day it was generated on.
const STATE: JourneyViewState = { ...DEFAULT_VIEW_STATE, datePreset: 'any', steps: 3, topK: 4 };

async function chart(state: JourneyViewState, focus: string | null = null): Promise<SankeyData> {
  const rows = await run(journeyPathsQuery(state));
  return buildSankey(toPathRows(asResult(rows), state), { steps: state.steps, topK: state.topK, focus });
}

/** The server's count for a focus, with the chart's own filters for it. */
async function serverCount(state: JourneyViewState, all: SankeyData, focus: string) {
  const filters = selectionFilters(state, parseSelection(focus)!, keptLabelsOf(all.allNodes))!;
  const [row] = await run(subsetSummaryQuery(state, filters, []));
  return { filters, count: Number(row[jp.count]), conversions: Number(row[jp.conversions]) };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

describe('a node or link on the server is what the chart draws', () => {
  it('a step, Other, a drop-off and a link: the subset count equals the drawn node or link', async () => {
    const all = await chart(STATE);
    const step = all.nodes.find((n) => n.step === 2 && n.kind === 'step')!;
    const other = all.nodes.find((n) => n.kind === 'other')!;
    const dropoff = all.nodes.find((n) => n.kind === 'dropoff')!;
    const link = all.links.filter((l) => !l.target.includes('|dropoff|')).sort((a, b) => b.value - a.value)[0];
    expect([step, other, dropoff, link].every(Boolean)).toBe(true);
    for (const [focus, drawn] of [
      [step.id, step.value],
      [other.id, other.value],
      [dropoff.id, dropoff.value],
      [linkFocusId(link.source, link.target), link.value],
    ] as const) {
      const { count, filters } = await serverCount(STATE, all, focus);
      expect({ focus, filters, count }).toEqual({ focus, filters, count: drawn });
      // The focused chart's total is the same journeys.
      expect((await chart(STATE, focus)).total).toBe(drawn);
    }
  });

  it("counting sessions: a node's sessions on the server are the drawn node, and its list names each session", async () => {
    const sessions: JourneyViewState = { ...STATE, measure: 'sessions' };
    const all = await chart(sessions);
    const node = all.nodes.find((n) => n.step === 2 && n.kind === 'step')!;
    const filters = selectionFilters(sessions, parseSelection(node.id)!, keptLabelsOf(all.allNodes))!;
    const [row] = await run(subsetSummaryQuery(sessions, filters, []));
    expect(Number(row['session_paths.count'])).toBe(node.value);
    const rows = await run(subsetPersonsQuery(sessions, filters, false, 5000));
    expect(rows.length).toBe(node.value);
    expect(new Set(rows.map((r) => r['session_paths.session_id'])).size).toBe(rows.length);
    expect(rows.every((r) => r['session_paths.person_id'] !== null && r[PERSON_FIELDS.eventCount] !== null)).toBe(true);
  });

  it('the persons list is those journeys: as many rows (up to its limit), distinct, the converted first', async () => {
    const all = await chart(STATE);
    const node = all.nodes.find((n) => n.step === 2 && n.kind === 'step' && n.value > 3)!;
    const filters = selectionFilters(STATE, parseSelection(node.id)!, keptLabelsOf(all.allNodes))!;
    const rows = await run(subsetPersonsQuery(STATE, filters, true, 5000));
    expect(rows.length).toBe(node.value);
    expect(new Set(rows.map((r) => r[jp.personId])).size).toBe(rows.length);
    const converted = rows.map((r) => r[jp.converted] === 'Yes');
    expect(converted).toEqual([...converted].sort((a, b) => Number(b) - Number(a)));
    const { conversions } = await serverCount(STATE, all, node.id);
    expect(converted.filter(Boolean).length).toBe(conversions);
    // The default list stops at 50.
    expect((await run(subsetPersonsQuery(STATE, filters, true))).length).toBe(Math.min(50, node.value));
  });

  it('without the grant Looker leaves out names and emails (and the list still answers with the person ids)', async () => {
    const all = await chart(STATE);
    const node = all.nodes.find((n) => n.step === 1 && n.kind === 'step')!;
    const filters = selectionFilters(STATE, parseSelection(node.id)!, keptLabelsOf(all.allNodes))!;
    const res = await api.invoke(
      { httpMethod: 'POST', path: '/queries/run/json_detail', body: subsetPersonsQuery(STATE, filters, true) },
      PREVIEW_USERS.no_pii,
    );
    expect(res.ok).toBe(true);
    const value = (res as { value: { data: Record<string, { value: unknown }>[] } }).value;
    expect(value.data.length).toBeGreaterThan(0);
    for (const r of value.data) {
      expect(Object.keys(r)).not.toContain(PERSON_FIELDS.name);
      expect(Object.keys(r)).not.toContain(PERSON_FIELDS.email);
      expect(String(r[jp.personId].value)).toMatch(/^(u|e|c|p|a):[0-9a-f]+$/);
    }
  });

  it("a link's median time is the median of its journeys' own seconds between the two steps", async () => {
    const all = await chart(STATE);
    const gaps = await run(gapQuery(STATE, 1)!);
    const medianField = jp.medianStepToNext(1);
    // The busiest link with a median: the gap query's row for its two labels.
    const link = all.links.filter((l) => l.source.includes('|step|') && l.target.includes('|step|')).sort((a, b) => b.value - a.value)[0];
    const [from, to] = [link.source.split('|')[2], link.target.split('|')[2]];
    const gapRow = gaps.find((r) => r[jp.step(1)] === from && r[jp.step(2)] === to)!;
    const filters = selectionFilters(STATE, parseSelection(linkFocusId(link.source, link.target))!, keptLabelsOf(all.allNodes))!;
    const seconds = await run({
      ...subsetPersonsQuery(STATE, filters, false, 5000),
      fields: [jp.personId, 'journey_paths.seconds_step_1_to_next'],
      sorts: [jp.personId],
    });
    expect(seconds.length).toBe(link.value);
    const expected = median(seconds.map((r) => Number(r['journey_paths.seconds_step_1_to_next'])));
    expect(Number(gapRow[medianField])).toBeCloseTo(expected, 3);
    // The subset summary of the link reads the same median.
    const [subset] = await run(subsetSummaryQuery(STATE, filters, [medianField]));
    expect(Number(subset[medianField])).toBeCloseTo(expected, 3);
    expect(expected).toBeGreaterThan(0);
  });

  it('the inferred flags mark name-matched steps, and leaving name-matched events out leaves none', async () => {
    const withInferred = await chart(STATE);
    const marked = withInferred.nodes.reduce((sum, n) => sum + n.inferred, 0);
    expect(marked).toBeGreaterThan(0);
    // Only offsite steps come from name matches on the demo data (web events are tied by cookie, id or email).
    expect(withInferred.nodes.filter((n) => n.inferred > 0 && n.kind === 'step').every((n) => /^LinkedIn/.test(n.label))).toBe(true);
    const without = await chart({ ...STATE, inferredEvents: 'exclude' });
    expect(without.nodes.reduce((sum, n) => sum + n.inferred, 0)).toBe(0);
  });
});
