/**
 * Offsite profiles → known persons by name, scored (docs/semantics.md §5).
 *
 * A profile's candidates are the persons identified on the website who hold its normalised name (blocking on the
 * name). Each candidate's match probability follows the Fellegi–Sunter model with a "none of them" outcome:
 *
 *   weight(candidate) = π / N_web × BF_company × BF_referral × BF_other_profile     weight(none) = (1 − π) × f(name)
 *   p(candidate)      = weight(candidate) / (Σ weights of the profile's candidates + weight(none))
 *
 * - π: the share of offsite profiles that belong to someone identified on the website, N_web: how many such
 *   persons there are (the prior of one candidate is π / N_web).
 * - f(name): the chance that someone else bears the name: its term frequency among the other named records
 *   (identified persons and unmatched profiles, the profile itself left out), or for a name no other record bears but
 *   one, the product of its first and last words' frequencies when smaller. A rare name is strong evidence, "John Smith" weak, and namesakes share the
 *   probability.
 * - BF = m / u per comparison: company (the profile's company or headline "… at Acme" against the candidate's
 *   company trait or work email domain: agree, disagree, unknown), referral (a LinkedIn-referred web visit by the
 *   candidate within identity.name_matching.referral_window_hours of an interaction: yes or no, weighed by that
 *   candidate's own chance of one), and another profile (the profile has a URL and the candidate already holds a
 *   confirmed one on the same source: one person, one profile; yes, no, or unknown without a URL).
 *
 * Estimation, from the data itself: m from the labelled pairs (offsite profiles tied to a web person by an email or
 * profile URL: those are true matches), smoothed toward u by PRIOR_PAIRS pseudo-pairs (no labelled pairs: no
 * evidence); u of the company levels from how company tokens are spread over all profiles and web persons (the
 * chance that a random profile and a random person agree); a referral's chance per pair from the candidate's LinkedIn
 * visits, the profile's interactions and the data's time span, and the rate interactions drive visits from the
 * labelled pairs beyond that chance; π from the labelled profiles. The parameters are aggregates in one row
 * (js_match_params), the name words' counts a table (js_name_tokens). An incremental run keeps those of the full run
 * that built its state (js_state_match_params, js_state_name_tokens), as a trained linkage model is kept, so it stays
 * equal to a full rebuild with them; the next full run estimates them again.
 *
 * The best candidate is the match when its probability reaches identity.name_matching.min_probability (at least
 * 0.5, so at most one candidate can). The exact rule (`method: exact`) is kept for comparison: a match when exactly
 * one identified person holds the name.
 */
import { nameMatching, type NameMatching } from '../config/schema';
import type { SqlStep } from '../sql/pipeline';
import type { ModelContext } from './context';

/** Email domains that say nothing about an employer: their addresses give no company token. */
export const PERSONAL_EMAIL_DOMAINS = [
  'gmail',
  'googlemail',
  'yahoo',
  'ymail',
  'hotmail',
  'outlook',
  'live',
  'msn',
  'icloud',
  'me',
  'mac',
  'aol',
  'protonmail',
  'proton',
  'pm',
  'gmx',
  'web',
  'mail',
  'email',
  'yandex',
  'qq',
  '163',
  '126',
  'fastmail',
  'hey',
  'zoho',
  'tutanota',
  'comcast',
  'btinternet',
  'orange',
  'free',
  'libero',
  'laposte',
  'wanadoo',
  'seznam',
  'naver',
];
/** Words dropped from company names before comparing them ("Acme Inc." is "acme"). */
export const COMPANY_SUFFIXES = [
  'inc',
  'incorporated',
  'llc',
  'llp',
  'ltd',
  'limited',
  'gmbh',
  'corp',
  'corporation',
  'co',
  'company',
  'plc',
  'ag',
  'sa',
  'sas',
  'bv',
  'nv',
  'srl',
  'spa',
  'oy',
  'ab',
  'as',
  'pty',
  'group',
  'the',
  'hq',
];
export const COMPANY_SUFFIX_PATTERN = `\\b(?:${COMPANY_SUFFIXES.join('|')})\\b`;
/** The company in a headline: what follows " at " or "@", up to a separator ("Head of Data at Acme | Speaker"). */
export const HEADLINE_COMPANY_PATTERN = '(?:^|[\\t\\n\\f\\r ])(?:at[\\t\\n\\f\\r ]+|@[\\t\\n\\f\\r ]*)([^|,·•(/]+)';
/** The employer label of an email address: its domain's first label (jane@acme.co.uk → acme). */
export const EMAIL_LABEL_PATTERN = '@([^.@]+)\\.';
/** A web visit referred by LinkedIn: its utm_source says so, or its referrer is on linkedin.com or lnkd.in. */
export const LINKEDIN_REFERRER_PATTERN = '^(?:https?://)?(?:[a-z0-9-]+\\.)*(?:linkedin\\.com|lnkd\\.in)(?:[/:?#]|$)';

