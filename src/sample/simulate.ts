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
  BARE_HEADLINES,
  COMPANY_SUFFIXES,
  COMPANY_WORDS,
  CONTACT,
  FIRST_NAMES,
  HOME,
  INDUSTRIES,
  LAST_NAMES,
  LINKEDIN_ACTIONS,
  LINKEDIN_POSTS,
  LOCATIONS,
  MEETING_BOOKED,
  NEWSLETTER_CAMPAIGNS,
  NEWSLETTER_SIGNUP,
  PERSONAL_DOMAINS,
  ROLES,
  SEARCH_REFERRERS,
  SERVICES,
  SITE,
  SITE_TRACKS,
  THANKS,
  ZAPIER_IPS,
  companyName,
  type Page,
} from './catalog';
import { Rng, Zipf, weighted } from './random';
import { JourneyStitchError } from '../contract/errors';

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
    throw new JourneyStitchError(`--end takes a calendar date as YYYY-MM-DD (e.g. 2024-12-30), got '${end}'`);
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
  /** What they typed into the booking form's optional Company field. */
  company: string | null;
}

/** One row of a LinkedIn export (PhantomBuster's likers, commenters and followers scrapes look like this). */
export interface OffsiteInteraction {
  /** Missing on some rows, which carry first and last name instead. */
  fullName: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  action: string;
  profileUrl: string | null;
  contentUrl: string;
  headline: string | null;
  company: string | null;
  location: string | null;
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
  /** Persons whose email is at a personal domain (gmail.com…): no company evidence from the email. */
  personalEmailPersons: number;
  /** Persons with a work email who have moved on: their employer (LinkedIn, the booking form) is not the email's company. */
  jobChangers: number;
  /** LinkedIn profiles whose headline names no company ("Founder", "Data | Analytics | BI"). */
  headlinesWithoutCompany: number;
  /** Persons with the name and the email domain of an earlier person: namesakes at the same company. */
  sameCompanyNamesakes: number;
  /** Visits from LinkedIn (utm_source=linkedin or a linkedin.com referrer) soon after one of the visitor's interactions. */
  linkedinReferredVisits: number;
  /** Booking identifies carrying a company trait. */
  identifiesWithCompany: number;
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
  personalEmailPersons: 0,
  jobChangers: 0,
  headlinesWithoutCompany: 0,
  sameCompanyNamesakes: 0,
  linkedinReferredVisits: 0,
  identifiesWithCompany: 0,
});

interface Device {
  mobile: boolean;
  /** Safari / any iOS browser: cookies expire after 7 days of inactivity. */
  safari: boolean;
  anonymousId: string | null;
  lastActive: number;
  ip: string;
}

/** A LinkedIn profile: what every export row of this person shows (names as displayed, headline, company). */
interface Profile {
  name: string;
  firstName: string;
  lastName: string;
  profileUrl: string | null;
  email: string | null;
  interactions: number;
  headline: string;
  /** The current position's company, as the profile names it; null for someone between jobs. */
  company: string | null;
  location: string | null;
}

/** One LinkedIn interaction, planned before the visits so that some visits can follow it. */
interface Interaction {
  at: number;
  action: 'liked' | 'commented' | 'followed' | 'shared';
  /** Index into LINKEDIN_POSTS (and ARTICLES: post i promotes article i); null for a follow of the page. */
  post: number | null;
}

interface Person {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  /** What the booking form's optional Company field gets, or null when left empty. */
  companyTrait: string | null;
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
  linkedin: Profile | null;
  webVisitor: boolean;
}

interface Visit {
  person: Person;
  at: number;
  index: number;
  /** A click from LinkedIn soon after this interaction (the landing page is the post's article). */
  referredBy?: Interaction;
}

/** An earlier person a namesake colleague can copy: the name and the company email domain. */
interface Colleague {
  firstName: string;
  lastName: string;
  company: { word: string; suffix: string };
}
/** How many recent company-email persons a namesake colleague is drawn from (bounded memory). */
const COLLEAGUES = 64;

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
/**
 * LinkedIn-only persons (the wide audience that likes posts and never visits) draw from a steeper tail: the
 * common names are what make a name match to a known visitor a coin toss.
 */
