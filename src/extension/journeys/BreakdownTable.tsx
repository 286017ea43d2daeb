/**
 * Persons (or sessions), conversions and conversion rate by first touch (#24: channels): the channel, a UTM field,
 * the referrer domain or the landing page path of each journey's first event, under the Journeys' filters.
 */
import {
  FieldSelect,
  Paragraph,
  SpaceVertical,
  Table,
  TableBody,
  TableDataCell,
  TableHead,
  TableHeaderCell,
  TableRow,
} from '@looker/components';
import { BREAKDOWN_ROW_LIMIT, breakdownField, summaryFields } from '../looker/queries';
import type { QueryResult } from '../looker/runQuery';
import { toNumber, toText } from '../looker/values';
import { BREAKDOWNS, type Breakdown, type JourneyViewState } from './viewState';

export const BREAKDOWN_TEXT: Record<Breakdown, string> = {
  channel: 'Channel',
  utm_source: 'UTM source',
  utm_medium: 'UTM medium',
  utm_campaign: 'UTM campaign',
  referrer_domain: 'Referrer domain',
  landing_page_path: 'Landing page path',
};

export interface BreakdownRow {
  /** null: the first touch has no value (no UTM, no referrer, no page path). */
  value: string | null;
  count: number;
  conversions: number;
  /** conversions / count; null when there is nothing to divide (never shown as 0%). */
  rate: number | null;
}

export function toBreakdownRows(result: QueryResult, state: Pick<JourneyViewState, 'measure' | 'breakdown'>): BreakdownRow[] {
  const f = summaryFields(state.measure);
  const field = breakdownField(state);
  return result.rows.map((r) => {
    const count = toNumber(r[f.count]);
    const conversions = toNumber(r[f.conversions]);
    return { value: toText(r[field]), count, conversions, rate: count > 0 ? conversions / count : null };
  });
}

const NO_VALUE: Record<Breakdown, string> = {
  channel: '(none)',
  utm_source: '(no UTM source)',
  utm_medium: '(no UTM medium)',
  utm_campaign: '(no UTM campaign)',
  referrer_domain: '(no referrer: direct or internal)',
  landing_page_path: '(no page view)',
};

export function BreakdownTable({
  state,
  rows,
  limitReached,
  onChange,
}: {
  state: JourneyViewState;
  rows: BreakdownRow[];
  limitReached: boolean;
  onChange: (patch: Partial<JourneyViewState>) => void;
}) {
  const unit = state.measure === 'persons' ? 'Persons' : 'Sessions';
  const by = BREAKDOWN_TEXT[state.breakdown];
  return (
    <SpaceVertical gap="small" data-testid="breakdown">
      <FieldSelect
        label="Conversion rate by first touch"
        data-testid="breakdown-by"
        width={220}
        value={state.breakdown}
        options={BREAKDOWNS.map((b) => ({ value: b, label: BREAKDOWN_TEXT[b] }))}
        onChange={(v: string) => onChange({ breakdown: v as Breakdown })}
      />
      <Table aria-label={`${unit} and conversion rate by first-touch ${by.toLowerCase()}`} data-testid="breakdown-table">
        <TableHead>
          <TableRow>
            <TableHeaderCell scope="col">{by} (first touch)</TableHeaderCell>
            <TableHeaderCell scope="col">{unit}</TableHeaderCell>
            <TableHeaderCell scope="col">Converted</TableHeaderCell>
            <TableHeaderCell scope="col">Conversion rate</TableHeaderCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map((r, i) => (
            <TableRow key={`${i}:${r.value ?? ''}`} data-testid="breakdown-row" data-value={r.value ?? ''}>
              <TableDataCell>{r.value ?? NO_VALUE[state.breakdown]}</TableDataCell>
              <TableDataCell>{r.count.toLocaleString('en-US')}</TableDataCell>
              <TableDataCell>{r.conversions.toLocaleString('en-US')}</TableDataCell>
              <TableDataCell data-testid="breakdown-rate">{r.rate === null ? 'n/a' : `${(r.rate * 100).toFixed(1)}%`}</TableDataCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {limitReached && (
        <Paragraph fontSize="small" color="text2">
          The {BREAKDOWN_ROW_LIMIT} largest values are shown.
        </Paragraph>
      )}
      {state.anchor === 'conversion' && (
        <Paragraph fontSize="small" color="text2" data-testid="breakdown-note">
          Over every journey under these filters, converted or not: the paths before the conversion hold converted journeys only.
        </Paragraph>
      )}
    </SpaceVertical>
  );
}