/** Probabilities never reach 0 or 1 in a ratio: a comparison level seen in no pair still weighs something. */
const FLOOR = 1e-6;
/** How many pseudo-pairs, distributed as u, smooth the m estimates: few labelled pairs say little. */
export const PRIOR_PAIRS = 2;

/** A company name as a comparable token: lower case, accents and corporate suffixes dropped, letters and digits only. */
export function companyTokenSql(ctx: ModelContext, expr: string): string {
  const { d } = ctx;
  const words = d.regexpReplace(`LOWER(${d.stripAccents(expr)})`, COMPANY_SUFFIX_PATTERN, ' ');
  return `NULLIF(${d.regexpReplace(words, '[^a-z0-9]+', '')}, '')`;
}

/** The company token of an offsite row: its company column, else the company named in its headline. */
export function profileCompanySql(ctx: ModelContext, e: string): string {
  const fromHeadline = companyTokenSql(ctx, ctx.d.regexpExtract(`LOWER(${e}.headline)`, HEADLINE_COMPANY_PATTERN));
  return `COALESCE(${companyTokenSql(ctx, `${e}.company`)}, ${fromHeadline})`;
}

/** The company token of an email address (NULL for personal mail domains). */
export function emailCompanySql(ctx: ModelContext, email: string): string {
  const label = ctx.d.regexpExtract(email, EMAIL_LABEL_PATTERN);
  return `CASE WHEN ${label} IN (${PERSONAL_EMAIL_DOMAINS.map((x) => ctx.lit(x)).join(', ')}) THEN NULL ELSE ${companyTokenSql(ctx, ctx.d.regexpReplace(label, '[-_]', ' '))} END`;
}

/** Whether a staged web event (alias `e`) came from LinkedIn. */
export function linkedinVisitSql(ctx: ModelContext, e: string): string {
  const { d } = ctx;
  return `(${e}.event_type = 'page' AND (${d.regexpContains(`LOWER(COALESCE(${e}.utm_source, ''))`, 'linkedin')} OR ${d.regexpContains(
    `LOWER(COALESCE(${e}.referrer, ''))`,
    LINKEDIN_REFERRER_PATTERN,
  )}))`;
}

/**
 * The evidence columns js_event_base carries for matching: an offsite row's or an identify's company token, a
 * confirmed email's company token, and whether a page view came from LinkedIn.
 */
export function matchEvidenceColumns(ctx: ModelContext, e: string): string {
  if (nameMatching(ctx.config)?.method !== 'scored') return '';
  return `,
  CASE WHEN ${e}.event_type = 'offsite' THEN ${profileCompanySql(ctx, e)} ELSE ${companyTokenSql(ctx, `${e}.company`)} END AS company_token,
  ${linkedinVisitSql(ctx, e)} AS linkedin_visit,
  CASE WHEN ${e}.event_type = 'offsite' AND ${e}.profile_url IS NOT NULL THEN ${e}.source END AS url_source,
  CASE WHEN ${e}.event_type = 'offsite' THEN ${e}.profile_url END AS profile_url`;
}

/**
 * The names of identified persons (norm_name, candidate_id, on_web): every name on their confirmed events; with
 * the incremental run's persons left outside (ctx.nameCandidates). Only a person with a confirmed web event can be a
 * match target; an offsite-only person (a profile that carried an email) still holds its name.
 */
