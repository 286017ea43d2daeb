/**
 * Named incremental scenarios: a late identify that merges earlier anonymous activity, a new name that makes an
 * offsite profile match, a name that becomes ambiguous later, a newly shared email that splits a person, and an
 * earlier copy of a known event arriving late. Each ends equal to a full rebuild, and shows the re-stitch.
 */
import type { OracleInput } from '../../src/oracle';
import { anonPerson, emailPerson, identify, namesakes, offsiteRow, page, testConfig, track, userPerson } from '../support/scenarios';
import { fullRebuild, mergeInputs, refreshInBatches, type TableRows } from './harness';

const LOOKBACK = { lookback_hours: 24 };
/** The exact name rule: one identified person with the name is a match (the scored rule needs evidence). */
const EXACT = testConfig({ identity: { name_matching: { method: 'exact' } } });

async function bothWays(batches: OracleInput[], config = testConfig()): Promise<{ incremental: TableRows; full: TableRows }> {
  const incremental = await refreshInBatches(config, LOOKBACK, batches);
  const full = await fullRebuild(config, mergeInputs(batches));
  return { incremental, full };
}

const personOf = (tables: TableRows, eventId: string) => tables.stitched_events.find((e) => e.event_id === eventId)?.person_id;
const statusOf = (tables: TableRows, eventId: string) => tables.stitched_events.find((e) => e.event_id === eventId)?.identity_status;

