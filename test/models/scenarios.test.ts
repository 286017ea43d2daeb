/**
 * Named scenarios (test/support/scenarios.ts) against the real pipeline on DuckDB and against the oracle:
 * each backend must give the hand-written persons, statuses and link reasons, and DuckDB must equal the
 * oracle on every output table.
 */
import { LoopCapError } from '../../src/warehouse/duckdb/run';
import { OUTPUT_TABLES, outputTables } from '../../src/contract/tables';
import { stitchOracle, type Row } from '../../src/oracle';
import { md5 } from '../../src/oracle/values';
import { openMemoryDb, type TestDb } from '../support/duckdb';
import { SCENARIOS, identify, offsiteRow, testConfig, type Scenario } from '../support/scenarios';
import { stitchOnDuckDB } from '../support/stitch';

interface Outcome {
  tables: Record<(typeof OUTPUT_TABLES)[number], Row[]>;
  rejected: [string, string | null, string][];
}

type Backend = (scenario: Scenario) => Promise<Outcome>;

let db: TestDb;
beforeAll(async () => {
  db = await openMemoryDb();
});
afterAll(() => db.close());

/** An identity link as `identifier_type:identifier` (scenarios name links so; link_id is its hash). */
const linkToken = (r: Row) => `${r.identifier_type}:${r.identifier}`;

const sortRejects = (rows: [string, string | null, string][]) =>
  [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

const backends: [string, Backend][] = [
  [
    'oracle',
    async (s) => {
      const out = stitchOracle(s.input, testConfig(s.config));
      return { tables: out, rejected: out.rejected.map((r) => [r.source_table, r.event_id, r.reason]) };
    },
  ],
  [
    'DuckDB',
    async (s) => {
      const out = await stitchOnDuckDB(db, s.input, testConfig(s.config));
      return { tables: out, rejected: out.rejected.map((r) => [r.source_table, r.event_id, r.reason]) };
    },
  ],
];

describe.each(backends)('%s', (_backend, run) => {
  test.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    const { tables, rejected } = await run(scenario);

    const events = Object.fromEntries(tables.stitched_events.map((e) => [e.event_id, [e.person_id, e.identity_status, e.link_reason]]));
    expect(events).toEqual(scenario.events);
    expect(Object.fromEntries(tables.persons.map((p) => [p.person_id, p.identity_status]))).toEqual(scenario.persons);

    for (const [table, byKey] of Object.entries(scenario.rows ?? {})) {
      const key = outputTables().find((t) => t.name === table)!.primaryKey;
      for (const [id, expected] of Object.entries(byKey)) {
        const row = tables[table as keyof Outcome['tables']].find((r) => (table === 'identity_links' ? linkToken(r) : r[key]) === id);
        expect({ table, id, row }).toMatchObject({ table, id, row: expected });
      }
    }
    expect(sortRejects(rejected)).toEqual(sortRejects(scenario.rejected ?? []));
    const links = new Set(tables.identity_links.map(linkToken));
    for (const absent of scenario.absentLinks ?? []) expect(links).not.toContain(absent);
    // The key is the token's hash: it does not show the identifier, which the LookML guards.
    for (const link of tables.identity_links) expect(link.link_id).toBe(md5(linkToken(link)));
  });
});

describe('DuckDB equals the oracle', () => {
  test.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    const config = testConfig(scenario.config);
    const duck = await stitchOnDuckDB(db, scenario.input, config);
    const oracle = stitchOracle(scenario.input, config);
    for (const table of OUTPUT_TABLES) expect({ table, rows: duck[table] }).toEqual({ table, rows: oracle[table] });
  });
});

test('hitting the label-propagation cap is an error, not a partial result', async () => {
  const chain = Array.from({ length: 6 }, (_, i) =>
    identify(`c${i}`, '03-01 09:00', `a${i}`, { user_id: `u${i}`, email: `e${i + 1}@x.example` }),
  );
  const links = Array.from({ length: 6 }, (_, i) =>
    identify(`l${i}`, '03-01 09:00', `b${i}`, { email: `e${i}@x.example`, hubspot_id: `${i}` }),
  );
  const config = testConfig({ identity: { max_iterations: 1 } });
  await expect(stitchOnDuckDB(db, { identifies: [...chain, ...links] }, config)).rejects.toBeInstanceOf(LoopCapError);
});

test('with identity.hash_key, person ids and link keys are keyed hashes: none is the plain md5 a dictionary would find', async () => {
  const key = 'deployment-Secret_42';
  const input = {
    identifies: [
      identify('i1', '03-01 09:00', 'a1', { user_id: 'u1' }),
      identify('i2', '03-01 09:00', 'a2', { email: 'ann@example.com' }),
      identify('i3', '03-01 09:00', 'a3', { hubspot_id: '42' }),
    ],
    offsite: { linkedin: [offsiteRow('l1', '03-01 09:00', 'Nobody Known', { profile_url: 'https://linkedin.com/in/nobody' })] },
  };
  const config = testConfig({ identity: { hash_key: key } });
  const duck = await stitchOnDuckDB(db, input, config);
  const keyed = (prefix: string, value: string) => `${prefix}:${md5(key + value)}`;
  const expected = [
    keyed('u', 'u1'),
    keyed('e', 'ann@example.com'),
    keyed('c', 'hubspot_id=42'),
    keyed('p', 'linkedin:https://linkedin.com/in/nobody'),
  ];
  expect(duck.persons.map((p) => p.person_id).sort()).toEqual([...expected].sort());
  for (const link of duck.identity_links) expect(link.link_id).toBe(md5(key + linkToken(link)));
  // The oracle applies the same rule.
  for (const table of OUTPUT_TABLES) expect({ table, rows: duck[table] }).toEqual({ table, rows: stitchOracle(input, config)[table] });
});
