import { Paragraph, Space, SpaceVertical } from '@looker/components';
import { share } from '../sankey/transform';
import { measureCount, rateText } from '../text';
import type { Measure } from './viewState';

export interface Summary {
  count: number;
  identified: number;
  inferred: number;
  conversions: number;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function Figure({ testId, label, value, shown, detail }: { testId: string; label: string; value: number; shown: string; detail?: string }) {
  return (
    <SpaceVertical gap="xxsmall" data-testid={testId} data-value={value} width="auto">
      <Paragraph fontSize="xsmall" color="text2">
        {label}
      </Paragraph>
      <Paragraph fontSize="xxlarge" fontWeight="semiBold">
        {shown}
      </Paragraph>
      {detail && (
        <Paragraph fontSize="xsmall" color="text2">
          {detail}
        </Paragraph>
      )}
    </SpaceVertical>
  );
}

/**
 * Persons (or sessions), identified and inferred shares, conversions and the conversion rate: exact totals from
 * their own query. While the chart is focused (`all` given), the figures are the focused journeys' and a line names
 * the focus and the whole diagram's totals, so neither passes for the other.
 */
export function SummaryNumbers({
  summary,
  unit,
  all,
  focusName,
}: {
  summary: Summary;
  unit: Measure;
  all?: Summary | null;
  focusName?: string;
}) {
  const identifiedShare = share(summary.identified, summary.count);
  const inferredShare = share(summary.inferred, summary.count);
  const title = unit.charAt(0).toUpperCase() + unit.slice(1);
  const rate = share(summary.conversions, summary.count);
  return (
    <SpaceVertical gap="xsmall" data-testid="summary-block">
      {all && (
        <Paragraph fontSize="small" data-testid="summary-focus-note">
          Focused on {focusName}: the figures below count its {measureCount(summary.count, unit)}, of all {measureCount(all.count, unit)}{' '}
          with {all.conversions.toLocaleString('en-US')} conversions ({rateText(all.conversions, all.count)}).
        </Paragraph>
      )}
      <Space gap="xxlarge" data-testid="summary" data-focused={all ? 'true' : undefined}>
        <Figure
          testId="summary-count"
          label={all ? `${title} (focused)` : title}
          value={summary.count}
          shown={summary.count.toLocaleString('en-US')}
        />
        <Figure
          testId="summary-identified-share"
          label="Identified"
          value={identifiedShare}
          // No journeys: a share of nothing is n/a, not 0.0%.
          shown={summary.count > 0 ? pct(identifiedShare) : 'n/a'}
          detail={`${summary.identified.toLocaleString('en-US')} confirmed or inferred`}
        />
        <Figure
          testId="summary-inferred-share"
          label="Inferred"
          value={inferredShare}
          shown={summary.count > 0 ? pct(inferredShare) : 'n/a'}
          // An inferred person is one with name-matched activity (most of it may be confirmed): not 'by name only'.
          detail={
            unit === 'persons'
              ? `${summary.inferred.toLocaleString('en-US')} with a name-matched event`
              : `${measureCount(summary.inferred, unit)} of persons with a name-matched event`
          }
        />
        <Figure
          testId="summary-conversions"
          label="Conversions"
          value={summary.conversions}
          shown={summary.conversions.toLocaleString('en-US')}
        />
        <Figure
          testId="summary-conversion-rate"
          label="Conversion rate"
          value={rate}
          shown={rateText(summary.conversions, summary.count)}
        />
      </Space>
    </SpaceVertical>
  );
}