function personNamesSql(ctx: ModelContext, webPersons: () => string): string {
  const base = () => ctx.ref('js_event_base');
  return `SELECT DISTINCT ${ctx.normalizeName('b.name')} AS norm_name, b.person_id AS candidate_id, web.person_id IS NOT NULL AS on_web
FROM ${base()} AS b
LEFT JOIN (${webPersons()}) AS web ON web.person_id = b.person_id
WHERE b.identity_status = 'confirmed' AND b.name IS NOT NULL${
    ctx.nameCandidates
      ? `
UNION DISTINCT
SELECT norm_name, candidate_id, on_web FROM ${ctx.external(ctx.nameCandidates)}`
      : ''
  }`;
}

/** js_profiles: each unmatched offsite profile's latest name and the person it matches (or NULL). */
export function nameMatchingSteps(ctx: ModelContext, webPersons: () => string): SqlStep[] {
  const settings = nameMatching(ctx.config);
  if (settings?.method === 'scored') return scoredSteps(ctx, webPersons, settings);
  const t = (x: string) => ctx.ref(x);
  return [
    ctx.scratchTable(
      'js_unique_names',
      () => `SELECT n.norm_name, MIN(n.candidate_id) AS person_id
FROM (${personNamesSql(ctx, webPersons)}) AS n
WHERE n.norm_name IS NOT NULL
GROUP BY n.norm_name
HAVING COUNT(DISTINCT n.candidate_id) = 1 AND MAX(CASE WHEN n.on_web THEN 1 ELSE 0 END) = 1`,
    ),
    ctx.scratchTable(
      'js_profiles',
      () => `SELECT p.profile_key, p.profile_name, ${settings ? 'u.person_id' : ctx.d.nullOf('string')} AS matched_person_id,
  ${ctx.d.nullOf('float')} AS match_probability, ${settings ? `CASE WHEN u.person_id IS NOT NULL THEN 'exact name' END` : ctx.d.nullOf('string')} AS match_evidence
FROM (${latestProfileSql(ctx, 'b.profile_key IS NOT NULL', 'b.profile_key')}) AS p
LEFT JOIN ${t('js_unique_names')} AS u ON u.norm_name = ${ctx.normalizeName('p.profile_name')}`,
    ),
  ];
}

/**
 * One row per offsite profile (`key`) of the rows where `where` holds: its latest name, and its latest company
 * token when `withCompany`.
 */
/**
 * The named records a name's frequency is counted among: every name of an identified person (js_person_names) and
 * each unmatched profile's name (norm_name).
 */
function namedRecordsSql(ctx: ModelContext): string {
  const t = (x: string) => ctx.ref(x);
  return `SELECT norm_name FROM ${t('js_person_names')} WHERE norm_name IS NOT NULL
UNION ALL
SELECT ${ctx.normalizeName('profile_name')} AS norm_name FROM ${t('js_offsite_profiles')} WHERE labelled_person IS NULL AND profile_name IS NOT NULL`;
}

/** The first word of a normalised name of two words or more (NULL for one word). */
const firstTokenSql = (ctx: ModelContext, name: string) => ctx.d.regexpExtract(name, '^([^ ]+) ');
/** The last word of a normalised name of two words or more (NULL for one word). */
const lastTokenSql = (ctx: ModelContext, name: string) => ctx.d.regexpExtract(name, ' ([^ ]+)$');

/**
 * How often each first and last name word occurs among the named records (js_name_tokens: token, records): with few
 * records, a name seen once cannot look rarer than 1 in N, while its words can (docs/semantics.md §5).
 */
function nameTokensSql(ctx: ModelContext): string {
  return `SELECT token, COUNT(*) AS records FROM (
  SELECT ${firstTokenSql(ctx, 'norm_name')} AS token FROM (${namedRecordsSql(ctx)}) AS named
  UNION ALL
  SELECT ${lastTokenSql(ctx, 'norm_name')} AS token FROM (${namedRecordsSql(ctx)}) AS named
) AS tokens
WHERE token IS NOT NULL
GROUP BY token`;
}

