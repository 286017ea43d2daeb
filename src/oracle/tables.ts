/**
 * The output tables (docs/semantics.md §6–9) from resolved identities: backfill, person status, sessions,
 * journeys, identity links. Rows have exactly the columns of src/contract/tables.ts.
 */
import type { Config } from '../config/schema';
import type { IdentityStatus, OutputTable } from '../contract/tables';
import { channelOf, referrerDomain } from './channels';
import { chronological, type Assignment, type Resolution } from './identity';
import type { StagedEvent } from './stage';
import { compareText, isoFromMicros, keyedMd5, md5 } from './values';

export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;
export type OutputRows = Record<OutputTable, Row[]>;

const iso = (micros: number | undefined) => (micros === undefined ? null : isoFromMicros(micros));

/** Latest non-null value of `pick` in chronological order. */
function latestValue(events: StagedEvent[], pick: (e: StagedEvent) => string | null): string | null {
  let value: string | null = null;
  for (const e of [...events].sort(chronological)) value = pick(e) ?? value;
  return value;
}

/**
 * A person's weakest name match: the lowest probability among its inferred events, and the evidence of the first
 * inferred event by (probability, event_id) (a NULL probability, the exact rule's, first).
 */
function weakestMatch(rows: { e: StagedEvent; a: Assignment }[]): { match_probability: number | null; match_evidence: string | null } {
  const inferred = rows.filter((r) => r.a.identity_status === 'inferred');
  const probabilities = inferred.map((r) => r.a.match_probability).filter((p): p is number => p !== null && p !== undefined);
  const first = inferred.sort(
    (x, y) => (x.a.match_probability ?? 0) - (y.a.match_probability ?? 0) || compareText(x.e.event_id, y.e.event_id),
  )[0];
  return { match_probability: probabilities.length ? Math.min(...probabilities) : null, match_evidence: first?.a.match_evidence ?? null };
}

function stepLabeller(config: Config): (e: StagedEvent) => string | null {
  const labels = new Map(config.offsite.map((o) => [o.name, o.label ?? o.name.charAt(0).toUpperCase() + o.name.slice(1)]));
  return (e) => {
    switch (e.event_type) {
      case 'page':
        return e.page_title ?? e.page_path;
      case 'track':
        return config.journeys.track_events.includes(e.event_name!) ? e.event_name : null;
      case 'offsite':
        return e.offsite_action === null ? null : `${labels.get(e.source)}: ${e.offsite_action}`;
      default:
        return null;
    }
  };
}

