/**
 * The simulated audience. Households of one person (sometimes two sharing a computer) visit the blog from
 * several devices over a year; Safari forgets cookies after 7 days of inactivity; some people book meetings
 * (Calendly → Zapier → a 'Meeting Booked' track and an identify carrying the visitor's anonymous id in
 * utm_term), subscribe to the newsletter and come back through `?email=` links, or only ever like posts on
 * LinkedIn. Every event knows its true person: that is the ground truth the stitcher is judged against.
 *
 * The output is a stream of households' events; nothing here holds more than one household in memory.
 */
import {
  ARTICLES,
  COMPANY_SUFFIXES,
  COMPANY_WORDS,
  CONTACT,
  FIRST_NAMES,
  HOME,
  LAST_NAMES,
  LINKEDIN_ACTIONS,
  LINKEDIN_POSTS,
  MEETING_BOOKED,
  NEWSLETTER_CAMPAIGNS,
  NEWSLETTER_SIGNUP,
  PERSONAL_DOMAINS,
  SEARCH_REFERRERS,
  SERVICES,
  SITE,
  SITE_TRACKS,
  THANKS,
  ZAPIER_IPS,
  type Page,
} from './catalog';
import { Rng, Zipf, weighted } from './random';

export const DAY = 86_400_000;
const MINUTE = 60_000;
const HOUR = 3_600_000;
/** WebKit's cap on script-written cookies: 7 days without a visit and the anonymous id is gone. */
export const SAFARI_COOKIE_DAYS = 7;
/** The simulated year: every event falls in these many days. */
export const WINDOW_DAYS = 365;
/** Where the year starts unless `sample --end` says otherwise: fixed, so a seed always gives the same bytes. */
export const DEFAULT_WINDOW_START = Date.UTC(2024, 0, 1);

/**
 * Start (UTC midnight, ms) of the WINDOW_DAYS-day window whose last day is `end` (YYYY-MM-DD), or the default
 * window's start without one. Rejects anything but a real calendar date, naming the --end flag.
 */
export function windowStartEndingOn(end: string | undefined): number {
  if (end === undefined) return DEFAULT_WINDOW_START;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(end);
  const day = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
  // The round trip catches dates Date.UTC would roll over (2024-02-30) or map to 19xx (0099-01-01).
  if (!match || Number.isNaN(day) || new Date(day).toISOString().slice(0, 10) !== end) {
    throw new Error(`--end takes a calendar date as YYYY-MM-DD (e.g. 2024-12-30), got '${end}'`);
  }
  return day + DAY - WINDOW_DAYS * DAY;
}

export interface Campaign {
  source: string | null;
  medium: string | null;
  name: string | null;
  term: string | null;
  content: string | null;
}

export interface Traits {
  email: string | null;
  name: string | null;
  firstName: string | null;
  lastName: string | null;
}

export interface OffsiteInteraction {
  fullName: string;
  email: string | null;
  action: string;
  profileUrl: string | null;
  contentUrl: string;
}

/** One event in source-neutral form; `shapes.ts` turns it into Segment, Snowplow or LinkedIn rows. */
export interface SimEvent {
  id: string;
  kind: 'page' | 'track' | 'identify' | 'offsite';
  /** The true person (ground truth). */
  person: string;
  at: number;
  anonymousId: string | null;
  userId: string | null;
  ip: string | null;
  page: Page | null;
  url: string | null;
  referrer: string | null;
  campaign: Campaign | null;
  trackName: string | null;
  traits: Traits | null;
  offsite: OffsiteInteraction | null;
}

/** An event with every optional part empty: callers name only what their kind of event carries. */
function simEvent(e: Pick<SimEvent, 'id' | 'kind' | 'person' | 'at'> & Partial<SimEvent>): SimEvent {
  const empty = { anonymousId: null, userId: null, ip: null, page: null, url: null, referrer: null, campaign: null };
  return { ...empty, trackName: null, traits: null, offsite: null, ...e };
}

