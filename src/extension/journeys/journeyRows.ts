/** Query results → the view's values: path rows for the Sankey (with the inferred flags), totals for the summary. */
import { inferredColumnFields, pathColumnFields, summaryFields } from '../looker/queries';
import type { QueryResult } from '../looker/runQuery';
import { isYes, toNumber, toText } from '../looker/values';
import type { PathRow } from '../sankey/transform';
import { UNLABELLED_CONVERSION } from './selection';
import type { Summary } from './SummaryNumbers';
import type { JourneyViewState } from './viewState';

export function toPathRows(result: QueryResult, state: JourneyViewState): PathRow[] {
  const count = summaryFields(state.measure).count;
  const fields = pathColumnFields(state);
  const inferred = inferredColumnFields(state);
  return result.rows.map((r) => ({
    steps: fields.map((f, i) => toText(r[f]) ?? (state.anchor === 'conversion' && i === fields.length - 1 ? UNLABELLED_CONVERSION : null)),
    inferred: inferred.map((f) => (f ? isYes(r[f]) : null)),
    value: toNumber(r[count]),
    // From the first step, each path's conversions too: every node's conversion rate.
    ...(state.anchor === 'start' ? { conversions: toNumber(r[summaryFields(state.measure).conversions]) } : {}),
  }));
}

export function toSummary(result: QueryResult, state: Pick<JourneyViewState, 'measure'>): Summary {
  const f = summaryFields(state.measure);
  const row = result.rows[0] ?? {};
  return {
    count: toNumber(row[f.count]),
    identified: toNumber(row[f.identifiedCount]),
    inferred: toNumber(row[f.inferredCount]),
    conversions: toNumber(row[f.conversions]),
  };
}
