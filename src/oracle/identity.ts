/**
 * Who is who (docs/semantics.md §2–5): the over-merge guard, the identity graph of known identifiers, the
 * anonymous graph, and each event's person, status and link reason.
 */
import { nameMatching, type Config } from '../config/schema';
import { scoreProfiles } from './matching';
import type { IdentifierType, IdentityStatus } from '../contract/tables';
import type { StagedEvent } from './stage';
import { UnionFind } from './unionFind';
import { compareText, keyedMd5, minText, normaliseName, normaliseText } from './values';

export type LinkReason =
  | 'user_id'
  | 'email'
  | 'crm_id'
  | 'anonymous_id'
  | 'carried_anonymous_id'
  | 'shared_device'
  | 'offsite_email'
  | 'profile'
  | 'name_match'
  | 'none';

export interface Assignment {
  person_id: string;
  identity_status: IdentityStatus;
  link_reason: LinkReason;
  /** Name matches only: the scored match's probability (null under the exact rule) and its evidence. */
  match_probability?: number | null;
  match_evidence?: string | null;
}

/** An identity_links row before its event statistics: the identifier, its person, and the events carrying it. */
export interface Link {
  identifier_type: IdentifierType;
  identifier: string;
  person_id: string;
  link_type: 'confirmed' | 'inferred';
  match_probability: number | null;
  match_evidence: string | null;
  events: StagedEvent[];
}

/** An offsite profile that no identified person owns: keyed by profile URL, else by normalised name. */
export interface OffsiteProfile {
  key: string;
  rows: StagedEvent[];
  /** Normalised name of the latest named row. */
  name: string | null;
  /** The person it was name-matched to; undefined when unmatched (it is then its own person). */
  matchedPerson?: string;
  matchProbability?: number;
  matchEvidence?: string;
}

export interface Resolution {
  events: StagedEvent[];
  assignments: Map<string, Assignment>;
  /** person_ids of identified components (holding a user id, email or CRM id). */
  identified: Set<string>;
  /** Unmatched and name-matched offsite profiles by key. */
  profiles: Map<string, OffsiteProfile>;
  links: Link[];
  sharedEmails: Set<string>;
}

/** Chronological order with the spec's tie-break: (occurred_at, event_id). */
export const chronological = (a: StagedEvent, b: StagedEvent): number =>
  a.occurred_at - b.occurred_at || compareText(a.event_id, b.event_id);

const latest = (events: StagedEvent[]): StagedEvent | undefined =>
  events.reduce<StagedEvent | undefined>((best, e) => (best === undefined || chronological(e, best) > 0 ? e : best), undefined);

const nodeType = (node: string) => node.slice(0, node.indexOf(':')) as IdentifierType;
const nodeValue = (node: string) => node.slice(node.indexOf(':') + 1);

/** Known identifier nodes of an event, `type:value`, in the order that picks its component (user_id, email, crm_id, profile). */
function knownNodes(e: StagedEvent): string[] {
  return [
    ...(e.user_id === null ? [] : [`user_id:${e.user_id}`]),
    ...(e.email === null ? [] : [`email:${e.email}`]),
    ...e.crm_ids.map((id) => `crm_id:${id}`).sort(compareText),
    ...(e.profile_url === null ? [] : [`profile:${e.source}:${e.profile_url}`]),
  ];
}

/** Emails seen on the same events with more than `max` distinct user ids. */
function findSharedEmails(events: StagedEvent[], max: number): Set<string> {
  const userIds = new Map<string, Set<string>>();
  for (const e of events) {
    if (e.email === null || e.user_id === null) continue;
    userIds.set(e.email, (userIds.get(e.email) ?? new Set()).add(e.user_id));
  }
  return new Set([...userIds].filter(([, ids]) => ids.size > max).map(([email]) => email));
}

/** person_id of an offsite profile nobody identified (semantics §2): a keyed hash, like an email's. */
export const profilePersonId = (hashKey: string, key: string) => `p:${keyedMd5(hashKey, key)}`;
/** person_id of an anonymous person: `a:` and a keyed hash of its smallest anonymous id (a cookie id is personal). */
export const anonymousPersonId = (hashKey: string, members: string[]) => `a:${keyedMd5(hashKey, minText(members)!)}`;

