/**
 * Find a person by name, email or id (typeahead), then read their whole journey across sources and devices.
 * The chosen person lives in the URL (?id=…), so a person's page can be shared; the search term does not: it is often
 * an email or a name, and a link (or a reload after the personal-data grant is gone) would hand it on.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useHistory, useLocation } from 'react-router-dom';
import { FieldText, Heading, MessageBar, Paragraph, SpaceVertical, VisuallyHidden } from '@looker/components';
import { PII_ACCESS_GRANT } from '../../contract/looker';
import { EmptyState, LimitNotice, QueryStatus } from '../components/QueryStatus';
import { EVENTS_ROW_LIMIT, SEARCH_ROW_LIMIT, personEventsQuery } from '../looker/queries';
import { runInlineQuery } from '../looker/runQuery';
import { useAsync, useLooker } from '../looker/useLooker';
import { isYes } from '../looker/values';
import { countOf } from '../text';
import { Personal } from './Personal';
import { PersonResults, resultCountText } from './PersonResults';
import { fetchPerson, searchPersons } from './personSearch';
import { Timeline } from './Timeline';
import { toTimeline } from './timelineEntries';

export const SEARCH_DEBOUNCE_MS = 300;
export const MIN_SEARCH_CHARS = 2;

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return debounced;
}

/** Labels that the dotted line of values shows by position only: read by screen readers, not drawn. */
const Label = ({ children }: { children: string }) => <VisuallyHidden as="span">{children} </VisuallyHidden>;

type Person = NonNullable<Awaited<ReturnType<typeof fetchPerson>>['person']>;

/**
 * The chosen person's heading (their name, else "Person <id>", never a bare "hidden") and a line of facts. The
 * heading is the section's: the timeline's own heading sits under it.
 */
function PersonHeader({ person, piiHidden, loaded }: { person: Person; piiHidden: boolean; loaded: number }) {
  const name = piiHidden ? null : person.name;
  return (
    <SpaceVertical gap="xxsmall" data-testid="person-header">
      <Heading as="h3" fontSize="large">
        {name ?? `Person ${person.personId}`}
      </Heading>
      <Paragraph fontSize="small" color="text2">
        {name === null && (
          <>
            <Personal value={person.name} hidden={piiHidden} what="name" />
            {' · '}
          </>
        )}
        <Personal value={person.email} hidden={piiHidden} what="email" />
        {name !== null && (
          <>
            {' · '}
            <Label>person id</Label>
            {person.personId}
          </>
        )}
        {' · '}
        <Label>identity status</Label>
        {person.identityStatus ?? 'unknown'}
        {/* The person's own count: the timeline stops at the row limit. */}
        {' · '}
        {countOf(person.eventCount ?? loaded, 'event')}
      </Paragraph>
      <Paragraph fontSize="small" data-testid="person-dates">
        <span data-testid="person-first-seen">First seen {person.firstSeen ?? 'unknown'}</span>
        {' · '}
        <span data-testid="person-last-seen">Last seen {person.lastSeen ?? 'unknown'}</span>
        {' · '}
        <span data-testid="person-converted">
          {isYes(person.converted ?? null) ? `Converted ${person.firstConverted ?? '(date unknown)'}` : 'Not converted'}
        </span>
      </Paragraph>
    </SpaceVertical>
  );
}

function PersonJourney({ personId }: { personId: string }) {
  const { sdk } = useLooker();
  const journey = useAsync(personId, async (signal) => {
    const [person, events] = await Promise.all([
      fetchPerson(sdk, personId, signal),
      runInlineQuery(sdk, personEventsQuery(personId), signal),
    ]);
    return { ...person, events: toTimeline(events.rows), limitReached: events.limitReached };
  });
  return (
    <QueryStatus state={journey.state} cancel={journey.cancel} retry={journey.retry} what="the journey">
      {({ person, piiHidden, events, limitReached }) =>
        !person ? (
          <EmptyState>
            <Paragraph>No person with id {personId}.</Paragraph>
          </EmptyState>
        ) : (
          <SpaceVertical gap="medium" data-testid="person-journey" data-person-id={personId}>
            <PersonHeader person={person} piiHidden={piiHidden} loaded={events.length} />
            {limitReached && (
              <LimitNotice limit={EVENTS_ROW_LIMIT} what="events" total={person.eventCount} advice="The timeline starts with the oldest." />
            )}
            {events.length === 0 ? (
              <EmptyState>
                <Paragraph>This person has no events.</Paragraph>
              </EmptyState>
            ) : (
              <Timeline key={personId} entries={events} />
            )}
          </SpaceVertical>
        )
      }
    </QueryStatus>
  );
}

