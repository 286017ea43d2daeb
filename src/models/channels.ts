/**
 * Each event's touch: its referrer domain (the referrer's host without www., unless it is the page's own host) and
 * its channel under the default channel grouping of src/contract/channels.ts (docs/semantics.md §10). Both are
 * functions of the event's own row, so an appended event gets the same as in a full rebuild.
 */
import {
  CHANNEL_PATTERNS as P,
  CLICK_ID_MARK,
  ORGANIC_MEDIUM,
  PAID_SEARCH_CLICK_IDS,
  PAID_SOCIAL_CLICK_IDS,
  REFERRAL_MEDIUM,
} from '../contract/channels';
import type { ModelContext } from './context';

/** The columns the touch adds to each event. */
export const TOUCH_COLUMNS = ['referrer_domain', 'channel'] as const;

/**
 * The rows of `from` (staged events: event_type, page_url, referrer, utm_source, utm_medium) with referrer_domain
 * and channel. In layers, so that each regular expression runs at most once per row, and the long ones (on URLs) only
 * where they can matter: the page's host only beside a referrer, the click id only without a utm_medium and with a
 * substring of one in the URL; www. is dropped by LIKE and SUBSTR. Measured on 100k events, the first version (a host
 * pattern with optional user info, lower-cased whole URLs, regexp_replace for www., the CASE repeating its tests)
 * took 0.3-0.4 s more than this one.
 */
export function touchSql(ctx: ModelContext, from: string): string {
  const { d } = ctx;
  const lit = (s: string) => ctx.lit(s);
  // Hosts: the pattern's capture lower-cased; a leading www. dropped without a second regular expression.
  const rawHost = (url: string) => `LOWER(${d.regexpExtract(url, P.urlHost)})`;
  const noWww = (host: string) => `NULLIF(CASE WHEN ${host} LIKE 'www.%' THEN SUBSTR(${host}, 5) ELSE ${host} END, '')`;
  // A cheap test before the click-id pattern: every id it names ends in "id" (CLICK_ID_MARK). One substring search;
  // four LIKEs cost more than the pattern itself (0.13 against 0.1 s over 830k page views).
  const mayHaveClickId = `e.page_url LIKE '%${CLICK_ID_MARK}%'`;
  // The referrer domain, inlined where the second layer needs it (comparisons only, no regex).
  const domain = `CASE WHEN h.referrer_host <> COALESCE(h.page_host, '') THEN h.referrer_host END`;
  const has = (expr: string, pattern: string) => `COALESCE(${d.regexpContains(expr, pattern)}, FALSE)`;
  const flags: [string, string][] = [
    ['is_paid', has('t.touch_medium', P.paidMedium)],
    ['is_display', has('t.touch_medium', P.displayMedium)],
    ['from_search', has('t.touch_source', P.searchSource)],
    ['from_social', has('t.touch_source', P.socialSource)],
    ['is_email', `(${has('t.touch_source', P.emailSource)} OR ${has('t.touch_medium', P.emailMedium)})`],
    ['is_social_medium', has('t.touch_medium', P.socialMedium)],
    ['is_referral_medium', has('t.touch_medium', P.referralMedium)],
  ];
  const channel = `CASE
    WHEN f.event_type = 'offsite' THEN ${lit('Offsite')}
    WHEN ${ctx.inList('f.click_id', [...PAID_SEARCH_CLICK_IDS])} THEN ${lit('Paid Search')}
    WHEN ${ctx.inList('f.click_id', [...PAID_SOCIAL_CLICK_IDS])} THEN ${lit('Paid Social')}
    WHEN f.touch_source IS NULL AND f.touch_medium IS NULL THEN ${lit('Direct')}
    WHEN f.is_paid AND f.from_search THEN ${lit('Paid Search')}
    WHEN f.is_paid AND f.from_social THEN ${lit('Paid Social')}
    WHEN f.is_display THEN ${lit('Display')}
    WHEN f.is_paid THEN ${lit('Paid Other')}
    WHEN f.is_email THEN ${lit('Email')}
    WHEN f.from_social OR f.is_social_medium THEN ${lit('Organic Social')}
    WHEN f.from_search OR f.touch_medium = ${lit(ORGANIC_MEDIUM)} THEN ${lit('Organic Search')}
    WHEN f.is_referral_medium THEN ${lit('Referral')}
    ELSE ${lit('Other')}
  END`;
  return `SELECT f.*, ${channel} AS channel
FROM (
  SELECT t.*, ${flags.map(([name, sql]) => `${sql} AS ${name}`).join(',\n    ')}
  FROM (
    SELECT h.*, ${domain} AS referrer_domain,
      COALESCE(LOWER(h.utm_source), ${domain}) AS touch_source,
      COALESCE(LOWER(h.utm_medium), CASE WHEN ${has(domain, P.searchSource)} THEN ${lit(ORGANIC_MEDIUM)} WHEN ${domain} IS NOT NULL THEN ${lit(REFERRAL_MEDIUM)} END) AS touch_medium
    FROM (
      SELECT r.*, ${noWww('r.referrer_url_host')} AS referrer_host, ${noWww('r.page_url_host')} AS page_host
      FROM (
        SELECT e.*, ${rawHost('e.referrer')} AS referrer_url_host,
          CASE WHEN e.referrer IS NOT NULL THEN ${rawHost('e.page_url')} END AS page_url_host,
          CASE WHEN e.utm_medium IS NULL AND e.event_type <> 'offsite' AND (${mayHaveClickId}) THEN ${d.regexpExtract('e.page_url', P.clickId)} END AS click_id
        FROM ${from} AS e
      ) AS r
    ) AS h
  ) AS t
) AS f`;
}
