/** Every view with fields has exactly one primary key (the key Looker's symmetric aggregates join on). */
import { isNode } from '../projectIndex';
import { collect, fieldsOf, type Check } from './resolve';

export const primaryKeys: Check = (index) => {
  const [issues, issue] = collect();
  for (const v of index.views.values()) {
    const pks = [...new Set(fieldsOf(v).filter((f) => f.node.primary_key === true).map((f) => f.name))];
    // A view without fields only persists a table that other tables read (${view.SQL_TABLE_NAME}): no key to join on.
    const tableOnly = v.fields.size === 0 && v.nodes.some(({ node }) => isNode(node.derived_table));
    if (pks.length !== 1 && !tableOnly) issue(v.file, `view ${v.name} has ${pks.length} primary keys (${pks.join(', ') || 'none'}); it needs exactly one`);
  }
  return issues;
};
