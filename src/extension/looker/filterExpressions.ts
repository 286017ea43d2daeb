/**
 * Looker filter expressions (https://cloud.google.com/looker/docs/filter-expressions) built from UI values.
 * Pure. A user value is always escaped, so "50% off, today" filters for that literal title instead of
 * becoming a wildcard and two alternatives.
 */

/** Escapes a literal for a string filter: ^ before , % _ ^ " and a leading -, and literal NULL/EMPTY keywords. */
export function escapeStringLiteral(value: string): string {
  const escaped = value.replace(/[\^,%_"]/g, (c) => `^${c}`);
  const leading = escaped.startsWith('-') ? `^${escaped}` : escaped;
  return /^(null|empty)$/i.test(leading) ? `^${leading}` : leading;
}

/** Any of these exact strings. */
export function anyOf(values: readonly string[]): string {
  return values.map(escapeStringLiteral).join(',');
}

/** Contains the literal text, e.g. %ali^_ce% (case-insensitive on fields with case_sensitive: no). */
export function contains(text: string): string {
  return `%${escapeStringLiteral(text)}%`;
}

export function yesNo(value: boolean): string {
  return value ? 'Yes' : 'No';
}

/** A real calendar day as YYYY-MM-DD: 2024-02-30 has the shape but is no day (and would make nextDay throw). */
export function isIsoDate(d: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) return false;
  const t = new Date(`${d}T00:00:00Z`);
  return !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === d;
}
const lookerDate = (iso: string) => iso.replaceAll('-', '/');
function nextDay(iso: string): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/**
 * A date filter for an inclusive UI range [from, to] (YYYY-MM-DD, either may be empty). Looker's "A to B" excludes
 * B, so the end moves one day on. Returns null when there is no bound (no filter).
 */
export function dateRange(from: string, to: string): string | null {
  const f = isIsoDate(from) ? from : '';
  const t = isIsoDate(to) ? to : '';
  if (f && t) return `${lookerDate(f)} to ${lookerDate(nextDay(t))}`;
  if (f) return `after ${lookerDate(f)}`;
  if (t) return `before ${lookerDate(nextDay(t))}`;
  return null;
}
