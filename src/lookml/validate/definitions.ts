/** Names defined once: views, refinements of views that exist, fields of a view, a dimension group's timeframes. */
import { collect, type Check } from './resolve';

export const definitions: Check = (index) => {
  const [issues, issue] = collect();
  const first = new Map<string, string>();
  for (const { name, file } of index.viewDefinitions) {
    if (first.has(name)) issue(file, `view ${name} is defined twice (also in ${first.get(name)})`);
    else first.set(name, file);
  }
  for (const r of index.refinements) if (!index.views.has(r.name)) issue(r.file, `refines view ${r.name}, which does not exist`);
  for (const v of index.views.values()) {
    const seen = new Map<string, { kind: string; file: string }>();
    for (const f of v.declarations) {
      if (f.kind === 'dimension_group' && !f.names.length) issue(f.file, `view ${v.name}: dimension_group ${f.name} has no timeframes`);
      for (const n of f.names) {
        const prev = seen.get(n);
        // A refinement may redefine a field of the same kind (that is what refinements are for).
        if (prev && (prev.file === f.file || prev.kind !== f.kind)) issue(f.file, `view ${v.name}: duplicate field name ${n} (${prev.kind} and ${f.kind})`);
        seen.set(n, f);
      }
    }
  }
  return issues;
};
