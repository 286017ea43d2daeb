/** A person's events in time order: when, where (source and device), what, and how the event is tied to them. */
import {
  Badge,
  Paragraph,
  Space,
  Span,
  Table,
  TableBody,
  TableDataCell,
  TableHead,
  TableHeaderCell,
  TableRow,
} from '@looker/components';
import { countOf } from '../text';
import { LINK_REASON_TEXT, type TimelineEntry } from './timelineEntries';

const INFERRED_WHY =
  'Inferred: this event is tied to the person only because the offsite profile name matches theirs (name match).';

export function InferredMarker({ reason }: { reason: string | null }) {
  return (
    <Badge intent="warn" size="small" data-testid="inferred-marker" data-link-reason={reason ?? ''} title={INFERRED_WHY}>
      inferred · {reason === 'name_match' || !reason ? 'name match' : reason}
    </Badge>
  );
}

export function Timeline({ entries }: { entries: TimelineEntry[] }) {
  const devices = new Set(entries.map((e) => e.device).filter(Boolean)).size;
  const sources = new Set(entries.map((e) => e.source)).size;
  const inferred = entries.filter((e) => e.inferred).length;
  return (
    <>
      <Paragraph fontSize="small" color="text2" data-testid="timeline-summary">
        {countOf(entries.length, 'event')} across {countOf(sources, 'source')} and {countOf(devices, 'device')}
        {inferred > 0 ? `; ${inferred} tied by name match only (marked inferred)` : ''}.
      </Paragraph>
      <Table data-testid="timeline">
        <TableHead>
          <TableRow>
            <TableHeaderCell>Time (UTC)</TableHeaderCell>
            <TableHeaderCell>Source</TableHeaderCell>
            <TableHeaderCell>Page or action</TableHeaderCell>
            <TableHeaderCell>Device (anonymous id)</TableHeaderCell>
            <TableHeaderCell>Tied by</TableHeaderCell>
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
              <TableDataCell>{e.time ?? '—'}</TableDataCell>
              <TableDataCell>{e.source}</TableDataCell>
              <TableDataCell>
                {e.action}
                {e.eventType && e.eventType !== 'page' ? <Span color="text2"> ({e.eventType})</Span> : null}
              </TableDataCell>
              <TableDataCell>
                {e.anonymousId ? (
                  <Space gap="xsmall">
                    <Span fontWeight="semiBold">{e.device}</Span>
                    <Span color="text2" fontSize="xsmall">
                      {e.anonymousId}
                    </Span>
                  </Space>
                ) : (
                  <Span color="text2">—</Span>
                )}
              </TableDataCell>
              <TableDataCell>
                {e.inferred ? <InferredMarker reason={e.linkReason} /> : <Span>{(e.linkReason && LINK_REASON_TEXT[e.linkReason]) ?? e.linkReason ?? '—'}</Span>}
              </TableDataCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </>
  );
}
