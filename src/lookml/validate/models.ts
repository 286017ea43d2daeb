/** Each model has a connection and well-formed access grants; persistence names datagroups that exist. */
import { isNode, str } from '../projectIndex';
import { collect, type Check } from './resolve';

export const models: Check = (index) => {
  const [issues, issue] = collect();
  for (const m of index.models) {
    if (!str(m.node.connection)) issue(m.file, 'has no connection');
    for (const g of m.accessGrants) {
      if (!g.userAttribute) issue(m.file, `access_grant ${g.name} has no user_attribute`);
      if (!g.allowedValues.length) issue(m.file, `access_grant ${g.name} has no allowed_values`);
    }
    const persist = str(m.node.persist_with);
    if (persist && !m.datagroups.includes(persist)) issue(m.file, `persist_with: ${persist} is not a datagroup of this model`);
  }
  // Persistent derived tables rebuild on a datagroup that exists.
  const datagroups = new Set(index.models.flatMap((m) => m.datagroups));
  for (const v of index.views.values()) {
    for (const { node, file } of v.nodes) {
      const dt = node.derived_table;
      const trigger = isNode(dt) ? str(dt.datagroup_trigger) : undefined;
      if (trigger && !datagroups.has(trigger)) issue(file, `view ${v.name}: datagroup_trigger ${trigger} is not a datagroup of any model`);
    }
  }
  return issues;
};
