/**
 * The dialects, checked against the real engines: every rendering runs on DuckDB and is analyzed and evaluated
 * by ZetaSQL (BigQuery's analyzer and reference implementation), and both must compute the same value.
 * Quoting and literals are the only way config values reach SQL, so they get property tests.
 */
import fc from 'fast-check';
import type { Dialect } from '../../src/sql/dialect';
import { BigQueryDialect, DuckDBDialect } from '../../src/sql/dialects';
import { openMemoryDb, queryRows, type TestDb } from '../support/duckdb';
import { useZetaSQL, type EvaluatedValue } from '../support/zetasql';
import { thrownOurs } from '../support/errors';

const bigquery = new BigQueryDialect();
const duckdb = new DuckDBDialect();
const dialects = [bigquery, duckdb];

const zetasql = useZetaSQL(() => [
  { path: ['acme-analytics', 'raw data', 'page views'], columns: [{ name: 'first name', type: 'STRING' }] },
]);
let db: TestDb;
beforeAll(async () => {
  db = await openMemoryDb();
});
afterAll(() => db.close());

/** The value of one expression on DuckDB, with timestamps as Dates to compare with ZetaSQL's. */
async function onDuckDB(expr: string): Promise<unknown> {
  const reader = await db.conn.runAndReadAll(`SELECT ${expr} AS v`);
  const [row] = reader.getRowObjectsJS();
  const v = row.v;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v;
  return v;
}

const onBigQuery = (expr: string): Promise<EvaluatedValue> => zetasql().evaluate(expr);

/** Strings that break naive escaping: quotes, backslashes, escape-looking sequences, line breaks, non-ASCII. */
const trickyString = fc.oneof(
  fc.string({
    unit: fc.constantFrom("'", '"', '\\', '`', '\n', '\r', '\t', 'n', 'x', '0', 'é', '😀', '\u2028', ';', '-', ' ', '?', '@', '$', '{'),
  }),
  fc.string({ unit: 'grapheme' }),
);

