/** Syntax, and what the models include: every include matches a file, every view and dashboard is included. */
import type { ProjectIndex } from '../projectIndex';
import { collect, includeRegex, type Check } from './resolve';

export const syntax: Check = (index) => index.syntaxErrors.map((e) => ({ ...e }));

/** The files an include may match: every .lkml file that parses, and the dashboards. */
const includable = (index: ProjectIndex): string[] => [...index.parsed.keys(), ...index.dashboards.map((d) => d.file.path)];

export const includes: Check = (index) => {
  const [issues, issue] = collect();
  const files = includable(index);
  const included = new Set<string>();
  for (const m of index.models) {
    for (const inc of m.includes) {
      const matched = files.filter((p) => includeRegex(inc).test(p));
      if (!matched.length) issue(m.file, `include "${inc}" matches no file`);
      matched.forEach((p) => included.add(p));
    }
  }
  // An imported project's files (`//<project>/...`) are included by its own models, not this project's.
  for (const v of index.views.values()) {
    for (const { file } of v.nodes) if (!included.has(file) && !file.startsWith('//')) issue(file, `view ${v.name} is not included by any model`);
  }
  for (const { file } of index.dashboards) if (!included.has(file.path) && !file.path.startsWith('//')) issue(file.path, 'is not included by any model');
  return issues;
};
