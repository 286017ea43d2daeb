/**
 * Scored name matching (docs/semantics.md §5), in plain TypeScript: the same Fellegi–Sunter model as
 * src/models/matching.ts, computed row by row, so the property tests can hold the SQL to it.
 */
import type { NameMatching } from '../config/schema';
import {
  PRIOR_PAIRS,
  COMPANY_SUFFIX_PATTERN,
  EMAIL_LABEL_PATTERN,
  HEADLINE_COMPANY_PATTERN,
  LINKEDIN_REFERRER_PATTERN,
  PERSONAL_EMAIL_DOMAINS,
} from '../models/matching';
import type { StagedEvent } from './stage';
import { compareText, normaliseName, stripAccents } from './values';

const FLOOR = 1e-6;
const companySuffix = new RegExp(COMPANY_SUFFIX_PATTERN, 'g');
const headlineCompany = new RegExp(HEADLINE_COMPANY_PATTERN, 'u');
const emailLabel = new RegExp(EMAIL_LABEL_PATTERN);
const linkedinReferrer = new RegExp(LINKEDIN_REFERRER_PATTERN);
const personalDomains = new Set(PERSONAL_EMAIL_DOMAINS);

export function companyToken(value: string | null): string | null {
  if (value === null) return null;
  const token = stripAccents(value)
    .toLowerCase()
    .replace(companySuffix, ' ')
    .replace(/[^a-z0-9]+/g, '');
  return token === '' ? null : token;
}

/** An offsite row's company: its company column, else the company its headline names. */
export function profileCompany(e: StagedEvent): string | null {
  const fromHeadline = e.headline === null ? null : (headlineCompany.exec(e.headline.toLowerCase())?.[1] ?? null);
  return companyToken(e.company) ?? companyToken(fromHeadline === '' ? null : fromHeadline);
}

export function emailCompany(email: string | null): string | null {
  const label = email === null ? undefined : emailLabel.exec(email)?.[1];
  if (label === undefined || personalDomains.has(label)) return null;
  return companyToken(label.replace(/[-_]/g, ' '));
}

export const isLinkedinVisit = (e: StagedEvent): boolean =>
  e.event_type === 'page' &&
  (/linkedin/.test((e.utm_source ?? '').toLowerCase()) || linkedinReferrer.test((e.referrer ?? '').toLowerCase()));

export interface MatchInput {
  events: StagedEvent[];
  /** Status and person of each event after the deterministic steps (offsite rows of profiles: none yet). */
  confirmedPersonOf: (e: StagedEvent) => string | undefined;
  /** Unmatched offsite profiles: key → rows. */
  profiles: Map<string, StagedEvent[]>;
  /** Persons with a confirmed web event. */
  webPersons: Set<string>;
  settings: NameMatching;
}

export interface Match {
  person: string;
  probability: number;
  evidence: string;
}