describe('quoteIdent and tableRef', () => {
  const unsafe = ['', 'a\nb', 'a\tb', 'a\u0000b', 'x'.repeat(301)];

  it.each(dialects.flatMap((d) => unsafe.map((name) => [d.name, name, d] as const)))('%s refuses %j', (_, name, d) => {
    expect(() => d.quoteIdent(name)).toThrow(/invalid identifier .*without line breaks, tabs or other control characters/);
    expect(() => d.tableRef('ok', name)).toThrow(/invalid identifier/);
  });

  // Column names of real exports: LinkedIn's Connections.csv, PhantomBuster's camelCase, and names with the quote
  // characters of either dialect, which must be escaped, never end the identifier.
  const awkward = [
    'First Name',
    'Connected On',
    'profileUrl',
    'a"b',
    'a`b',
    "it's",
    'back\\slash',
    'x"; DROP TABLE t; --',
    'e-mail.address',
    'É ñ 😀',
  ];

  it.each(awkward)('round-trips the column name %j through DuckDB and the ZetaSQL analyzer', async (name) => {
    await db.conn.run(`CREATE OR REPLACE TABLE awkward AS SELECT 'Ada' AS ${duckdb.quoteIdent(name)}`);
    expect(await queryRows(db.conn, `SELECT column_name FROM (DESCRIBE awkward)`)).toEqual([{ column_name: name }]);
    expect(await queryRows(db.conn, `SELECT ${duckdb.quoteIdent(name)} AS v FROM awkward`)).toEqual([{ v: 'Ada' }]);
    expect(await zetasql().analyze(`SELECT 'Ada' AS ${bigquery.quoteIdent(name)}`)).toEqual({
      ok: true,
      columns: [{ name, type: 'STRING' }],
    });
  });

  it('either refuses a name or quotes it so that it unquotes to itself', () => {
    const unquote = {
      duckdb: (q: string) => q.slice(1, -1).replace(/""/g, '"'),
      bigquery: (q: string) => q.slice(1, -1).replace(/\\(.)/g, '$1'),
    };
    fc.assert(
      fc.property(trickyString, fc.constantFrom(...dialects), (name, d) => {
        let quoted: string;
        try {
          quoted = d.quoteIdent(name);
        } catch {
          // eslint-disable-next-line no-control-regex -- control characters are what the dialect must refuse
          return name === '' || name.length > 300 || /[\u0000-\u001f\u007f]/.test(name);
        }
        const q = d.name === 'duckdb' ? '"' : '`';
        // The quote character appears inside only escaped.
        const inner = quoted.slice(1, -1);
        const escapedOnly = d.name === 'duckdb' ? !inner.replace(/""/g, '').includes('"') : !inner.replace(/\\./g, '').includes('`');
        return quoted.startsWith(q) && quoted.endsWith(q) && escapedOnly && unquote[d.name](quoted) === name;
      }),
      { numRuns: 500 },
    );
  });

  it('quotes names with spaces, dashes and leading digits so that DuckDB resolves them', async () => {
    const t = duckdb.tableRef('main', 'page views-2024');
    await db.conn.run(
      `CREATE OR REPLACE TABLE ${t} AS SELECT 'Ada' AS ${duckdb.quoteIdent('first name')}, 1 AS ${duckdb.quoteIdent('2nd')}`,
    );
    const rows = await queryRows(db.conn, `SELECT ${duckdb.quoteIdent('first name')} AS a, ${duckdb.quoteIdent('2nd')} AS b FROM ${t}`);
    expect(rows).toEqual([{ a: 'Ada', b: 1 }]);
  });

  it('quotes a dashed project, a dataset and table with spaces so that BigQuery resolves them', async () => {
    const sql = `SELECT ${bigquery.quoteIdent('first name')} FROM ${bigquery.tableRef('acme-analytics', 'raw data', 'page views')}`;
    expect(bigquery.tableRef('acme-analytics', 'raw data', 'page views')).toBe('`acme-analytics`.`raw data`.`page views`');
    expect(await zetasql().analyze(sql)).toEqual({ ok: true, columns: [{ name: 'first name', type: 'STRING' }] });
  });
});

describe('stringLiteral', () => {
  const fixed = [
    "it's",
    'back\\slash',
    "\\'",
    "'; DROP TABLE x; --",
    'line\nbreak\r\n',
    '\\n is not a newline',
    'tab\there',
    'ÉLODIE Ñúñez 😀',
    '\u2028\u2029',
    '`"',
    '',
  ];

  it.each(fixed)('round-trips %j on DuckDB and on BigQuery (ZetaSQL evaluator)', async (value) => {
    expect(await onDuckDB(duckdb.stringLiteral(value))).toBe(value);
    expect(await onBigQuery(bigquery.stringLiteral(value))).toBe(value);
  });

  it('round-trips arbitrary strings on both engines', async () => {
    await fc.assert(
      fc.asyncProperty(trickyString, async (value) => {
        expect(await onDuckDB(duckdb.stringLiteral(value))).toBe(value);
        expect(await onBigQuery(bigquery.stringLiteral(value))).toBe(value);
      }),
      { numRuns: 150 },
    );
  });

  it('stays one literal when pasted inside a larger statement (no injection)', async () => {
    const attack = "x' OR '1'='1";
    expect(await onDuckDB(`${duckdb.stringLiteral(attack)} = 'x'`)).toBe(false);
    expect(await onBigQuery(`${bigquery.stringLiteral(attack)} = 'x'`)).toBe(false);
  });

  it.each(dialects.map((d) => [d.name, d] as const))('%s refuses NUL characters', (_, d) => {
    // A config value or a preview filter's: the user's to fix.
    expect(thrownOurs(() => d.stringLiteral('a\0b')).message).toMatch(/NUL character .*: remove it/);
  });
});

