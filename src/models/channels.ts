/**
 * Each event's touch: its referrer domain (the referrer's host without www., unless it is the page's own host) and
 * its channel under the default channel grouping of src/contract/channels.ts (docs/semantics.md §10). Both are
 * functions of the event's own row, so an appended event gets the same as in a full rebuild.
 */
import { CHANNEL_PATTERNS as P, ORGANIC_MEDIUM, REFERRAL_MEDIUM } from '../contract/channels';
import type { ModelContext } from './context';

/** The columns the touch adds to each event. */
export const TOUCH_COLUMNS = ['referrer_domain', 'channel'] as const;

/**
 * The rows of `from` (staged events: event_type, page_url, referrer, utm_source, utm_medium) with referrer_domain
 * and channel, in three layers so that each regular expression runs once per row.
 */
export function touchSql(ctx: ModelContext, from: string): string {
  const { d } = ctx;
  const lit = (s: string) => ctx.lit(s);
  const host = (url: string) => `NULLIF(${d.regexpReplace(d.regexpExtract(`LOWER(${url})`, P.urlHost), P.www, '')}, '')`;
  // The referrer domain, inlined where the second layer needs it (comparisons only, no regex).
  const domain = `CASE WHEN h.referrer_host <> COALESCE(h.page_host, '') THEN h.referrer_host END`;
  const has = (expr: string, pattern: string) => `COALESCE(${d.regexpContains(expr, pattern)}, FALSE)`;
  const source = 't.touch_source';
  const medium = 't.touch_medium';
  const paid = has(medium, P.paidMedium);
  const channel = `CASE
    WHEN t.event_type = 'offsite' THEN ${lit('Offsite')}
    WHEN t.utm_medium IS NULL AND ${has('LOWER(t.page_url)', P.paidSearchClickId)} THEN ${lit('Paid Search')}
    WHEN t.utm_medium IS NULL AND ${has('LOWER(t.page_url)', P.paidSocialClickId)} THEN ${lit('Paid Social')}
    WHEN ${source} IS NULL AND ${medium} IS NULL THEN ${lit('Direct')}
    WHEN ${paid} AND ${has(source, P.searchSource)} THEN ${lit('Paid Search')}
    WHEN ${paid} AND ${has(source, P.socialSource)} THEN ${lit('Paid Social')}
    WHEN ${has(medium, P.displayMedium)} THEN ${lit('Display')}
    WHEN ${paid} THEN ${lit('Paid Other')}
    WHEN ${has(source, P.emailSource)} OR ${has(medium, P.emailMedium)} THEN ${lit('Email')}
    WHEN ${has(source, P.socialSource)} OR ${has(medium, P.socialMedium)} THEN ${lit('Organic Social')}
    WHEN ${has(source, P.searchSource)} OR ${medium} = ${lit(ORGANIC_MEDIUM)} THEN ${lit('Organic Search')}
    WHEN ${has(medium, P.referralMedium)} THEN ${lit('Referral')}
    ELSE ${lit('Other')}
  END`;
  return `SELECT t.*, ${channel} AS channel
FROM (
  SELECT h.*, ${domain} AS referrer_domain,
    COALESCE(LOWER(h.utm_source), ${domain}) AS touch_source,
    COALESCE(LOWER(h.utm_medium), CASE WHEN ${has(domain, P.searchSource)} THEN ${lit(ORGANIC_MEDIUM)} WHEN ${domain} IS NOT NULL THEN ${lit(REFERRAL_MEDIUM)} END) AS touch_medium
  FROM (
    SELECT e.*, ${host('e.referrer')} AS referrer_host, ${host('e.page_url')} AS page_host
    FROM ${from} AS e
  ) AS h
) AS t`;
}
