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
  journeyPathsQuery,
  journeySummaryQuery,
  latestEventQuery,
  pathColumnFields,
  pathColumnName,
  sourcesQuery,
  summaryFields,
  type InlineQuery,
} from '../looker/queries';
import { escapeStringLiteral } from '../looker/filterExpressions';
import { runInlineQuery, type QueryResult } from '../looker/runQuery';
import { useAsync, useLooker } from '../looker/useLooker';
import { toNumber, toText } from '../looker/values';
import { measureCount, plural } from '../text';
import { SankeyChart } from '../sankey/SankeyChart';
import { buildSankey, parseNodeId, type PathRow } from '../sankey/transform';
import { BreakdownTable, toBreakdownRows } from './BreakdownTable';
import { FilterBar, toIsoDate } from './FilterBar';
import { TouchFilters, type TouchOptions } from './TouchFilters';
import { SummaryNumbers, type Summary } from './SummaryNumbers';
import { DEFAULT_RANGE_DAYS, customRangeProblem, parseViewState, rangeEndingAtLatest, serializeViewState, type JourneyViewState } from './viewState';

export const INFERRED_NOTE =
  'Inferred: tied to a known person only by the name on an offsite profile (e.g. LinkedIn), scored on the evidence ' +
  '(how rare the name is, company, LinkedIn visits) to a match probability; no shared id, email or device. Probable, not certain.';

/** The conversion column's label for a conversion event that is no journey step (not in journeys.track_events). */
export const UNLABELLED_CONVERSION = 'Conversion';

/** The paths query plus the focused step as a filter, so Looker shows the same slice the chart shows. */
export function exploreQuery(state: JourneyViewState): InlineQuery {
  const q = journeyPathsQuery(state);
  const focus = state.focus ? parseNodeId(state.focus) : null;
  if (focus?.kind !== 'step') return q;
  const field = pathColumnFields(state)[focus.step - 1];
  const conversionColumn = state.anchor === 'conversion' && focus.step === state.steps + 1;
  // Looker's NULL filter: the conversion drawn as "Conversion" has no step label.
  const value = conversionColumn && focus.label === UNLABELLED_CONVERSION ? 'NULL' : escapeStringLiteral(focus.label);
  return { ...q, filters: { ...q.filters, [field]: value } };
}

function toPathRows(result: QueryResult, state: JourneyViewState): PathRow[] {
  const count = summaryFields(state.measure).count;
  const fields = pathColumnFields(state);
  return result.rows.map((r) => ({
    steps: fields.map((f, i) => toText(r[f]) ?? (state.anchor === 'conversion' && i === fields.length - 1 ? UNLABELLED_CONVERSION : null)),
    value: toNumber(r[count]),
    ...(state.anchor === 'start' ? { conversions: toNumber(r[summaryFields(state.measure).conversions]) } : {}),
  }));
}