/**
 * The chance that someone other than the candidate bears the name: its frequency among the other named records
 * (leave-one-out: not counting the profile itself). A name no other record bears but one cannot look rarer than 1 in
 * N that way; for it, the product of its first and last words' frequencies (each leave-one-out, at least 1 in N) when
 * smaller: Splink's term frequencies, the words taken as independent. Only there: a name borne by several records is
 * measured well enough, and the words' product over-states how rare it is (their independence fails: at 1M events,
 * using it for every name made p ≥ 0.9 matches 91% right against 97% predicted).
 */
function nameFrequencySql(ctx: ModelContext, records: string, first: string, last: string, named: string): string {
  const { d } = ctx;
  const others = d.greatest(`${named} - 1`, '1');
  const full = `(${records} - 1) / ${others}`;
  const words = `${d.greatest(`${first} - 1`, '1')} / ${others} * ${d.greatest(`${last} - 1`, '1')} / ${others}`;
  return `CASE WHEN ${records} > 2 OR ${first} IS NULL OR ${last} IS NULL THEN ${full} ELSE ${d.least(full, words)} END`;
}

/**
 * The chance that a candidate's LinkedIn-referred visits fall within the referral window of one of a profile's
 * interactions by coincidence: `visits` × `interactions` chances of 2·window / span each (visits spread over the data's
 * span). A frequent LinkedIn visitor is referred near anyone's interactions, a rare one only near their own.
 */
function referralChanceSql(ctx: ModelContext, visits: string, interactions: string, spanHours: string, windowHours: number): string {
  const { d } = ctx;
  const num = (x: number) => d.numberLiteral(x);
  return d.least(
    d.greatest(`1 - EXP(-1.0 * ${visits} * ${interactions} * ${num(2 * windowHours)} / ${spanHours})`, num(FLOOR)),
    num(1 - FLOOR),
  );
}

function latestProfileSql(ctx: ModelContext, where: string, key: string, withCompany = false): string {
  const order = ['b.occurred_at DESC', 'b.event_id DESC'];
  // The latest non-null value of a column: the row ranked first by (null last, latest, largest event id).
  const pick = (column: string) =>
    `ROW_NUMBER() OVER (PARTITION BY ${key} ORDER BY CASE WHEN b.${column} IS NULL THEN 1 ELSE 0 END, ${order.join(', ')})`;
  return `SELECT profile_key, MAX(CASE WHEN name_pick = 1 THEN name END) AS profile_name${
    withCompany
      ? ', MAX(CASE WHEN company_pick = 1 THEN company_token END) AS company_token, MAX(labelled_person) AS labelled_person, MAX(url_source) AS url_source'
      : ''
  }
FROM (
  SELECT ${key} AS profile_key, b.name, ${pick('name')} AS name_pick${
    withCompany
      ? `, b.company_token, ${pick('company_token')} AS company_pick, CASE WHEN b.profile_key IS NULL THEN b.person_id END AS labelled_person, b.url_source`
      : ''
  }
  FROM ${ctx.ref('js_event_base')} AS b
  WHERE ${where}
) AS ranked
GROUP BY profile_key`;
}