/** person_id of an identified component (a keyed hash of its smallest identifier), or undefined when it holds profiles only. */
function knownPersonId(members: string[], hashKey: string): string | undefined {
  const values = (type: IdentifierType) => members.filter((n) => nodeType(n) === type).map(nodeValue);
  for (const [type, prefix] of [
    ['user_id', 'u'],
    ['email', 'e'],
    ['crm_id', 'c'],
  ] as const) {
    const smallest = minText(values(type));
    if (smallest !== undefined) return `${prefix}:${keyedMd5(hashKey, smallest)}`;
  }
  return undefined;
}

export function resolveIdentities(events: StagedEvent[], config: Config): Resolution {
  // §2 identity graph: an event's known identifiers are linked to each other, except shared emails (the
  // over-merge guard), which stay nodes of their own.
  const sharedEmails = findSharedEmails(events, config.identity.max_user_ids_per_email);
  const known = new UnionFind();
  const nodesOf = new Map(events.map((e) => [e.event_id, knownNodes(e)]));
  for (const nodes of nodesOf.values()) {
    nodes.forEach((n) => known.add(n));
    const linking = nodes.filter((n) => !(nodeType(n) === 'email' && sharedEmails.has(nodeValue(n))));
    linking.slice(1).forEach((n) => known.union(linking[0], n));
  }
  const personOfRoot = new Map<string, string>();
  const identified = new Set<string>();
  for (const [root, members] of known.components()) {
    const personId = knownPersonId(members, config.identity.hash_key);
    if (personId === undefined) continue;
    personOfRoot.set(root, personId);
    identified.add(personId);
  }
  /** The event's component: that of its first identifier. */
  const componentOf = (e: StagedEvent): string | undefined => {
    const nodes = nodesOf.get(e.event_id)!;
    return nodes.length === 0 ? undefined : known.find(nodes[0]);
  };
  const identifiedPersonOf = (e: StagedEvent): string | undefined => {
    const component = componentOf(e);
    return component === undefined ? undefined : personOfRoot.get(component);
  };

  // §3 anonymous graph: carried ids link anonymous ids; a component attaches through its latest identified event.
  const anonymous = new UnionFind();
  for (const e of events) {
    if (e.anonymous_id !== null) anonymous.add(e.anonymous_id);
    if (e.carried_anonymous_id !== null) anonymous.add(e.carried_anonymous_id);
    if (e.anonymous_id !== null && e.carried_anonymous_id !== null) anonymous.union(e.anonymous_id, e.carried_anonymous_id);
  }
  // An anonymous id is carried by an event as its own anonymous id or as the carried id (utm_term).
  type Direct = { event: StagedEvent; carried: boolean };
  const later = (a: Direct, b: Direct) => chronological(a.event, b.event) || (a.carried === b.carried ? 0 : a.carried ? -1 : 1);
  const directAttachment = new Map<string, Direct>();
  for (const e of events) {
    if (nodesOf.get(e.event_id)!.length === 0) continue;
    const carriedIds: [string | null, boolean][] = [
      [e.anonymous_id, false],
      [e.carried_anonymous_id, true],
    ];
    for (const [id, carried] of carriedIds) {
      if (id === null) continue;
      const current = directAttachment.get(id);
      const candidate = { event: e, carried };
      if (current === undefined || later(candidate, current) > 0) directAttachment.set(id, candidate);
    }
  }
  /** Per anonymous id: its person, and whether its attachment came through another id or a carried id. */
  const anonymousPerson = new Map<string, { person_id: string; attached: boolean; through?: string; throughCarried?: boolean }>();
  for (const members of anonymous.components().values()) {
    const attached = members
      .filter((m) => directAttachment.has(m))
      .sort((a, b) => later(directAttachment.get(b)!, directAttachment.get(a)!) || compareText(a, b))[0];
    members.forEach((m) => {
      if (attached === undefined)
        anonymousPerson.set(m, { person_id: anonymousPersonId(config.identity.hash_key, members), attached: false });
      else {
        const direct = directAttachment.get(attached)!;
        anonymousPerson.set(m, {
          person_id: identifiedPersonOf(direct.event)!,
          attached: true,
          through: attached,
          throughCarried: direct.carried,
        });
      }
    });
  }

  // §3 shared devices and the backstitch window: the anonymous events whose person is not their anonymous id's.
  const deviceEvents = anonymousEventPersons(events, config, anonymous, componentOf, personOfRoot);

  // §4 first-party events.
  const assignments = new Map<string, Assignment>();
  for (const e of events) {
    if (e.event_type === 'offsite') continue;
    const personId = identifiedPersonOf(e);
    const onDevice = deviceEvents.get(e.event_id);
    if (personId !== undefined) {
      const reason = e.user_id !== null ? 'user_id' : e.email !== null ? 'email' : 'crm_id';
      assignments.set(e.event_id, { person_id: personId, identity_status: 'confirmed', link_reason: reason });
    } else if (onDevice !== undefined) {
      assignments.set(e.event_id, onDevice);
    } else if (e.anonymous_id !== null) {
      const { person_id, attached, through, throughCarried } = anonymousPerson.get(e.anonymous_id)!;
      const direct = through === e.anonymous_id && !throughCarried;
      assignments.set(
        e.event_id,
        attached
          ? { person_id, identity_status: 'confirmed', link_reason: direct ? 'anonymous_id' : 'carried_anonymous_id' }
          : { person_id, identity_status: 'anonymous', link_reason: 'none' },
      );
    } else {
      throw new Error(`unreachable: accepted first-party event '${e.event_id}' has neither a known identifier nor an anonymous id`);
    }
  }

  // §5 offsite rows: identified through their email / profile, else grouped into offsite profiles.
  const profiles = new Map<string, OffsiteProfile>();
  for (const e of events) {
    if (e.event_type !== 'offsite') continue;
    const personId = identifiedPersonOf(e);
    if (personId !== undefined) {
      const reason = e.email !== null ? 'offsite_email' : 'profile';
      assignments.set(e.event_id, { person_id: personId, identity_status: 'confirmed', link_reason: reason });
      continue;
    }
    // A name that normalises to nothing ('---') still keys a profile; it just never matches anyone.
    const headline = normaliseText(e.headline);
    const key =
      e.profile_url !== null
        ? `${e.source}:${e.profile_url}`
        : `${e.source}:name:${normaliseName(e.name) ?? ''}${headline === null ? '' : `:${headline}`}`;
    const profile = profiles.get(key) ?? { key, rows: [], name: null };
    profile.rows.push(e);
    profiles.set(key, profile);
  }

  // Name matching: names seen on confirmed events of identified persons; only persons identified on the website
  // are match targets (an offsite-only person still holds its name).
  const identifiedOnWeb = new Set<string>();
  for (const e of events) {
    const a = assignments.get(e.event_id);
    if (e.event_type !== 'offsite' && a?.identity_status === 'confirmed') identifiedOnWeb.add(a.person_id);
  }
  for (const profile of profiles.values()) profile.name = normaliseName(latest(profile.rows.filter((r) => r.name !== null))?.name ?? null);
  const settings = nameMatching(config);
  const confirmedPersonOf = (e: StagedEvent) => {
    const a = assignments.get(e.event_id);
    return a?.identity_status === 'confirmed' && identified.has(a.person_id) ? a.person_id : undefined;
  };
  if (settings?.method === 'scored') {
    const rows = new Map([...profiles].map(([key, p]) => [key, p.rows]));
    for (const [key, match] of scoreProfiles({ events, confirmedPersonOf, profiles: rows, webPersons: identifiedOnWeb, settings })) {
      Object.assign(profiles.get(key)!, {
        matchedPerson: match.person,
        matchProbability: match.probability,
        matchEvidence: match.evidence,
      });
    }
  } else if (settings) {
    const personsByName = new Map<string, Set<string>>();
    for (const e of events) {
      const person = confirmedPersonOf(e);
      const nameKey = normaliseName(e.name);
      if (person === undefined || nameKey === null) continue;
      personsByName.set(nameKey, (personsByName.get(nameKey) ?? new Set()).add(person));
    }
    for (const profile of profiles.values()) {
      const candidates = profile.name === null ? undefined : personsByName.get(profile.name);
      const only = candidates?.size === 1 ? [...candidates][0] : undefined;
      if (only !== undefined && identifiedOnWeb.has(only)) Object.assign(profile, { matchedPerson: only, matchEvidence: 'exact name' });
    }
  }
  for (const profile of profiles.values()) {
    for (const row of profile.rows) {
      assignments.set(
        row.event_id,
        profile.matchedPerson === undefined
          ? { person_id: profilePersonId(config.identity.hash_key, profile.key), identity_status: 'unmatched', link_reason: 'none' }
          : {
              person_id: profile.matchedPerson,
              identity_status: 'inferred',
              link_reason: 'name_match',
              match_probability: profile.matchProbability ?? null,
              match_evidence: profile.matchEvidence ?? null,
            },
      );
    }
  }

  const links = identityLinks(events, nodesOf, known, personOfRoot, profiles, anonymousPerson, config.identity.hash_key);
  return { events, assignments, identified, profiles, sharedEmails, links };
}

