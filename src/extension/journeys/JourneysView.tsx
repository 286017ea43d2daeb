/**
 * The landing page: filters, summary numbers and the journey Sankey, all from the URL state. Two queries per
 * state (paths and totals) run together; the source list is fetched once for the filter's options.
 */
import { useCallback, useMemo } from 'react';
import { useHistory, useLocation } from 'react-router-dom';
import { Button, ButtonOutline, Heading, Paragraph, Space, SpaceVertical, Span } from '@looker/components';
import { EVENT_FIELDS, PERSON_FIELDS, SESSION_FIELDS } from '../../contract/looker';
import { EmptyState, LimitNotice, QueryStatus } from '../components/QueryStatus';
import {
  PATHS_ROW_LIMIT,
  breakdownQuery,
  exploreUrl,
  landingPathsQuery,
  touchOptionsQuery,
  gapMedianField,
  gapQuery,
  journeyPathsQuery,
  journeySummaryQuery,
  latestEventQuery,
  pathColumnFields,
  pathColumnName,
  sourcesQuery,
  subsetSummaryQuery,
  type InlineQuery,
} from '../looker/queries';
import { runInlineQuery, type QueryResult } from '../looker/runQuery';
import { useAsync, useLooker } from '../looker/useLooker';
import { toNumber, toText } from '../looker/values';
import { formatDuration, measureCount, plural } from '../text';
import { InferredLegend, SankeyChart } from '../sankey/SankeyChart';
import { buildSankey, type PathRow, type SankeyData, type SankeyLinkDatum, type SankeyNodeDatum } from '../sankey/transform';
import { BreakdownTable, toBreakdownRows } from './BreakdownTable';
import { FilterBar, toIsoDate } from './FilterBar';
import { TouchFilters, type TouchOptions } from './TouchFilters';
import { SummaryNumbers } from './SummaryNumbers';
import { SelectionPanel } from './SelectionPanel';
import { CompareView } from './CompareView';
import { DownloadCsv } from './DownloadCsv';
import { pathsCsv } from './csv';
import { toPathRows, toSummary } from './journeyRows';
import { UNLABELLED_CONVERSION, keptLabelsOf, linkFocusId, nodeName, parseSelection, selectionFilters, type Selection } from './selection';
import {
  DEFAULT_RANGE_DAYS,
  customRangeProblem,
  parseViewState,
  rangeEndingAtLatest,
  serializeViewState,
  type JourneyViewState,
} from './viewState';

export const INFERRED_NOTE =
  'Inferred: tied to a known person only by the name on an offsite profile (e.g. LinkedIn), scored on the evidence ' +
  '(how rare the name is, company, LinkedIn visits) to a match probability; no shared id, email or device. Probable, not certain.';

export { UNLABELLED_CONVERSION };

/**
 * The paths query plus the focused node's or link's filters, so Looker shows the same journeys the chart shows
 * (Other as "none of the column's kept labels", a drop-off as an empty column). `filters` null: nothing to carry.
 */
export function exploreQuery(state: JourneyViewState, filters: Record<string, string> | null): InlineQuery {
  const q = journeyPathsQuery({ ...state, focus: null });
  return filters ? { ...q, filters: { ...q.filters, ...filters } } : q;
}

export { toPathRows, toSummary };

/** The key of a link's median in the gap queries' answer: its column and its two labels. */
const gapKey = (column: number, from: string, to: string) => JSON.stringify([column, from, to]);

/**
 * The medians of the link tooltips: per pair of neighbouring columns, per pair of labels. A link from or to Other
 * folds several labels whose medians cannot be combined, and a drop-off has no next step: those say so instead.
 */
export function linkMedianText(
  link: SankeyLinkDatum,
  nodes: ReadonlyMap<string, SankeyNodeDatum>,
  medians: ReadonlyMap<string, number | null> | null,
): string | null {
  const s = nodes.get(link.source);
  const t = nodes.get(link.target);
  if (!s || !t || t.kind === 'dropoff' || !medians) return null;
  if (s.kind === 'other' || t.kind === 'other') return 'median time: select the link (Other folds several steps)';
  const seconds = medians.get(gapKey(s.step, s.label, t.label));
  const text = formatDuration(seconds ?? null);
  return text ? `median ${text} between them` : null;
}