function scoredSteps(ctx: ModelContext, webPersons: () => string, settings: NameMatching): SqlStep[] {
  const { d } = ctx;
  const t = (x: string) => ctx.ref(x);
  const base = () => t('js_event_base');
  const windowSeconds = settings.referral_window_hours * 3600;
  const num = (x: number) => d.numberLiteral(x);
  const keyOf = `COALESCE(b.profile_key, ${d.concat(`'labelled:'`, 'b.person_id')})`;
  const offsiteRows = `b.event_type = 'offsite' AND (b.profile_key IS NOT NULL OR b.identity_status = 'confirmed')`;
  return [
    ctx.scratchTable('js_person_names', () => personNamesSql(ctx, webPersons)),
    // Company tokens of identified persons: company traits and work email domains on their confirmed web events (an
    // offsite row's own email would make the labelled pairs agree more often than any candidate can).
    ctx.scratchTable(
      'js_person_companies',
      () => `SELECT DISTINCT person_id, token FROM (
  SELECT b.person_id, b.company_token AS token FROM ${base()} AS b WHERE b.identity_status = 'confirmed' AND b.event_type <> 'offsite'
  UNION ALL
  -- Each address once: the domain's token is a regex away, and a person's events repeat their email.
  SELECT e.person_id, ${emailCompanySql(ctx, 'e.email')} AS token FROM (
    SELECT DISTINCT b.person_id, b.email FROM ${base()} AS b
    WHERE b.identity_status = 'confirmed' AND b.event_type <> 'offsite' AND b.email IS NOT NULL
  ) AS e
) AS tokens
WHERE token IS NOT NULL`,
    ),
    // The offsite profiles (profile URLs) each identified person holds, per source: one person, one profile, so a
    // candidate who already holds another is unlikely to be an unmatched profile's owner (it would have the same URL).
    ctx.scratchTable(
      'js_person_profiles',
      () => `SELECT person_id, url_source AS source, COUNT(DISTINCT profile_url) AS urls FROM ${base()} AS b
WHERE b.identity_status = 'confirmed' AND b.url_source IS NOT NULL
GROUP BY person_id, url_source`,
    ),
    ctx.scratchTable(
      'js_linkedin_visits',
      () => `SELECT person_id, occurred_at FROM ${base()} AS b WHERE b.identity_status = 'confirmed' AND b.linkedin_visit`,
    ),
    // Every offsite profile: the unmatched ones (profile_key) and, as labelled examples, each identified person's
    // offsite rows ('labelled:' + person).
    ctx.scratchTable('js_offsite_profiles', () => latestProfileSql(ctx, offsiteRows, keyOf, true)),
    // The pairs to compare: each unmatched profile with the web persons of its name, and each labelled profile with
    // its own person when that person is on the web (a true match).
    ctx.scratchTable(
      'js_match_pairs',
      () => `WITH pairs AS (
  SELECT p.profile_key, p.company_token, p.url_source, n.candidate_id AS person_id, FALSE AS labelled
  FROM ${t('js_offsite_profiles')} AS p
  JOIN ${t('js_person_names')} AS n ON n.norm_name = ${ctx.normalizeName('p.profile_name')} AND n.on_web
  WHERE p.labelled_person IS NULL
  UNION ALL
  SELECT p.profile_key, p.company_token, ${d.nullOf('string')} AS url_source, p.labelled_person AS person_id, TRUE AS labelled
  FROM ${t('js_offsite_profiles')} AS p
  JOIN (${webPersons()}) AS web ON web.person_id = p.labelled_person
),
interactions AS (
  SELECT ${keyOf} AS profile_key, COUNT(*) AS interactions FROM ${base()} AS b WHERE ${offsiteRows} GROUP BY ${keyOf}
),
visits AS (
  SELECT person_id, COUNT(*) AS visits FROM ${t('js_linkedin_visits')} GROUP BY person_id
),
referred AS (
  SELECT DISTINCT pr.profile_key, pr.person_id
  FROM pairs AS pr
  JOIN ${base()} AS b ON ${keyOf} = pr.profile_key AND ${offsiteRows}
  JOIN ${t('js_linkedin_visits')} AS v ON v.person_id = pr.person_id
  WHERE ABS(${d.secondsBetween('b.occurred_at', 'v.occurred_at')}) <= ${num(windowSeconds)}
),
companies AS (
  SELECT person_id, COUNT(*) AS tokens FROM ${t('js_person_companies')} GROUP BY person_id
)
SELECT pr.profile_key, pr.person_id, pr.labelled, pr.company_token,
  CASE
    WHEN pr.company_token IS NULL OR c.tokens IS NULL THEN 'unknown'
    WHEN same.token IS NOT NULL THEN 'agree'
    ELSE 'disagree'
  END AS company_level,
  r.person_id IS NOT NULL AS referred, COALESCE(v.visits, 0) AS visits, i.interactions,
  CASE WHEN pr.url_source IS NULL THEN 'unknown' WHEN pp.person_id IS NOT NULL THEN 'yes' ELSE 'no' END AS other_profile
FROM pairs AS pr
JOIN interactions AS i ON i.profile_key = pr.profile_key
LEFT JOIN visits AS v ON v.person_id = pr.person_id
LEFT JOIN companies AS c ON c.person_id = pr.person_id
LEFT JOIN ${t('js_person_companies')} AS same ON same.person_id = pr.person_id AND same.token = pr.company_token
LEFT JOIN referred AS r ON r.profile_key = pr.profile_key AND r.person_id = pr.person_id
LEFT JOIN ${t('js_person_profiles')} AS pp ON pp.person_id = pr.person_id AND pp.source = pr.url_source`,
    ),
    paramsStep(ctx, webPersons, settings),
    ctx.scratchTable('js_name_tokens', () =>
      ctx.matchModel ? `SELECT * FROM ${ctx.external(ctx.matchModel.nameTokens)}` : nameTokensSql(ctx),
    ),
    ctx.scratchTable('js_match_candidates', () => candidatesSql(ctx, settings)),
    ctx.scratchTable(
      'js_profiles',
      () => `SELECT p.profile_key, p.profile_name, c.person_id AS matched_person_id, c.match_probability, c.match_evidence
FROM ${t('js_offsite_profiles')} AS p
LEFT JOIN ${t('js_match_candidates')} AS c ON c.profile_key = p.profile_key AND c.best AND c.match_probability >= ${num(settings.min_probability)}
WHERE p.labelled_person IS NULL`,
    ),
  ];
}

