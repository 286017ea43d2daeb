/**
 * Value rules of docs/semantics.md §1 in plain TypeScript: identifier cleaning, emails, names, timestamps,
 * hashes, and the byte-wise string order SQL uses for min/max and tie-breaks.
 */
import { createHash } from 'node:crypto';
import type { Config } from '../config/schema';

export type RawValue = string | number | boolean | null | undefined;
export type RawRow = Record<string, RawValue>;

export const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');
/** md5 of the deployment's secret (identity.hash_key) followed by a personal value (ModelContext.keyedMd5). */
export const keyedMd5 = (key: string, text: string): string => md5(key + text);

/** SQL `CAST(x AS STRING)`: NULL stays NULL. */
export const castString = (v: RawValue): string | null => (v === null || v === undefined ? null : String(v));

/** Trimmed text, NULL when empty. */
export function trimmed(v: RawValue): string | null {
  const s = castString(v)?.trim();
  return s ? s : null;
}

/** Byte-wise (UTF-8) comparison, the order of SQL `min`, `max` and `ORDER BY` on strings. */
export function compareText(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export const minText = (values: Iterable<string>): string | undefined => {
  let best: string | undefined;
  for (const v of values) if (best === undefined || compareText(v, best) < 0) best = v;
  return best;
};

/** `clean`: cast to string, trim; NULL when junk (listed value, case-insensitive, or matching the pattern). */
export function makeCleaner(identity: Config['identity']): (v: RawValue) => string | null {
  const junk = new Set(identity.junk_values.map((j) => j.trim().toLowerCase()));
  const pattern = identity.junk_pattern === undefined ? undefined : new RegExp(identity.junk_pattern);
  return (v) => {
    const s = castString(v)?.trim();
    if (s === undefined || junk.has(s.toLowerCase())) return null;
    if (pattern && pattern.test(s)) return null;
    return s;
  };
}

const EMAIL_RE = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** Whether a value has the shape of an email address (as staging's email test, case aside). */
export const looksLikeEmail = (s: string): boolean => EMAIL_RE.test(s.toLowerCase());

/** An email: cleaned, lower-cased, and shaped like an address; NULL otherwise. */
export function cleanEmail(clean: (v: RawValue) => string | null, v: RawValue): string | null {
  const s = clean(v)?.toLowerCase();
  return s !== undefined && EMAIL_RE.test(s) ? s : null;
}

/**
 * The email carried by a page URL: the first configured query parameter present, with `%40` → `@` and
 * `%2B` → `+` (percent-escapes are case-insensitive). Still to be cleaned.
 */
export function emailFromUrl(url: string | null, params: readonly string[]): string | null {
  if (url === null) return null;
  for (const param of params) {
    const match = new RegExp(`[?&]${param}=([^&#]*)`).exec(url);
    if (match && match[1] !== '') return match[1].replace(/%40/gi, '@').replace(/%2B/gi, '+');
  }
  return null;
}

/**
 * A person's name: `name`, else `first_name || ' ' || last_name` with a missing part read as empty;
 * trimmed, empty → NULL.
 */
export function personName(name: RawValue, first: RawValue, last: RawValue): string | null {
  return trimmed(name) ?? trimmed(`${castString(first) ?? ''} ${castString(last) ?? ''}`);
}

/** Diacritics removed (é → e), as the warehouses' strip_accents. */
export const stripAccents = (text: string): string =>
  text
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '')
    .normalize('NFC');

/** Name matching key: the display additions dropped (NAME_ADDITIONS), then normalised as text (normaliseText). */
export function normaliseName(name: string | null): string | null {
  return name === null ? null : normaliseText(name.replace(NAME_ADDITIONS, ' '));
}

/** What LinkedIn display names add: a bracketed aside ("(she/her)") and everything after a comma (", MBA"). */
const NAME_ADDITIONS = /[([][^)\]]*[)\]]|,.*$/g;

/** Lower case, accents stripped, runs of anything but letters and digits as one space, trimmed; null when empty. */
export function normaliseText(text: string | null): string | null {
  if (text === null) return null;
  const key = text
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '')
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return key === '' ? null : key;
}

const TIMESTAMP_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * Microseconds since the epoch, or NULL when the value is not a timestamp. Accepts ISO 8601 / SQL text with
 * seconds, an optional fraction (up to microseconds) and an optional offset (none means UTC). The tests only feed
 * values in this form or plainly invalid ones, so the warehouse's wider parser agrees with it on them.
 */
export function parseTimestamp(v: RawValue): number | null {
  const s = castString(v)?.trim();
  const m = s === undefined ? null : TIMESTAMP_RE.exec(s);
  if (!m) return null;
  const [, y, mo, d, h, mi, se, frac = '', zone = 'Z'] = m;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, se].map(Number);
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(ms);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return null;
  const offsetMinutes = zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  return (ms - offsetMinutes * 60_000) * 1000 + Number(frac.padEnd(6, '0'));
}

/** ISO 8601 UTC with microseconds: the one timestamp format of oracle and harness outputs. */
export function isoFromMicros(micros: number): string {
  const seconds = Math.floor(micros / 1_000_000);
  const fraction = String(micros - seconds * 1_000_000).padStart(6, '0');
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}.${fraction}Z`;
}
