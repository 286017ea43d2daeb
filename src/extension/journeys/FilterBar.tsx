/** The Journeys filters. Controlled: every change goes straight to the URL via `onChange`. */
import {
  ButtonToggle,
  FieldCheckbox,
  FieldCheckboxGroup,
  FieldSelect,
  FieldSelectMulti,
  Paragraph,
  Space,
  SpaceVertical,
  useID,
} from '@looker/components';
import { IDENTITY_STATUSES, type IdentityStatus } from '../../contract/tables';
import {
  DATE_PRESETS,
  MAX_STEPS,
  MAX_TOP_K,
  MIN_STEPS,
  MIN_TOP_K,
  type Anchor,
  type Compare,
  type ConvertedFilter,
  type DatePreset,
  type JourneyViewState,
  type Measure,
  customRangeProblem,
  MIN_PROBABILITIES,
} from './viewState';
import { DateRangeField } from './DateRangeField';

const STATUS_TEXT: Record<IdentityStatus, string> = {
  confirmed: 'Confirmed',
  inferred: 'Inferred',
  anonymous: 'Anonymous',
  unmatched: 'Unmatched',
};

const DATE_TEXT: Record<DatePreset, string> = {
  any: 'Any time',
  '7 days': 'Last 7 days',
  '30 days': 'Last 30 days',
  '90 days': 'Last 90 days',
  '12 months': 'Last 12 months',
  custom: 'Custom range',
};

/** Calendar dates as YYYY-MM-DD in the viewer's local calendar (what they clicked). */
export const toIsoDate = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

/**
 * The ids @looker/components 5 derives from a FieldDateRange's id: its label, its helper (validation) text, and the
 * start date's own label, which its start input names in aria-labelledby but it never renders (the end date's it
 * does), so the start input read as just "Date range". Tested by role and name.
 */
export const dateRangeIds = (id: string) => ({
  label: `labelledby-${id}`,
  help: `describedby-${id}`,
  startLabel: `startDate-labelledby-${id}`,
});

export interface FilterBarProps {
  state: JourneyViewState;
  onChange: (patch: Partial<JourneyViewState>) => void;
  sourceOptions: string[];
}

/** A ButtonToggle under a visible caption that names its group (ButtonToggle's role="group" has no name of its own). */
function CaptionedToggle<V extends string>(props: {
  caption: string;
  testId: string;
  value: V;
  options: { value: V; label: string }[];
  onChange: (value: V) => void;
}) {
  const captionId = useID();
  return (
    <div data-testid={props.testId}>
      <Paragraph fontSize="xsmall" fontWeight="semiBold" id={captionId}>
        {props.caption}
      </Paragraph>
      <ButtonToggle
        aria-labelledby={captionId}
        value={props.value}
        onChange={(value: string) => props.onChange(value as V)}
        options={props.options}
      />
    </div>
  );
}

