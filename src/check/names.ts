/**
 * How alike a name the config expects and a name the data has are: the suggestions of `check` (files) and
 * `introspect` (BigQuery tables) for a missing column or table, and of a config value that matches nothing.
 */

/** Other names the same data often has in Segment, RudderStack, Snowplow and offsite exports (normalised). */
const ALIASES: Record<string, string[]> = {
  id: ['messageid', 'eventid', 'rowid'],
  event_id: ['id', 'messageid'],
  timestamp: ['sentat', 'receivedat', 'originaltimestamp', 'eventtime', 'createdat', 'occurredat', 'time', 'date'],
  derived_tstamp: ['collectortstamp', 'dvcecreatedtstamp', 'etltstamp'],
  anonymous_id: ['anonymousid', 'anonid', 'deviceid', 'cookieid', 'domainuserid'],
  domain_userid: ['anonymousid', 'deviceid', 'cookieid'],
  user_id: ['userid', 'uid', 'customerid'],
  email: ['emailaddress', 'mail', 'useremail'],
  full_name: ['name', 'membername', 'username', 'displayname'],
  action: ['interaction', 'interactiontype', 'eventtype', 'type'],
  profile_url: ['profile', 'profilelink', 'memberurl', 'linkedinurl'],
  content_url: ['posturl', 'contentlink', 'url'],
};

const normal = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

/** How alike a logical name and an existing column are, 0..1 (0.75 and above is worth suggesting). */
export function nameSimilarity(logical: string, candidate: string): number {
  const a = normal(logical);
  const b = normal(candidate);
  if (!a || !b) return 0;
  if (a === b) return 1;
  if (ALIASES[logical]?.includes(b)) return 0.95;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  // context_page_url ~ url, linkedin ~ linkedin_export
  if (short.length >= 3 && (long.endsWith(short) || long.startsWith(short))) return 0.8;
  return 1 - levenshtein(a, b) / Math.max(a.length, b.length);
}

const THRESHOLD = 0.75;

/** The candidate most like `logical`, if any is alike enough (ties: the earlier candidate). */
export function closestName(logical: string, candidates: readonly string[]): string | undefined {
  let best: { name: string; score: number } | undefined;
  for (const name of candidates) {
    const score = nameSimilarity(logical, name);
    if (score >= THRESHOLD && (!best || score > best.score)) best = { name, score };
  }
  return best?.name;
}