export function PersonView() {
  const { sdk } = useLooker();
  const location = useLocation();
  const history = useHistory();
  const params = useMemo(() => new URLSearchParams(location.search), [location.search]);
  const personId = params.get('id');
  const [term, setTerm] = useState('');
  const debounced = useDebounced(term.trim(), SEARCH_DEBOUNCE_MS);

  const setParams = useCallback(
    (next: Record<string, string | null>) => {
      const p = new URLSearchParams(location.search);
      for (const [k, v] of Object.entries(next)) {
        if (v) p.set(k, v);
        else p.delete(k);
      }
      const search = p.toString();
      history.replace({ pathname: location.pathname, search: search ? `?${search}` : '' });
    },
    [history, location.pathname, location.search],
  );
  // A term in a link from an earlier version (?q=…) is dropped from the URL, unread.
  useEffect(() => {
    if (params.has('q')) setParams({ q: null });
  }, [params, setParams]);

  // The result keeps its term: for one render after the term changes, the state is still the old term's.
  const search = useAsync(debounced.length >= MIN_SEARCH_CHARS ? debounced : null, async (signal) => ({
    term: debounced,
    ...(await searchPersons(sdk, debounced, signal)),
  }));
  const resultCount = search.state.status === 'success' ? resultCountText(search.state.data.matches.length, search.state.data.term) : '';

  return (
    <SpaceVertical gap="medium" p="large" data-testid="person-view">
      <Heading as="h2" fontSize="xlarge">
        A person's journey
      </Heading>
      <FieldText
        label="Find a person"
        description="Name (First Last or Last, First), email, person id, or a device id copied from a timeline (with the personal-data grant)"
        placeholder="e.g. Ada Lovelace or ada@example.com"
        value={term}
        data-testid="person-search-input"
        onChange={(e: React.ChangeEvent<HTMLInputElement>) => setTerm(e.currentTarget.value)}
        width={420}
      />
      {/* Always rendered, so a screen reader announces each new count (a region that appears with its text may not be). */}
      <VisuallyHidden role="status" aria-live="polite" aria-atomic="true" data-testid="person-result-count">
        {resultCount}
      </VisuallyHidden>
      <QueryStatus state={search.state} cancel={search.cancel} retry={search.retry} what="matching persons">
        {({ term: searched, matches, piiHidden, limitReached }) => (
          <SpaceVertical gap="small" data-testid="person-results">
            {piiHidden && (
              <div data-testid="pii-hidden-note">
                <MessageBar intent="inform" noActions>
                  Names and emails are hidden for your Looker account (they need the {PII_ACCESS_GRANT} access grant). Search matches person
                  ids.
                </MessageBar>
              </div>
            )}
            {limitReached && (
              <Paragraph fontSize="small" color="text2" data-testid="limit-notice">
                Showing the first {SEARCH_ROW_LIMIT} matches per field; type more to narrow.
              </Paragraph>
            )}
            {matches.length === 0 ? (
              <EmptyState>
                <Paragraph>{resultCountText(0, searched)}</Paragraph>
              </EmptyState>
            ) : (
              <PersonResults matches={matches} piiHidden={piiHidden} selected={personId} onSelect={(id) => setParams({ id })} />
            )}
          </SpaceVertical>
        )}
      </QueryStatus>
      {personId ? (
        <PersonJourney personId={personId} />
      ) : (
        debounced.length < MIN_SEARCH_CHARS && (
          <Paragraph color="text2" data-testid="person-hint">
            Type at least {MIN_SEARCH_CHARS} characters to search.
          </Paragraph>
        )
      )}
    </SpaceVertical>
  );
}