export function FilterBar({ state, onChange, sourceOptions }: FilterBarProps) {
  const sources = [...new Set([...sourceOptions, ...state.sources])];
  const rangeProblem = customRangeProblem(state);
  const dateRangeId = useID();
  const rangeIds = dateRangeIds(dateRangeId);
  return (
    <SpaceVertical gap="small" data-testid="filter-bar">
      <Space gap="large" align="end" flexWrap="wrap">
        <CaptionedToggle<Measure>
          caption="Count"
          testId="filter-measure"
          value={state.measure}
          onChange={(measure) => onChange({ measure, focus: null })}
          options={[
            { value: 'persons', label: 'Persons' },
            { value: 'sessions', label: 'Sessions' },
          ]}
        />
        <CaptionedToggle<Anchor>
          caption="Paths"
          testId="filter-anchor"
          value={state.anchor}
          onChange={(anchor) =>
            onChange({
              anchor,
              focus: null,
              ...(anchor === 'conversion' && state.compare === 'converted' ? { compare: 'none' as const } : {}),
            })
          }
          options={[
            { value: 'start', label: 'From first step' },
            { value: 'conversion', label: 'Before conversion' },
          ]}
        />
        <FieldSelect
          label={state.anchor === 'conversion' ? 'Steps before' : 'Steps'}
          data-testid="filter-steps"
          width={state.anchor === 'conversion' ? 110 : 90}
          value={String(state.steps)}
          options={range(MIN_STEPS, MAX_STEPS).map((v) => ({ value: v }))}
          onChange={(v: string) => onChange({ steps: Number(v), focus: null })}
        />
        <FieldSelect
          label="Top per step"
          data-testid="filter-top"
          width={110}
          value={String(state.topK)}
          options={range(MIN_TOP_K, MAX_TOP_K).map((v) => ({ value: v }))}
          onChange={(v: string) => onChange({ topK: Number(v), focus: null })}
        />
        <FieldSelect
          label="Compare"
          data-testid="filter-compare"
          width={270}
          value={state.compare}
          options={[
            { value: 'none', label: 'No comparison' },
            { value: 'inferred', label: 'With vs without name matches' },
            // Paths before the conversion are converted journeys only.
            ...(state.anchor === 'start' ? [{ value: 'converted', label: 'Converted vs not converted' }] : []),
          ]}
          onChange={(v: string) => onChange({ compare: v as Compare, focus: null })}
        />
        {/* Paths before the conversion are converted journeys only: the choice would mean nothing. */}
        {state.anchor === 'start' && (
          <CaptionedToggle<ConvertedFilter>
            caption="Conversion"
            testId="filter-converted"
            value={state.converted}
            onChange={(converted) => onChange({ converted, focus: null })}
            options={[
              { value: 'any', label: 'Any' },
              { value: 'yes', label: 'Converted' },
              { value: 'no', label: 'Not converted' },
            ]}
          />
        )}
      </Space>
      <Space gap="large" align="start" flexWrap="wrap">
        <div data-testid="filter-status">
          {/* role: the element FieldCheckboxGroup labels (aria-labelledby, and its message as description) has no
              role, and the group inside it no name. */}
          <FieldCheckboxGroup
            role="group"
            label="Identity status"
            inputsInline
            value={state.statuses}
            options={IDENTITY_STATUSES.map((s) => ({ value: s, label: STATUS_TEXT[s] }))}
            onChange={(values: string[]) => onChange({ statuses: values as IdentityStatus[], focus: null })}
            validationMessage={state.statuses.length === 0 ? { type: 'error', message: 'Select at least one status' } : undefined}
          />
          {/* Per event: a person with one name-matched like keeps the rest of their journey. */}
          <FieldCheckbox
            label="Leave out name-matched events"
            data-testid="filter-inferred-events"
            checked={state.inferredEvents === 'exclude'}
            onChange={(e: React.ChangeEvent<HTMLInputElement>) =>
              onChange({ inferredEvents: e.currentTarget.checked ? 'exclude' : 'include', focus: null })
            }
          />
          {/* Per event too: a name match below the probability leaves the paths, its person stays. */}
          <FieldSelect
            label="Minimum match probability"
            data-testid="filter-min-probability"
            width={200}
            value={String(state.minProbability)}
            disabled={state.inferredEvents === 'exclude'}
            options={MIN_PROBABILITIES.map((p) => ({ value: String(p), label: p === 0 ? 'Any name match' : `Name matches ≥ ${p}` }))}
            onChange={(v: string) => onChange({ minProbability: Number(v), focus: null })}
          />
        </div>
        <FieldSelect
          label="Date"
          data-testid="filter-date"
          width={160}
          value={state.datePreset}
          options={DATE_PRESETS.map((p) => ({ value: p, label: DATE_TEXT[p] }))}
          onChange={(v: string) => onChange({ datePreset: v as DatePreset, focus: null })}
        />
        {state.datePreset === 'custom' && (
          <div data-testid="filter-date-range" role="group" aria-labelledby={rangeIds.label} aria-describedby={rangeIds.help}>
            {/* hidden: only a name (aria-labelledby reads hidden text), not more text for browse mode to read. */}
            <span hidden id={rangeIds.startLabel}>
              Start date
            </span>
            <DateRangeField
              id={dateRangeId}
              label="Date range (inclusive)"
              from={state.dateFrom}
              to={state.dateTo}
              problem={rangeProblem}
              onChange={(r) => onChange({ ...r, focus: null })}
            />
          </div>
        )}
        <div data-testid="filter-source" style={{ width: 260 }}>
          <FieldSelectMulti
            label="Source"
            // Else its combobox wrapper is named " combobox" (FieldSelect passes its label; FieldSelectMulti does not).
            wrapperAriaLabel="Source"
            placeholder="All sources"
            values={state.sources}
            options={sources.map((s) => ({ value: s }))}
            freeInput
            onChange={(values?: string[]) => onChange({ sources: values ?? [], focus: null })}
          />
        </div>
      </Space>
    </SpaceVertical>
  );
}
