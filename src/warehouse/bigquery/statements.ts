/**
 * The tables a BigQuery statement names, read from its text as the dialect writes them (`project`.`dataset`.`table`,
 * each part backtick-quoted): the table it writes (CREATE, DROP or ALTER) and the tables it reads. Used by the dry
 * run's billing estimate and by the fake warehouse.
 */

/** A table reference in a statement, and where it starts. */
export interface TableRef {
  project: string;
  dataset: string;
  table: string;
  at: number;
}

const TABLE_REF = /`([^`]+)`\.`([^`]+)`\.`([^`]+)`/g;
const TARGET = /^\s*(CREATE(?:\s+OR\s+REPLACE)?\s+TABLE(\s+IF\s+NOT\s+EXISTS)?|DROP\s+TABLE(\s+IF\s+EXISTS)?|ALTER\s+TABLE)\s+(?=`)/i;

export const tableRefs = (sql: string): TableRef[] =>
  [...sql.matchAll(TABLE_REF)].map((m) => ({ project: m[1], dataset: m[2], table: m[3], at: m.index }));

/** The table a CREATE, DROP or ALTER TABLE statement writes, if any. */
export function targetOf(
  sql: string,
): { kind: 'create' | 'drop' | 'alter'; ifExists: boolean; ifNotExists: boolean; ref: TableRef } | undefined {
  const m = TARGET.exec(sql);
  const ref = m && tableRefs(sql).find((r) => r.at === m[0].length);
  if (!m || !ref) return undefined;
  const kind = ({ C: 'create', D: 'drop', A: 'alter' } as const)[m[1][0].toUpperCase() as 'C' | 'D' | 'A'];
  return { kind, ifExists: Boolean(m[3]), ifNotExists: Boolean(m[2]), ref };
}

/** The references a statement reads: every one but the table it writes. */
export function readRefs(sql: string): TableRef[] {
  const target = targetOf(sql);
  return tableRefs(sql).filter((r) => r.at !== target?.ref.at);
}

/** The tables a statement reads, each once, as `project`.`dataset`.`table`. */
export function tablesRead(sql: string): string[] {
  return [...new Set(readRefs(sql).map((r) => `\`${r.project}\`.\`${r.dataset}\`.\`${r.table}\``))];
}