/** The parameters, one row: estimated here, or (incremental runs) those stored by the last full run. */
function paramsStep(ctx: ModelContext, webPersons: () => string, settings: NameMatching): SqlStep {
  const { d } = ctx;
  const t = (x: string) => ctx.ref(x);
  if (ctx.matchModel) {
    const { params } = ctx.matchModel;
    return ctx.scratchTable('js_match_params', () => `SELECT * FROM ${ctx.external(params)}`);
  }
  const num = (x: number) => d.numberLiteral(x);
  const f = (x: string) => `CAST(${x} AS ${d.floatType})`;
  const floor = (x: string) => d.greatest(x, num(FLOOR));
  const windowHours = settings.referral_window_hours;
  return ctx.scratchTable(
    'js_match_params',
    () => `WITH web AS (${webPersons()}),
span AS (
  SELECT ${d.greatest(`${d.secondsBetween('MIN(occurred_at)', 'MAX(occurred_at)')} / 3600.0`, num(2 * windowHours))} AS hours FROM ${t('js_event_base')}
),
labelled AS (
  SELECT COUNT(*) AS n, ${d.countIf(`company_level = 'agree'`)} AS agree, ${d.countIf(`company_level = 'disagree'`)} AS disagree,
    ${d.countIf('referred')} AS referred, SUM(1 - chance) AS not_by_chance, AVG(chance) AS mean_chance
  FROM (
    SELECT pr.*, ${referralChanceSql(ctx, 'pr.visits', 'pr.interactions', 's.hours', windowHours)} AS chance
    FROM ${t('js_match_pairs')} AS pr CROSS JOIN span AS s WHERE pr.labelled
  ) AS pairs
),
profiles AS (
  SELECT COUNT(*) AS n, ${d.countIf('labelled_person IS NOT NULL')} AS labelled, ${d.countIf('company_token IS NOT NULL')} AS with_company,
    ${d.countIf('labelled_person IS NOT NULL AND labelled_person IN (SELECT person_id FROM web)')} AS labelled_on_web
  FROM ${t('js_offsite_profiles')}
),
web_count AS (SELECT COUNT(*) AS n FROM web),
web_companies AS (
  SELECT token, COUNT(DISTINCT person_id) AS persons FROM ${t('js_person_companies')} WHERE person_id IN (SELECT person_id FROM web) GROUP BY token
),
profile_companies AS (
  SELECT company_token AS token, COUNT(*) AS profiles FROM ${t('js_offsite_profiles')} WHERE company_token IS NOT NULL GROUP BY company_token
),
company_chance AS (
  SELECT SUM(${f('pc.profiles')} * wc.persons) AS agree_pairs FROM profile_companies AS pc JOIN web_companies AS wc ON wc.token = pc.token
),
web_with_company AS (SELECT COUNT(DISTINCT person_id) AS n FROM ${t('js_person_companies')} WHERE person_id IN (SELECT person_id FROM web)),
-- Profiles per source: how often a random candidate holds one on an unmatched profile's source (u), and how often a
-- person holds two (m: the owner of an unmatched profile holding another).
profile_sources AS (
  SELECT url_source AS source, COUNT(*) AS profiles FROM ${t('js_offsite_profiles')} WHERE labelled_person IS NULL AND url_source IS NOT NULL GROUP BY url_source
),
web_profiles AS (
  SELECT source, COUNT(*) AS persons, ${d.countIf('urls > 1')} AS several FROM ${t('js_person_profiles')} WHERE person_id IN (SELECT person_id FROM web) GROUP BY source
),
profile_chance AS (
  SELECT SUM(${f('ps.profiles')} * COALESCE(wp.persons, 0)) / ${d.greatest('SUM(ps.profiles)', '1')} AS holders,
    (SELECT SUM(persons) FROM web_profiles) AS person_sources, (SELECT SUM(several) FROM web_profiles) AS several
  FROM profile_sources AS ps LEFT JOIN web_profiles AS wp ON wp.source = ps.source
),
names AS (
  SELECT COUNT(*) AS n FROM (${namedRecordsSql(ctx)}) AS named
),
chances AS (
  SELECT
    (${f('p.labelled_on_web')} + 1) / (p.labelled + 2) AS prior_web,
    ${d.greatest('w.n', '1')} AS web_persons,
    nm.n AS named_records,
    ${floor(`COALESCE(cc.agree_pairs, 0) / (${d.greatest('p.n', '1')} * ${f(d.greatest('w.n', '1'))})`)} AS u_company_agree,
    ${floor(`${f('p.with_company')} / ${d.greatest('p.n', '1')} * ww.n / ${d.greatest('w.n', '1')} - COALESCE(cc.agree_pairs, 0) / (${d.greatest('p.n', '1')} * ${f(d.greatest('w.n', '1'))})`)} AS u_company_disagree,
    ${floor(`1 - ${f('p.with_company')} / ${d.greatest('p.n', '1')} * ww.n / ${d.greatest('w.n', '1')}`)} AS u_company_unknown,
    -- The share of the labelled pairs' LinkedIn visits that their interaction drove (beyond the visits' chance), smoothed
    -- toward none by ${PRIOR_PAIRS} pseudo-pairs: referred = 1 - (1 - rate) × (1 - chance), summed over the pairs.
    ${d.least(
      floor(
        `1 - (l.n - l.referred + ${num(PRIOR_PAIRS)} * (1 - COALESCE(l.mean_chance, 0))) / (COALESCE(l.not_by_chance, 0) + ${num(PRIOR_PAIRS)} * (1 - COALESCE(l.mean_chance, 0)))`,
      ),
      num(1 - FLOOR),
    )} AS referral_rate,
    s.hours AS span_hours,
    ${d.least(floor(`COALESCE(pc.holders, 0) / ${d.greatest('w.n', '1')}`), num(1 - FLOOR))} AS u_other_profile,
    COALESCE(pc.person_sources, 0) AS person_sources, COALESCE(pc.several, 0) AS several_profiles,
    l.n AS labelled_pairs, l.agree, l.disagree, l.referred
  FROM labelled AS l
  CROSS JOIN profile_chance AS pc
  CROSS JOIN profiles AS p
  CROSS JOIN web_count AS w
  CROSS JOIN web_with_company AS ww
  CROSS JOIN company_chance AS cc
  CROSS JOIN span AS s
  CROSS JOIN names AS nm
)
-- m: the labelled pairs' shares, smoothed toward u (${PRIOR_PAIRS} pseudo-pairs): without labelled pairs, no evidence.
SELECT prior_web, web_persons, named_records,
  (agree + ${num(PRIOR_PAIRS)} * u_company_agree) / (labelled_pairs + ${num(PRIOR_PAIRS)}) AS m_company_agree,
  (disagree + ${num(PRIOR_PAIRS)} * u_company_disagree) / (labelled_pairs + ${num(PRIOR_PAIRS)}) AS m_company_disagree,
  (labelled_pairs - agree - disagree + ${num(PRIOR_PAIRS)} * u_company_unknown) / (labelled_pairs + ${num(PRIOR_PAIRS)}) AS m_company_unknown,
  u_company_agree, u_company_disagree, u_company_unknown,
  referral_rate, span_hours,
  (several_profiles + ${num(PRIOR_PAIRS)} * u_other_profile) / (person_sources + ${num(PRIOR_PAIRS)}) AS m_other_profile,
  u_other_profile, labelled_pairs
FROM chances`,
  );
}

