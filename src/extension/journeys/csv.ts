/**
 * CSV of what the Journeys view shows: the path rows behind the Sankey and a node's persons. Pure: RFC 4180 quoting
 * (a field with a comma, quote, CR or LF is quoted, quotes doubled; CRLF between records) and, since these files
 * are opened in spreadsheets, a text cell starting with = + - @ (or a tab / CR) is prefixed with ' so it is read
 * as text, not run as a formula (OWASP's CSV injection advice). Personal columns only when the caller may show them.
 */
export type CsvCell = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<CsvCell>>): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

export interface SubsetPerson {
  /** With the sessions count: the session. */
  sessionId: string | null;
  personId: string;
  status: string;
  steps: number;
  converted: boolean;
  events: number;
  name: string | null;
  email: string | null;
}

/** A node's persons list; name and email columns only when they are not hidden for the user. */
export function personsCsv(rows: readonly SubsetPerson[], o: { piiHidden: boolean; sessions: boolean }): string {
  const header = [
    ...(o.sessions ? ['session_id'] : []),
    'person_id',
    ...(o.piiHidden ? [] : ['name', 'email']),
    'identity_status',
    'steps',
    'events',
    'converted',
  ];
  return toCsv(
    header,
    rows.map((r) => [
      ...(o.sessions ? [r.sessionId] : []),
      r.personId,
      ...(o.piiHidden ? [] : [r.name, r.email]),
      r.status,
      r.steps,
      r.events,
      r.converted ? 'yes' : 'no',
    ]),
  );
}

export interface CsvPathRow {
  steps: ReadonlyArray<string | null>;
  inferred?: ReadonlyArray<boolean | null>;
  value: number;
}

/**
 * The path rows behind the Sankey, as queried (before the top-K folding into Other): one column per drawn column
 * (named as the chart names them), then whether a name-matched event made each step, then the count.
 */
export function pathsCsv(rows: readonly CsvPathRow[], columnNames: readonly string[], countName: string): string {
  const header = [...columnNames, ...columnNames.map((c) => `${c} inferred`), countName];
  return toCsv(
    header,
    rows.map((r) => [
      ...columnNames.map((_, i) => r.steps[i] ?? null),
      ...columnNames.map((_, i) => (r.inferred?.[i] === null || r.inferred?.[i] === undefined ? null : r.inferred[i] ? 'yes' : 'no')),
      r.value,
    ]),
  );
}
