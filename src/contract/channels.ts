/**
 * The default channel grouping (docs/semantics.md §10): the rule table that the SQL models (src/models/channels.ts),
 * the oracle (src/oracle/channels.ts), the LookML suggestions and the extension share. Patterns are RE2 and
 * JavaScript alike (no look-around, no backreferences) and are matched, unanchored unless they anchor, against
 * lower-cased values.
 */

export const CHANNELS = [
  'Direct',
  'Paid Search',
  'Paid Social',
  'Display',
  'Paid Other',
  'Email',
  'Organic Social',
  'Organic Search',
  'Referral',
  'Offsite',
  'Other',
] as const;
export type Channel = (typeof CHANNELS)[number];

export const CHANNEL_PATTERNS = {
  /**
   * The host of an absolute URL, without port, in any case (lower-cased after): referrer and page URL alike. No user
   * info (browsers strip it from the Referer); a pattern RE2 matches one pass, fast on every event.
   */
  urlHost: '^[A-Za-z][A-Za-z0-9+.-]*://([^/?#:]+)',
  /** A leading www. label, dropped from hosts. */
  www: '^www[.]',
  /** Search engines, as a utm_source or a referrer domain (google, www.google.co.uk → google.co.uk, bing.com). */
  searchSource: '(^|[.])(google|bing|yahoo|duckduckgo|baidu|yandex|ecosia|qwant|startpage|naver|search[.]brave)([.]|$)',
  /** Social networks, as a utm_source or a referrer domain (linkedin, lnkd.in, t.co, x.com, m.facebook.com). */
  socialSource:
    '(^|[.])(facebook|fb|instagram|linkedin|lnkd|twitter|x|t[.]co|reddit|youtube|tiktok|pinterest|quora|threads|bsky|mastodon|whatsapp|messenger|xing)([.]|$)',
  /** Web mail as a referrer domain (webmail links carry no utm_medium=email). */
  emailSource:
    '^(email|e-mail|e_mail|e mail|newsletter|mail[.]google[.]com|outlook[.]live[.]com|outlook[.]office[.]com|outlook[.]office365[.]com|mail[.]yahoo[.]com|com[.]google[.]android[.]gm)$',
  emailMedium: '^(email|e-mail|e_mail|e mail|newsletter)$',
  /** GA4's paid media: cpc, ppc, cpm, paid_social, retargeting... */
  paidMedium: '^(.*cp.*|ppc|retargeting|paid.*)$',
  displayMedium: '^(display|banner|expandable|interstitial|cpm)$',
  socialMedium: '^(social|social-network|social-media|sm|social network|social media)$',
  referralMedium: '^(referral|app|link)$',
  /** An ad click id parameter in the page URL (auto-tagging; names as the platforms send them, lower case). */
  clickId: '[?&](gclid|gbraid|wbraid|msclkid|li_fat_id|ttclid|twclid)=',
} as const;

/** Click ids of Google and Microsoft Ads: Paid Search. */
export const PAID_SEARCH_CLICK_IDS = ['gclid', 'gbraid', 'wbraid', 'msclkid'] as const;
/** LinkedIn, TikTok and X ads: Paid Social. (Facebook's fbclid is on organic links too: not a paid signal.) */
export const PAID_SOCIAL_CLICK_IDS = ['li_fat_id', 'ttclid', 'twclid'] as const;
/** What every click id parameter above contains, value sign included: the SQL's cheap test before the pattern. */
export const CLICK_ID_MARK = 'id=';

/** The medium a referrer implies when the URL has no utm_medium (GA4: organic for search engines, else referral). */
export const ORGANIC_MEDIUM = 'organic';
export const REFERRAL_MEDIUM = 'referral';
