/** Every explore and field the extension queries (src/contract/looker.ts) exists in the right explore. */
import { EVENT_FIELDS, EXPLORES, LOOKER_MODEL, PERSON_FIELDS, pathFields } from '../../contract/looker';
import { collect, type Check } from './resolve';

/** The fields the extension queries in a path view, for `steps` steps. */
function pathFieldNames(view: 'journey_paths' | 'session_paths', steps: number): string[] {
  const p = pathFields(view);
  const each = (f: (i: number) => string, count = steps) => Array.from({ length: count }, (_, i) => f(i + 1));
  return [
    ...Object.values(p).filter((x): x is string => typeof x === 'string'),
    ...each(p.step),
    ...each(p.before),
    ...each(p.stepInferred),
    ...each(p.beforeInferred),
    ...each(p.medianStepToNext, steps - 1),
    ...each(p.medianBeforeToNext),
  ];
}

export const contract: Check = (index, options) => {
  const [issues, issue] = collect();
  const model = index.models.find((m) => m.name === LOOKER_MODEL);
  if (!model) return [{ file: `lookml/${LOOKER_MODEL}.model.lkml`, message: `the extension queries model ${LOOKER_MODEL}, which does not exist` }];
  const explores = new Map(model.explores.map((e) => [e.name, e]));
  const steps = options.steps ?? 10;
  const expectations: [string, string[]][] = [
    [EXPLORES.journeys, pathFieldNames('journey_paths', steps)],
    [EXPLORES.sessionJourneys, pathFieldNames('session_paths', steps)],
    [EXPLORES.persons, Object.values(PERSON_FIELDS)],
    [EXPLORES.events, Object.values(EVENT_FIELDS)],
    [EXPLORES.identityLinks, []],
  ];
  for (const [name, fields] of expectations) {
    const explore = explores.get(name);
    if (!explore) {
      issue(model.file, `the extension queries explore ${name}, which model ${LOOKER_MODEL} does not define`);
      continue;
    }
    for (const ref of fields) {
      const [viewName, field] = ref.split('.');
      const view = index.views.get(viewName);
      if (!explore.inExplore.has(viewName)) issue(model.file, `explore ${name} does not contain view ${viewName} (the extension queries ${ref})`);
      else if (!view?.fields.has(field)) issue(view?.file ?? model.file, `the extension queries ${ref}, which does not exist`);
    }
  }
  return issues;
};
