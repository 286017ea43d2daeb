/**
 * A person's events in time order: when, where (source and device), what, and how the event is tied to them. A table
 * named by its heading and described by its summary; each row's time is its row header, so a screen reader moving
 * along a row hears which event and which column. Identity is words (status and link), the inferred marker included:
 * its colour is never the only cue.
 */
import { useMemo, useState } from 'react';
import styled from 'styled-components';
import {
  Badge,
  ButtonOutline,
  Heading,
  Paragraph,
  Space,
  Span,
  Table,
  TableBody,
  TableDataCell,
  TableHead,
  TableHeaderCell,
  TableRow,
  VisuallyHidden,
} from '@looker/components';
import { countOf } from '../text';
import { durationText, groupBySession, pageSessions, type SessionGroup } from './sessions';
import { LINK_REASON_TEXT, type TimelineEntry } from './timelineEntries';

const INFERRED_WHY = 'Inferred: this event is tied to the person only because the offsite profile name matches theirs (name match).';

/** Shown under the summary when a row is marked inferred: the marker's tooltip, for those who cannot hover. */
export const TIMELINE_INFERRED_NOTE =
  'Marked inferred: tied to this person only because the name on an offsite profile matches theirs; no shared id, ' +
  'email or device. Probable, not certain.';

/** A cell with nothing in it: a dash to see, a word to hear (a lone dash is read as "dash" or not at all). */
const Nothing = ({ spoken }: { spoken: string }) => (
  <>
    <Span color="text2" aria-hidden="true">
      —
    </Span>
    <VisuallyHidden as="span">{spoken}</VisuallyHidden>
  </>
);

/** The event's identity status and why it is tied to the person, in words. */
export function identityText(e: Pick<TimelineEntry, 'identityStatus' | 'linkReason'>): string {
  const reason = e.linkReason ? (LINK_REASON_TEXT[e.linkReason] ?? e.linkReason) : null;
  return [e.identityStatus ?? 'unknown status', reason].filter(Boolean).join(' · ');
}

let timelineCount = 0;

/** "p 0.93: rare name + company acme": the scored match's probability and evidence, in words. */
export function matchText(e: Pick<TimelineEntry, 'matchProbability' | 'matchEvidence'>): string | null {
  const parts = [e.matchProbability === null ? null : `probability ${e.matchProbability.toFixed(2)}`, e.matchEvidence];
  const text = parts.filter(Boolean).join(': ');
  return text === '' ? null : text;
}

export function InferredMarker({ reason, match }: { reason: string | null; match?: string | null }) {
  return (
    <Space gap="xxsmall" align="center">
      <Badge intent="warn" size="small" data-testid="inferred-marker" data-link-reason={reason ?? ''} title={INFERRED_WHY}>
        inferred · {reason === 'name_match' || !reason ? 'name match' : reason}
      </Badge>
      {match && (
        <Span fontSize="xsmall" color="text2" data-testid="match-evidence">
          {match}
        </Span>
      )}
    </Space>
  );
}

/** The words of a session's header row: when, how long, where from, where it landed, how much, and whether it converted. */
export function sessionHeaderText(g: SessionGroup): string {
  const landing =
    g.landingPath && g.landing && g.landing !== g.landingPath ? `${g.landing} (${g.landingPath})` : (g.landing ?? g.landingPath);
  return [
    `Session ${g.number}${g.parts > 1 ? ` (part ${g.part} of ${g.parts})` : ''}`,
    `started ${g.start ?? 'at an unknown time'}`,
    durationText(g.durationSeconds),
    g.channel ?? 'channel unknown',
    landing ? `landed on ${landing}` : 'no page view',
    countOf(g.entries.length, 'event'),
    g.converted ? 'converted' : 'no conversion',
  ].join(' · ');
}

/** "Page 2 of 5 · sessions 11–20 of 43 · events 51–97 of 230": where the page is, in sessions and events. */
export function pageText(pages: readonly SessionGroup[][], index: number): string {
  const all = pages.flat();
  const page = pages[index];
  const eventsBefore = pages
    .slice(0, index)
    .flat()
    .reduce((n, g) => n + g.entries.length, 0);
  const events = page.reduce((n, g) => n + g.entries.length, 0);
  const totalEvents = all.reduce((n, g) => n + g.entries.length, 0);
  const sessions = all.length === 0 ? 0 : all[all.length - 1].number;
  const range = (a: number, b: number) => (a === b ? `${a}` : `${a}–${b}`);
  return [
    `Page ${index + 1} of ${pages.length}`,
    `${sessions === 1 ? 'session' : 'sessions'} ${range(page[0].number, page[page.length - 1].number)} of ${sessions}`,
    `events ${range(eventsBefore + 1, eventsBefore + events)} of ${totalEvents.toLocaleString('en-US')}`,
  ].join(' · ');
}