/**
 * §3: a device (anonymous component) seen with two or more known persons is shared: each of its anonymous events
 * goes to the person of the sighting (identified event carrying one of its ids) nearest in time, one in the same
 * device session first, ties to the earlier. With identity.backstitch_days, a sighting later than the event counts
 * only within that many days, and on an unshared device an event that long before the first sighting stays on the
 * anonymous person. Returns the assignments of those events (the other anonymous events keep their id's person).
 */
function anonymousEventPersons(
  events: StagedEvent[],
  config: Config,
  anonymous: UnionFind,
  componentOf: (e: StagedEvent) => string | undefined,
  personOfRoot: Map<string, string>,
): Map<string, Assignment> {
  const windowMicros = config.identity.backstitch_days === null ? Infinity : Math.round(config.identity.backstitch_days * 86_400_000_000);
  const gapMicros = config.sessions.inactivity_minutes * 60 * 1_000_000;
  type Entry = { event: StagedEvent; component?: string };
  const timelines = new Map<string, Map<string, Entry>>();
  const entry = (device: string, e: StagedEvent, component?: string) => {
    const line = timelines.get(device) ?? new Map<string, Entry>();
    line.set(e.event_id, { event: e, component });
    timelines.set(device, line);
  };
  for (const e of events) {
    const component = componentOf(e);
    if (component !== undefined) {
      for (const id of [e.anonymous_id, e.carried_anonymous_id]) if (id !== null) entry(anonymous.find(id), e, component);
    } else if (e.event_type !== 'offsite' && e.anonymous_id !== null) entry(anonymous.find(e.anonymous_id), e);
  }
  const members = anonymous.components();
  const result = new Map<string, Assignment>();
  for (const [device, line] of timelines) {
    const timeline = [...line.values()].sort((a, b) => chronological(a.event, b.event));
    const sightings = timeline.filter((x) => x.component !== undefined);
    if (sightings.length === 0) continue;
    const anonymousPerson = (): Assignment => ({
      person_id: anonymousPersonId(config.identity.hash_key, members.get(device)!),
      identity_status: 'anonymous',
      link_reason: 'none',
    });
    if (new Set(sightings.map((x) => x.component)).size < 2) {
      const first = sightings[0].event.occurred_at;
      for (const x of timeline)
        if (x.component === undefined && first - x.event.occurred_at > windowMicros) result.set(x.event.event_id, anonymousPerson());
      continue;
    }
    // Device sessions along the time line, then the nearest sighting on either side of each anonymous event.
    const session: number[] = [];
    timeline.forEach((x, i) =>
      session.push(i === 0 ? 0 : session[i - 1] + (x.event.occurred_at - timeline[i - 1].event.occurred_at > gapMicros ? 1 : 0)),
    );
    timeline.forEach((x, i) => {
      if (x.component !== undefined) return;
      let b = i - 1;
      while (b >= 0 && timeline[b].component === undefined) b--;
      let a = i + 1;
      while (a < timeline.length && timeline[a].component === undefined) a++;
      const t = x.event.occurred_at;
      const beforeOk = b >= 0;
      const afterOk = a < timeline.length && timeline[a].event.occurred_at - t <= windowMicros;
      const beforeSame = beforeOk && session[b] === session[i];
      const afterSame = afterOk && session[a] === session[i];
      const pick =
        beforeOk &&
        (!afterOk ||
          (beforeSame && !afterSame) ||
          (beforeSame === afterSame && t - timeline[b].event.occurred_at <= timeline[a].event.occurred_at - t))
          ? timeline[b]
          : afterOk
            ? timeline[a]
            : undefined;
      const person = pick === undefined ? undefined : personOfRoot.get(pick.component!);
      result.set(
        x.event.event_id,
        person === undefined ? anonymousPerson() : { person_id: person, identity_status: 'confirmed', link_reason: 'shared_device' },
      );
    });
  }
  return result;
}

