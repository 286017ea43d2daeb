/**
 * Who is behind a node or link: its journeys' totals (from the subset summary the view runs), the median times
 * around it, and its persons (first SUBSET_PERSONS_LIMIT), each opening the Person view; "Explore in Looker" opens
 * the same persons' query. Names and emails only with the grant (runWithPii): otherwise the pseudonymous person id.
 */
import { Button, ButtonOutline, Heading, Paragraph, Space, SpaceVertical } from '@looker/components';
import { useHistory } from 'react-router-dom';
import styled from 'styled-components';
import { PERSON_FIELDS, SESSION_PATH_SESSION_ID } from '../../contract/looker';
import { LimitNotice, QueryStatus } from '../components/QueryStatus';
import { SUBSET_PERSONS_LIMIT, exploreUrl, subsetPersonsQuery, summaryFields } from '../looker/queries';
import { isYes, toNumber, toText } from '../looker/values';
import { useAsync, useLooker } from '../looker/useLooker';
import { runWithPii } from '../person/personSearch';
import { countOf, measureCount, rateText } from '../text';
import { DownloadCsv } from './DownloadCsv';
import { personsCsv, type SubsetPerson } from './csv';
import type { Summary } from './SummaryNumbers';
import type { JourneyViewState } from './viewState';

export interface Onward {
  /** The link's focus value. */
  id: string;
  label: string;
  value: number;
}

export interface SelectionPanelProps {
  state: JourneyViewState;
  /** "Pricing, step 2" or "Home → Pricing, steps 1 to 2". */
  title: string;
  /** Looker filters selecting the journeys (selectionFilters). */
  filters: Record<string, string>;
  summary: Summary | null;
  /** "median 2.0 h from the previous step; 1.5 days to the next" (or null). */
  medians: string | null;
  /** The node's outgoing links, to select one by keyboard. */
  onward: Onward[];
  onSelect: (focus: string) => void;
}

export function toSubsetPerson(row: Record<string, unknown>, measure: JourneyViewState['measure']): SubsetPerson {
  const f = summaryFields(measure);
  const cell = (k: string) => row[k] as string | number | boolean | null | undefined;
  return {
    sessionId: measure === 'sessions' ? toText(cell(SESSION_PATH_SESSION_ID)) : null,
    personId: toText(cell(f.personId)) ?? '',
    status: toText(cell(f.identityStatus)) ?? 'unknown',
    steps: toNumber(cell(f.stepCount)),
    converted: isYes(cell(f.converted)),
    events: toNumber(cell(PERSON_FIELDS.eventCount)),
    name: toText(cell(PERSON_FIELDS.name)),
    email: toText(cell(PERSON_FIELDS.email)),
  };
}

