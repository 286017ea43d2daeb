/** Syntax, and what the models include: every include matches a file, every view and dashboard is included. */
import type { ProjectIndex } from '../projectIndex';
import { collect, includeRegex, type Check } from './resolve';

export const syntax: Check = (index) => index.syntaxErrors.map((e) => ({ ...e }));

/** The files some model of the project includes. */
export function includedFiles(index: ProjectIndex): Set<string> {
  const candidates = [...index.parsed.keys(), ...index.dashboards.map((d) => d.file.path)];
  return new Set(index.models.flatMap((m) => m.includes.flatMap((inc) => candidates.filter((p) => includeRegex(inc).test(p)))));
}

export const includes: Check = (index) => {
  const [issues, issue] = collect();
  const candidates = [...index.parsed.keys(), ...index.dashboards.map((d) => d.file.path)];
  for (const m of index.models) {
    for (const inc of m.includes) if (!candidates.some((p) => includeRegex(inc).test(p))) issue(m.file, `include "${inc}" matches no file`);
  }
  const included = includedFiles(index);
  // An imported project's files (`//<project>/...`) are included by its own models, not this project's.
  for (const v of index.views.values()) {
    for (const { file } of v.nodes) if (!included.has(file) && !file.startsWith('//')) issue(file, `view ${v.name} is not included by any model`);
  }
  for (const { file } of index.dashboards) if (!included.has(file.path) && !file.path.startsWith('//')) issue(file.path, 'is not included by any model');
  return issues;
};
