import { countOf, measureCount, plural } from '../../src/extension/text';

describe('counts in words', () => {
  it('uses the singular for exactly one and the plural otherwise', () => {
    expect(plural(1, 'has', 'have')).toBe('has');
    expect([0, 2, 1.5].map((n) => plural(n, 'has', 'have'))).toEqual(['have', 'have', 'have']);
    expect(countOf(1, 'event')).toBe('1 event');
    expect(countOf(0, 'event')).toBe('0 events');
    expect(countOf(2345, 'match', 'matches')).toBe('2,345 matches');
    expect(measureCount(1, 'persons')).toBe('1 person');
    expect(measureCount(1, 'sessions')).toBe('1 session');
    expect(measureCount(3, 'sessions')).toBe('3 sessions');
  });
});
