/**
 * Each field as Looker accepts it and a reviewer would: a valid type and timeframes, SQL where it needs some, a
 * description, and ids filtered exactly.
 */
import { str, strings } from '../projectIndex';
import { FIELD_TYPES, isTimeframe } from '../vocabulary';
import { collect, fieldsOf, typeOf, type Check } from './resolve';

export const types: Check = (index) => {
  const [issues, issue] = collect();
  for (const v of index.views.values()) {
    for (const f of fieldsOf(v)) {
      const where = (m: string) => issue(f.file, `view ${v.name}, ${f.kind} ${f.name}: ${m}`);
      const type = typeOf(f);
      if (!type || !(FIELD_TYPES[f.kind] as readonly string[]).includes(type)) where(`type ${type ?? '(missing)'} is not a valid ${f.kind} type`);
      // Looker filters a case_sensitive: no field on LOWER(column): no clustering or partition pruning, and two
      // queries filtering one id, one exactly and one not, can disagree.
      if (f.node.case_sensitive === false && (f.node.primary_key === true || /_id$/.test(f.name))) where('is an id: ids filter exactly, remove case_sensitive: no');
      if (f.kind === 'dimension_group') for (const tf of strings(f.node.timeframes)) if (!isTimeframe(tf)) where(`timeframe ${tf} is not valid`);
      if (f.kind !== 'filter' && f.kind !== 'parameter' && type !== 'count' && !str(f.node.sql)) where('has no sql');
      if (!str(f.node.description)) where('has no description');
    }
  }
  return issues;
};
