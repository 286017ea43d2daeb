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