/** §9: every known node, every anonymous id, every name-keyed offsite profile → its person. */
function identityLinks(
  events: StagedEvent[],
  nodesOf: Map<string, string[]>,
  known: UnionFind,
  personOfRoot: Map<string, string>,
  profiles: Map<string, OffsiteProfile>,
  anonymousPerson: Map<string, { person_id: string }>,
  hashKey: string,
): Link[] {
  // The events carrying each identifier (an anonymous id is also carried by the rows that carry it over).
  const carrying = new Map<string, StagedEvent[]>();
  const carry = (link: string, e: StagedEvent) => {
    const list = carrying.get(link);
    if (list) list.push(e);
    else carrying.set(link, [e]);
  };
  for (const e of events) {
    nodesOf.get(e.event_id)!.forEach((n) => carry(n, e));
    if (e.anonymous_id !== null) carry(`anonymous_id:${e.anonymous_id}`, e);
    if (e.carried_anonymous_id !== null && e.carried_anonymous_id !== e.anonymous_id) carry(`anonymous_id:${e.carried_anonymous_id}`, e);
  }
  const link = (identifier_type: IdentifierType, identifier: string, person_id: string, match?: OffsiteProfile): Link => ({
    identifier_type,
    identifier,
    person_id,
    link_type: match?.matchedPerson !== undefined ? 'inferred' : 'confirmed',
    match_probability: match?.matchedPerson !== undefined ? (match.matchProbability ?? null) : null,
    match_evidence: match?.matchedPerson !== undefined ? (match.matchEvidence ?? null) : null,
    events: carrying.get(`${identifier_type}:${identifier}`) ?? [],
  });

  const links: Link[] = [];
  for (const [root, members] of known.components()) {
    const personId = personOfRoot.get(root);
    for (const node of members) {
      if (personId !== undefined) {
        links.push(link(nodeType(node), nodeValue(node), personId));
      } else {
        // A profile nobody identified: the offsite profile's person. (Its key is its own person when all its
        // rows went to a shared email's component and no profile was formed.)
        const profile = profiles.get(nodeValue(node));
        links.push(link('profile', nodeValue(node), profile?.matchedPerson ?? profilePersonId(hashKey, nodeValue(node)), profile));
      }
    }
  }
  for (const [id, { person_id }] of anonymousPerson) links.push(link('anonymous_id', id, person_id));
  for (const profile of profiles.values()) {
    if (profile.rows[0].profile_url !== null) continue; // URL profiles are known nodes, listed above
    links.push({
      ...link('profile', profile.key, profile.matchedPerson ?? profilePersonId(hashKey, profile.key), profile),
      events: profile.rows,
    });
  }
  return links;
}