const commonFirstNameZipf = new Zipf(FIRST_NAMES.length, 1.0);
const commonLastNameZipf = new Zipf(LAST_NAMES.length, 1.0);
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
  /** Recent company-email persons, for namesake colleagues (a ring of COLLEAGUES). */
  private readonly colleagues: Colleague[] = [];
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
      this.linkedinActivity(p, this.planInteractions(p, null), events);
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
    // LinkedIn interactions are planned against the planned visits; some are followed by a visit from LinkedIn.
    const interactions = members.map((p) => {
      const mine = visits.filter((v) => v.person === p);
      const planned = this.planInteractions(p, mine.length ? Math.min(...mine.map((v) => v.at)) : null);
      for (const i of planned) {
        if (!rng.chance(0.3)) continue;
        // Most clicks come within hours of the interaction, some days later (beyond a short window).
        const at = i.at + 2 * MINUTE + Math.floor(rng.chance(0.75) ? rng.exponential(3 * HOUR) : rng.exponential(3 * DAY));
        if (at >= this.end) continue;
        visits.push({ person: p, at, index: 0, referredBy: i });
        this.phenomena.linkedinReferredVisits++;
      }
      return planned;
    });
    visits.sort((a, b) => a.at - b.at);
    const seen = new Map<Person, number>();
    for (const v of visits) {
      // A visit's number among its person's visits (when they book), counting the LinkedIn-referred ones.
      v.index = seen.get(v.person) ?? 0;
      seen.set(v.person, v.index + 1);
      this.visit(v, events);
    }
    members.forEach((p, i) => this.linkedinActivity(p, interactions[i], events));
    return events;
  }

  private newPerson(webVisitor: boolean): Person {
    const rng = this.rng;
    const id = `P${String(this.nextPerson++).padStart(7, '0')}`;
    this.phenomena.persons++;
    if (!webVisitor) this.phenomena.linkedinOnlyPersons++;
    // Now and then a namesake of a recent colleague: same name, same company domain, another person.
    const colleague = this.colleagues.length > 0 && rng.chance(0.03) ? rng.pick(this.colleagues) : null;
    const firstName = colleague?.firstName ?? FIRST_NAMES[(webVisitor ? firstNameZipf : commonFirstNameZipf).sample(rng)];
    const lastName = colleague?.lastName ?? LAST_NAMES[(webVisitor ? lastNameZipf : commonLastNameZipf).sample(rng)];
    const local = rng.chance(0.7) ? `${asciiSlug(firstName)}.${asciiSlug(lastName)}` : `${asciiSlug(firstName)[0]}${asciiSlug(lastName)}`;
    const drawn = { word: rng.pick(COMPANY_WORDS), suffix: rng.pick(COMPANY_SUFFIXES) };
    const work = colleague?.company ?? drawn;
    const personal = colleague === null && rng.chance(0.2);
    const domain = personal ? rng.pick(PERSONAL_DOMAINS) : `${work.word}${work.suffix}`;
    if (colleague) this.phenomena.sameCompanyNamesakes++;
    if (personal) this.phenomena.personalEmailPersons++;
    else if (this.colleagues.length < COLLEAGUES) this.colleagues.push({ firstName, lastName, company: work });
    else this.colleagues[this.nextPerson % COLLEAGUES] = { firstName, lastName, company: work };
    // A number makes the address unique to this person (two John Smiths at acme.com have different emails).
    const email = `${local}${rng.int(1, 999)}@${domain}`;
    const displayEmail = rng.chance(0.2) ? `${local[0].toUpperCase()}${local.slice(1)}${email.slice(local.length)}` : email;

    // The current employer: the email's company, unless they moved on (the email is an old one) or use a personal
    // address (then any company, or none: freelancers, founders between things).
    const other = { word: rng.pick(COMPANY_WORDS), suffix: rng.pick(COMPANY_SUFFIXES) };
    const moved = !personal && rng.chance(0.15) && `${other.word}${other.suffix}` !== domain;
    if (moved) this.phenomena.jobChangers++;
    const employer = moved || personal ? (personal && rng.chance(0.2) ? null : other) : work;
    const company = employer ? companyName(employer.word, employer.suffix, rng.int(0, 2)) : null;

    const deviceCount = webVisitor ? 1 + (rng.chance(0.5) ? 1 : 0) + (rng.chance(0.2) ? 1 : 0) : 0;
    const devices: Device[] = Array.from({ length: deviceCount }, (_, i) => {
      const mobile = i > 0 || rng.chance(0.25);
      const safari = mobile ? rng.chance(0.55) : rng.chance(0.2);
      this.phenomena.devices++;
      return { mobile, safari, anonymousId: null, lastActive: 0, ip: randomIp(rng, mobile) };
    });
    const onLinkedIn = !webVisitor || rng.chance(0.35);
    const profile = (): Profile => {
      // LinkedIn display names drift from what people type into forms: accents dropped, case, a title.
      const drift = weighted(rng, [
        ['as typed', 8],
        ['no accents', 1],
        ['upper case', 0.3],
        ['title', 0.3],
      ] as const);
      const shown = (s: string) =>
        drift === 'no accents' ? s.normalize('NFD').replace(/[\u0300-\u036f]/g, '') : drift === 'upper case' ? s.toUpperCase() : s;
      const last = drift === 'title' ? `${lastName}, MBA` : shown(lastName);
      const hl = this.headline(company);
      if (hl.named === null) this.phenomena.headlinesWithoutCompany++;
      return {
        name: `${shown(firstName)} ${last}`,
        firstName: shown(firstName),
        lastName: last,
        profileUrl: `https://www.linkedin.com/in/${asciiSlug(firstName)}-${asciiSlug(lastName)}-${rng.hex(8)}`,
        email: rng.chance(0.25) ? (rng.chance(0.7) ? email : `${local}${rng.int(1, 99)}@${rng.pick(PERSONAL_DOMAINS)}`) : null,
        interactions: 1 + rng.geometric(webVisitor ? LINKEDIN_EVENTS_PER_PERSON : 1.5),
        headline: hl.text,
        company,
        location: rng.chance(0.75) ? rng.pick(LOCATIONS) : null,
      };
    };
    return {
      id,
      firstName,
      lastName,
      email,
      // Calendly's optional Company field: filled by some, as they write their employer (sometimes lower case).
      companyTrait: company !== null && rng.chance(0.45) ? (rng.chance(0.2) ? company.toLowerCase() : company) : null,
      typedEmail: () => (rng.chance(0.15) ? displayEmail.toUpperCase() : displayEmail),
      devices,
      subscribed: webVisitor && rng.chance(0.05), // already on the mailing list (an old client, an event)
      bookAtVisit: webVisitor && rng.chance(0.1) ? rng.geometric(2) : null,
      bookAgain: rng.chance(0.35),
      bookedFrom: null,
      bookings: 0,
      linkedin: onLinkedIn ? profile() : null,
      webVisitor,
    };
  }

  /** A LinkedIn headline as people write them: "Head of Data at Acme", "CTO @ Acme", or no company at all. */
  private headline(company: string | null): { text: string; named: string | null } {
    const rng = this.rng;
    const role = rng.pick(ROLES);
    const industry = rng.pick(INDUSTRIES);
    const shape = weighted(rng, [
      ['at', company ? 50 : 0],
      ['@', company ? 8 : 0],
      ['|', company ? 7 : 0],
      ['at, industry', company ? 8 : 0],
      ['role, industry', 15],
      ['bare', 12],
    ] as const);
    if (shape === 'role, industry') return { text: `${role} | ${industry}`, named: null };
    if (shape === 'bare' || company === null) return { text: rng.pick(BARE_HEADLINES), named: null };
    const text =
      shape === 'at'
        ? `${role} at ${company}`
        : shape === '@'
          ? `${role} @ ${company}`
          : shape === '|'
            ? `${role} | ${company}`
            : `${role} at ${company} | ${industry}`;
    return { text, named: company };
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

    // How they arrived: a visit planned after a LinkedIn interaction comes from LinkedIn.
    const referral = v.referredBy;
    const arrival = referral
      ? 'linkedin'
      : weighted(rng, [
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
      referrer = arrival === 'linkedin' ? 'https://www.linkedin.com/' : 'https://t.co/';
      // Our posts' links carry UTM tags; a link someone else shared, or the page's profile link, only the referrer.
      if (!(referral && rng.chance(0.45))) {
        campaign = { source: arrival, medium: 'social', name: 'blog-promotion', term: null, content: null };
        query = `?utm_source=${arrival}&utm_medium=social&utm_campaign=blog-promotion`;
      }
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

    const landing =
      referral && referral.post !== null
        ? ARTICLES[referral.post]
        : arrival === 'direct' && rng.chance(0.5)
          ? HOME
          : ARTICLES[articleZipf.sample(rng)];
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
      idf.traits = { email: p.typedEmail(), name: null, firstName: p.firstName, lastName: null, company: null };
      out.push(idf);
      p.subscribed = true;
      this.phenomena.newsletterSignups++;
    }

    const wantsToBook =
      p.bookAtVisit !== null &&
      (p.bookings === 0 ? v.index >= p.bookAtVisit : p.bookAgain && p.bookings === 1 && anonymousId !== p.bookedFrom && rng.chance(0.3));
    if (wantsToBook)
      this.book(
        p,
        anonymousId,
        () => pageView(CONTACT, false),
        () => pageView(THANKS, false),
        () => at,
        out,
      );
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
    identify.traits = {
      email,
      name: rng.chance(0.7) ? fullName : null,
      firstName: p.firstName,
      lastName: p.lastName,
      company: p.companyTrait,
    };
    if (p.companyTrait !== null) this.phenomena.identifiesWithCompany++;
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

  /** When and how a person interacts with the company's LinkedIn posts (awareness mostly before the first visit). */
  private planInteractions(p: Person, firstVisit: number | null): Interaction[] {
    const rng = this.rng;
    if (!p.linkedin) return [];
    const { start, end } = this;
    return Array.from({ length: p.linkedin.interactions }, () => {
      const before = firstVisit !== null && firstVisit > start && rng.chance(0.7);
      const at = before ? start + rng.next() * (firstVisit - start) : start + rng.next() * (end - start);
      if (before) this.phenomena.offsiteBeforeFirstVisit++;
      const action = weighted(rng, LINKEDIN_ACTIONS);
      return { at: Math.floor(at), action, post: action === 'followed' ? null : postZipf.sample(rng) };
    });
  }

  /** The export rows of a person's interactions. */
  private linkedinActivity(p: Person, interactions: Interaction[], out: SimEvent[]): void {
    const rng = this.rng;
    const li = p.linkedin;
    if (!li) return;
    if (li.email) this.phenomena.offsiteWithEmail++;
    for (const i of interactions) {
      this.phenomena.offsiteInteractions++;
      // Scrapes differ: some rows split the name and a few then lack the full name; the company column is not always filled.
      const split = rng.chance(0.7);
      out.push(
        simEvent({
          id: `li-${rng.hex(20)}`,
          kind: 'offsite',
          person: p.id,
          at: i.at,
          offsite: {
            fullName: split && rng.chance(0.12) ? null : li.name,
            firstName: split ? li.firstName : null,
            lastName: split ? li.lastName : null,
            email: li.email,
            action: i.action,
            // Some exports (comments scraped from a post) come without the profile link.
            profileUrl: rng.chance(0.9) ? li.profileUrl : null,
            contentUrl: i.post === null ? 'https://www.linkedin.com/company/example-analytics' : LINKEDIN_POSTS[i.post],
            headline: li.headline,
            company: li.company !== null && rng.chance(0.6) ? li.company : null,
            location: li.location,
          },
        }),
      );
    }
  }
}