/** Latest non-null value by (occurred_at, event_id) descending. */
function latestOf<T>(rows: StagedEvent[], pick: (e: StagedEvent) => T | null): T | null {
  let best: StagedEvent | undefined;
  let value: T | null = null;
  for (const e of rows) {
    const v = pick(e);
    if (v === null) continue;
    if (
      best === undefined ||
      e.occurred_at > best.occurred_at ||
      (e.occurred_at === best.occurred_at && compareText(e.event_id, best.event_id) > 0)
    ) {
      best = e;
      value = v;
    }
  }
  return value;
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
/** A probability kept off 0 and 1. */
const clamp = (x: number) => Math.min(Math.max(x, FLOOR), 1 - FLOOR);
/** The first and last words of a normalised name of two words or more (null for one word). */
const firstAndLast = (name: string | null): [string, string] | null => {
  const words = name?.split(' ') ?? [];
  return words.length < 2 ? null : [words[0], words[words.length - 1]];
};

/** The match of each profile that has one (key → match). */
export function scoreProfiles({ events, confirmedPersonOf, profiles, webPersons, settings }: MatchInput): Map<string, Match> {
  const windowMicros = settings.referral_window_hours * 3600 * 1e6;
  // Evidence on identified persons: names, company tokens, LinkedIn-referred visits.
  const personNames = new Map<string, Set<string>>(); // norm name → persons
  const companies = new Map<string, Set<string>>(); // person → tokens
  const visits = new Map<string, number[]>();
  const labelled = new Map<string, StagedEvent[]>(); // person → its own offsite rows
  const heldProfiles = new Map<string, Set<string>>(); // `${person}\u0000${source}` → profile URLs
  const add = <K, V>(map: Map<K, Set<V>>, key: K, value: V) => map.set(key, (map.get(key) ?? new Set()).add(value));
  for (const e of events) {
    const person = confirmedPersonOf(e);
    if (person === undefined) continue;
    const name = normaliseName(e.name);
    if (name !== null) add(personNames, name, person);
    if (e.event_type === 'offsite') {
      labelled.set(person, [...(labelled.get(person) ?? []), e]);
      if (e.profile_url !== null) add(heldProfiles, `${person}\u0000${e.source}`, e.profile_url);
      continue;
    }
    for (const token of [companyToken(e.company), emailCompany(e.email)]) if (token !== null) add(companies, person, token);
    if (isLinkedinVisit(e)) visits.set(person, [...(visits.get(person) ?? []), e.occurred_at]);
  }

  interface Profile {
    key: string;
    rows: StagedEvent[];
    name: string | null;
    rawName: string | null;
    company: string | null;
    /** The source of its profile URL (null: keyed by name, or a labelled example). */
    urlSource: string | null;
    labelledPerson?: string;
  }
  const profileOf = (key: string, rows: StagedEvent[], labelledPerson?: string): Profile => {
    const rawName = latestOf(rows, (e) => e.name);
    const urlSource = labelledPerson === undefined ? (rows.find((r) => r.profile_url !== null)?.source ?? null) : null;
    return { key, rows, rawName, name: normaliseName(rawName), company: latestOf(rows, profileCompany), urlSource, labelledPerson };
  };
  const unmatched = [...profiles].map(([key, rows]) => profileOf(key, rows));
  const examples = [...labelled].map(([person, rows]) => profileOf(`labelled:${person}`, rows, person));

  const times = events.map((e) => e.occurred_at);
  const spanHours = Math.max((Math.max(...times) - Math.min(...times)) / 3.6e9, 2 * settings.referral_window_hours);
  const compare = (p: Profile, person: string) => {
    const tokens = companies.get(person);
    const level = p.company === null || tokens === undefined ? 'unknown' : tokens.has(p.company) ? 'agree' : 'disagree';
    const seen = visits.get(person) ?? [];
    const referred = p.rows.some((r) => seen.some((t) => Math.abs(t - r.occurred_at) <= windowMicros));
    // The chance of a visit within the window of one of the profile's interactions by coincidence.
    const chance = clamp(1 - Math.exp((-seen.length * p.rows.length * 2 * settings.referral_window_hours) / spanHours));
    const otherProfile = p.urlSource === null ? 'unknown' : heldProfiles.has(`${person}\u0000${p.urlSource}`) ? 'yes' : 'no';
    return { level, referred, chance, otherProfile };
  };

  // Parameters.
  const web = webPersons.size;
  const webN = Math.max(web, 1);
  const labelledPairs = examples.filter((p) => webPersons.has(p.labelledPerson!)).map((p) => compare(p, p.labelledPerson!));
  const n = labelledPairs.length;
  const count = (test: (x: { level: string; referred: boolean }) => boolean) => labelledPairs.filter(test).length;
  const all = [...unmatched, ...examples];
  const profilesN = Math.max(all.length, 1);
  const profileTokens = new Map<string, number>();
  for (const p of all) if (p.company !== null) profileTokens.set(p.company, (profileTokens.get(p.company) ?? 0) + 1);
  const webTokens = new Map<string, number>();
  let webWithCompany = 0;
  for (const person of webPersons) {
    const tokens = companies.get(person);
    if (tokens === undefined) continue;
    webWithCompany++;
    tokens.forEach((t) => webTokens.set(t, (webTokens.get(t) ?? 0) + 1));
  }
  let agreePairs = 0;
  for (const [token, profilesWith] of profileTokens) agreePairs += profilesWith * (webTokens.get(token) ?? 0);
  const withCompany = all.filter((p) => p.company !== null).length;
  const both = (withCompany / profilesN) * (webWithCompany / webN);
  const agreeChance = agreePairs / (profilesN * webN);
  // The named records (each identified person's names, each unmatched profile's) and their first and last words.
  const namedNames = [
    ...[...personNames].flatMap(([name, persons]) => [...persons].map(() => name)),
    ...unmatched.filter((p) => p.rawName !== null).map((p) => p.name),
  ];
  const namedRecords = namedNames.length;
  const wordRecords = new Map<string, number>();
  for (const name of namedNames) for (const word of firstAndLast(name) ?? []) wordRecords.set(word, (wordRecords.get(word) ?? 0) + 1);
  const u: Record<string, number> = {
    agree: Math.max(agreeChance, FLOOR),
    disagree: Math.max(both - agreeChance, FLOOR),
    unknown: Math.max(1 - both, FLOOR),
  };
  // Profiles per source: the chance a random web person holds one on an unmatched profile's source (u), and the share
  // of web persons' (person, source) holdings with two or more URLs (m).
  const urlProfiles = unmatched.filter((p) => p.urlSource !== null);
  const holders = new Map<string, number>();
  let personSources = 0;
  let several = 0;
  for (const [key, urls] of heldProfiles) {
    const [person, source] = key.split('\u0000');
    if (!webPersons.has(person)) continue;
    holders.set(source, (holders.get(source) ?? 0) + 1);
    personSources++;
    if (urls.size > 1) several++;
  }
  const holderChance = urlProfiles.reduce((sum, p) => sum + (holders.get(p.urlSource!) ?? 0), 0) / Math.max(urlProfiles.length, 1);
  const uOther = Math.min(Math.max(holderChance / webN, FLOOR), 1 - FLOOR);
  const mOther = (several + PRIOR_PAIRS * uOther) / (personSources + PRIOR_PAIRS);
  const meanChance = n === 0 ? 0 : labelledPairs.reduce((sum, x) => sum + x.chance, 0) / n;
  /** A labelled share smoothed toward u by PRIOR_PAIRS pseudo-pairs. */
  const m = (hits: number, chance: number) => (hits + PRIOR_PAIRS * chance) / (n + PRIOR_PAIRS);
  const params = {
    prior: (examples.filter((p) => webPersons.has(p.labelledPerson!)).length + 1) / (examples.length + 2),
    named: namedRecords,
    m: {
      agree: m(
        count((x) => x.level === 'agree'),
        u.agree,
      ),
      disagree: m(
        count((x) => x.level === 'disagree'),
        u.disagree,
      ),
      unknown: m(
        count((x) => x.level === 'unknown'),
        u.unknown,
      ),
    } as Record<string, number>,
    u,
    referralRate: clamp(
      1 -
        (n - count((x) => x.referred) + PRIOR_PAIRS * (1 - meanChance)) /
          (labelledPairs.reduce((sum, x) => sum + 1 - x.chance, 0) + PRIOR_PAIRS * (1 - meanChance)),
    ),
    other: { yes: mOther / uOther, no: (1 - mOther) / (1 - uOther), unknown: 1 } as Record<string, number>,
  };

  // Scores.
  const records = (name: string) =>
    (personNames.get(name)?.size ?? 0) + unmatched.filter((p) => p.rawName !== null && p.name === name).length;
  const matches = new Map<string, Match>();
  for (const p of unmatched) {
    if (p.name === null) continue;
    const candidates = [...(personNames.get(p.name) ?? [])].filter((person) => webPersons.has(person));
    if (candidates.length === 0) continue;
    const k = records(p.name);
    const others = Math.max(params.named - 1, 1);
    const words = firstAndLast(p.name)?.map((w) => wordRecords.get(w));
    const wordFrequency =
      k <= 2 && words?.every((r) => r !== undefined) ? words.reduce((f, r) => (f * Math.max(r! - 1, 1)) / others, 1) : Infinity;
    const none = (1 - params.prior) * Math.min((k - 1) / others, wordFrequency);
    const scored = candidates.map((person) => {
      const { level, referred, chance, otherProfile } = compare(p, person);
      const bf =
        (params.m[level] / params.u[level]) *
        (referred ? 1 + (params.referralRate * (1 - chance)) / chance : 1 - params.referralRate) *
        params.other[otherProfile];
      return { person, level, referred, otherProfile, weight: (params.prior / webN) * bf };
    });
    const total = scored.reduce((sum, s) => sum + s.weight, 0) + none;
    const best = scored.sort((a, b) => b.weight - a.weight || compareText(a.person, b.person))[0];
    const probability = round6(best.weight / total);
    if (probability < settings.min_probability) continue;
    const evidence = [
      k <= 2 ? 'rare name' : `name shared by ${k}`,
      ...(candidates.length > 1 ? [`best of ${candidates.length}`] : []),
      ...(best.level === 'agree' ? [`company ${p.company}`] : best.level === 'disagree' ? ['other company'] : []),
      ...(best.referred ? ['LinkedIn visit'] : []),
      ...(best.otherProfile === 'yes' ? ['holds another profile'] : []),
    ].join(' + ');
    matches.set(p.key, { person: best.person, probability, evidence });
  }
  return matches;
}