describe('DuckDB trim', () => {
  it('skips the Unicode-aware TRIM only where it would change nothing: equal to TRIM on any string', async () => {
    const spaces = fc.string({ unit: fc.constantFrom(' ', '\u00a0', '\u3000', '\u2009', '\t', 'a', 'é', '😀', '-') });
    const values = fc.sample(fc.tuple(spaces, fc.string(), spaces), 300).map(([a, b, c]) => a + b.replace(/\0/g, '') + c);
    const list = values.map((v) => duckdb.stringLiteral(v)).join(', ');
    const rows = await queryRows(
      db.conn,
      `SELECT count(*) FILTER (WHERE ${duckdb.trim('v')} IS DISTINCT FROM TRIM(v)) AS differ, count(*) AS n FROM (SELECT unnest([${list}]) AS v)`,
    );
    expect(rows).toEqual([{ differ: 0, n: values.length }]);
  });
});

// ---- every method: rendered for both engines, same result ---------------------------------------

const lit = (d: Dialect, s: string) => d.stringLiteral(s);
const ts = (d: Dialect, iso: string) => d.safeTimestamp(lit(d, iso));

interface ScalarCase {
  method: keyof Dialect;
  label: string;
  expr: (d: Dialect) => string;
  expected: unknown;
}

const scalarCases: ScalarCase[] = [
  { method: 'numberLiteral', label: 'a fraction', expr: (d) => d.numberLiteral(1.5), expected: 1.5 },
  { method: 'numberLiteral', label: 'a negative integer', expr: (d) => d.numberLiteral(-3), expected: -3 },
  { method: 'boolLiteral', label: 'true', expr: (d) => d.boolLiteral(true), expected: true },
  { method: 'boolLiteral', label: 'false', expr: (d) => d.boolLiteral(false), expected: false },
  { method: 'castString', label: 'an integer', expr: (d) => d.castString(d.numberLiteral(42)), expected: '42' },
  { method: 'safeTimestamp', label: 'ISO with Z', expr: (d) => d.unixMicros(ts(d, '2024-01-02T03:04:05Z')), expected: 1704164645000000 },
  {
    method: 'safeTimestamp',
    label: 'ISO with an offset',
    expr: (d) => d.unixMicros(ts(d, '2024-01-02T05:04:05+02:00')),
    expected: 1704164645000000,
  },
  { method: 'safeTimestamp', label: 'garbage → NULL', expr: (d) => ts(d, 'not a time'), expected: null },
  {
    method: 'safeTimestampFormat',
    label: "LinkedIn's 05 Dec 2024",
    expr: (d) => d.unixMicros(d.safeTimestampFormat(lit(d, '05 Dec 2024'), '%d %b %Y')),
    expected: 1733356800000000,
  },
  {
    method: 'safeTimestampFormat',
    label: 'not in the format → NULL',
    expr: (d) => d.safeTimestampFormat(lit(d, '2024-12-05'), '%d %b %Y'),
    expected: null,
  },
  {
    method: 'jsonValue',
    label: "a context's email",
    expr: (d) => d.jsonValue(lit(d, '[{"email":"a@b.c","n":1}]'), '$[0].email'),
    expected: 'a@b.c',
  },
  { method: 'jsonValue', label: 'absent → NULL', expr: (d) => d.jsonValue(lit(d, '[{"n":1}]'), '$[0].email'), expected: null },
  { method: 'nullOf', label: 'string', expr: (d) => d.nullOf('string'), expected: null },
  { method: 'trim', label: 'edge spaces', expr: (d) => d.trim(lit(d, '  a b  ')), expected: 'a b' },
  { method: 'trim', label: 'nothing to trim', expr: (d) => d.trim(lit(d, 'a b')), expected: 'a b' },
  { method: 'trim', label: 'non-ASCII with an edge space', expr: (d) => d.trim(lit(d, ' Élodie ')), expected: 'Élodie' },
  { method: 'trim', label: 'NULL', expr: (d) => d.trim(d.nullOf('string')), expected: null },
  { method: 'concat', label: 'three strings', expr: (d) => d.concat(lit(d, 'a'), lit(d, "'b"), lit(d, 'c')), expected: "a'bc" },
  { method: 'concat', label: 'with NULL → NULL', expr: (d) => d.concat(lit(d, 'a'), d.nullOf('string')), expected: null },
  { method: 'regexpContains', label: 'a match', expr: (d) => d.regexpContains(lit(d, 'hello world'), '^hel+o\\s'), expected: true },
  { method: 'regexpContains', label: 'no match', expr: (d) => d.regexpContains(lit(d, 'hello'), '^ello'), expected: false },
  { method: 'regexpExtract', label: 'first group', expr: (d) => d.regexpExtract(lit(d, '?utm=abc&x=1'), 'utm=([^&]*)'), expected: 'abc' },
  { method: 'regexpExtract', label: 'no match → NULL', expr: (d) => d.regexpExtract(lit(d, '?x=1'), 'utm=([^&]*)'), expected: null },
  {
    method: 'regexpExtract',
    label: 'empty group → NULL',
    expr: (d) => d.regexpExtract(lit(d, '?utm=&x=1'), 'utm=([^&]*)'),
    expected: null,
  },
  { method: 'regexpReplace', label: 'every match', expr: (d) => d.regexpReplace(lit(d, 'a.b.c'), '\\.', '-'), expected: 'a-b-c' },
  { method: 'md5Hex', label: "'abc'", expr: (d) => d.md5Hex(lit(d, 'abc')), expected: '900150983cd24fb0d6963f7d28e17f72' },
  {
    method: 'stripAccents',
    label: 'Latin names',
    expr: (d) => d.stripAccents(lit(d, 'Élodie Müller-Ñúñez')),
    expected: 'Elodie Muller-Nunez',
  },
  {
    method: 'unixMicros',
    label: 'with a fraction',
    expr: (d) => d.unixMicros(ts(d, '2024-01-01T00:00:01.5Z')),
    expected: 1704067201500000,
  },
  // 72 hours back across a month end, microseconds kept (the incremental run's next cutoff).
  // The run's time, comparable with occurred_at (a UTC timestamp): within a minute of the test's clock.
  {
    method: 'currentTimestamp',
    label: 'the clock, in UTC',
    expr: (d) => `ABS(${d.secondsBetween(ts(d, new Date().toISOString()), d.currentTimestamp())}) < 60`,
    expected: true,
  },
  {
    method: 'minusHours',
    label: '72 hours',
    expr: (d) => d.unixMicros(d.minusHours(ts(d, '2024-03-02T01:00:00.25Z'), 72)),
    expected: 1709082000250000,
  },
  {
    method: 'secondsBetween',
    label: '90.5 seconds',
    expr: (d) => d.secondsBetween(ts(d, '2024-01-01T00:00:00Z'), ts(d, '2024-01-01T00:01:30.5Z')),
    expected: 90.5,
  },
  // The preview compiler's Looker timeframes and filters: a Wednesday afternoon in May.
  {
    method: 'castTimestamp',
    label: 'text',
    expr: (d) => d.unixMicros(d.castTimestamp(lit(d, '2024-01-02 03:04:05'))),
    expected: 1704164645000000,
  },
  ...(['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'] as const).map((unit, i): ScalarCase => ({
    method: 'timeTrunc',
    label: unit,
    expr: (d) => d.timeFormat(d.timeTrunc(ts(d, '2024-05-15T13:45:30.5Z'), unit), '%Y-%m-%d %H:%M:%S'),
    expected: [
      '2024-05-15 13:45:30',
      '2024-05-15 13:45:00',
      '2024-05-15 13:00:00',
      '2024-05-15 00:00:00',
      '2024-05-13 00:00:00',
      '2024-05-01 00:00:00',
      '2024-04-01 00:00:00',
      '2024-01-01 00:00:00',
    ][i],
  })),
  {
    method: 'timeAdd',
    label: '6 days back',
    expr: (d) => d.timeFormat(d.timeAdd(ts(d, '2024-03-02T10:00:00Z'), -6, 'day'), '%Y-%m-%d %H'),
    expected: '2024-02-25 10',
  },
  {
    method: 'timeAdd',
    label: 'a month from January 31',
    expr: (d) => d.timeFormat(d.timeAdd(ts(d, '2024-01-31T10:00:00Z'), 1, 'month'), '%Y-%m-%d %H'),
    expected: '2024-02-29 10',
  },
  {
    method: 'timeAdd',
    label: 'a quarter and a week back',
    expr: (d) => d.timeFormat(d.timeAdd(d.timeAdd(ts(d, '2024-05-15T00:00:00Z'), 1, 'quarter'), -1, 'week'), '%Y-%m-%d'),
    expected: '2024-08-08',
  },
  {
    method: 'timeAdd',
    label: 'an hour',
    expr: (d) => d.unixMicros(d.timeAdd(ts(d, '2024-01-01T23:30:00Z'), 1, 'hour')),
    expected: 1704155400000000,
  },
  { method: 'timeExtract', label: 'quarter', expr: (d) => d.timeExtract(ts(d, '2024-05-15T13:45:30Z'), 'quarter'), expected: 2 },
  { method: 'timeExtract', label: 'year', expr: (d) => d.timeExtract(ts(d, '2024-05-15T13:45:30Z'), 'year'), expected: 2024 },
  { method: 'timeExtract', label: 'hour', expr: (d) => d.timeExtract(ts(d, '2024-05-15T13:45:30Z'), 'hour'), expected: 13 },
  {
    method: 'timeFormat',
    label: 'day and month names',
    expr: (d) => d.timeFormat(ts(d, '2024-05-15T13:45:30Z'), '%A %B %Y-%m-%d %H:%M:%S'),
    expected: 'Wednesday May 2024-05-15 13:45:30',
  },
  {
    method: 'containsText',
    label: 'case-sensitive',
    expr: (d) => `${d.containsText(lit(d, 'Head of Data'), lit(d, 'of D'))} AND NOT ${d.containsText(lit(d, 'Head'), lit(d, 'head'))}`,
    expected: true,
  },
  {
    method: 'startsWith',
    label: 'yes and no',
    expr: (d) => `${d.startsWith(lit(d, '/blog/x'), lit(d, '/blog'))} AND NOT ${d.startsWith(lit(d, '/x/blog'), lit(d, '/blog'))}`,
    expected: true,
  },
  {
    method: 'endsWith',
    label: 'yes and no',
    expr: (d) => `${d.endsWith(lit(d, 'a.pdf'), lit(d, '.pdf'))} AND NOT ${d.endsWith(lit(d, 'a.pdf.x'), lit(d, '.pdf'))}`,
    expected: true,
  },
  {
    method: 'likePattern',
    label: 'wildcards, and a backslash escaping one',
    expr: (d) =>
      [
        d.likePattern(lit(d, 'a_bc'), lit(d, 'a_b%')),
        d.likePattern(lit(d, 'axbc'), lit(d, 'a_b%')),
        d.likePattern(lit(d, 'a_bc'), lit(d, 'a\\_b%')),
        `NOT ${d.likePattern(lit(d, 'axbc'), lit(d, 'a\\_b%'))}`,
        `NOT ${d.likePattern(lit(d, 'ab'), lit(d, 'a_b'))}`,
      ].join(' AND '),
    expected: true,
  },
  { method: 'least', label: 'of three', expr: (d) => d.least(d.numberLiteral(2), d.numberLiteral(1), d.numberLiteral(3)), expected: 1 },
  { method: 'greatest', label: 'of three', expr: (d) => d.greatest(lit(d, 'b'), lit(d, 'c'), lit(d, 'a')), expected: 'c' },
];

