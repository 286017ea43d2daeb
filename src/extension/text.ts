/** Words that agree with a count, for every count the extension prints ("1 person has", "2 persons have"). */
import type { Measure } from './journeys/viewState';

/** `one` for exactly 1, `other` for anything else: English says "0 persons" and "1.5 persons". */
export function plural(n: number, one: string, other: string): string {
  return n === 1 ? one : other;
}

/** The count as the extension prints numbers (1,234) followed by the noun that agrees with it. */
export function countOf(n: number, one: string, other = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${plural(n, one, other)}`;
}

const MEASURE_ONE: Record<Measure, string> = { persons: 'person', sessions: 'session' };

/** "1 person", "12 sessions": a count of the Journeys measure. */
export function measureCount(n: number, measure: Measure): string {
  return countOf(n, MEASURE_ONE[measure], measure);
}

/**
 * A duration in the unit people read it in: "45 s", "12 min", "3.5 h", "4.2 days". Null or negative: null
 * (no time to show).
 */
export function formatDuration(seconds: number | null | undefined): string | null {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return null;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86400) return `${(seconds / 3600).toFixed(1)} h`;
  const days = seconds / 86400;
  return `${days < 10 ? days.toFixed(1) : Math.round(days).toLocaleString('en-US')} days`;
}

/** A share as a percentage; "n/a" when there is nothing to divide by (0 of 0 is no rate, not 0.0%). */
export function rateText(part: number, whole: number): string {
  return whole > 0 ? `${((part / whole) * 100).toFixed(1)}%` : 'n/a';
}
