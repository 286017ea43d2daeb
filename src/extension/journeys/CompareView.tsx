/**
 * Two segments side by side: with and without name-matched events, or converted and not converted. Each side runs
 * the paths and summary queries of its own state; the two charts share one set of swatches (assigned over both
 * diagrams' nodes), so a step label has the same colour on both sides. A click on a node opens the single view of
 * that segment focused on it (the persons behind it, the medians, the CSV live there).
 */
import { useMemo } from 'react';
import { Heading, Paragraph, SpaceVertical } from '@looker/components';
import styled from 'styled-components';
import { QueryStatus } from '../components/QueryStatus';
import { journeyPathsQuery, journeySummaryQuery, pathColumnFields, pathColumnName } from '../looker/queries';
import { runInlineQuery } from '../looker/runQuery';
import { useAsync, useLooker } from '../looker/useLooker';
import { assignSwatches } from '../sankey/palette';
import { InferredLegend, SankeyChart } from '../sankey/SankeyChart';
import { buildSankey, type SankeyData, type SankeyNodeDatum } from '../sankey/transform';
import { measureCount, rateText } from '../text';
import { toPathRows, toSummary } from './journeyRows';
import type { Summary } from './SummaryNumbers';
import type { JourneyViewState } from './viewState';

export interface Segment {
  title: string;
  /** What the segment changes in the view state. */
  patch: Partial<JourneyViewState>;
}

/** The two segments a comparison draws, left then right. */
export function compareSegments(state: Pick<JourneyViewState, 'compare'>): [Segment, Segment] | null {
  if (state.compare === 'inferred') {
    return [
      { title: 'With name-matched events', patch: { inferredEvents: 'include' } },
      { title: 'Without name-matched events', patch: { inferredEvents: 'exclude', minProbability: 0 } },
    ];
  }
  if (state.compare === 'converted') {
    return [
      { title: 'Converted', patch: { converted: 'yes' } },
      { title: 'Not converted', patch: { converted: 'no' } },
    ];
  }
  return null;
}

/**
 * One swatch per node id over both diagrams (a node in both weighs their sum): the same label in the same column
 * is the same colour on either side, and a column's labels stay distinct on each.
 */
export function sharedSwatches(diagrams: ReadonlyArray<SankeyData>): Map<string, number> {
  const merged = new Map<string, SankeyNodeDatum>();
  for (const d of diagrams) {
    for (const n of d.allNodes) {
      const m = merged.get(n.id);
      merged.set(n.id, m ? { ...m, value: m.value + n.value } : { ...n });
    }
  }
  return assignSwatches([...merged.values()]);
}

function useSegment(state: JourneyViewState, segment: Segment) {
  const { sdk } = useLooker();
  const s = { ...state, ...segment.patch, focus: null, compare: 'none' as const };
  const paths = journeyPathsQuery(s);
  return useAsync(JSON.stringify(paths), async (signal) => {
    const [p, summary] = await Promise.all([runInlineQuery(sdk, paths, signal), runInlineQuery(sdk, journeySummaryQuery(s), signal)]);
    const data = buildSankey(toPathRows(p, s), {
      steps: pathColumnFields(s).length,
      topK: s.topK,
      align: s.anchor === 'conversion' ? 'end' : 'start',
    });
    return { data, summary: toSummary(summary, s), limitReached: p.limitReached };
  });
}

export function CompareView({ state, onOpen }: { state: JourneyViewState; onOpen: (patch: Partial<JourneyViewState>) => void }) {
  const segments = compareSegments(state)!;
  const left = useSegment(state, segments[0]);
  const right = useSegment(state, segments[1]);
  const both = left.state.status === 'success' && right.state.status === 'success' ? [left.state.data.data, right.state.data.data] : null;
  const swatches = useMemo(() => (both ? sharedSwatches(both) : null), [left.state, right.state]);
  const hasInferred = both?.some((d) => d.nodes.some((n) => n.inferred > 0)) ?? false;
  return (
    <SpaceVertical gap="small" data-testid="compare-view">
      <Paragraph fontSize="small" color="text2">
        The same step has the same colour on both sides. A click on a step opens that side alone, focused on it.
        {state.compare === 'converted'
          ? ' The Conversion filter is set by each side.'
          : ' The name-matched events filter is set by each side.'}
      </Paragraph>
      <Sides>
        {[left, right].map((side, i) => (
          <SpaceVertical key={segments[i].title} gap="xsmall" data-testid="compare-side" data-segment={segments[i].title} className="side">
            <Heading as="h3" fontSize="medium">
              {segments[i].title}
            </Heading>
            <QueryStatus state={side.state} cancel={side.cancel} retry={side.retry} what={segments[i].title.toLowerCase()}>
              {({ data, summary, limitReached }) => (
                <>
                  <SegmentFigures summary={summary} unit={state.measure} limitReached={limitReached} />
                  {data.nodes.length === 0 ? (
                    <Paragraph data-testid="compare-empty">No journeys in this segment.</Paragraph>
                  ) : (
                    <SankeyChart
                      data={data}
                      unit={state.measure}
                      focus={null}
                      title={segments[i].title}
                      swatches={swatches ?? undefined}
                      columnName={(c) => pathColumnName(state, c)}
                      onNodeClick={(id) => onOpen({ ...segments[i].patch, compare: 'none', focus: id })}
                    />
                  )}
                </>
              )}
            </QueryStatus>
          </SpaceVertical>
        ))}
      </Sides>
      {hasInferred && <InferredLegend />}
    </SpaceVertical>
  );
}

function SegmentFigures({ summary, unit, limitReached }: { summary: Summary; unit: JourneyViewState['measure']; limitReached: boolean }) {
  return (
    <Paragraph fontSize="small" data-testid="compare-summary" data-count={summary.count} data-conversions={summary.conversions}>
      {measureCount(summary.count, unit)}, {summary.conversions.toLocaleString('en-US')} converted (
      {rateText(summary.conversions, summary.count)})
      {limitReached ? '; the chart shows the first distinct paths only (the server-side limit)' : ''}
    </Paragraph>
  );
}

const Sides = styled.div`
  display: grid;
  grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
  gap: 24px;
  .side {
    min-width: 0;
  }
`;