export function SelectionPanel({ state, title, filters, summary, medians, onward, onSelect }: SelectionPanelProps) {
  const { sdk, extensionSDK } = useLooker();
  const history = useHistory();
  const key = JSON.stringify({ s: { ...state, focus: null }, filters });
  const persons = useAsync(key, async (signal) => {
    const r = await runWithPii(sdk, (withPii) => subsetPersonsQuery({ ...state, focus: null }, filters, withPii), signal);
    return { rows: r.rows.map((row) => toSubsetPerson(row, state.measure)), piiHidden: r.piiHidden, limitReached: r.limitReached };
  });
  const unit = state.measure;
  const piiHidden = persons.state.status === 'success' ? persons.state.data.piiHidden : true;
  // The same persons in Looker, up to its own row limit; names and emails only for a user who may see them here.
  const lookerUrl = exploreUrl(subsetPersonsQuery({ ...state, focus: null }, filters, !piiHidden, 500));
  return (
    <SpaceVertical gap="small" data-testid="selection-panel" aria-label={`Who is behind ${title}`} role="region">
      <Space between align="end">
        <Heading as="h3" fontSize="large">
          Who is behind {title}
        </Heading>
        <Space gap="small" width="auto">
          <Button size="small" data-testid="selection-explore" onClick={() => extensionSDK.updateLocation(lookerUrl)}>
            Explore these {unit} in Looker
          </Button>
          {persons.state.status === 'success' && (
            <DownloadCsv
              testId="selection-csv"
              filename="journey-persons.csv"
              label={`Download ${unit} CSV`}
              csv={() =>
                personsCsv((persons.state as { data: { rows: SubsetPerson[] } }).data.rows, { piiHidden, sessions: unit === 'sessions' })
              }
            />
          )}
        </Space>
      </Space>
      {summary && (
        <Paragraph data-testid="selection-summary" data-count={summary.count} data-conversions={summary.conversions}>
          {measureCount(summary.count, unit)}, {countOf(summary.conversions, 'conversion')}, conversion rate{' '}
          {rateText(summary.conversions, summary.count)}
          {medians ? `; ${medians}` : ''}.
        </Paragraph>
      )}
      {onward.length > 0 && (
        <Space gap="xsmall" flexWrap="wrap" data-testid="selection-onward">
          <Paragraph fontSize="small">Onward:</Paragraph>
          {onward.map((o) => (
            <ButtonOutline key={o.id} size="xsmall" data-testid="onward-link" onClick={() => onSelect(o.id)}>
              → {o.label} ({o.value.toLocaleString('en-US')})
            </ButtonOutline>
          ))}
        </Space>
      )}
      <QueryStatus state={persons.state} cancel={persons.cancel} retry={persons.retry} what={unit}>
        {({ rows, limitReached }) => (
          <SpaceVertical gap="xsmall">
            {limitReached && (
              <LimitNotice
                limit={SUBSET_PERSONS_LIMIT}
                what={unit}
                total={summary?.count ?? null}
                advice={`The numbers above count all of them; Explore in Looker lists them all (the CSV holds these ${SUBSET_PERSONS_LIMIT}).`}
              />
            )}
            {piiHidden && (
              <Paragraph fontSize="small" color="text2" data-testid="selection-pii-note">
                Names and emails are hidden for your Looker account: persons are shown by their pseudonymous id.
              </Paragraph>
            )}
            <PersonsTable
              rows={rows}
              piiHidden={piiHidden}
              sessions={unit === 'sessions'}
              open={(id) => history.push(`/person?id=${encodeURIComponent(id)}`)}
            />
          </SpaceVertical>
        )}
      </QueryStatus>
    </SpaceVertical>
  );
}

function PersonsTable({
  rows,
  piiHidden,
  sessions,
  open,
}: {
  rows: SubsetPerson[];
  piiHidden: boolean;
  sessions: boolean;
  open: (id: string) => void;
}) {
  if (rows.length === 0) return <Paragraph data-testid="selection-empty">No {sessions ? 'sessions' : 'persons'} here.</Paragraph>;
  return (
    <Table data-testid="selection-persons">
      <thead>
        <tr>
          <th scope="col">Person</th>
          {!piiHidden && <th scope="col">Name</th>}
          {!piiHidden && <th scope="col">Email</th>}
          <th scope="col">Status</th>
          <th scope="col">Steps</th>
          <th scope="col">Events</th>
          <th scope="col">Converted</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr
            key={`${r.sessionId ?? ''}|${r.personId}|${i}`}
            data-testid="selection-person"
            data-person-id={r.personId}
            data-converted={r.converted}
          >
            <th scope="row">
              <ButtonOutline
                size="xsmall"
                onClick={() => open(r.personId)}
                aria-label={`Open person ${piiHidden || !r.name ? r.personId : r.name}`}
              >
                {r.personId}
              </ButtonOutline>
            </th>
            {!piiHidden && <td>{r.name ?? 'unknown'}</td>}
            {!piiHidden && <td>{r.email ?? 'unknown'}</td>}
            <td>{r.status}</td>
            <td>{r.steps}</td>
            <td>{r.events}</td>
            <td>{r.converted ? 'Yes' : 'No'}</td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

const Table = styled.table`
  border-collapse: collapse;
  font-size: 13px;
  th,
  td {
    text-align: left;
    padding: 4px 12px 4px 0;
    border-bottom: 1px solid ${({ theme }) => theme.colors.ui2};
    font-weight: normal;
  }
  thead th {
    font-weight: 600;
  }
`;
