import type { ExploreDef, FieldDef, SemanticModel } from '../../src/preview/query/model';

export interface ExploreField {
  explore: ExploreDef;
  /** `alias.field`, as a query names it. */
  name: string;
  field: FieldDef;
  /** False when a join's `fields:` list leaves it out of the explore (Looker refuses to select it there). */
  inExplore: boolean;
}

/** Every dimension and measure of every explore's base view and joins, with whether the explore offers it. */
export function exploreFields(model: SemanticModel): ExploreField[] {
  const out: ExploreField[] = [];
  for (const explore of model.explores.values()) {
    const views: [string, string, string[] | undefined][] = [
      [explore.alias, explore.view, undefined],
      ...explore.joins.map((j): [string, string, string[] | undefined] => [j.name, j.view, j.fields]),
    ];
    for (const [alias, view, listed] of views) {
      for (const field of model.views.get(view)!.fields.values()) {
        if (field.kind === 'filter') continue;
        const name = `${alias}.${field.shortName}`;
        out.push({ explore, name, field, inExplore: !listed || listed.includes(name) });
      }
    }
  }
  return out;
}