/** "median 2.0 h from the previous step; 1.5 days to the next", from the subset summary's median fields. */
export function selectionMedianText(
  state: JourneyViewState,
  selection: Selection,
  row: Record<string, unknown> | undefined,
): string | null {
  if (!row) return null;
  const read = (column: number) => {
    const f = gapMedianField(state, column);
    return f ? formatDuration(row[f] as number | null) : null;
  };
  if (selection.kind === 'link') {
    const t = read(selection.source.step);
    return t ? `median ${t} between the two steps` : null;
  }
  const into = read(selection.node.step - 1);
  const out = selection.node.kind === 'dropoff' ? null : read(selection.node.step);
  const parts = [into && `median ${into} from the previous step`, out && `${into ? '' : 'median '}${out} to the next`].filter(Boolean);
  return parts.length ? parts.join('; ') : null;
}

/** The gap medians the subset summary asks for: into and out of a node's column, or along a link. */
function selectionGaps(state: JourneyViewState, selection: Selection): string[] {
  const columns = selection.kind === 'link' ? [selection.source.step] : [selection.node.step - 1, selection.node.step];
  return columns.map((c) => gapMedianField(state, c)).filter((f): f is string => f !== null);
}

/**
 * The filters' known values: sources (their own query), the UTM fields and referrer domains (one query of their
 * combinations; unknown when it hit its row limit, so that no existing value is reported missing), landing paths.
 */
export function touchOptionsFrom(sources: string[] | null, touch: QueryResult | null, landingPaths: string[]): TouchOptions {
  const column = (field: string) =>
    touch === null || touch.limitReached
      ? null
      : [...new Set(touch.rows.map((r) => toText(r[field])).filter((v): v is string => v !== null))].sort((a, b) => a.localeCompare(b));
  return {
    sources,
    utmSources: column(EVENT_FIELDS.utmSource),
    utmMediums: column(EVENT_FIELDS.utmMedium),
    utmCampaigns: column(EVENT_FIELDS.utmCampaign),
    referrerDomains: column(EVENT_FIELDS.referrerDomain),
    landingPaths,
  };
}

/** Journeys with no step at all cannot be drawn; saying how many keeps them from vanishing silently. */
export function withoutStepsText(n: number, measure: JourneyViewState['measure']): string {
  return `${measureCount(n, measure)} ${plural(n, 'has', 'have')} no journey steps and ${plural(n, 'is', 'are')} not drawn.`;
}

