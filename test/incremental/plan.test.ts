/**
 * The pure parts of the incremental plan: watermark arithmetic, timestamp literals, the raw timestamp column
 * through the config's mapping, the config fragment and the config fingerprint that forces a full run.
 */
import { configSchema } from '../../src/config/schema';
import { configHash } from '../../src/warehouse/runRecord';
import { incrementalConfigSchema, rawTimestampColumn, subtractHours, timestampLiteral } from '../../src/models/incremental';
import { BigQueryDialect, DuckDBDialect } from '../../src/sql/dialects';
import { testConfig } from '../support/scenarios';
import { thrownOurs } from '../support/errors';

describe('incremental plan helpers', () => {
  it('subtracts the lookback exactly, keeping microseconds, across month ends and leap days', () => {
    expect(subtractHours('2024-03-01 10:02:00', 24)).toBe('2024-02-29 10:02:00');
    expect(subtractHours('2024-03-01 00:00:00.123456', 72)).toBe('2024-02-27 00:00:00.123456');
    expect(subtractHours('2024-01-01 00:30:00.5', 1)).toBe('2023-12-31 23:30:00.500000');
    expect(subtractHours('2024-06-01 08:00:00', 0)).toBe('2024-06-01 08:00:00');
    // Years 0-99 stay in the first century (Date.UTC would read them as 1900-1999).
    expect(subtractHours('0050-03-01 12:00:00', 24)).toBe('0050-02-28 12:00:00');
    expect(subtractHours('0001-01-02 00:00:00.25', 24)).toBe('0001-01-01 00:00:00.250000');
    // A run log the user can edit: the error names it and the way out.
    expect(thrownOurs(() => subtractHours('yesterday', 1)).message).toBe(
      "incremental: the last run's watermark 'yesterday' (journey_stitch_runs) is not a timestamp; run a full stitch (without --incremental), which writes a fresh one",
    );
  });

  it('writes timestamp literals for both dialects and refuses anything else', () => {
    expect(timestampLiteral(new DuckDBDialect(), '2024-02-29 10:02:00')).toBe("CAST('2024-02-29 10:02:00' AS TIMESTAMP)");
    expect(timestampLiteral(new BigQueryDialect(), '2024-02-29 10:02:00.000001')).toBe("CAST('2024-02-29 10:02:00.000001' AS TIMESTAMP)");
    expect(() => timestampLiteral(new DuckDBDialect(), "2024-01-01' OR TRUE --")).toThrow(/not a UTC timestamp/);
    // A watermark in year 0 minus the lookback falls before it: a cutoff that cannot be written.
    expect(thrownOurs(() => timestampLiteral(new DuckDBDialect(), subtractHours('0000-01-01 01:00:00', 2))).message).toMatch(
      /^incremental: the cutoff '-0+1-.*' is not a UTC timestamp 'YYYY-MM-DD HH:MM:SS\[\.ffffff\]'; run a full stitch \(without --incremental\), which writes a fresh one$/,
    );
  });

  it('finds the raw timestamp column through the column mapping', () => {
    const config = configSchema.parse({
      warehouse: 'duckdb',
      source: { type: 'segment', path: 'raw', columns: { pages: { timestamp: 'sent_at' } } },
      offsite: [{ name: 'linkedin', path: 'l.csv', columns: { timestamp: 'liked_at' } }],
    });
    expect(['pages', 'tracks', 'offsite:linkedin'].map((t) => rawTimestampColumn(config, t))).toEqual(['sent_at', 'timestamp', 'liked_at']);
    const snowplow = configSchema.parse({
      warehouse: 'duckdb',
      source: { type: 'snowplow', path: 'raw', columns: { derived_tstamp: 'collector_tstamp' } },
    });
    expect(rawTimestampColumn(snowplow, 'events')).toBe('collector_tstamp');
    expect(() => rawTimestampColumn(config, 'offsite:twitter')).toThrow(/unknown raw table 'offsite:twitter'/);
  });

  it('has a 72-hour default lookback and validates it', () => {
    expect(incrementalConfigSchema.parse(undefined)).toEqual({ lookback_hours: 72, load_margin_hours: 24 });
    expect(incrementalConfigSchema.parse({ lookback_hours: 6 })).toEqual({ lookback_hours: 6, load_margin_hours: 24 });
    expect(incrementalConfigSchema.safeParse({ lookback_hours: -1 }).success).toBe(false);
    expect(incrementalConfigSchema.safeParse({ lookback: 6 }).success).toBe(false);
  });

  it("fingerprints what the models compute, not where the files are nor DuckDB's resources", () => {
    const a = testConfig();
    const moved = { ...a, source: { ...a.source, path: 'elsewhere' }, output: { ...a.output, database: 'other.duckdb' } };
    expect(configHash(moved)).toBe(configHash(a));
    expect(configHash({ ...a, duckdb: { memory_limit: '4GB', threads: 1 } })).toBe(configHash(a));
    expect(configHash(testConfig({ sessions: { inactivity_minutes: 5 } }))).not.toBe(configHash(a));
    expect(configHash(testConfig({ identity: { name_matching: false } }))).not.toBe(configHash(a));
  });

  it('fingerprints the BigQuery SQL too: a change only BigQuery runs rebuilds a BigQuery state', () => {
    const before = configHash(testConfig());
    const spy = jest.spyOn(BigQueryDialect.prototype, 'md5Hex').mockImplementation((expr: string) => `TO_HEX(SHA256(${expr}))`);
    try {
      expect(configHash(testConfig())).not.toBe(before);
    } finally {
      spy.mockRestore();
    }
    expect(configHash(testConfig())).toBe(before);
  });
});
