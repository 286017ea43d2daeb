import { parseConfig } from '../../../src/config/load';
import { duckdbOptions, openDuckDB, withMemoryHint } from '../../../src/warehouse/duckdb/instance';

const BASE = `warehouse: duckdb
source:
  type: segment
  path: ./data
`;

describe('the embedded DuckDB of a run', () => {
  it('passes only the resources the config sets, as instance options', () => {
    expect(duckdbOptions(parseConfig(BASE))).toEqual({});
    expect(duckdbOptions(parseConfig(`${BASE}duckdb:\n  memory_limit: 8GB\n  threads: 3\n`))).toEqual({
      memory_limit: '8GB',
      threads: '3',
    });
  });

  it('opens with them', async () => {
    const instance = await openDuckDB(':memory:', parseConfig(`${BASE}duckdb:\n  memory_limit: 1GiB\n  threads: 1\n`));
    const conn = await instance.connect();
    const row = (
      await conn.runAndReadAll(`SELECT current_setting('memory_limit') AS m, current_setting('threads') AS t`)
    ).getRowObjectsJson()[0];
    conn.closeSync();
    instance.closeSync();
    expect(row).toEqual({ m: '1.0 GiB', t: '1' });
  });

  it('adds the config key to change to an out-of-memory failure, and leaves other failures alone', () => {
    const oom = new Error('Out of Memory Error: failed to allocate data of size 32.0 MiB');
    const hinted = withMemoryHint(parseConfig(`${BASE}duckdb:\n  memory_limit: 2GB\n`), oom) as Error;
    expect(hinted.message).toBe(
      `${oom.message}\nraise duckdb.memory_limit in the config (now '2GB'), or leave it out for DuckDB's default of 80% of RAM`,
    );
    expect(hinted.cause).toBe(oom);
    expect((withMemoryHint(parseConfig(BASE), oom) as Error).message).toBe(
      `${oom.message}\nfree memory on this machine, or lower duckdb.threads in the config`,
    );
    const other = new Error('Binder Error: column x not found');
    expect(withMemoryHint(parseConfig(BASE), other)).toBe(other);
  });
});
