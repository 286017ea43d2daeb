/**
 * Filter suggestions: suggest_explore names an explore holding the suggest_dimension's view, and no field
 * answers its own suggestions from a templated derived table (a suggestion query renders templated filters as
 * 1=1, so each typeahead would rebuild the table over all rows).
 */
import { exploresOf, sqlIn, str } from '../projectIndex';
import { collect, fieldsOf, typeOf, type Check } from './resolve';

export const suggestions: Check = (index) => {
  const [issues, issue] = collect();
  const explores = exploresOf(index);
  for (const v of index.views.values()) {
    const templated = v.nodes.some(({ node }) => sqlIn(node.derived_table).some((sql) => /\{%-?\s*condition\s/.test(sql)));
    for (const f of fieldsOf(v)) {
      const type = typeOf(f);
      const ownSuggestions = type === 'string' && f.kind !== 'parameter' && !f.node.suggestions && f.node.suggestable !== false && !str(f.node.suggest_explore);
      if (templated && ownSuggestions) {
        issue(f.file, `view ${v.name}, ${f.kind} ${f.name}: takes filter suggestions from its templated derived table: set suggestions, suggest_explore or suggestable: no`);
      }
      const explore = str(f.node.suggest_explore);
      if (!explore) continue;
      const dimension = str(f.node.suggest_dimension) ?? '';
      const where = `view ${v.name}, ${f.kind} ${f.name}: suggest_explore ${explore}`;
      const e = explores.get(explore);
      if (!e) issue(f.file, `${where} is not an explore`);
      else if (!e.inExplore.has(dimension.split('.')[0]) || !dimension.includes('.')) {
        issue(f.file, `${where} has no view for suggest_dimension ${dimension || '(missing)'} (write it as view.field)`);
      }
    }
  }
  return issues;
};