/** What happened, counted as it happens (the tests check the data itself shows it too). */
export interface Phenomena {
  persons: number;
  linkedinOnlyPersons: number;
  households: number;
  sharedDeviceHouseholds: number;
  devices: number;
  anonymousIds: number;
  expiredCookies: number;
  ipChanges: number;
  emailLinkVisits: number;
  bookings: number;
  repeatBookings: number;
  repeatBookingsFromNewAnonymousId: number;
  lateIdentifies: number;
  newsletterSignups: number;
  offsiteInteractions: number;
  offsiteBeforeFirstVisit: number;
  offsiteWithEmail: number;
}

export const emptyPhenomena = (): Phenomena => ({
  persons: 0,
  linkedinOnlyPersons: 0,
  households: 0,
  sharedDeviceHouseholds: 0,
  devices: 0,
  anonymousIds: 0,
  expiredCookies: 0,
  ipChanges: 0,
  emailLinkVisits: 0,
  bookings: 0,
  repeatBookings: 0,
  repeatBookingsFromNewAnonymousId: 0,
  lateIdentifies: 0,
  newsletterSignups: 0,
  offsiteInteractions: 0,
  offsiteBeforeFirstVisit: 0,
  offsiteWithEmail: 0,
});

interface Device {
  mobile: boolean;
  /** Safari / any iOS browser: cookies expire after 7 days of inactivity. */
  safari: boolean;
  anonymousId: string | null;
  lastActive: number;
  ip: string;
}

interface Person {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  /** How they type their email into Calendly (case varies between bookings). */
  typedEmail: () => string;
  devices: Device[];
  /** Receives newsletter emails whose links carry ?email=. */
  subscribed: boolean;
  /** Will book a meeting at this visit number (0-based), or never. */
  bookAtVisit: number | null;
  bookAgain: boolean;
  bookedFrom: string | null;
  bookings: number;
  linkedin: { name: string; profileUrl: string | null; email: string | null; interactions: number } | null;
  webVisitor: boolean;
}

interface Visit {
  person: Person;
  at: number;
  index: number;
}

/** Average events of one visit (pages, scroll/CTA tracks, occasional bookings), measured; scales visit counts. */
const EVENTS_PER_VISIT = 2.5;
const LINKEDIN_EVENTS_PER_PERSON = 1.1;

export interface SimulationOptions {
  seed: string;
  /** Mean events per person: sets how often people come back. */
  eventsPerPerson: number;
  /** First moment of the simulated year (UTC midnight, ms); it lasts WINDOW_DAYS days. */
  windowStart: number;
}

/** Names drawn from long-tailed lists so that common names (James Smith) are shared by different people. */
const firstNameZipf = new Zipf(FIRST_NAMES.length, 0.5);
const lastNameZipf = new Zipf(LAST_NAMES.length, 0.5);
const articleZipf = new Zipf(ARTICLES.length, 1.1);
const postZipf = new Zipf(LINKEDIN_POSTS.length, 1.0);

const asciiSlug = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

