/**
 * The first-touch filters (#24: channels): channel, UTM source / medium / campaign and referrer domain (any of the
 * chosen values of the person's, or session's, first event), and the landing page path (contains, any case), with
 * suggestions from the data. Values the data does not have are named, not silently matched by nothing.
 */
import { useEffect, useState } from 'react';
import { ButtonOutline, FieldSelectMulti, FieldText, Paragraph, Space, SpaceVertical, Span } from '@looker/components';
import { CHANNELS } from '../../contract/channels';
import { unknownValues, type JourneyViewState } from './viewState';

/** The values that exist in the date range, per filter; null while unknown (loading, failed, or cut by a row limit). */
export interface TouchOptions {
  sources: string[] | null;
  utmSources: string[] | null;
  utmMediums: string[] | null;
  utmCampaigns: string[] | null;
  referrerDomains: string[] | null;
  landingPaths: string[];
}

export const NO_TOUCH_OPTIONS: TouchOptions = {
  sources: null,
  utmSources: null,
  utmMediums: null,
  utmCampaigns: null,
  referrerDomains: null,
  landingPaths: [],
};

type ListKey = 'sources' | 'channels' | 'utmSources' | 'utmMediums' | 'utmCampaigns' | 'referrerDomains';

/** What each list filter is called in the UI and in the unknown-values message. */
const LIST_FILTERS: { key: ListKey; label: string; noun: string }[] = [
  { key: 'sources', label: 'Source', noun: 'source' },
  { key: 'channels', label: 'Channel (first touch)', noun: 'channel' },
  { key: 'utmSources', label: 'UTM source', noun: 'UTM source' },
  { key: 'utmMediums', label: 'UTM medium', noun: 'UTM medium' },
  { key: 'utmCampaigns', label: 'UTM campaign', noun: 'UTM campaign' },
  { key: 'referrerDomains', label: 'Referrer domain', noun: 'referrer domain' },
];

const optionsOf = (key: ListKey, options: TouchOptions): string[] | null => (key === 'channels' ? [...CHANNELS] : options[key]);

const quoted = (values: string[]) => values.map((v) => `"${v}"`).join(', ');

/**
 * One sentence per filter holding values the data does not have: 'No events in this date range have source "webb"
 * (sources with events: linkedin, web).' Empty when every chosen value exists or the options are unknown.
 */
export function unknownValueMessages(state: JourneyViewState, options: TouchOptions): string[] {
  return LIST_FILTERS.flatMap(({ key, noun }) => {
    const known = optionsOf(key, options);
    const unknown = unknownValues(state[key], known);
    if (unknown.length === 0 || known === null) return [];
    const shown = known.slice(0, 12);
    const list = shown.length === 0 ? 'none' : `${shown.join(', ')}${known.length > shown.length ? ', …' : ''}`;
    const what =
      key === 'channels'
        ? `is no channel (channels: ${list})`
        : `${unknown.length === 1 ? 'is' : 'are'} not in the data of this date range (${noun} values there: ${list})`;
    return [
      `${noun.charAt(0).toUpperCase()}${noun.slice(1)} ${quoted(unknown)} ${what}: no journey can match ${unknown.length === 1 ? 'it' : 'them'}.`,
    ];
  });
}

/** A text filter that applies on Enter or blur (each change runs queries), with the data's values as suggestions. */
function LandingPathFilter({ value, suggestions, onCommit }: { value: string; suggestions: string[]; onCommit: (v: string) => void }) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  const commit = () => draft.trim() !== value && onCommit(draft.trim());
  const listId = 'landing-path-suggestions';
  return (
    <div data-testid="filter-landing-path">
      <FieldText
        label="Landing page path"
        value={draft}
        placeholder="contains, e.g. /pricing"
        list={listId}
        autoComplete="off"
        description={suggestions.length > 0 ? `Contains, any case; ${suggestions.length} paths suggested` : 'Contains, any case'}
        onChange={(e: React.ChangeEvent<HTMLInputElement>) => setDraft(e.currentTarget.value)}
        onBlur={commit}
        onKeyDown={(e: React.KeyboardEvent) => e.key === 'Enter' && commit()}
        width={240}
      />
      <datalist id={listId} data-testid="landing-path-suggestions">
        {suggestions.map((p) => (
          <option key={p} value={p} />
        ))}
      </datalist>
    </div>
  );
}

export function TouchFilters({
  state,
  options,
  onChange,
}: {
  state: JourneyViewState;
  options: TouchOptions;
  onChange: (patch: Partial<JourneyViewState>) => void;
}) {
  const messages = unknownValueMessages(state, options);
  return (
    <SpaceVertical gap="xsmall" data-testid="touch-filters">
      <Space gap="large" align="start" flexWrap="wrap">
        {LIST_FILTERS.filter((f) => f.key !== 'sources').map(({ key, label }) => {
          const known = optionsOf(key, options) ?? [];
          const values = [...new Set([...known, ...state[key]])];
          return (
            <div key={key} data-testid={`filter-${key}`} style={{ width: 200 }}>
              <FieldSelectMulti
                label={label}
                wrapperAriaLabel={label}
                placeholder="Any"
                values={state[key]}
                options={values.map((v) => ({ value: v }))}
                freeInput={key !== 'channels'}
                onChange={(v?: string[]) => onChange({ [key]: v ?? [], focus: null })}
              />
            </div>
          );
        })}
        <LandingPathFilter
          value={state.landingPath}
          suggestions={options.landingPaths}
          onCommit={(landingPath) => onChange({ landingPath, focus: null })}
        />
      </Space>
      {state.landingPage && (
        <Space gap="small" data-testid="landing-step-filter">
          <Paragraph fontSize="small">
            First step is exactly <Span fontWeight="semiBold">{state.landingPage}</Span>
          </Paragraph>
          <ButtonOutline size="xsmall" onClick={() => onChange({ landingPage: '', focus: null })}>
            Remove
          </ButtonOutline>
        </Space>
      )}
      {messages.map((m) => (
        <Paragraph key={m} fontSize="small" color="critical" role="alert" data-testid="unknown-filter-values">
          {m}
        </Paragraph>
      ))}
    </SpaceVertical>
  );
}
