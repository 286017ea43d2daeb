/**
 * `journey-stitch introspect`: compare the raw dataset (INFORMATION_SCHEMA.COLUMNS) with what the config
 * expects, and suggest a column mapping for what is missing from the names that are there. Pure functions
 * over the columns list; the command does the I/O.
 */
import { closestName } from '../../check/names';
import { formatSourceReport, type TableReport } from '../../check/report';
import type { Config } from '../../config/schema';
import type { ColumnInfo } from './client';
import { rawTableSpecs, type ExpectedColumn, type RawTableSpec } from '../../models/raw-tables';
import { bigQueryLocation, columnsByTable } from './sources';

export interface ColumnSuggestion {
  logical: string;
  /** The existing column proposed for it. */
  column: string;
  required: boolean;
}

export interface TableFinding {
  spec: RawTableSpec;
  exists: boolean;
  /** A similarly named table of the dataset, when this one does not exist. */
  suggestedTable?: string;
  found: (ExpectedColumn & { dataType: string })[];
  missingRequired: ExpectedColumn[];
  missingOptional: ExpectedColumn[];
  suggestions: ColumnSuggestion[];
}

export interface Introspection {
  project: string;
  dataset: string;
  tables: TableFinding[];
  /** Tables of the dataset the config does not read. */
  otherTables: string[];
  /** True when every table exists with every required column (after the suggestions, it may become true). */
  ready: boolean;
}

function inspectTable(spec: RawTableSpec, columns: ColumnInfo[] | undefined, tableNames: string[]): TableFinding {
  if (!columns) {
    const suggestedTable = closestName(spec.table, tableNames);
    return {
      spec,
      exists: false,
      ...(suggestedTable ? { suggestedTable } : {}),
      found: [],
      missingRequired: spec.columns.filter((c) => c.required),
      missingOptional: spec.columns.filter((c) => !c.required),
      suggestions: [],
    };
  }
  const types = new Map(columns.map((c) => [c.column, c.dataType]));
  const found = spec.columns.filter((c) => types.has(c.physical)).map((c) => ({ ...c, dataType: types.get(c.physical)! }));
  const missing = spec.columns.filter((c) => !types.has(c.physical));
  // Candidates: columns no expected column uses yet; each is suggested at most once (required columns first).
  const free = columns.map((c) => c.column).filter((name) => !found.some((f) => f.physical === name));
  const suggestions: ColumnSuggestion[] = [];
  for (const c of [...missing.filter((m) => m.required), ...missing.filter((m) => !m.required)]) {
    const column = closestName(
      c.logical,
      free.filter((f) => !suggestions.some((s) => s.column === f)),
    );
    if (column) suggestions.push({ logical: c.logical, column, required: c.required });
  }
  return {
    spec,
    exists: true,
    found,
    missingRequired: missing.filter((c) => c.required),
    missingOptional: missing.filter((c) => !c.required),
    suggestions,
  };
}

export function introspect(config: Config, columns: ColumnInfo[]): Introspection {
  const { project, dataset } = bigQueryLocation(config);
  const byTable = columnsByTable(columns);
  const specs = rawTableSpecs(config);
  const tableNames = [...byTable.keys()];
  const tables = specs.map((spec) => inspectTable(spec, byTable.get(spec.table), tableNames));
  return {
    project,
    dataset,
    tables,
    otherTables: tableNames.filter((t) => !specs.some((s) => s.table === t)),
    ready: tables.every((t) => t.exists && t.missingRequired.length === 0),
  };
}

/** The suggested mapping as a config fragment (only what changes), or undefined when there is nothing to suggest. */
export function suggestedConfig(config: Config, result: Introspection): Record<string, unknown> | undefined {
  const mapping = (t: TableFinding) => Object.fromEntries(t.suggestions.map((s) => [s.logical, s.column]));
  const source: Record<string, unknown> = {};
  const sourceTables: Record<string, string> = {};
  const sourceColumns: Record<string, unknown> = {};
  const offsite: Record<string, unknown>[] = [];
  for (const t of result.tables) {
    const kind = t.spec.logical;
    if (kind.startsWith('offsite:')) {
      const entry: Record<string, unknown> = {};
      if (!t.exists && t.suggestedTable) entry.table = t.suggestedTable;
      if (t.suggestions.length) entry.columns = mapping(t);
      if (Object.keys(entry).length) offsite.push({ name: kind.slice('offsite:'.length), ...entry });
      continue;
    }
    if (!t.exists && t.suggestedTable) sourceTables[kind] = t.suggestedTable;
    if (!t.suggestions.length) continue;
    if (config.source.type === 'snowplow') Object.assign(sourceColumns, mapping(t));
    else sourceColumns[kind] = mapping(t);
  }
  if (Object.keys(sourceTables).length) source.tables = sourceTables;
  if (Object.keys(sourceColumns).length) source.columns = sourceColumns;
  const fragment: Record<string, unknown> = {};
  if (Object.keys(source).length) fragment.source = source;
  if (offsite.length) fragment.offsite = offsite;
  return Object.keys(fragment).length ? fragment : undefined;
}

/** The report the command prints (the format `check` prints for files). */
export function formatIntrospection(config: Config, result: Introspection): string {
  const tables: TableReport[] = result.tables.map((t) => ({
    head: `${t.spec.table} (${t.spec.logical})`,
    ...(t.exists ? {} : { absent: `table not found${t.suggestedTable ? ` — did you mean ${t.suggestedTable}?` : ''}` }),
    expected: t.spec.columns.length,
    found: t.found.map((c) => ({ ...c, detail: c.dataType })),
    missingRequired: t.missingRequired,
    missingOptional: t.missingOptional,
  }));
  return formatSourceReport({
    title: `Raw dataset ${result.project}.${result.dataset}:`,
    tables,
    extra: result.otherTables.length ? [`  other tables: ${result.otherTables.join(', ')}`] : [],
    suggested: suggestedConfig(config, result),
    ready: result.ready,
    readyText: 'Every table and required column is there: journey-stitch stitch can run.',
    notReadyText: 'Not ready: add the missing tables or required columns, or map them in the config (see above).',
  });
}