function randomIp(rng: Rng, mobile: boolean): string {
  // Mobile carriers hand out addresses from a few large pools; broadband is more scattered.
  return mobile
    ? `${rng.pick([82, 86, 92, 176])}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`
    : `${rng.int(2, 220)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

export class Simulation {
  readonly phenomena = emptyPhenomena();
  private readonly rng: Rng;
  private nextPerson = 1;
  /** The simulated year: [start, end). */
  private readonly start: number;
  private readonly end: number;

  constructor(private readonly options: SimulationOptions) {
    if (!(options.eventsPerPerson > 0)) throw new Error('eventsPerPerson must be positive');
    this.rng = new Rng(options.seed);
    this.start = options.windowStart;
    this.end = options.windowStart + WINDOW_DAYS * DAY;
  }

  /** The next household's events (unordered across tables; times are realistic). */
  household(): SimEvent[] {
    const rng = this.rng;
    this.phenomena.households++;
    const events: SimEvent[] = [];
    if (rng.chance(0.12)) {
      const p = this.newPerson(false);
      this.linkedinActivity(p, null, events);
      return events;
    }
    const members = [this.newPerson(true)];
    if (rng.chance(0.03)) {
      // Two people, one shared computer (and its cookie).
      const other = this.newPerson(true);
      other.devices.push(members[0].devices[0]);
      members.push(other);
      this.phenomena.sharedDeviceHouseholds++;
    }
    const visits = members.flatMap((p) => this.planVisits(p));
    visits.sort((a, b) => a.at - b.at);
    const firstVisit = new Map<Person, number>();
    for (const v of visits) {
      if (!firstVisit.has(v.person)) firstVisit.set(v.person, v.at);
      this.visit(v, events);
    }
    for (const p of members) this.linkedinActivity(p, firstVisit.get(p) ?? null, events);
    return events;
  }

  private newPerson(webVisitor: boolean): Person {
    const rng = this.rng;
    const id = `P${String(this.nextPerson++).padStart(7, '0')}`;
    this.phenomena.persons++;
    if (!webVisitor) this.phenomena.linkedinOnlyPersons++;
    const firstName = FIRST_NAMES[firstNameZipf.sample(rng)];
    const lastName = LAST_NAMES[lastNameZipf.sample(rng)];
    const local = rng.chance(0.7) ? `${asciiSlug(firstName)}.${asciiSlug(lastName)}` : `${asciiSlug(firstName)[0]}${asciiSlug(lastName)}`;
    const domain = rng.chance(0.8)
      ? `${rng.pick(COMPANY_WORDS)}${rng.pick(COMPANY_SUFFIXES)}`
      : rng.pick(PERSONAL_DOMAINS);
    // A number makes the address unique to this person (two John Smiths at acme.com have different emails).
    const email = `${local}${rng.int(1, 999)}@${domain}`;
    const displayEmail = rng.chance(0.2) ? `${local[0].toUpperCase()}${local.slice(1)}${email.slice(local.length)}` : email;
    const deviceCount = webVisitor ? 1 + (rng.chance(0.5) ? 1 : 0) + (rng.chance(0.2) ? 1 : 0) : 0;
    const devices: Device[] = Array.from({ length: deviceCount }, (_, i) => {
      const mobile = i > 0 || rng.chance(0.25);
      const safari = mobile ? rng.chance(0.55) : rng.chance(0.2);
      this.phenomena.devices++;
      return { mobile, safari, anonymousId: null, lastActive: 0, ip: randomIp(rng, mobile) };
    });
    const onLinkedIn = !webVisitor || rng.chance(0.35);
    const linkedinName = () => {
      const full = `${firstName} ${lastName}`;
      // LinkedIn display names drift from what people type into forms: accents dropped, case, a title.
      return weighted(rng, [
        [full, 8],
        [full.normalize('NFD').replace(/[\u0300-\u036f]/g, ''), 1],
        [full.toUpperCase(), 0.3],
        [`${full}, MBA`, 0.3],
      ] as const);
    };
    return {
      id,
      firstName,
      lastName,
      email,
      typedEmail: () => (rng.chance(0.15) ? displayEmail.toUpperCase() : displayEmail),
      devices,
      subscribed: webVisitor && rng.chance(0.05), // already on the mailing list (an old client, an event)
      bookAtVisit: webVisitor && rng.chance(0.1) ? rng.geometric(2) : null,
      bookAgain: rng.chance(0.35),
      bookedFrom: null,
      bookings: 0,
      linkedin: onLinkedIn
        ? {
            name: linkedinName(),
            profileUrl: `https://www.linkedin.com/in/${asciiSlug(firstName)}-${asciiSlug(lastName)}-${rng.hex(8)}`,
            email: rng.chance(0.25) ? (rng.chance(0.7) ? email : `${local}${rng.int(1, 99)}@${rng.pick(PERSONAL_DOMAINS)}`) : null,
            interactions: 1 + rng.geometric(webVisitor ? LINKEDIN_EVENTS_PER_PERSON : 1.5),
          }
        : null,
      webVisitor,
    };
  }

  private planVisits(p: Person): Visit[] {
    const rng = this.rng;
    const meanVisits = Math.max(1, this.options.eventsPerPerson / EVENTS_PER_VISIT);
    // A per-person appetite on top of the geometric draw: most people visit once or twice, a few read a lot.
    const count = 1 + rng.geometric((meanVisits - 1) * rng.exponential(1));
    let at = this.start + rng.next() * (WINDOW_DAYS - 14) * DAY;
    // Regulars come back daily, others weeks apart; gaps shrink so that heavy readers fit in the year.
    const end = this.end;
    const daysLeft = (end - at) / DAY;
    const meanGapDays = Math.min(rng.pick([1, 3, 6, 10, 20, 40]), (0.8 * daysLeft) / count);
    const visits: Visit[] = [];
    for (let index = 0; index < count && at < end; index++) {
      visits.push({ person: p, at: Math.floor(at), index });
      at += 30 * MINUTE + rng.exponential(meanGapDays * DAY);
    }
    return visits;
  }

  private cookieOf(device: Device, at: number): string {
    const rng = this.rng;
    const expired = device.anonymousId !== null && device.safari && at - device.lastActive > SAFARI_COOKIE_DAYS * DAY;
    if (device.anonymousId === null || expired || rng.chance(0.01)) {
      if (expired) this.phenomena.expiredCookies++;
      device.anonymousId = rng.uuid();
      this.phenomena.anonymousIds++;
    }
    device.lastActive = at;
    return device.anonymousId;
  }

  private visit(v: Visit, out: SimEvent[]): void {
    const rng = this.rng;
    const p = v.person;
    const device = p.devices.length === 1 || rng.chance(0.55) ? p.devices[0] : rng.pick(p.devices);
    if (rng.chance(device.mobile ? 0.5 : 0.08)) {
      device.ip = randomIp(rng, device.mobile);
      this.phenomena.ipChanges++;
    }
    const anonymousId = this.cookieOf(device, v.at);
    let at = v.at;
    const base = (kind: SimEvent['kind']): SimEvent => simEvent({ id: rng.uuid(), kind, person: p.id, at, anonymousId, ip: device.ip });

    // How they arrived.
    const arrival = weighted(rng, [
      ['search', 40],
      ['direct', 20],
      ['linkedin', 15],
      ['email', p.subscribed ? 25 : 0],
      ['twitter', 5],
    ] as const);
    let campaign: Campaign | null = null;
    let query = '';
    let referrer: string | null = null;
    if (arrival === 'search') referrer = rng.pick(SEARCH_REFERRERS);
    if (arrival === 'linkedin' || arrival === 'twitter') {
      campaign = { source: arrival, medium: 'social', name: 'blog-promotion', term: null, content: null };
      referrer = arrival === 'linkedin' ? 'https://www.linkedin.com/' : 'https://t.co/';
      query = `?utm_source=${arrival}&utm_medium=social&utm_campaign=blog-promotion`;
    }
    if (arrival === 'email') {
      const name = rng.pick(NEWSLETTER_CAMPAIGNS);
      campaign = { source: 'newsletter', medium: 'email', name, term: null, content: null };
      const encoded = rng.chance(0.8) ? p.email.replace('@', '%40') : p.email;
      query = `?utm_source=newsletter&utm_medium=email&utm_campaign=${name}&email=${encoded}`;
      this.phenomena.emailLinkVisits++;
    }

    const pageView = (page: Page, first: boolean) => {
      const e = base('page');
      e.page = page;
      e.url = SITE + page.path + (first ? query : '');
      e.referrer = first ? referrer : SITE + '/';
      e.campaign = first ? campaign : null;
      out.push(e);
      at += 10_000 + Math.floor(rng.exponential(90_000));
    };

    const landing = arrival === 'direct' && rng.chance(0.5) ? HOME : ARTICLES[articleZipf.sample(rng)];
    pageView(landing, true);
    const more = rng.geometric(1.3);
    for (let i = 0; i < more; i++) pageView(rng.chance(0.7) ? ARTICLES[articleZipf.sample(rng)] : rng.pick(SERVICES), false);
    if (rng.chance(0.35)) {
      const t = base('track');
      t.trackName = weighted(rng, SITE_TRACKS);
      out.push(t);
      at += 5_000;
    }

    if (!p.subscribed && rng.chance(0.02)) {
      // Newsletter form on the site: a track and an identify from the browser itself.
      const t = base('track');
      t.trackName = NEWSLETTER_SIGNUP;
      out.push(t);
      at += 2_000;
      const idf = base('identify');
      idf.traits = { email: p.typedEmail(), name: null, firstName: p.firstName, lastName: null };
      out.push(idf);
      p.subscribed = true;
      this.phenomena.newsletterSignups++;
    }

    const wantsToBook =
      p.bookAtVisit !== null && (p.bookings === 0 ? v.index >= p.bookAtVisit : p.bookAgain && p.bookings === 1 && anonymousId !== p.bookedFrom && rng.chance(0.3));
    if (wantsToBook) this.book(p, anonymousId, () => pageView(CONTACT, false), () => pageView(THANKS, false), () => at, out);
  }

  /** Calendly via Zapier: a contact page, then a track and an identify sent server-side with the cookie in utm_term. */
  private book(p: Person, anonymousId: string, contact: () => void, thanks: () => void, now: () => number, out: SimEvent[]): void {
    const rng = this.rng;
    contact();
    const bookedAt = now() + 60_000 + Math.floor(rng.exponential(120_000));
    const zapierAnonymousId = rng.uuid();
    const email = p.typedEmail();
    const zapier = (kind: 'track' | 'identify', at: number): SimEvent =>
      simEvent({
        id: rng.uuid(),
        kind,
        person: p.id,
        at,
        anonymousId: zapierAnonymousId,
        userId: email,
        ip: rng.pick(ZAPIER_IPS),
        campaign: { source: 'calendly', medium: 'booking', name: 'contact-us', term: anonymousId, content: null },
      });
    const track = zapier('track', bookedAt);
    track.trackName = MEETING_BOOKED;
    // Zapier retries and queues: some identifies arrive hours or days after the booking.
    const late = rng.chance(0.12);
    if (late) this.phenomena.lateIdentifies++;
    const identify = zapier('identify', bookedAt + (late ? Math.floor(HOUR + rng.exponential(DAY)) : rng.int(5_000, 90_000)));
    const fullName = `${p.firstName} ${p.lastName}`;
    identify.traits = rng.chance(0.7)
      ? { email, name: fullName, firstName: p.firstName, lastName: p.lastName }
      : { email, name: null, firstName: p.firstName, lastName: p.lastName };
    out.push(track, identify);
    thanks();
    if (p.bookings === 0) p.bookedFrom = anonymousId;
    else {
      this.phenomena.repeatBookings++;
      if (anonymousId !== p.bookedFrom) this.phenomena.repeatBookingsFromNewAnonymousId++;
    }
    p.bookings++;
    p.subscribed = true;
    this.phenomena.bookings++;
  }

  private linkedinActivity(p: Person, firstVisit: number | null, out: SimEvent[]): void {
    const rng = this.rng;
    if (!p.linkedin) return;
    const li = p.linkedin;
    if (li.email) this.phenomena.offsiteWithEmail++;
    const { start, end } = this;
    for (let i = 0; i < li.interactions; i++) {
      // Awareness comes first: most interactions happen before the first visit to the site.
      const before = firstVisit !== null && firstVisit > start && rng.chance(0.7);
      const at = before ? start + rng.next() * (firstVisit - start) : start + rng.next() * (end - start);
      if (before) this.phenomena.offsiteBeforeFirstVisit++;
      this.phenomena.offsiteInteractions++;
      const action = weighted(rng, LINKEDIN_ACTIONS);
      out.push(simEvent({
        id: `li-${rng.hex(20)}`,
        kind: 'offsite',
        person: p.id,
        at: Math.floor(at),
        offsite: {
          fullName: li.name,
          email: li.email,
          action,
          // Some exports (comments scraped from a post) come without the profile link.
          profileUrl: rng.chance(0.9) ? li.profileUrl : null,
          contentUrl: action === 'followed' ? 'https://www.linkedin.com/company/example-analytics' : LINKEDIN_POSTS[postZipf.sample(rng)],
        },
      }));
    }
  }
}
