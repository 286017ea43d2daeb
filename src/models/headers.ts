/**
 * Finding the logical columns in a source's real header without a hand mapping: `userId` is user_id, `First Name`
 * is first_name (case, underscores, camelCase and spaces ignored), and known exports name some columns their own
 * way (PhantomBuster's occupation is the headline, LinkedIn's Connected On the timestamp, RudderStack's event_text
 * the event as sent). A column is taken only when exactly one header matches; hand mappings always win.
 */
import type { Config, OffsiteFormat } from '../config/schema';
import { rawTableSpecs, type RawTableSpec } from './raw-tables';
import type { RawTable } from './types';

/** A header as compared: lower case, letters and digits only (`User ID`, `user_id` and `userId` are one). */
export const normalHeader = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

type Known = Partial<Record<string, readonly string[]>>;

/** Segment's own exports (and its libraries' JSON) call the event id messageId. */
const FIRST_PARTY: Known = { id: ['messageId'] };

/** Other names of logical columns, per export, most wanted first; the logical name itself is tried last. */
const KNOWN: Record<'segment' | 'rudderstack' | 'snowplow' | OffsiteFormat, Known> = {
  segment: FIRST_PARTY,
  // RudderStack's warehouse tracks keep the event name as sent in event_text; event holds it snake-cased
  // (meeting_booked), which track_events and conversion_events would never match.
  rudderstack: { ...FIRST_PARTY, event: ['event_text'] },
  snowplow: {},
  generic: {},
  phantombuster: {
    full_name: ['fullName'],
    first_name: ['firstName'],
    last_name: ['lastName'],
    profile_url: ['profileUrl', 'profileLink', 'linkedinProfileUrl', 'defaultProfileUrl'],
    headline: ['occupation', 'headline', 'jobTitle'],
    company: ['company', 'companyName'],
    location: ['location'],
    content_url: ['postUrl'],
    email: ['email', 'mail'],
  },
  linkedin_connections: {
    first_name: ['First Name'],
    last_name: ['Last Name'],
    profile_url: ['URL'],
    email: ['Email Address'],
    company: ['Company'],
    headline: ['Position'],
    timestamp: ['Connected On'],
  },
};

export interface HeaderMatch {
  table: RawTable;
  logical: string;
  /** The header taken for it. */
  column: string;
}

export interface HeaderAmbiguity {
  table: RawTable;
  logical: string;
  /** Headers that all match: none is taken, a hand mapping must choose. */
  columns: string[];
}

export interface HeaderMatching {
  matches: HeaderMatch[];
  ambiguous: HeaderAmbiguity[];
}

/** The config's own mapping for a raw table (what the user wrote), by the models' name for the table. */
function handMapping(config: Config, table: RawTable): Record<string, string | undefined> {
  const source = config.source;
  if (table.startsWith('offsite:')) return config.offsite.find((o) => `offsite:${o.name}` === table)?.columns ?? {};
  if (source.type === 'snowplow') return source.columns;
  return source.columns[table as 'pages' | 'tracks' | 'identifies'] ?? {};
}

function knownNames(config: Config, spec: RawTableSpec): Known {
  if (spec.logical.startsWith('offsite:'))
    return KNOWN[config.offsite.find((o) => `offsite:${o.name}` === spec.logical)?.format ?? 'generic'];
  return KNOWN[config.source.type];
}

/**
 * The headers to take for the logical columns that have no hand mapping and are not in the file under their own
 * name (or have a preferred known name there). `headers(table)`: the columns of a raw table, undefined when unknown.
 */
export function matchHeaders(config: Config, headers: (table: RawTable) => readonly string[] | undefined): HeaderMatching {
  const matches: HeaderMatch[] = [];
  const ambiguous: HeaderAmbiguity[] = [];
  const crm = new Set(config.identity.crm_ids.map((c) => c.column));
  for (const spec of rawTableSpecs(config)) {
    const present = headers(spec.logical);
    if (!present) continue;
    const hand = handMapping(config, spec.logical);
    const known = knownNames(config, spec);
    // A header serves one logical column: those mapped by hand are taken.
    const used = new Set(Object.values(hand).filter((c): c is string => c !== undefined));
    for (const c of spec.columns) {
      if (hand[c.logical] !== undefined || crm.has(c.logical)) continue;
      for (const name of [...(known[c.logical] ?? []), c.logical]) {
        const found = present.includes(name) ? [name] : present.filter((h) => normalHeader(h) === normalHeader(name) && !used.has(h));
        if (found.length > 1) ambiguous.push({ table: spec.logical, logical: c.logical, columns: found });
        if (found.length !== 1) {
          if (found.length > 1) break;
          continue;
        }
        if (found[0] !== c.logical) {
          matches.push({ table: spec.logical, logical: c.logical, column: found[0] });
          used.add(found[0]);
        }
        break;
      }
    }
  }
  return { matches, ambiguous };
}

/** The config with the matched headers as column mappings (as if written by hand). */
export function withHeaderMatches(config: Config, matches: readonly HeaderMatch[]): Config {
  if (matches.length === 0) return config;
  const of = (table: RawTable) => Object.fromEntries(matches.filter((m) => m.table === table).map((m) => [m.logical, m.column]));
  const source = config.source;
  const offsite = config.offsite.map((o) => ({ ...o, columns: { ...o.columns, ...of(`offsite:${o.name}`) } }));
  if (source.type === 'snowplow') return { ...config, source: { ...source, columns: { ...source.columns, ...of('events') } }, offsite };
  const columns = {
    pages: { ...source.columns.pages, ...of('pages') },
    tracks: { ...source.columns.tracks, ...of('tracks') },
    identifies: { ...source.columns.identifies, ...of('identifies') },
  };
  return { ...config, source: { ...source, columns }, offsite };
}

/** `userId → user_id, First Name → first_name`: what was found by header in one table. */
export function describeMatches(matches: readonly HeaderMatch[]): string {
  return matches.map((m) => `${m.column} → ${m.logical}`).join(', ');
}
