/**
 * A person's events in time order: when, where (source and device), what, and how the event is tied to them. A table
 * named by its heading and described by its summary; each row's time is its row header, so a screen reader moving
 * along a row hears which event and which column. Identity is words (status and link), the inferred marker included:
 * its colour is never the only cue.
 */
import { useState } from 'react';
import {
  Badge,
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
import { LINK_REASON_TEXT, type TimelineEntry } from './timelineEntries';

const INFERRED_WHY =
  'Inferred: this event is tied to the person only because the offsite profile name matches theirs (name match).';

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

export function Timeline({ entries }: { entries: TimelineEntry[] }) {
  const [id] = useState(() => `timeline-${++timelineCount}`);
  const devices = new Set(entries.map((e) => e.device).filter(Boolean)).size;
  const sources = new Set(entries.map((e) => e.source)).size;
  const inferred = entries.filter((e) => e.inferred).length;
  return (
    <>
      <Heading as="h4" fontSize="medium" id={`${id}-heading`}>
        Timeline
      </Heading>
      <Paragraph fontSize="small" color="text2" data-testid="timeline-summary" id={`${id}-summary`}>
        {countOf(entries.length, 'event')} across {countOf(sources, 'source')} and {countOf(devices, 'device')}
        {inferred > 0 ? `; ${inferred} tied by name match only (marked inferred)` : ''}.
      </Paragraph>
      {inferred > 0 && (
        <Paragraph fontSize="small" color="text2" data-testid="timeline-inferred-note">
          {TIMELINE_INFERRED_NOTE}
        </Paragraph>
      )}
      <Table data-testid="timeline" aria-labelledby={`${id}-heading`} aria-describedby={`${id}-summary`}>
        <TableHead>
          <TableRow>
            <TableHeaderCell scope="col" pr="small">Time (UTC)</TableHeaderCell>
            <TableHeaderCell scope="col" pr="small">Source</TableHeaderCell>
            <TableHeaderCell scope="col" pr="small">Page or action</TableHeaderCell>
            <TableHeaderCell scope="col" pr="small">Device (anonymous id)</TableHeaderCell>
            <TableHeaderCell scope="col" pr="small">Identity (how tied)</TableHeaderCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {entries.map((e) => (
            <TableRow
              key={e.eventId}
              data-testid="timeline-row"
              data-event-id={e.eventId}
              data-source={e.source}
              data-inferred={e.inferred ? 'true' : 'false'}
            >
              <TableDataCell as="th" scope="row" fontWeight="normal" textAlign="left" pr="small">
                {e.time ?? <Nothing spoken="time unknown" />}
              </TableDataCell>
              <TableDataCell pr="small">{e.source}</TableDataCell>
              <TableDataCell pr="small">
                {e.action}
                {e.eventType && e.eventType !== 'page' ? <Span color="text2"> ({e.eventType})</Span> : null}
              </TableDataCell>
              <TableDataCell pr="small">
                {e.device ? (
                  <Space gap="xsmall">
                    <Span fontWeight="semiBold">{e.device}</Span>
                    {e.anonymousId && (
                      <Span color="text2" fontSize="xsmall">
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
          ))}
        </TableBody>
      </Table>
    </>
  );
}