/** Inline rows written once for both engines: `SELECT … UNION ALL SELECT …` is valid on each. */
const rows = (d: Dialect) =>
  [
    `SELECT 1 AS k, ${lit(d, 'a')} AS v, TRUE AS b, ${lit(d, 'g1')} AS g`,
    `SELECT 2, ${d.nullOf('string')}, FALSE, ${lit(d, 'g1')}`,
    `SELECT 3, ${lit(d, 'c')}, ${d.nullOf('bool')}, ${lit(d, 'g2')}`,
    `SELECT 4, ${d.nullOf('string')}, FALSE, ${lit(d, 'g2')}`,
  ].join(' UNION ALL ');

interface QueryCase {
  method: keyof Dialect;
  label: string;
  sql: (d: Dialect) => string;
  expected: Record<string, unknown>[];
}

const queryCases: QueryCase[] = [
  {
    method: 'boolOr',
    label: 'per group, NULLs ignored',
    sql: (d) => `SELECT g, ${d.boolOr('b')} AS x FROM (${rows(d)}) AS r GROUP BY g ORDER BY g`,
    expected: [
      { g: 'g1', x: true },
      { g: 'g2', x: false },
    ],
  },
  {
    method: 'countIf',
    label: 'per group',
    sql: (d) => `SELECT g, ${d.countIf('NOT b')} AS x FROM (${rows(d)}) AS r GROUP BY g ORDER BY g`,
    expected: [
      { g: 'g1', x: 1 },
      { g: 'g2', x: 1 },
    ],
  },
  {
    method: 'firstBy',
    label: 'per group, NULL values kept, with and without a filter',
    sql: (d) =>
      `SELECT g, ${d.firstBy('v', ['k'])} AS x, ${d.firstBy('v', ['0 - k'])} AS y, ${d.firstBy('v', ['0 - k'], 'v IS NOT NULL')} AS z, ` +
      `${d.firstBy('v', ['g', 'k'], 'k > 9')} AS w FROM (${rows(d)}) AS r GROUP BY g ORDER BY g`,
    // g1: rows 1 (a) and 2 (NULL); g2: rows 3 (c) and 4 (NULL). Last row first (y): its NULL, not the other value.
    expected: [
      { g: 'g1', x: 'a', y: null, z: 'a', w: null },
      { g: 'g2', x: 'c', y: null, z: 'c', w: null },
    ],
  },
  {
    method: 'firstValues',
    label: 'the first n values in key order, NULL values skipped, read with arrayItem',
    sql: (d) => {
      const down = d.firstValues('g', '0 - k', 3);
      const values = d.firstValues('v', 'k', 5);
      const none = d.firstValues('v', 'k', 2, 'k > 9');
      return (
        `SELECT ${d.arrayItem(down, 1)} AS x1, ${d.arrayItem(down, 3)} AS x3, ${d.arrayItem(down, 4)} AS x4, ` +
        `${d.arrayItem(values, 1)} AS v1, ${d.arrayItem(values, 2)} AS v2, ${d.arrayItem(values, 3)} AS v3, ${d.arrayItem(none, 1)} AS n1 FROM (${rows(d)}) AS r`
      );
    },
    // Keys 4, 3, 2 descending: g2, g2, g1; only three kept. Values a, NULL, c, NULL by k: a, c.
    expected: [{ x1: 'g2', x3: 'g1', x4: null, v1: 'a', v2: 'c', v3: null, n1: null }],
  },
  {
    method: 'arrayItem',
    label: 'counted from 1, NULL past the end',
    sql: (d) => {
      const all = d.firstValues('k', 'k', 4);
      return `SELECT ${d.arrayItem(all, 1)} AS first, ${d.arrayItem(all, 4)} AS last, ${d.arrayItem(all, 5)} AS past FROM (${rows(d)}) AS r`;
    },
    expected: [{ first: 1, last: 4, past: null }],
  },
  {
    method: 'distinctKeyAggregate',
    label: 'each key once though a join repeats its row, NULLs and filtered rows left out',
    sql: (d) => {
      const value = 'CASE WHEN k = 4 THEN NULL ELSE k * 10 END';
      return (
        `SELECT ${d.distinctKeyAggregate('sum', 'k', value)} AS s, ${d.distinctKeyAggregate('average', 'k', value)} AS a, ` +
        `${d.distinctKeyAggregate('sum', 'k', value, 'k > 1')} AS f, ${d.distinctKeyAggregate('sum', 'k', value, 'k > 9')} AS n ` +
        `FROM (${rows(d)}) AS r CROSS JOIN (SELECT 1 AS copy UNION ALL SELECT 2) AS c`
      );
    },
    expected: [{ s: 60, a: 20, f: 50, n: null }],
  },
  {
    method: 'rowToJson',
    label: 'of a row alias',
    sql: (d) => `SELECT ${d.rowToJson('r')} AS x FROM (SELECT ${lit(d, 'it\'s "x"')} AS s, 7 AS n) AS r`,
    expected: [{ x: { s: 'it\'s "x"', n: 7 } }],
  },
  {
    method: 'structOf',
    label: 'as JSON, NULL kept',
    sql: (d) =>
      `SELECT ${d.rowToJson(
        d.structOf([
          ['b', 'r.n'],
          ['a', 'r.s'],
          ['c', 'r.z'],
        ]),
      )} AS x FROM (SELECT ${lit(d, 'v')} AS s, 7 AS n, ${d.nullOf('string')} AS z) AS r`,
    expected: [{ x: { b: 7, a: 'v', c: null } }],
  },
];

