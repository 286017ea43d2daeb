/**
 * Search results as a listbox: one tab stop (roving tabindex, like the Sankey's nodes), Up/Down/Home/End move
 * between persons, Enter, Space or a click opens one. The person shown is the selected option and holds the tab stop
 * unless the user moved since. Each option is named in words (name, email, identity status, events, person id), so a
 * screen reader reads who it is, not a run of values.
 */
import { useState } from 'react';
import { Heading, Paragraph, Span, SpaceVertical } from '@looker/components';
import styled from 'styled-components';
import { LIST_MOVES, listPlaces, useRovingFocus } from '../rovingFocus';
import { countOf } from '../text';
import { Personal, personalText } from './Personal';
import type { PersonMatch } from './personSearch';

/** What a screen reader reads for a result. */
export function resultLabel(match: PersonMatch, piiHidden: boolean): string {
  return [
    personalText(match.name, piiHidden, 'name'),
    personalText(match.email, piiHidden, 'email'),
    `identity ${match.identityStatus ?? 'unknown'}`,
    countOf(match.eventCount ?? 0, 'event'),
    `person id ${match.personId}`,
  ].join(', ');
}

/** The result count, for the live region and the list's heading. */
export function resultCountText(n: number, term: string): string {
  return n === 0 ? `No person matches "${term}".` : `${countOf(n, 'person')} ${n === 1 ? 'matches' : 'match'} "${term}".`;
}

let listCount = 0;

export function PersonResults({
  matches,
  piiHidden,
  selected,
  onSelect,
}: {
  matches: readonly PersonMatch[];
  piiHidden: boolean;
  selected: string | null;
  onSelect: (personId: string) => void;
}) {
  const [listId] = useState(() => `person-results-${++listCount}`);
  const roving = useRovingFocus<HTMLLIElement>(selected);
  const ids = matches.map((m) => m.personId);
  const tabStop = roving.tabStop(ids);
  return (
    <SpaceVertical gap="xsmall">
      <Heading as="h3" fontSize="medium" id={`${listId}-heading`}>
        {countOf(matches.length, 'matching person', 'matching persons')}
      </Heading>
      <Options role="listbox" aria-labelledby={`${listId}-heading`}>
        {matches.map((m) => (
          <li
            key={m.personId}
            ref={roving.register(m.personId)}
            role="option"
            aria-selected={m.personId === selected}
            aria-label={resultLabel(m, piiHidden)}
            tabIndex={m.personId === tabStop ? 0 : -1}
            data-testid="person-result"
            data-person-id={m.personId}
            onClick={() => onSelect(m.personId)}
            onKeyDown={(e) => roving.onKey(e, m.personId, listPlaces(ids), onSelect, LIST_MOVES)}
            onFocus={() => roving.focused(m.personId)}
          >
            <Paragraph fontSize="small">
              <Span fontWeight="semiBold">
                <Personal value={m.name} hidden={piiHidden} what="name" />
              </Span>
              <Span color="text2" fontSize="xsmall" className="person-id">
                {m.personId}
              </Span>
            </Paragraph>
            <Paragraph fontSize="xsmall" color="text2">
              <Personal value={m.email} hidden={piiHidden} what="email" /> · {m.identityStatus ?? 'unknown status'} ·{' '}
              {countOf(m.eventCount ?? 0, 'event')}
            </Paragraph>
          </li>
        ))}
      </Options>
    </SpaceVertical>
  );
}

const Options = styled.ul`
  list-style: none;
  margin: 0;
  padding: 0;
  max-width: 640px;
  li {
    cursor: pointer;
    padding: ${({ theme }) => `${theme.space.u2} ${theme.space.u3}`};
    border-radius: ${({ theme }) => theme.radii.medium};
  }
  li:hover {
    background: ${({ theme }) => theme.colors.ui1};
  }
  li[aria-selected='true'] {
    background: ${({ theme }) => theme.colors.keySubtle};
    box-shadow: inset 3px 0 0 ${({ theme }) => theme.colors.key};
  }
  li:focus {
    outline: none;
  }
  li:focus-visible {
    outline: 2px solid ${({ theme }) => theme.colors.key};
    outline-offset: -2px;
  }
  .person-id {
    margin-left: ${({ theme }) => theme.space.u2};
  }
`;
