/** The summary's warning for a source file most of whose rows were rejected (pure parts). */
import { parseConfig } from '../../../src/config/load';
import type { LoadedTable } from '../../../src/warehouse/duckdb/load';
import { mostlyRejected, rejectFix } from '../../../src/warehouse/duckdb/summary';
import { rawTableSpecs } from '../../../src/models/raw-tables';

const config = parseConfig(`warehouse: duckdb
source:
  type: segment
  path: ./data
  columns: { pages: { timestamp: sent_at } }
offsite:
  - name: linkedin
    path: ./data/linkedin.ndjson
`);
const spec = (logical: string) => rawTableSpecs(config).find((s) => s.logical === logical)!;
const pages = (rows: number, rejected = 0): LoadedTable => ({
  table: 'pages',
  file: '/data/pages.ndjson',
  format: 'ndjson',
  rows,
  rejected,
  columns: [],
  timestampColumns: [],
  ms: 0,
});

describe('mostlyRejected', () => {
  it('warns from half the rows on, counting rejects named by the table (models) or the file (reader)', () => {
    const rejects: Array<[string, string, number]> = [
      ['pages', 'invalid timestamp', 3],
      ['pages.ndjson', 'malformed JSON', 1],
      ['tracks', 'invalid timestamp', 50],
    ];
    expect(mostlyRejected(pages(7, 1), spec('pages'), rejects)).toEqual({
      file: 'pages.ndjson',
      rows: 8,
      rejected: 4,
      reason: 'invalid timestamp',
      reasonRows: 3,
      fix: "check the column mapping source.columns.pages.timestamp (reads column 'sent_at') in the config",
    });
    expect(mostlyRejected(pages(8, 1), spec('pages'), rejects)).toBeUndefined();
    expect(mostlyRejected(pages(0), spec('pages'), [])).toBeUndefined();
  });
});

describe('rejectFix', () => {
  it('names the mapping keys of the columns behind the reason, or the file when no column is', () => {
    expect(rejectFix('no identifier', spec('offsite:linkedin'))).toBe(
      "check the column mapping offsite[0].columns.full_name (reads column 'full_name') and offsite[0].columns.email (reads column 'email') " +
        "and offsite[0].columns.profile_url (reads column 'profile_url') in the config",
    );
    expect(rejectFix('malformed JSON', spec('pages'))).toBe('check the file itself (rejected_rows.reason gives the line numbers)');
  });
});