function Pager({ pages, index, onPage }: { pages: SessionGroup[][]; index: number; onPage: (i: number) => void }) {
  return (
    <Space gap="small" align="center" data-testid="timeline-pager">
      <ButtonOutline size="xsmall" disabled={index === 0} onClick={() => onPage(index - 1)} data-testid="timeline-previous">
        Previous
      </ButtonOutline>
      <Span fontSize="small" data-testid="timeline-page" aria-live="polite">
        {pageText(pages, index)}
      </Span>
      <ButtonOutline size="xsmall" disabled={index === pages.length - 1} onClick={() => onPage(index + 1)} data-testid="timeline-next">
        Next
      </ButtonOutline>
    </Space>
  );
}

export function Timeline({ entries }: { entries: TimelineEntry[] }) {
  const [id] = useState(() => `timeline-${++timelineCount}`);
  const devices = new Set(entries.map((e) => e.device).filter(Boolean)).size;
  const sources = new Set(entries.map((e) => e.source)).size;
  const inferred = entries.filter((e) => e.inferred).length;
  const groups = useMemo(() => groupBySession(entries), [entries]);
  const pages = useMemo(() => pageSessions(groups), [groups]);
  const [pageIndex, setPageIndex] = useState(0);
  const index = Math.min(pageIndex, pages.length - 1);
  const page = pages[index] ?? [];
  return (
    <>
      <Heading as="h4" fontSize="medium" id={`${id}-heading`}>
        Timeline
      </Heading>
      <Paragraph fontSize="small" color="text2" data-testid="timeline-summary" id={`${id}-summary`}>
        {countOf(entries.length, 'event')} in {countOf(groups.length, 'session')}, across {countOf(sources, 'source')} and{' '}
        {countOf(devices, 'device')}
        {inferred > 0 ? `; ${inferred} tied by name match only (marked inferred)` : ''}.
      </Paragraph>
      {inferred > 0 && (
        <Paragraph fontSize="small" color="text2" data-testid="timeline-inferred-note">
          {TIMELINE_INFERRED_NOTE}
        </Paragraph>
      )}
      {pages.length > 1 && <Pager pages={pages} index={index} onPage={setPageIndex} />}
      <Table data-testid="timeline" aria-labelledby={`${id}-heading`} aria-describedby={`${id}-summary`}>
        <TableHead>
          <TableRow>
            <TableHeaderCell scope="col" pr="small">
              Time (UTC)
            </TableHeaderCell>
            <TableHeaderCell scope="col" pr="small">
              Source
            </TableHeaderCell>
            <TableHeaderCell scope="col" pr="small">
              Page or action
            </TableHeaderCell>
            <TableHeaderCell scope="col" pr="small">
              Device (anonymous id)
            </TableHeaderCell>
            <TableHeaderCell scope="col" pr="small">
              Identity (how tied)
            </TableHeaderCell>
          </TableRow>
        </TableHead>
        {page.map((g) => (
          <TableBody
            key={`${g.sessionId}:${g.part}`}
            data-testid="timeline-session"
            data-session-id={g.sessionId}
            data-converted={g.converted ? 'true' : 'false'}
          >
            <SessionRow>
              <TableHeaderCell as="th" scope="rowgroup" colSpan={5} data-testid="session-header" pt="medium" pb="xsmall">
                {sessionHeaderText(g)}
              </TableHeaderCell>
            </SessionRow>
            {g.entries.map((e) => (
              <EventRow key={e.eventId} e={e} />
            ))}
          </TableBody>
        ))}
      </Table>
      {pages.length > 1 && <Pager pages={pages} index={index} onPage={setPageIndex} />}
    </>
  );
}

/** A session's header row: a band above its events. */
const SessionRow = styled(TableRow)`
  th {
    background: ${({ theme }) => theme.colors.ui1};
    border-top: 1px solid ${({ theme }) => theme.colors.ui3};
    font-weight: 600;
    text-align: left;
  }
`;

function EventRow({ e }: { e: TimelineEntry }) {
  return (
    <TableRow data-testid="timeline-row" data-event-id={e.eventId} data-source={e.source} data-inferred={e.inferred ? 'true' : 'false'}>
      <TableDataCell as="th" scope="row" fontWeight="normal" textAlign="left" pr="small">
        {e.time ?? <Nothing spoken="time unknown" />}
      </TableDataCell>
      <TableDataCell pr="small">{e.source}</TableDataCell>
      <TableDataCell pr="small">
        {e.action}
        {e.eventType && e.eventType !== 'page' ? <Span color="text2"> ({e.eventType})</Span> : null}
        {e.isConversion ? <Span fontWeight="semiBold"> · conversion</Span> : null}
      </TableDataCell>
      <TableDataCell pr="small">
        {e.device ? (
          <Space gap="xsmall">
            <Span fontWeight="semiBold">{e.device}</Span>
            {e.anonymousId && (
              <Span color="text2" fontSize="xsmall" data-testid="device-id">
                {e.anonymousId}
              </Span>
            )}
          </Space>
        ) : (
          <Nothing spoken="no device" />
        )}
      </TableDataCell>
      <TableDataCell pr="small">
        {e.inferred ? <InferredMarker reason={e.linkReason} match={matchText(e)} /> : <Span>{identityText(e)}</Span>}
      </TableDataCell>
    </TableRow>
  );
}
