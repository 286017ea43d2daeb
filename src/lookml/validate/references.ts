/**
 * Every reference inside a view resolves: `${view.field}`, `${field}` and `{% condition %}` in its table and
 * field SQL, measure filters, drill fields, suggest_dimension and sets; no field refers to itself.
 */
import { filterFields, sqlIn, str, strings } from '../projectIndex';
import { collect, fieldsOf, references, unresolved, type Check } from './resolve';

export const viewReferences: Check = (index) => {
  const [issues, issue] = collect();
  const views = index.views;
  for (const v of views.values()) {
    const where = (file: string, what: string, m: string) => issue(file, `view ${v.name}, ${what}: ${m}`);
    for (const { node, file } of v.nodes) {
      for (const sql of [str(node.sql_table_name), ...sqlIn(node.derived_table)].filter((s): s is string => !!s)) {
        for (const { ref, text } of references(sql)) {
          if (ref === 'SQL_TABLE_NAME' || ref === 'TABLE') continue;
          if (!ref.includes('.')) where(file, 'table', `${text} cannot be used in a table definition`);
          else {
            const why = unresolved(ref, v, views);
            if (why) where(file, 'table', `${text}: ${why}`);
          }
        }
      }
    }
    for (const f of fieldsOf(v)) {
      const what = `${f.kind} ${f.name}`;
      for (const { ref, text } of f.sql.flatMap(references)) {
        if (ref === 'TABLE') continue;
        const why = unresolved(ref, v, views);
        if (why) where(f.file, what, `${text}: ${why}`);
        else if (!ref.includes('.') && ref === f.name && f.kind !== 'dimension_group') where(f.file, what, 'refers to itself');
      }
      for (const key of filterFields(f.node.filters)) {
        const why = unresolved(key, v, views);
        if (why) where(f.file, what, `filter on ${key}: ${why}`);
      }
      for (const ref of [...strings(f.node.drill_fields), ...strings(f.node.suggest_dimension)]) {
        const why = unresolved(ref, v, views);
        if (why) where(f.file, what, `${ref}: ${why}`);
      }
    }
    for (const [name, members] of v.sets) {
      for (const ref of members) {
        const why = unresolved(ref, v, views);
        if (why) issue(v.file, `view ${v.name}, set ${name}: ${ref}: ${why}`);
      }
    }
  }
  return issues;
};