/** JSON columns compared as values: the engines format JSON differently (spaces), not in content. */
const parseJson = (rs: Record<string, unknown>[]) =>
  rs.map((r) => ('x' in r && typeof r.x === 'string' && r.x.startsWith('{') ? { ...r, x: JSON.parse(r.x) } : r));

describe('every Dialect method, on both engines', () => {
  it.each(scalarCases.map((c) => [c.method, c.label, c] as const))('%s (%s)', async (_m, _l, c) => {
    expect(await onDuckDB(c.expr(duckdb))).toEqual(c.expected);
    expect(await onBigQuery(c.expr(bigquery))).toEqual(c.expected);
  });

  it.each(queryCases.map((c) => [c.method, c.label, c] as const))('%s (%s)', async (_m, _l, c) => {
    expect(parseJson(await queryRows(db.conn, c.sql(duckdb)))).toEqual(c.expected);
    expect(parseJson(await zetasql().evaluateQuery(c.sql(bigquery)))).toEqual(c.expected);
  });

  it('nullOf and the type names give the warehouse types', async () => {
    const types = ['string', 'int', 'float', 'bool', 'timestamp'] as const;
    const attr = { string: 'stringType', int: 'intType', float: 'floatType', bool: 'boolType', timestamp: 'timestampType' } as const;
    const duckTypes = await queryRows(db.conn, `SELECT ${types.map((t) => `typeof(${duckdb.nullOf(t)}) AS ${t}`).join(', ')}`);
    expect(duckTypes).toEqual([{ string: 'VARCHAR', int: 'BIGINT', float: 'DOUBLE', bool: 'BOOLEAN', timestamp: 'TIMESTAMP' }]);
    types.forEach((t) => expect(duckTypes[0][t]).toBe(duckdb[attr[t]]));
    const analysis = await zetasql().expectValid(`SELECT ${types.map((t) => `${bigquery.nullOf(t)} AS ${t}`).join(', ')}`);
    expect(analysis.columns).toEqual(types.map((t) => ({ name: t, type: bigquery[attr[t]] })));
  });

  it('median: exact on DuckDB; on BigQuery the approximate quantile Looker uses (ZetaSQL analyzes it, its evaluator lacks it)', async () => {
    expect(await queryRows(db.conn, `SELECT ${duckdb.median('k')} AS x FROM (${rows(duckdb)}) AS r`)).toEqual([{ x: 2.5 }]);
    const analysis = await zetasql().expectValid(
      `SELECT ${bigquery.median('k')} AS x, ${bigquery.median('k * 1.5')} AS y FROM (${rows(bigquery)}) AS r`,
    );
    expect(analysis.columns).toEqual([
      { name: 'x', type: 'INT64' },
      { name: 'y', type: 'FLOAT64' },
    ]);
  });

  it('refuses non-finite numbers', () => {
    for (const d of dialects) for (const n of [NaN, Infinity, -Infinity]) expect(() => d.numberLiteral(n)).toThrow(/not a finite number/);
  });

  it('createTableAs and dropTableIfExists: BigQuery partitions and clusters, DuckDB builds and drops the table', async () => {
    const select = (d: Dialect) => `SELECT ${lit(d, 'p1')} AS person_id, ${ts(d, '2024-01-01T00:00:00Z')} AS occurred_at`;
    const bqTable = bigquery.tableRef('acme-analytics', 'journey_stitch', 'stitched_events');
    const create = bigquery.createTableAs(bqTable, select(bigquery), { partitionByDate: 'occurred_at', clusterBy: ['person_id'] });
    expect(create).toMatch(/PARTITION BY DATE\(occurred_at\)\s+CLUSTER BY person_id/);
    expect((await zetasql().expectValid(create)).creates?.path).toEqual(['acme-analytics', 'journey_stitch', 'stitched_events']);
    await zetasql().expectValid(bigquery.createTableAs(bqTable, select(bigquery)));
    await zetasql().expectValid(bigquery.dropTableIfExists(bqTable));

    const duckTable = duckdb.tableRef('main', 'stitched events');
    for (let i = 0; i < 2; i++)
      await db.conn.run(duckdb.createTableAs(duckTable, select(duckdb), { partitionByDate: 'occurred_at', clusterBy: ['person_id'] }));
    expect(await queryRows(db.conn, `SELECT person_id FROM ${duckTable}`)).toEqual([{ person_id: 'p1' }]);
    await db.conn.run(duckdb.dropTableIfExists(duckTable));
    await db.conn.run(duckdb.dropTableIfExists(duckTable));
    expect(
      await queryRows(db.conn, `SELECT count(*)::INT AS n FROM information_schema.tables WHERE table_name = 'stitched events'`),
    ).toEqual([{ n: 0 }]);
    // Scratch tables as temporary tables: DuckDB keeps them out of the database; BigQuery's live as long as the
    // script (the pdt LookML's create_process), under an unqualified name.
    await db.conn.run(duckdb.createTableAs(duckdb.quoteIdent('scratch'), select(duckdb), { temporary: true }));
    expect(await queryRows(db.conn, `SELECT temporary FROM duckdb_tables() WHERE table_name = 'scratch'`)).toEqual([{ temporary: true }]);
    await db.conn.run(duckdb.dropTableIfExists(duckdb.quoteIdent('scratch')));
    expect(await queryRows(db.conn, `SELECT count(*)::INT AS n FROM duckdb_tables() WHERE table_name = 'scratch'`)).toEqual([{ n: 0 }]);
    const temp = bigquery.createTableAs(bigquery.quoteIdent('scratch'), select(bigquery), { temporary: true });
    expect(temp).toMatch(/^CREATE OR REPLACE TEMP TABLE `scratch`\nAS\n/);
    expect(await zetasql().parseScript(`${temp};\nSELECT person_id FROM \`scratch\`;`)).toEqual({ ok: true });
  });

  it('has a case here for every method of every dialect (add one when the Dialect grows)', () => {
    const covered = new Set<string>([
      ...scalarCases.map((c) => c.method),
      ...queryCases.map((c) => c.method),
      'quoteIdent',
      'escapeIdent', // quoteIdent's part, covered by the awkward column names above
      'tableRef',
      'stringLiteral',
      'nullOf',
      'createTableAs',
      'dropTableIfExists',
      'median',
      'raiseError', // test/sql/script.test.ts: fails a query on DuckDB and in ZetaSQL's evaluator
    ]);
    for (const d of dialects) {
      // Own and inherited methods (the dialects share a StandardDialect base).
      const methods: string[] = [];
      for (let proto = Object.getPrototypeOf(d); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
        methods.push(...Object.getOwnPropertyNames(proto).filter((m) => m !== 'constructor' && typeof proto[m] === 'function'));
      }
      expect(methods.filter((m) => !covered.has(m))).toEqual([]);
    }
  });
});
