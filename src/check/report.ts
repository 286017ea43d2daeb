/**
 * The source report `check` (files) and `introspect` (BigQuery tables) both print: per raw table, the expected
 * columns found (and how they map), the required and optional ones missing, facts such as rows and time range,
 * and notes; then a suggested mapping as a config fragment and whether stitch can run.
 */
import { stringify } from 'yaml';

export interface ReportColumn {
  logical: string;
  physical: string;
  /** Shown after the name: the BigQuery type. */
  detail?: string;
  /** How the column was found, when not under its own name or a hand mapping ("by header"). */
  how?: string;
}

export interface TableReport {
  /** `pages (pages)`, `Connections.csv (offsite:linkedin)`. */
  head: string;
  /** Why the table could not be read at all ("table not found — did you mean x?"). */
  absent?: string;
  expected: number;
  found: ReportColumn[];
  missingRequired: ReportColumn[];
  missingOptional: ReportColumn[];
  /** After the column count on the head line: rows, time range. */
  facts?: string[];
  /** Lines under the table: unreadable lines, warnings. */
  notes?: string[];
}

export interface SourceReport {
  title: string;
  tables: TableReport[];
  /** Lines after the tables (other tables of the dataset, config values that match nothing). */
  extra?: string[];
  /** A config fragment with the suggested mapping, if any. */
  suggested?: Record<string, unknown>;
  ready: boolean;
  readyText: string;
  notReadyText: string;
}

const named = (c: ReportColumn) => (c.physical === c.logical ? c.physical : `${c.physical} (as ${c.logical}${c.how ? `, ${c.how}` : ''})`);
const list = (cols: ReportColumn[]) => cols.map(named).join(', ');

export function formatTableReport(t: TableReport): string[] {
  if (t.absent) return [`  ${t.head}: ${t.absent}`];
  const lines = [`  ${t.head}: ${[`${t.found.length} of ${t.expected} expected columns`, ...(t.facts ?? [])].join(', ')}`];
  if (t.found.length) lines.push(`    found: ${t.found.map((c) => `${named(c)}${c.detail ? ` ${c.detail}` : ''}`).join(', ')}`);
  if (t.missingRequired.length) lines.push(`    missing, required: ${list(t.missingRequired)}`);
  if (t.missingOptional.length) lines.push(`    missing, optional (read as NULL): ${list(t.missingOptional)}`);
  for (const note of t.notes ?? []) lines.push(`    ${note}`);
  return lines;
}

export function formatSourceReport(r: SourceReport): string {
  const lines = [r.title, ...r.tables.flatMap(formatTableReport), ...(r.extra ?? [])];
  if (r.suggested) {
    lines.push('', 'Suggested mapping (closest existing names; check, then merge into your config — offsite entries by name):', '');
    lines.push(stringify(r.suggested).trimEnd());
  }
  lines.push('', r.ready ? r.readyText : r.notReadyText);
  return `${lines.join('\n')}\n`;
}