function toSummary(result: QueryResult, state: JourneyViewState): Summary {
  const f = summaryFields(state.measure);
  const row = result.rows[0] ?? {};
  return {
    count: toNumber(row[f.count]),
    identified: toNumber(row[f.identifiedCount]),
    inferred: toNumber(row[f.inferredCount]),
    conversions: toNumber(row[f.conversions]),
  };
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
  const endsAtLatest = defaultDate && latest.state.status === 'success' ? rangeEndingAtLatest(latest.state.data, toIsoDate(new Date())) : null;
  const state = useMemo(() => {
    const parsed = parseViewState(location.search);
    return endsAtLatest ? { ...parsed, datePreset: 'custom' as const, ...endsAtLatest } : parsed;
  }, [location.search, endsAtLatest?.dateTo]);
  const update = useCallback(
    (patch: Partial<JourneyViewState>) => history.push({ pathname: location.pathname, search: serializeViewState({ ...state, ...patch }) }),
    [history, location.pathname, state],
  );

  // The focus only changes what is drawn, not what is queried: clicking a node runs no query.
  const queryState = useMemo(() => ({ ...state, focus: null }), [state]);
  const pathsQuery = journeyPathsQuery(queryState);
  // An incomplete custom range runs nothing (not even the source options): the fallback would be all time.
  const rangeProblem = customRangeProblem(state);
  // No status would send no status filter: every status, unmatched included. The explore buttons open the same
  // query, so whatever stops the query disables them too.
  const needsInput = state.statuses.length === 0 || rangeProblem !== null;
  const canQuery = !needsInput && !waitingForLatest;
  const key = canQuery ? JSON.stringify(pathsQuery) : null;
  const data = useAsync(key, async (signal) => {
    const [paths, summary] = await Promise.all([
      runInlineQuery(sdk, pathsQuery, signal),
      runInlineQuery(sdk, journeySummaryQuery(queryState), signal),
    ]);
    return { paths, summary: toSummary(summary, queryState), rows: toPathRows(paths, queryState) };
  });
  // Re-run when the date range changes: the options are the sources with events in the range drawn.
  const sourcesQ = sourcesQuery(queryState);
  const sources = useAsync(rangeProblem || waitingForLatest ? null : JSON.stringify(sourcesQ), async (signal) => {
    const r = await runInlineQuery(sdk, sourcesQ, signal);
    return r.rows.map((row) => toText(row[EVENT_FIELDS.source])).filter((s): s is string => s !== null);
  });

  // The first-touch filters' options and the landing path suggestions, over the same range (#24: channels).
  const touchQ = touchOptionsQuery(queryState);
  const touchValues = useAsync(rangeProblem || waitingForLatest ? null : JSON.stringify(touchQ), (signal) => runInlineQuery(sdk, touchQ, signal));
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

  const sankeyData = useMemo(
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
  const focus = state.focus ? parseNodeId(state.focus) : null;
  const url = exploreUrl(exploreQuery(state));

  return (
    <SpaceVertical gap="medium" p="large" data-testid="journeys-view">
      <Space between align="end">
        <Heading as="h2" fontSize="xlarge">
          Customer journeys
        </Heading>
        <Space gap="small" width="auto">
          <Button size="small" data-testid="explore-in-looker" disabled={!canQuery} onClick={() => extensionSDK.updateLocation(url)}>
            Explore in Looker
          </Button>
          <ButtonOutline size="small" data-testid="explore-new-window" disabled={!canQuery} onClick={() => extensionSDK.openBrowserWindow(url, '_blank')}>
            Open in new window
          </ButtonOutline>
        </Space>
      </Space>
      <FilterBar state={state} onChange={update} sourceOptions={sources.state.status === 'success' ? sources.state.data : []} />
      <TouchFilters state={state} options={touchOptions} onChange={update} />
      {endsAtLatest && (
        <Paragraph fontSize="small" data-testid="latest-range-note">
          No events in the last {DEFAULT_RANGE_DAYS} days: the range shows the {DEFAULT_RANGE_DAYS} days up to the latest event, on {endsAtLatest.dateTo}.
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
      ) : (
        <QueryStatus state={data.state} cancel={data.cancel} retry={data.retry} what="journeys">
          {({ paths, summary }) => (
            <SpaceVertical gap="medium">
              <SummaryNumbers summary={summary} unit={unit} />
              {paths.limitReached && <LimitNotice limit={PATHS_ROW_LIMIT} what="distinct paths" />}
              {focus && (
                <Space gap="small" data-testid="focus-bar">
                  <Paragraph>
                    Focused on {pathColumnName(state, focus.step).toLowerCase()}: <Span fontWeight="semiBold">{focus.kind === 'dropoff' ? 'Drop-off' : focus.label}</Span>
                  </Paragraph>
                  <ButtonOutline size="xsmall" data-testid="clear-focus" onClick={() => update({ focus: null })}>
                    Clear focus
                  </ButtonOutline>
                  {state.anchor === 'start' && focus.step === 1 && focus.kind === 'step' && (
                    <ButtonOutline size="xsmall" data-testid="use-as-landing" onClick={() => update({ landingPage: focus.label, focus: null })}>
                      Filter to this landing page
                    </ButtonOutline>
                  )}
                </Space>
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
                />
              )}
              {sankeyData && sankeyData.withoutSteps > 0 && (
                <Paragraph fontSize="small" color="text2" data-testid="without-steps">
                  {withoutStepsText(sankeyData.withoutSteps, unit)}
                </Paragraph>
              )}
              <QueryStatus state={breakdown.state} cancel={breakdown.cancel} retry={breakdown.retry} what="the breakdown">
                {(b) => <BreakdownTable state={state} rows={b.rows} limitReached={b.limitReached} onChange={update} />}
              </QueryStatus>
            </SpaceVertical>
          )}
        </QueryStatus>
      )}
    </SpaceVertical>
  );
}