export function buildTables(resolution: Resolution, config: Config): OutputRows {
  const { events, assignments } = resolution;
  const stepLabel = stepLabeller(config);
  const isConversion = (e: StagedEvent) => e.event_type === 'track' && config.journeys.conversion_events.includes(e.event_name!);

  const byPerson = new Map<string, StagedEvent[]>();
  for (const e of [...events].sort(chronological)) {
    const personId = assignments.get(e.event_id)!.person_id;
    const list = byPerson.get(personId);
    if (list) list.push(e);
    else byPerson.set(personId, [e]);
  }
  const statusOf = (e: StagedEvent) => assignments.get(e.event_id)!.identity_status;

  // §6 persons: status and backfilled email / name.
  const personStatus = new Map<string, IdentityStatus>();
  const backfill = new Map<string, { email: string | null; name: string | null }>();
  for (const [personId, personEvents] of byPerson) {
    const status: IdentityStatus = personEvents.some((e) => statusOf(e) === 'inferred')
      ? 'inferred'
      : resolution.identified.has(personId)
        ? 'confirmed'
        : personEvents.some((e) => e.event_type !== 'offsite')
          ? 'anonymous'
          : 'unmatched';
    personStatus.set(personId, status);
    const confirmed = personEvents.filter((e) => statusOf(e) === 'confirmed');
    backfill.set(personId, {
      email: latestValue(confirmed, (e) => e.email),
      name: status === 'unmatched' ? latestValue(personEvents, (e) => e.name) : latestValue(confirmed, (e) => e.name),
    });
  }

  // §7 sessions: split a person's events on inactivity gaps.
  const gapMicros = config.sessions.inactivity_minutes * 60 * 1_000_000;
  const sessionsOf = new Map<string, StagedEvent[][]>();
  for (const [personId, personEvents] of byPerson) {
    const sessions: StagedEvent[][] = [];
    personEvents.forEach((e, i) => {
      if (i === 0 || e.occurred_at - personEvents[i - 1].occurred_at > gapMicros) sessions.push([e]);
      else sessions[sessions.length - 1].push(e);
    });
    sessionsOf.set(personId, sessions);
  }
  const sessionIdOf = new Map<string, string>();
  const sessionId = (personId: string, session: StagedEvent[]) => md5(`${personId}|${session[0].occurred_at}`);

  // §8 journeys: steps with consecutive duplicates collapsed; the steps before the first conversion, latest first.
  const n = config.journeys.steps;
  const path = (pathEvents: StagedEvent[], sessionCount?: (conversion: StagedEvent) => number): Row => {
    const steps: { label: string; event: StagedEvent; index: number }[] = [];
    pathEvents.forEach((e, index) => {
      const label = stepLabel(e);
      if (label !== null && label !== steps[steps.length - 1]?.label) steps.push({ label, event: e, index });
    });
    const conversionStep = steps.findIndex((s) => isConversion(s.event));
    const conversionIndex = pathEvents.findIndex(isConversion);
    const conversion = pathEvents[conversionIndex] as StagedEvent | undefined;
    const before = conversion === undefined ? [] : steps.filter((s) => s.index < conversionIndex).reverse();
    const firstStepAt = steps[0]?.event.occurred_at;
    return {
      step_count: steps.length,
      converted: conversion !== undefined,
      steps_to_conversion: conversionStep === -1 ? null : conversionStep + 1,
      first_step_at: iso(firstStepAt),
      converted_at: iso(conversion?.occurred_at),
      seconds_to_conversion:
        conversion === undefined || firstStepAt === undefined ? null : (conversion.occurred_at - firstStepAt) / 1_000_000,
      ...(sessionCount ? { sessions_to_conversion: conversion === undefined ? null : sessionCount(conversion) } : {}),
      conversion_step: conversion === undefined ? null : stepLabel(conversion),
      ...Object.fromEntries(Array.from({ length: n }, (_, i) => [`step_${i + 1}`, steps[i]?.label ?? null])),
      ...Object.fromEntries(Array.from({ length: n }, (_, i) => [`before_${i + 1}`, before[i]?.label ?? null])),
    };
  };

  // §10 touches: each event's referrer domain and channel; a unit's first touch is its first event's, its landing
  // page path its first page view's that has one.
  const touch = (unitEvents: StagedEvent[]): Row => {
    const first = unitEvents[0];
    const landing = unitEvents.find((e) => e.event_type === 'page' && e.page_path !== null);
    return {
      channel: channelOf(first),
      referrer_domain: referrerDomain(first),
      utm_source: first.utm_source,
      utm_medium: first.utm_medium,
      utm_campaign: first.utm_campaign,
      landing_page_path: landing?.page_path ?? null,
    };
  };

  const persons: Row[] = [];
  const sessions: Row[] = [];
  const journeyPaths: Row[] = [];
  const sessionPaths: Row[] = [];
  for (const [personId, personEvents] of byPerson) {
    const status = personStatus.get(personId)!;
    const personSessions = sessionsOf.get(personId)!;
    personSessions.forEach((session, i) => {
      const id = sessionId(personId, session);
      session.forEach((e) => sessionIdOf.set(e.event_id, id));
      const landing = session.find((e) => e.event_type === 'page');
      sessions.push({
        session_id: id,
        person_id: personId,
        session_number: i + 1,
        started_at: iso(session[0].occurred_at),
        ended_at: iso(session[session.length - 1].occurred_at),
        event_count: session.length,
        page_view_count: session.filter((e) => e.event_type === 'page').length,
        landing_page: landing === undefined ? null : (landing.page_title ?? landing.page_path),
        source: session[0].source,
        ...touch(session),
        converted: session.some(isConversion),
        identity_status: status,
      });
      sessionPaths.push({ session_id: id, person_id: personId, identity_status: status, ...path(session), ...touch(session) });
    });
    const sessionNumber = (e: StagedEvent) => personSessions.findIndex((session) => session.includes(e)) + 1;
    journeyPaths.push({ person_id: personId, identity_status: status, ...path(personEvents, sessionNumber), ...touch(personEvents) });
    const conversions = personEvents.filter(isConversion);
    const distinct = (pick: (e: StagedEvent) => string | null) => new Set(personEvents.map(pick).filter((v) => v !== null)).size;
    persons.push({
      person_id: personId,
      ...backfill.get(personId)!,
      identity_status: status,
      is_inferred_identity: status === 'inferred',
      ...weakestMatch(personEvents.map((e) => ({ e, a: assignments.get(e.event_id)! }))),
      first_seen_at: iso(personEvents[0].occurred_at),
      last_seen_at: iso(personEvents[personEvents.length - 1].occurred_at),
      anonymous_id_count: distinct((e) => e.anonymous_id),
      event_count: personEvents.length,
      session_count: personSessions.length,
      converted: conversions.length > 0,
      first_converted_at: iso(conversions[0]?.occurred_at),
      user_id_count: distinct((e) => e.user_id),
      email_count: distinct((e) => e.email),
    });
  }

  const stitchedEvents: Row[] = events.map((e) => {
    const a = assignments.get(e.event_id)!;
    return {
      event_id: e.event_id,
      event_type: e.event_type,
      event_name: e.event_name,
      occurred_at: iso(e.occurred_at),
      anonymous_id: e.anonymous_id,
      user_id: e.user_id,
      person_id: a.person_id,
      ...backfill.get(a.person_id)!,
      identity_status: a.identity_status,
      is_inferred_identity: a.identity_status === 'inferred',
      source: e.source,
      page_path: e.page_path,
      page_title: e.page_title,
      page_url: e.page_url,
      session_id: sessionIdOf.get(e.event_id)!,
      step_label: stepLabel(e),
      is_conversion: isConversion(e),
      ip: e.ip,
      referrer: e.referrer,
      utm_source: e.utm_source,
      utm_medium: e.utm_medium,
      utm_campaign: e.utm_campaign,
      referrer_domain: referrerDomain(e),
      channel: channelOf(e),
      offsite_action: e.offsite_action,
      profile_url: e.profile_url,
      content_url: e.content_url,
      link_reason: a.link_reason,
      match_probability: a.match_probability ?? null,
      match_evidence: a.match_evidence ?? null,
    };
  });

  // §9 identity links with the events carrying each identifier.
  // Identifiers whose person has no events (a shared inbox only seen beside user ids) resolve to nobody.
  const identityLinks: Row[] = resolution.links
    .filter((link) => byPerson.has(link.person_id))
    .map((link) => {
      const times = link.events.map((e) => e.occurred_at);
      return {
        link_id: keyedMd5(config.identity.hash_key, `${link.identifier_type}:${link.identifier}`),
        identifier_type: link.identifier_type,
        identifier: link.identifier,
        person_id: link.person_id,
        link_type: link.link_type,
        match_probability: link.match_probability,
        match_evidence: link.match_evidence,
        first_seen_at: times.length === 0 ? null : iso(Math.min(...times)),
        last_seen_at: times.length === 0 ? null : iso(Math.max(...times)),
        event_count: link.events.length,
      };
    });

  const byKey = (key: string) => (rows: Row[]) => rows.sort((a, b) => compareText(String(a[key]), String(b[key])));
  return {
    stitched_events: byKey('event_id')(stitchedEvents),
    persons: byKey('person_id')(persons),
    identity_links: byKey('link_id')(identityLinks),
    sessions: byKey('session_id')(sessions),
    journey_paths: byKey('person_id')(journeyPaths),
    session_paths: byKey('session_id')(sessionPaths),
  };
}
