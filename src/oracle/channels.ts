/**
 * The oracle's channel grouping (docs/semantics.md §10), rule by rule in plain TypeScript over one staged event.
 */
import {
  CHANNEL_PATTERNS as P,
  ORGANIC_MEDIUM,
  PAID_SEARCH_CLICK_IDS,
  PAID_SOCIAL_CLICK_IDS,
  REFERRAL_MEDIUM,
  type Channel,
} from '../contract/channels';
import type { StagedEvent } from './stage';

const re = (pattern: string) => new RegExp(pattern);
const HOST = re(P.urlHost);

/** The host of a URL, lower case, without www.; null when the value is no absolute URL. */
export function urlHost(url: string | null): string | null {
  if (url === null) return null;
  const host = HOST.exec(url)?.[1];
  if (!host) return null;
  const stripped = host.toLowerCase().replace(re(P.www), '');
  return stripped === '' ? null : stripped;
}

/** The referrer's host unless it is the page's own (internal navigation is no referral). */
export function referrerDomain(e: Pick<StagedEvent, 'referrer' | 'page_url'>): string | null {
  const referrer = urlHost(e.referrer);
  if (referrer === null) return null;
  return referrer === (urlHost(e.page_url) ?? '') ? null : referrer;
}

const matches = (value: string | null, pattern: string) => value !== null && re(pattern).test(value);

export function channelOf(e: StagedEvent): Channel {
  if (e.event_type === 'offsite') return 'Offsite';
  const domain = referrerDomain(e);
  const utmMedium = e.utm_medium?.toLowerCase() ?? null;
  const source = e.utm_source?.toLowerCase() ?? domain;
  const medium = utmMedium ?? (domain === null ? null : matches(domain, P.searchSource) ? ORGANIC_MEDIUM : REFERRAL_MEDIUM);
  const clickId = utmMedium === null && e.page_url !== null ? (re(P.clickId).exec(e.page_url)?.[1] ?? null) : null;
  if (clickId !== null && (PAID_SEARCH_CLICK_IDS as readonly string[]).includes(clickId)) return 'Paid Search';
  if (clickId !== null && (PAID_SOCIAL_CLICK_IDS as readonly string[]).includes(clickId)) return 'Paid Social';
  if (source === null && medium === null) return 'Direct';
  const paid = matches(medium, P.paidMedium);
  if (paid && matches(source, P.searchSource)) return 'Paid Search';
  if (paid && matches(source, P.socialSource)) return 'Paid Social';
  if (matches(medium, P.displayMedium)) return 'Display';
  if (paid) return 'Paid Other';
  if (matches(source, P.emailSource) || matches(medium, P.emailMedium)) return 'Email';
  if (matches(source, P.socialSource) || matches(medium, P.socialMedium)) return 'Organic Social';
  if (matches(source, P.searchSource) || medium === ORGANIC_MEDIUM) return 'Organic Search';
  if (matches(medium, P.referralMedium)) return 'Referral';
  return 'Other';
}