/** Each unmatched profile's candidates with their probability, evidence and whether they are its best. */
function candidatesSql(ctx: ModelContext, settings: NameMatching): string {
  const { d } = ctx;
  const t = (x: string) => ctx.ref(x);
  const bf = `CASE c.company_level
      WHEN 'agree' THEN m.m_company_agree / m.u_company_agree
      WHEN 'disagree' THEN m.m_company_disagree / m.u_company_disagree
      ELSE m.m_company_unknown / m.u_company_unknown
    END * CASE WHEN c.referred THEN 1 + m.referral_rate * (1 - c.chance) / c.chance ELSE 1 - m.referral_rate END
    * CASE c.other_profile WHEN 'yes' THEN m.m_other_profile / m.u_other_profile WHEN 'no' THEN (1 - m.m_other_profile) / (1 - m.u_other_profile) ELSE 1 END`;
  const evidence = d.concat(
    `CASE WHEN n.records <= 2 THEN 'rare name' ELSE ${d.concat(`'name shared by '`, d.castString('n.records'))} END`,
    `CASE WHEN c.candidates > 1 THEN ${d.concat(`' + best of '`, d.castString('c.candidates'))} ELSE '' END`,
    `CASE c.company_level WHEN 'agree' THEN ${d.concat(`' + company '`, 'c.company_token')} WHEN 'disagree' THEN ' + other company' ELSE '' END`,
    `CASE WHEN c.referred THEN ' + LinkedIn visit' ELSE '' END`,
    `CASE WHEN c.other_profile = 'yes' THEN ' + holds another profile' ELSE '' END`,
  );
  return `WITH pairs AS (
  SELECT c.profile_key, c.person_id, c.company_level, c.company_token, c.referred, c.other_profile, ${ctx.normalizeName('p.profile_name')} AS norm_name,
    ${referralChanceSql(ctx, 'c.visits', 'c.interactions', 'm.span_hours', settings.referral_window_hours)} AS chance
  FROM ${t('js_match_pairs')} AS c
  JOIN ${t('js_offsite_profiles')} AS p ON p.profile_key = c.profile_key
  CROSS JOIN ${t('js_match_params')} AS m
  WHERE NOT c.labelled
),
name_records AS (
  SELECT norm_name, COUNT(*) AS records FROM (${namedRecordsSql(ctx)}) AS named
  WHERE norm_name IN (SELECT norm_name FROM pairs)
  GROUP BY norm_name
),
weighted AS (
  SELECT c.profile_key, c.person_id, c.company_level, c.company_token, c.referred, c.other_profile, c.norm_name,
    m.prior_web / m.web_persons * ${bf} AS weight,
    (1 - m.prior_web) * ${nameFrequencySql(ctx, 'k.records', 'first.records', 'last.records', 'm.named_records')} AS none_weight
  FROM pairs AS c
  CROSS JOIN ${t('js_match_params')} AS m
  JOIN name_records AS k ON k.norm_name = c.norm_name
  LEFT JOIN ${t('js_name_tokens')} AS first ON first.token = ${firstTokenSql(ctx, 'c.norm_name')}
  LEFT JOIN ${t('js_name_tokens')} AS last ON last.token = ${lastTokenSql(ctx, 'c.norm_name')}
),
scored AS (
  SELECT w.*, ROUND(w.weight / (SUM(w.weight) OVER (PARTITION BY w.profile_key) + w.none_weight), 6) AS match_probability,
    COUNT(*) OVER (PARTITION BY w.profile_key) AS candidates,
    ROW_NUMBER() OVER (PARTITION BY w.profile_key ORDER BY w.weight DESC, w.person_id) AS rank_in_profile
  FROM weighted AS w
)
SELECT c.profile_key, c.person_id, c.match_probability, c.rank_in_profile = 1 AS best,
  ${evidence} AS match_evidence
FROM scored AS c
JOIN name_records AS n ON n.norm_name = c.norm_name`;
}
