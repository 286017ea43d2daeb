/**
 * Explores and joins: the base view and every joined view exist and have fields, relationships and join types
 * are Looker's, join conditions name the view of each field, every field's SQL is answerable in the explore (its
 * views joined), always_filter / conditionally_filter fields resolve, and no two measures share a label.
 */
import { filterFields, isNode, str, strings } from '../projectIndex';
import { JOIN_TYPES, RELATIONSHIPS } from '../vocabulary';
import { collect, fieldsOf, references, titleCase, unresolved, type Check } from './resolve';

export const explores: Check = (index) => {
  const [issues, issue] = collect();
  const views = index.views;
  for (const e of index.models.flatMap((m) => m.explores)) {
    const where = (m: string) => issue(e.file, `explore ${e.name}: ${m}`);
    const base = views.get(e.view);
    if (!base) {
      where(`view ${e.view} does not exist`);
      continue;
    }
    if (base.fields.size === 0) where(`view ${e.view} has no fields to explore`);
    for (const j of e.joins) {
      const target = views.get(j.view);
      if (!target) {
        where(`join ${j.name}: view ${j.view} does not exist`);
        continue;
      }
      if (target.fields.size === 0) where(`join ${j.name}: view ${j.view} has no fields to join on`);
      const rel = str(j.node.relationship);
      if (!rel || !(RELATIONSHIPS as readonly string[]).includes(rel)) where(`join ${j.name}: relationship ${rel ?? '(missing)'} is not one of ${RELATIONSHIPS.join(', ')}`);
      const type = str(j.node.type);
      if (type && !(JOIN_TYPES as readonly string[]).includes(type)) where(`join ${j.name}: type ${type} is not valid`);
      const on = str(j.node.sql_on);
      if (!on && type !== 'cross') where(`join ${j.name}: has no sql_on`);
      for (const { ref, text } of on ? references(on) : []) {
        const why = ref.includes('.') ? unresolved(ref, base, views, e.inExplore) : 'a join condition must name the view of each field';
        if (why) where(`join ${j.name}: ${text}: ${why}`);
      }
    }
    // Every field's SQL must be answerable in this explore: cross-view references need their view joined.
    for (const viewName of e.inExplore) {
      const v = views.get(viewName);
      for (const f of v ? fieldsOf(v) : []) {
        for (const { ref, text } of f.sql.flatMap(references)) {
          if (ref.includes('.') && !ref.endsWith('.SQL_TABLE_NAME') && !e.inExplore.has(ref.split('.')[0])) {
            where(`${viewName}.${f.name} uses ${text}, but view ${ref.split('.')[0]} is not joined`);
          }
        }
      }
    }
    // Two measures of one explore with the same label read the same in the field picker and in results.
    const byLabel = new Map<string, string>();
    // A join's `fields:` list leaves the rest of its view out of the explore.
    const joinFields = new Map(e.joins.filter((j) => j.node.fields !== undefined).map((j) => [j.name, new Set(strings(j.node.fields))]));
    for (const viewName of e.inExplore) {
      const v = views.get(viewName);
      for (const f of v ? fieldsOf(v) : []) {
        if (f.kind !== 'measure' || f.node.hidden === true) continue;
        const listed = joinFields.get(viewName);
        if (listed && !listed.has(`${viewName}.${f.name}`) && !listed.has(f.name)) continue;
        const label = str(f.node.label) ?? titleCase(f.name);
        const other = byLabel.get(label);
        if (other) where(`measures ${other} and ${viewName}.${f.name} are both labelled "${label}": give one a distinct label`);
        else byLabel.set(label, `${viewName}.${f.name}`);
      }
    }
    for (const key of ['always_filter', 'conditionally_filter']) {
      const block = e.node[key];
      if (!isNode(block)) continue;
      for (const ref of [...filterFields(block.filters), ...strings(block.unless)]) {
        const why = unresolved(ref, base, views, e.inExplore);
        if (why) where(`${key} ${ref}: ${why}`);
      }
    }
  }
  return issues;
};
