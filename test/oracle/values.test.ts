/** The oracle's value rules (docs/semantics.md §1) and its union-find, on hand-picked values. */
import { testConfig } from '../support/scenarios';
import { UnionFind } from '../../src/oracle/unionFind';
import {
  cleanEmail,
  compareText,
  emailFromUrl,
  isoFromMicros,
  makeCleaner,
  normaliseName,
  parseTimestamp,
  personName,
} from '../../src/oracle/values';

const clean = makeCleaner(testConfig({ identity: { junk_pattern: '^test-' } }).identity);

test('clean trims, and drops junk values case-insensitively and values matching the junk pattern', () => {
  expect(clean('  a1 ')).toBe('a1');
  expect(clean(42)).toBe('42');
  expect([null, undefined, '', '   ', 'NULL', ' undefined ', 'None', '0', '-1', 'test-7'].map(clean)).toEqual(Array(10).fill(null));
  expect(clean('a-test-7')).toBe('a-test-7');
});

test('emails are cleaned, lower-cased and must look like an address', () => {
  expect(cleanEmail(clean, ' Jo@Example.COM ')).toBe('jo@example.com');
  expect(['a@b', 'not-an-email', 'a b@c.de', 'none', null].map((v) => cleanEmail(clean, v))).toEqual(Array(5).fill(null));
});

test('the first configured query parameter carries the page email, percent-decoded', () => {
  expect(emailFromUrl('https://x.example/?a=1&email=Jo%40Example.com&b=2', ['email'])).toBe('Jo@Example.com');
  expect(emailFromUrl('https://x.example/?email=jo%2bnews%40x.example', ['email'])).toBe('jo+news@x.example');
  expect(emailFromUrl('https://x.example/?e=a@b.co&email=c@d.co', ['email', 'e'])).toBe('c@d.co');
  expect(emailFromUrl('https://x.example/?myemail=a@b.co', ['email'])).toBeNull();
  expect(emailFromUrl('https://x.example/?email=&e=a@b.co', ['email', 'e'])).toBe('a@b.co');
  expect(emailFromUrl(null, ['email'])).toBeNull();
});

test('names: name, else first and last name; trimmed; empty is NULL', () => {
  expect(personName(' Jo Smith ', 'X', 'Y')).toBe('Jo Smith');
  expect(personName('  ', 'Sam', 'Lee')).toBe('Sam Lee');
  expect(personName(null, 'Sam', null)).toBe('Sam');
  expect(personName(null, null, null)).toBeNull();
});

test('name keys: lower case, no accents, separators collapsed', () => {
  expect(normaliseName('  José  GARCÍA-López ')).toBe('jose garcia lopez');
  expect(normaliseName('Zoë Brontë')).toBe('zoe bronte');
  expect(normaliseName('---')).toBeNull();
  // LinkedIn's display additions: credentials after a comma, bracketed pronouns or maiden names.
  expect(normaliseName('Jane Doe, MBA, PMP')).toBe('jane doe');
  expect(normaliseName('Jane (Smith) Doe [she/her]')).toBe('jane doe');
  expect(normaliseName('(she/her)')).toBeNull();
  expect(normaliseName(null)).toBeNull();
});

test('timestamps: ISO or SQL text with an optional fraction and offset; anything else is invalid', () => {
  const micros = (iso: string) => Date.parse(iso) * 1000;
  expect(parseTimestamp('2024-03-01T09:00:00Z')).toBe(micros('2024-03-01T09:00:00Z'));
  expect(parseTimestamp('2024-03-01 09:00:00')).toBe(micros('2024-03-01T09:00:00Z'));
  expect(parseTimestamp('2024-03-01T10:30:00+01:30')).toBe(micros('2024-03-01T09:00:00Z'));
  expect(parseTimestamp('2024-03-01T09:00:00.123456Z')).toBe(micros('2024-03-01T09:00:00Z') + 123_456);
  expect(['2024-02-30T10:00:00Z', '2024-13-01T00:00:00Z', '2024-03-01T24:00:00Z', 'yesterday', '', null].map(parseTimestamp)).toEqual(
    Array(6).fill(null),
  );
  expect(isoFromMicros(micros('2024-03-01T09:00:00Z') + 5)).toBe('2024-03-01T09:00:00.000005Z');
  expect(isoFromMicros(micros('1969-12-31T23:59:59Z') + 250_000)).toBe('1969-12-31T23:59:59.250000Z');
});

test('text order is byte order, as in SQL', () => {
  expect(['b', 'B', 'é', 'a'].sort(compareText)).toEqual(['B', 'a', 'b', 'é']);
});

test('union-find: components of a chain and a diamond', () => {
  const uf = new UnionFind();
  [
    ['a', 'b'],
    ['c', 'd'],
    ['b', 'c'],
    ['x', 'y'],
    ['y', 'z'],
    ['x', 'z'],
  ].forEach(([p, q]) => uf.union(p, q));
  uf.add('lonely');
  const components = [...uf.components().values()].map((m) => m.sort().join('')).sort();
  expect(components).toEqual(['abcd', 'lonely', 'xyz']);
  expect(uf.find('a')).toBe(uf.find('d'));
});
