/**
 * Dimensions from the output contract: one field per column, typed by the column type, described by the
 * column description, personal data behind the access grant. Views add measures, sets and presentation.
 */
import type { ColumnDef, TableDef } from '../contract/tables';
import { IDENTITY_STATUSES, LINK_TYPES } from '../contract/tables';
import { CHANNELS } from '../contract/channels';
import { PII_ACCESS_GRANT } from '../contract/looker';
import { named, type Named, type Node } from './document';
import type { Timeframe } from './vocabulary';

/** The timeframes of every generated time dimension group (the preview compiles each, src/preview/query/model.ts). */
export const TIME_TIMEFRAMES: readonly Timeframe[] = ['raw', 'time', 'hour_of_day', 'date', 'day_of_week', 'week', 'month', 'quarter', 'year'];

/** Values offered in filters for enumerated columns. */
const SUGGESTIONS: Record<string, readonly string[]> = {
  identity_status: IDENTITY_STATUSES,
  link_type: LINK_TYPES,
  channel: CHANNELS,
};

export interface Presentation {
  /** Columns hidden from the field picker (join keys and raw ids); still queryable. */
  hidden?: readonly string[];
  /** Columns whose filters ignore case (case_sensitive: no): what people type to find someone (names, emails, ids). */
  caseInsensitive?: readonly string[];
  /** Group label per column. */
  groups?: Readonly<Record<string, string>>;
  /** Label per column when the column name reads badly. */
  labels?: Readonly<Record<string, string>>;
  /** Where a column's filter suggestions come from, when not from its own table (suggest_explore, suggestable). */
  suggest?: (col: ColumnDef) => Node | undefined;
}

/** `occurred_at` → `occurred`: the dimension group's fields become occurred_time, occurred_date, … */
export const timeGroupName = (column: string) => column.replace(/_at$/, '');

const piiGrant = (col: ColumnDef): Node => (col.pii ? { required_access_grants: [PII_ACCESS_GRANT] } : {});

export function columnField(table: TableDef, col: ColumnDef, p: Presentation): { kind: 'dimension' | 'dimension_group'; field: Named } {
  const common: Node = {
    label: p.labels?.[col.name],
    description: col.description,
    group_label: col.type === 'timestamp' ? undefined : p.groups?.[col.name],
    hidden: p.hidden?.includes(col.name) ? true : undefined,
    case_sensitive: p.caseInsensitive?.includes(col.name) ? false : undefined,
    ...piiGrant(col),
  };
  const sql = `\${TABLE}.${col.name}`;
  if (col.type === 'timestamp') {
    return {
      kind: 'dimension_group',
      field: named(timeGroupName(col.name), { type: 'time', ...common, timeframes: TIME_TIMEFRAMES, datatype: 'timestamp', sql }),
    };
  }
  const type = { string: 'string', int: 'number', float: 'number', bool: 'yesno' }[col.type];
  return {
    kind: 'dimension',
    field: named(col.name, {
      primary_key: col.name === table.primaryKey ? true : undefined,
      type,
      ...common,
      suggestions: SUGGESTIONS[col.name],
      ...(SUGGESTIONS[col.name] ? {} : p.suggest?.(col)),
      sql,
    }),
  };
}

/** Every column of a table as dimensions and dimension groups. */
export function columnFields(table: TableDef, p: Presentation): { dimension: Named[]; dimension_group: Named[] } {
  const out = { dimension: [] as Named[], dimension_group: [] as Named[] };
  for (const col of table.columns) {
    const { kind, field } = columnField(table, col, p);
    out[kind].push(field);
  }
  return out;
}