export function JourneysView() {
  const { sdk, extensionSDK } = useLooker();
  const location = useLocation();
  const history = useHistory();
  // Without a date in the URL, the default range ends at the latest event when the data stops before it: data
  // exported or generated on another day would otherwise open on an empty "last 90 days".
  const defaultDate = !new URLSearchParams(location.search).has('date');
  const latest = useAsync(defaultDate ? 'latest-event' : null, async (signal) =>
    toText((await runInlineQuery(sdk, latestEventQuery(), signal)).rows[0]?.[PERSON_FIELDS.lastSeenDate]),
  );
  // A failed look-up keeps the plain default (it only moves the default range).
  const waitingForLatest = defaultDate && (latest.state.status === 'loading' || latest.state.status === 'idle');
  const endsAtLatest =
    defaultDate && latest.state.status === 'success' ? rangeEndingAtLatest(latest.state.data, toIsoDate(new Date())) : null;
  const state = useMemo(() => {
    const parsed = parseViewState(location.search);
    return endsAtLatest ? { ...parsed, datePreset: 'custom' as const, ...endsAtLatest } : parsed;
  }, [location.search, endsAtLatest?.dateTo]);
  const update = useCallback(
    (patch: Partial<JourneyViewState>) => history.push({ pathname: location.pathname, search: serializeViewState({ ...state, ...patch }) }),
    [history, location.pathname, state],
  );

  // The focus does not change the paths query (the chart filters what it drew); its own small queries count it.
  const queryState = useMemo(() => ({ ...state, focus: null }), [state]);
  const pathsQuery = journeyPathsQuery(queryState);
  // An incomplete custom range runs nothing (not even the source options): the fallback would be all time.
  const rangeProblem = customRangeProblem(state);
  // No status would send no status filter: every status, unmatched included. The explore buttons open the same
  // query, so whatever stops the query disables them too.
  const needsInput = state.statuses.length === 0 || rangeProblem !== null;
  const canQuery = !needsInput && !waitingForLatest;
  const comparing = state.compare !== 'none';
  const key = canQuery && !comparing ? JSON.stringify(pathsQuery) : null;
  const data = useAsync(key, async (signal) => {
    const [paths, summary] = await Promise.all([
      runInlineQuery(sdk, pathsQuery, signal),
      runInlineQuery(sdk, journeySummaryQuery(queryState), signal),
    ]);
    return { paths, summary: toSummary(summary, queryState), rows: toPathRows(paths, queryState) };
  });
  // The link tooltips' medians: one small query per pair of neighbouring columns, after (not before) the chart.
  const columnCount = pathColumnFields(state).length;
  const gaps = useAsync(key && data.state.status === 'success' ? `gaps:${key}` : null, async (signal) => {
    const answers = await Promise.all(
      Array.from({ length: columnCount - 1 }, (_, i) => i + 1).map(async (column) => {
        const q = gapQuery(queryState, column)!;
        const r = await runInlineQuery(sdk, q, signal);
        const [from, to, median] = q.fields;
        // The conversion column's empty label is the unlabelled conversion, as the chart draws it.
        const unlabelled = state.anchor === 'conversion' && column + 1 === columnCount ? UNLABELLED_CONVERSION : '';
        return r.rows.map(
          (row) =>
            [
              gapKey(column, toText(row[from]) ?? '', toText(row[to]) ?? unlabelled),
              row[median] === null ? null : toNumber(row[median]),
            ] as const,
        );
      }),
    );
    return new Map<string, number | null>(answers.flat());
  });
  // Re-run when the date range changes: the options are the sources with events in the range drawn.
  const sourcesQ = sourcesQuery(queryState);
  const sources = useAsync(rangeProblem || waitingForLatest ? null : JSON.stringify(sourcesQ), async (signal) => {
    const r = await runInlineQuery(sdk, sourcesQ, signal);
    return r.rows.map((row) => toText(row[EVENT_FIELDS.source])).filter((s): s is string => s !== null);
  });

  // The first-touch filters' options and the landing path suggestions, over the same range (#24: channels).
  const touchQ = touchOptionsQuery(queryState);
  const touchValues = useAsync(rangeProblem || waitingForLatest ? null : JSON.stringify(touchQ), (signal) =>
    runInlineQuery(sdk, touchQ, signal),
  );
  const landingQ = landingPathsQuery(queryState);
  const landingPaths = useAsync(rangeProblem || waitingForLatest ? null : JSON.stringify(landingQ), async (signal) => {
    const r = await runInlineQuery(sdk, landingQ, signal);
    return r.rows.map((row) => toText(row[SESSION_FIELDS.landingPagePath])).filter((p): p is string => p !== null);
  });
  const touchOptions = useMemo(
    () =>
      touchOptionsFrom(
        sources.state.status === 'success' ? sources.state.data : null,
        touchValues.state.status === 'success' ? touchValues.state.data : null,
        landingPaths.state.status === 'success' ? landingPaths.state.data : [],
      ),
    [sources.state, touchValues.state, landingPaths.state],
  );
  // Conversion rate by first touch: its own small query, beside the paths.
  const breakdownQ = breakdownQuery(queryState);
  const breakdown = useAsync(canQuery ? JSON.stringify(breakdownQ) : null, async (signal) => {
    const r = await runInlineQuery(sdk, breakdownQ, signal);
    return { rows: toBreakdownRows(r, queryState), limitReached: r.limitReached };
  });

  const sankeyData: SankeyData | null = useMemo(
    () =>
      data.state.status === 'success'
        ? buildSankey(data.state.data.rows, {
            steps: pathColumnFields(state).length,
            topK: state.topK,
            focus: state.focus,
            align: state.anchor === 'conversion' ? 'end' : 'start',
          })
        : null,
    [data.state, state],
  );
  const unit = state.measure;
  const selection = parseSelection(state.focus);
  // The focus as Looker filters: known once the chart is drawn (Other needs the labels each column keeps).
  const selFilters = selection && sankeyData ? selectionFilters(state, selection, keptLabelsOf(sankeyData.allNodes)) : null;
  const subsetKey = canQuery && selFilters ? JSON.stringify({ q: queryState, selFilters }) : null;
  const subset = useAsync(subsetKey, async (signal) => {
    const r = await runInlineQuery(sdk, subsetSummaryQuery(queryState, selFilters!, selectionGaps(state, selection!)), signal);
    return { summary: toSummary(r, queryState), row: r.rows[0] };
  });
  const subsetSummary = subset.state.status === 'success' ? subset.state.data.summary : null;
  const medians = subset.state.status === 'success' && selection ? selectionMedianText(state, selection, subset.state.data.row) : null;
  const url = exploreUrl(exploreQuery(state, selFilters));
  const nodesById = useMemo(() => new Map((sankeyData?.allNodes ?? []).map((n) => [n.id, n])), [sankeyData]);
  const gapMedians = gaps.state.status === 'success' ? gaps.state.data : null;
  const selectionTitle = selection ? describeSelection(state, selection) : '';
  const onward =
    selection?.kind === 'node' && sankeyData
      ? sankeyData.links
          .filter((l) => l.source === selection.id)
          .map((l) => ({
            id: linkFocusId(l.source, l.target),
            label: nodesById.get(l.target) ? nodeName(nodesById.get(l.target)!) : l.target,
            value: l.value,
          }))
          // The busiest first (ties by label), as people scan them.
          .sort((a, b) => b.value - a.value || a.label.localeCompare(b.label))
      : [];
  const hasInferred = sankeyData?.nodes.some((n) => n.inferred > 0) ?? false;

  return (
    <SpaceVertical gap="medium" p="large" data-testid="journeys-view">
      <Space between align="end">
        <Heading as="h2" fontSize="xlarge">
          Customer journeys
        </Heading>
        <Space gap="small" width="auto">
          {data.state.status === 'success' && !comparing && (
            <DownloadCsv
              testId="paths-csv"
              filename="journey-paths.csv"
              label="Download paths CSV"
              csv={() =>
                pathsCsv(
                  (data.state as { data: { rows: PathRow[] } }).data.rows,
                  pathColumnFields(state).map((_, i) => pathColumnName(state, i + 1)),
                  unit,
                )
              }
            />
          )}
          <Button size="small" data-testid="explore-in-looker" disabled={!canQuery} onClick={() => extensionSDK.updateLocation(url)}>
            Explore in Looker
          </Button>
          <ButtonOutline
            size="small"
            data-testid="explore-new-window"
            disabled={!canQuery}
            onClick={() => extensionSDK.openBrowserWindow(url, '_blank')}
          >
            Open in new window
          </ButtonOutline>
        </Space>
      </Space>
      <FilterBar state={state} onChange={update} sourceOptions={sources.state.status === 'success' ? sources.state.data : []} />
      <TouchFilters state={state} options={touchOptions} onChange={update} />
      {endsAtLatest && (
        <Paragraph fontSize="small" data-testid="latest-range-note">
          No events in the last {DEFAULT_RANGE_DAYS} days: the range shows the {DEFAULT_RANGE_DAYS} days up to the latest event, on{' '}
          {endsAtLatest.dateTo}.
        </Paragraph>
      )}
      <Paragraph fontSize="small" color="text2" data-testid="inferred-note">
        {INFERRED_NOTE}
      </Paragraph>
      {needsInput ? (
        <EmptyState>
          {state.statuses.length === 0 && <Paragraph>Select at least one identity status to see journeys.</Paragraph>}
          {rangeProblem && <Paragraph data-testid="date-range-problem">{rangeProblem} Journeys run once the range is valid.</Paragraph>}
        </EmptyState>
      ) : waitingForLatest ? (
        <QueryStatus state={latest.state} cancel={latest.cancel} retry={latest.retry} what="the latest event">
          {() => <></>}
        </QueryStatus>
      ) : comparing ? (
        <CompareView state={queryState} onOpen={update} />
      ) : (
        <QueryStatus state={data.state} cancel={data.cancel} retry={data.retry} what="journeys">
          {({ paths, summary }) => (
            <SpaceVertical gap="medium">
              <SummaryNumbers
                summary={selection && subsetSummary ? subsetSummary : summary}
                all={selection && subsetSummary ? summary : null}
                focusName={selectionTitle}
                unit={unit}
              />
              {paths.limitReached && <LimitNotice limit={PATHS_ROW_LIMIT} what="distinct paths" />}
              {state.focus && (
                <Space gap="small" data-testid="focus-bar">
                  <Paragraph>
                    {selection?.kind === 'node' ? (
                      <>
                        Focused on {pathColumnName(state, selection.node.step).toLowerCase()}:{' '}
                        <Span fontWeight="semiBold">{nodeName(selection.node)}</Span>
                      </>
                    ) : (
                      <>
                        Focused on <Span fontWeight="semiBold">{selection ? selectionTitle : 'a node that is not drawn'}</Span>
                      </>
                    )}
                  </Paragraph>
                  <ButtonOutline size="xsmall" data-testid="clear-focus" onClick={() => update({ focus: null })}>
                    Clear focus
                  </ButtonOutline>
                  {state.anchor === 'start' &&
                    selection?.kind === 'node' &&
                    selection.node.step === 1 &&
                    selection.node.kind === 'step' && (
                      <ButtonOutline
                        size="xsmall"
                        data-testid="use-as-landing"
                        onClick={() => update({ landingPage: selection.node.label, focus: null })}
                      >
                        Filter to this landing page
                      </ButtonOutline>
                    )}
                </Space>
              )}
              {selection && selection.kind === 'node' && selection.node.kind === 'other' && selFilters && (
                <Paragraph fontSize="small" color="text2" data-testid="other-note">
                  Other is carried into Looker as none of the labels this column draws (
                  {keptLabelsOf(sankeyData!.allNodes)(selection.node.step).length} of them) and not empty: Looker shows the same journeys,
                  each with its own label.
                </Paragraph>
              )}
              {state.focus && !selFilters && (
                <Paragraph fontSize="small" color="text2" data-testid="focus-not-carried">
                  The focus names no node of this chart: Explore in Looker opens all the journeys, unfocused.
                </Paragraph>
              )}
              {!sankeyData || sankeyData.nodes.length === 0 ? (
                <EmptyState>
                  <Paragraph fontWeight="semiBold">No journeys match these filters.</Paragraph>
                  <Paragraph fontSize="small">Widen the date range or select more identity statuses or sources.</Paragraph>
                </EmptyState>
              ) : (
                <SankeyChart
                  data={sankeyData}
                  unit={unit}
                  focus={state.focus}
                  columnName={(column) => pathColumnName(state, column)}
                  onNodeClick={(id) => update({ focus: state.focus === id ? null : id })}
                  onLinkClick={(source, target) => {
                    const id = linkFocusId(source, target);
                    update({ focus: state.focus === id ? null : id });
                  }}
                  linkNote={(l) => linkMedianText(l, nodesById, gapMedians)}
                  nodeNote={(n) => (selection?.kind === 'node' && selection.id === n.id ? medians : null)}
                />
              )}
              {hasInferred && <InferredLegend />}
              {sankeyData && sankeyData.withoutSteps > 0 && (
                <Paragraph fontSize="small" color="text2" data-testid="without-steps">
                  {withoutStepsText(sankeyData.withoutSteps, unit)}
                </Paragraph>
              )}
              <QueryStatus state={breakdown.state} cancel={breakdown.cancel} retry={breakdown.retry} what="the breakdown">
                {(b) => <BreakdownTable state={state} rows={b.rows} limitReached={b.limitReached} onChange={update} />}
              </QueryStatus>
              {selection && selFilters && (
                <SelectionPanel
                  state={queryState}
                  title={selectionTitle}
                  filters={selFilters}
                  summary={subsetSummary}
                  medians={medians}
                  onward={onward}
                  onSelect={(focus) => update({ focus })}
                />
              )}
            </SpaceVertical>
          )}
        </QueryStatus>
      )}
    </SpaceVertical>
  );
}

/** "Pricing, step 2"; "Home → Pricing, step 1 to step 2"; "Drop-off after step 2". */
export function describeSelection(state: JourneyViewState, selection: Selection): string {
  const at = (step: number) => pathColumnName(state, step).toLowerCase();
  if (selection.kind === 'link') {
    return `${nodeName(selection.source)} → ${nodeName(selection.target)}, ${at(selection.source.step)} to ${at(selection.target.step)}`;
  }
  const n = selection.node;
  return n.kind === 'dropoff' ? `Drop-off after ${at(n.step - 1)}` : `${nodeName(n)}, ${at(n.step)}`;
}
