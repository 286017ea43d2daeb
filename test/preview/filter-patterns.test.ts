/**
 * Looker's string filter patterns (`F%OD`, `a_b`): `%` any run, `_` one character, a backslash before either makes it
 * literal. Run on DuckDB over values that hold the wildcard characters themselves.
 */
import { filterToSql } from '../../src/preview/query/filters';
import { openMemoryDb, queryRows, type TestDb } from '../support/duckdb';

let db: TestDb;
beforeAll(async () => {
  db = await openMemoryDb();
  await db.conn.run(`CREATE TABLE v AS SELECT * FROM (VALUES ('a_b'), ('axb'), ('a%b'), ('A_B'), ('a_bc'), (NULL)) AS t(s)`);
});
afterAll(() => db.close());

const matching = async (expression: string, caseSensitive = true) =>
  (await queryRows(db.conn, `SELECT s FROM v WHERE ${filterToSql('string', 's', expression, 'v.s', caseSensitive)} ORDER BY s`)).map(
    (r) => r.s,
  );

test.each([
  ['a_b', ['a%b', 'a_b', 'axb']],
  ['a_b%', ['a%b', 'a_b', 'a_bc', 'axb']],
  ['a\\_b%', ['a_b', 'a_bc']],
  ['a\\%%', ['a%b']],
  ['-a_b', ['A_B', 'a_bc', null]],
])('%s', async (expression, expected) => {
  expect(await matching(expression)).toEqual(expected);
});

test('case_sensitive: no lower-cases the pattern and the value', async () => {
  expect(await matching('A\\_B', false)).toEqual(['A_B', 'a_b']);
  expect(await matching('A_B', false)).toEqual(['A_B', 'a%b', 'a_b', 'axb']);
});