describe('incremental refresh scenarios', () => {
  it('scored: a profile whose headline names one of two namesakes is matched by an incremental run, as by a full rebuild', async () => {
    const { people, examples, config } = namesakes();
    const { incremental, full } = await bothWays(
      [
        { identifies: people, offsite: { linkedin: examples, twitter: [] } },
        { offsite: { linkedin: [offsiteRow('li-1', '03-02 10:00', 'Sam Lee', { headline: 'Head of Data at ACME Corp' })], twitter: [] } },
      ],
      config,
    );
    expect(incremental).toEqual(full);
    expect(personOf(incremental, 'li-1')).toBe(userPerson('u1'));
    // The parameters are the first run's (fewer named records than a full run over both batches would count).
    expect(incremental.stitched_events.find((e) => e.event_id === 'li-1')).toMatchObject({
      identity_status: 'inferred',
      match_evidence: 'name shared by 3 + best of 2 + company acme',
    });
  });

  it('scored: a LinkedIn-referred visit arriving later is evidence for a stored profile', async () => {
    const { people, examples } = namesakes();
    const config = testConfig({ identity: { name_matching: { min_probability: 0.5 } } });
    const profile = offsiteRow('li-1', '03-05 10:00', 'Sam Lee', { headline: 'Head of Data' });
    // A labelled example with a LinkedIn-referred visit near its like: referrals are evidence in this data.
    const annVisit = page('p3', '02-20 12:00', 'a3', 'Blog', { context_page_referrer: 'https://www.linkedin.com/feed/' });
    // The data spans two months (a visitor on New Year's Day): a visit within 72 hours of a like is rarely chance.
    const { incremental, full } = await bothWays(
      [
        {
          identifies: people,
          pages: [page('p0', '01-01 09:00', 'a0', 'Home'), annVisit],
          offsite: { linkedin: [...examples, profile], twitter: [] },
        },
        { pages: [page('p9', '03-05 11:00', 'a2', 'Pricing', { context_campaign_source: 'linkedin' })] },
      ],
      config,
    );
    expect(incremental).toEqual(full);
    expect(personOf(incremental, 'li-1')).toBe(userPerson('u2'));
    expect(incremental.stitched_events.find((e) => e.event_id === 'li-1')?.match_evidence).toContain('LinkedIn visit');
  });

  it("appended page views: a continued session's first path and a new session's channel, as a full rebuild has them", async () => {
    const stored: OracleInput = {
      // A visit from a LinkedIn post whose first page view carries no path (a Segment page call without context.page.path).
      pages: [
        page('p1', '03-01 09:00', 'a5', 'Home', {
          context_page_referrer: 'https://lnkd.in/abc',
          context_page_url: 'https://www.example.com/',
        }),
      ],
      offsite: { linkedin: [], twitter: [] },
    };
    const next: OracleInput = {
      pages: [
        page('p2', '03-01 09:10', 'a5', 'Pricing', {
          context_page_path: '/pricing',
          context_page_url: 'https://www.example.com/pricing',
          context_page_referrer: 'https://www.example.com/',
        }),
        page('p3', '03-01 13:00', 'a5', 'Webinar', {
          context_page_path: '/webinar',
          context_page_url: 'https://www.example.com/webinar?utm_source=newsletter&utm_medium=email&utm_campaign=april',
          context_campaign_source: 'newsletter',
          context_campaign_medium: 'email',
          context_campaign_name: 'april',
        }),
      ],
    };
    const incremental = await refreshInBatches(testConfig(), LOOKBACK, [stored, next], async (i, result) => {
      if (i === 1) expect(result.steps.find((s) => s.name === 'inc_append_stitched_events')?.rows).toBe(2);
    });
    expect(incremental).toEqual(await fullRebuild(testConfig(), mergeInputs([stored, next])));
    const sessions = [...incremental.sessions].sort((a, b) => Number(a.session_number) - Number(b.session_number));
    expect(sessions.map((x) => [x.channel, x.referrer_domain, x.landing_page_path, x.utm_campaign])).toEqual([
      ['Organic Social', 'lnkd.in', '/pricing', null],
      ['Email', null, '/webinar', 'april'],
    ]);
    expect(incremental.journey_paths).toEqual([
      expect.objectContaining({ person_id: anonPerson('a5'), channel: 'Organic Social', landing_page_path: '/pricing' }),
    ]);
    expect(incremental.stitched_events.find((e) => e.event_id === 'p2')).toMatchObject({ channel: 'Direct', referrer_domain: null });
  });

  it('late identify: earlier anonymous pages are re-stitched to the identified person', async () => {
    const { incremental, full } = await bothWays([
      {
        pages: [
          page('p1', '03-01 09:00', 'a1', 'Home'),
          page('p2', '03-01 09:05', 'a1', 'Pricing'),
          page('p3', '03-01 09:00', 'a9', 'Blog'),
        ],
        offsite: { linkedin: [], twitter: [] },
      },
      { identifies: [identify('i1', '03-02 10:00', 'a1', { user_id: 'u1', email: 'jo@example.com', name: 'Jo Smith' })] },
    ]);
    expect(incremental).toEqual(full);
    expect(personOf(incremental, 'p1')).toBe(userPerson('u1'));
    expect(personOf(incremental, 'p3')).toBe(anonPerson('a9'));
  });

  it('exact rule, new name match: an unmatched offsite profile is matched once a person with its name identifies', async () => {
    const { incremental, full } = await bothWays(
      [
        {
          pages: [page('p1', '03-01 09:00', 'a1', 'Home')],
          offsite: { linkedin: [offsiteRow('l1', '03-01 08:00', 'Jo Smith', { profile_url: 'https://li.example/in/jo' })], twitter: [] },
        },
        { identifies: [identify('i1', '03-02 10:00', 'a1', { email: 'jo@example.com', name: 'jo  SMITH' })] },
      ],
      EXACT,
    );
    expect(incremental).toEqual(full);
    expect(personOf(incremental, 'l1')).toBe(emailPerson('jo@example.com'));
    expect(statusOf(incremental, 'l1')).toBe('inferred');
  });

  it('exact rule, new name match: a new offsite like is matched to a person the run does not otherwise touch', async () => {
    const { incremental, full } = await bothWays(
      [
        {
          identifies: [identify('i1', '03-01 09:00', 'a1', { user_id: 'u1', name: 'Jo Smith' })],
          pages: [page('p1', '03-01 09:01', 'a1', 'Home')],
          offsite: { linkedin: [], twitter: [] },
        },
        { offsite: { linkedin: [offsiteRow('l1', '03-02 08:00', 'JO SMITH')], twitter: [] } },
      ],
      EXACT,
    );
    expect(incremental).toEqual(full);
    expect(personOf(incremental, 'l1')).toBe(userPerson('u1'));
    expect(incremental.persons.find((p) => p.person_id === userPerson('u1'))).toMatchObject({
      identity_status: 'inferred',
      event_count: 3,
    });
  });

  it('exact rule, ambiguous later: a second person with the same name unmatches a profile matched earlier', async () => {
    const { incremental, full } = await bothWays(
      [
        {
          identifies: [identify('i1', '03-01 09:00', 'a1', { user_id: 'u1', name: 'Jo Smith' })],
          offsite: { linkedin: [offsiteRow('l1', '03-01 08:00', 'Jo Smith')], twitter: [] },
        },
        { identifies: [identify('i2', '03-03 09:00', 'a2', { user_id: 'u2', name: 'JO SMITH' })] },
      ],
      EXACT,
    );
    expect(incremental).toEqual(full);
    expect(statusOf(incremental, 'l1')).toBe('unmatched');
    expect(incremental.persons.find((p) => p.person_id === userPerson('u1'))?.identity_status).toBe('confirmed');
  });

  it('exact rule, an offsite-only person outside the run makes a new name ambiguous; a web person outside the run is a target', async () => {
    const { incremental, full } = await bothWays(
      [
        {
          // Ana is known only offsite (a profile with an email); Ben is identified on the website.
          identifies: [identify('i1', '03-01 09:00', 'a1', { user_id: 'u1', name: 'Ben Cho' })],
          offsite: {
            linkedin: [offsiteRow('l1', '03-01 08:00', 'Ana Silva', { email: 'ana@x.example', profile_url: 'https://li.example/in/ana' })],
            twitter: [],
          },
        },
        {
          offsite: {
            linkedin: [
              offsiteRow('l2', '03-02 08:00', 'Ana Silva', { profile_url: 'https://li.example/in/ana-2' }),
              offsiteRow('l3', '03-02 09:00', 'Ben Cho', { profile_url: 'https://li.example/in/ben' }),
            ],
            twitter: [],
          },
        },
      ],
      EXACT,
    );
    expect(incremental).toEqual(full);
    expect(statusOf(incremental, 'l2')).toBe('unmatched');
    expect(personOf(incremental, 'l3')).toBe(userPerson('u1'));
    expect(statusOf(incremental, 'l3')).toBe('inferred');
  });

  it('a newly shared email splits a person, and the split makes a name ambiguous', async () => {
    const config = testConfig({ identity: { max_user_ids_per_email: 1 } });
    const { incremental, full } = await bothWays(
      [
        {
          identifies: [
            identify('i1', '03-01 09:00', 'a1', { user_id: 'u1', email: 'info@acme.example', name: 'Sam Lee' }),
            identify('i2', '03-01 09:30', 'a2', { user_id: 'u1', name: 'Sam Lee' }),
          ],
          pages: [page('p1', '03-01 09:31', 'a2', 'Home')],
          offsite: { linkedin: [offsiteRow('l1', '03-01 08:00', 'Sam Lee')], twitter: [] },
        },
        {
          identifies: [identify('i3', '03-03 09:00', 'a3', { user_id: 'u2', email: 'info@acme.example', name: 'Sam Lee' })],
          tracks: [track('t1', '03-03 09:01', 'a3', 'Meeting Booked')],
        },
      ],
      config,
    );
    expect(incremental).toEqual(full);
    expect(personOf(incremental, 'i3')).toBe(userPerson('u2'));
    expect(statusOf(incremental, 'l1')).toBe('unmatched');
  });

  it('a future-dated event does not hold back the next runs (the watermark stops at the run time)', async () => {
    // Ahead of the simulated run times (2024), and still plausible for the real clock (within timestamps.max_future_hours).
    const SOON = new Date(Date.now() + 12 * 3_600_000).toISOString();
    const batches: OracleInput[] = [
      { pages: [page('p1', '03-01 09:00', 'a1', 'Home')], tracks: [track('t1', '03-01 09:01', 'a1', 'Clicked', { timestamp: SOON })] },
      { identifies: [identify('i1', '03-02 10:00', 'a1', { user_id: 'u1' })] },
    ];
    const runTimes = [new Date('2024-03-01T12:00:00Z'), new Date('2024-03-02T12:00:00Z')];
    const incremental = await refreshInBatches(testConfig(), LOOKBACK, batches, undefined, (i) => runTimes[i]);
    expect(incremental).toEqual(await fullRebuild(testConfig(), mergeInputs(batches)));
    expect(personOf(incremental, 'p1')).toBe(userPerson('u1'));
  });

  it("shared device: a new visit goes to the latest identification, not where the device's earlier visits went", async () => {
    const { incremental, full } = await bothWays([
      {
        identifies: [
          identify('i1', '03-01 09:00', 'shared', { user_id: 'alice' }),
          identify('i2', '03-01 15:00', 'shared', { user_id: 'bob' }),
        ],
        pages: [page('p1', '03-01 09:05', 'shared', 'Home')],
      },
      // A plain page view, later than everything of alice's: the append path would continue alice (p1's person).
      { pages: [page('p2', '03-01 15:10', 'shared', 'Pricing')] },
    ]);
    expect(incremental).toEqual(full);
    expect(personOf(incremental, 'p1')).toBe(userPerson('alice'));
    expect(personOf(incremental, 'p2')).toBe(userPerson('bob'));
  });

  it('shared device: a late visit joins two device sessions and moves its neighbour to the other person', async () => {
    const { incremental, full } = await bothWays([
      {
        identifies: [
          identify('i1', '03-01 10:00', 'shared', { user_id: 'alice' }),
          identify('i2', '03-01 11:15', 'shared', { user_id: 'bob' }),
        ],
        // Alone in its device session: bob's identification (35 min) is nearer than alice's (40 min).
        pages: [page('p1', '03-01 10:40', 'shared', 'Home')],
      },
      // 20 min after alice's and before p1: alice's session now runs on to p1.
      { pages: [page('p0', '03-01 10:20', 'shared', 'Blog')] },
    ]);
    expect(incremental).toEqual(full);
    expect(personOf(incremental, 'p0')).toBe(userPerson('alice'));
    expect(personOf(incremental, 'p1')).toBe(userPerson('alice'));
  });

  it('backstitch window: a new visit on an id left anonymous by the window goes to the person identified since', async () => {
    const config = testConfig({ identity: { backstitch_days: 1 } });
    const batches: OracleInput[] = [
      { pages: [page('p1', '03-01 09:00', 'a1', 'Home')], identifies: [identify('i1', '03-05 09:00', 'a1', { user_id: 'kim' })] },
      { pages: [page('p2', '03-05 10:00', 'a1', 'Pricing')] },
    ];
    const incremental = await refreshInBatches(config, LOOKBACK, batches);
    expect(incremental).toEqual(await fullRebuild(config, mergeInputs(batches)));
    expect([personOf(incremental, 'p1'), statusOf(incremental, 'p1')]).toEqual([anonPerson('a1'), 'anonymous']);
    expect([personOf(incremental, 'p2'), statusOf(incremental, 'p2')]).toEqual([userPerson('kim'), 'confirmed']);
  });

  it('an earlier copy of a known event arriving late replaces the stored copy', async () => {
    const { incremental, full } = await bothWays([
      {
        pages: [page('p1', '03-02 09:00', 'a1', 'Home'), page('p2', '03-02 09:10', 'a1', 'Pricing')],
        offsite: { linkedin: [], twitter: [] },
      },
      { pages: [page('p1', '03-02 08:00', 'a2', 'Home')], identifies: [identify('i1', '03-02 08:01', 'a2', { user_id: 'u7' })] },
    ]);
    expect(incremental).toEqual(full);
    expect(personOf(incremental, 'p1')).toBe(userPerson('u7'));
    expect(personOf(incremental, 'p2')).toBe(anonPerson('a1'));
  });
});
