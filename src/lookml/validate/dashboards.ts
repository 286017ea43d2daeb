/**
 * LookML dashboards (YAML): newspaper layout, tiles inside its 24 columns, and every tile's explore, fields,
 * pivots, sorts, filters and listened dashboard filters resolving in that explore; every filter listened to.
 */
import { LOOKER_MODEL } from '../../contract/looker';
import { exploresOf, strings } from '../projectIndex';
import { collect, type Check } from './resolve';

type Yaml = Record<string, unknown>;

export const dashboards: Check = (index) => {
  const [issues, issue] = collect();
  const explores = exploresOf(index);
  /** Why `field` cannot be queried in `explore`, or undefined. */
  const unresolvedIn = (explore: string, field: string): string | undefined => {
    const inExplore = explores.get(explore)?.inExplore;
    if (!inExplore) return `explore ${explore} does not exist`;
    const [view, name] = field.split('.');
    if (!name || !inExplore.has(view)) return `${field}: view ${view} is not in explore ${explore}`;
    return index.views.get(view)?.fields.has(name) ? undefined : `${field}: field ${name} does not exist in view ${view}`;
  };
  for (const { file, yaml } of index.dashboards) {
    if ('error' in yaml) {
      issue(file.path, `does not parse as YAML: ${yaml.error}`);
      continue;
    }
    if (!Array.isArray(yaml.docs)) {
      issue(file.path, 'must be a list of dashboards (- dashboard: name)');
      continue;
    }
    for (const d of yaml.docs as Yaml[]) {
      const where = (m: string) => issue(file.path, `dashboard ${String(d.dashboard)}: ${m}`);
      if (d.layout !== 'newspaper') where(`layout ${String(d.layout)} is not newspaper`);
      const filters = new Map<string, Yaml>();
      for (const f of (d.filters as Yaml[] | undefined) ?? []) {
        filters.set(String(f.name), f);
        const why = unresolvedIn(String(f.explore), String(f.field));
        if (why) where(`filter ${String(f.name)}: ${why}`);
      }
      const elements = (d.elements as Yaml[] | undefined) ?? [];
      for (const e of elements) {
        const tile = (m: string) => where(`tile ${String(e.name)}: ${m}`);
        if (e.model !== LOOKER_MODEL) tile(`model ${String(e.model)} is not ${LOOKER_MODEL}`);
        const explore = String(e.explore);
        if (!explores.has(explore)) {
          tile(`explore ${explore} does not exist`);
          continue;
        }
        const fields = strings(e.fields as string[]);
        if (!fields.length) tile('has no fields');
        for (const f of fields) {
          const why = unresolvedIn(explore, f);
          if (why) tile(why);
        }
        for (const p of strings(e.pivots as string[])) if (!fields.includes(p)) tile(`pivot ${p} is not one of its fields`);
        for (const s of strings(e.sorts as string[])) if (!fields.includes(s.replace(/\s+(desc|asc)$/i, ''))) tile(`sort ${s} is not one of its fields`);
        for (const f of Object.keys((e.filters as object) ?? {})) {
          const why = unresolvedIn(explore, f);
          if (why) tile(`filter ${why}`);
        }
        for (const [name, field] of Object.entries((e.listen as Record<string, string>) ?? {})) {
          if (!filters.has(name)) tile(`listens to ${name}, which is not a filter of the dashboard`);
          const why = unresolvedIn(explore, field);
          if (why) tile(`listen ${name}: ${why}`);
        }
        const [col, width] = [Number(e.col), Number(e.width)];
        if (!(col >= 0 && width > 0 && col + width <= 24)) tile(`col ${String(e.col)} + width ${String(e.width)} leaves the 24 newspaper columns`);
      }
      // A filter no tile listens to filters nothing: the viewer would change it to no effect.
      const listened = new Set(elements.flatMap((e) => Object.keys((e.listen as object) ?? {})));
      for (const name of filters.keys()) if (!listened.has(name)) where(`filter ${name}: no tile listens to it`);
    }
  }
  return issues;
};
