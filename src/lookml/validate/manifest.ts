/**
 * The manifest: it exists, every `@{constant}` used is defined (here or by an imported project), and each
 * imported project's manifest declares, exports and receives the constants the import overrides.
 */
import { children, str, type Named, type ProjectIndex } from '../projectIndex';
import { EXPORTED_CONSTANT } from '../vocabulary';
import { collect, type Check } from './resolve';

export const manifest: Check = (index) => {
  const [issues, issue] = collect();
  if (!index.manifest) issue('manifest.lkml', 'missing: the project needs a manifest with project_name, constants and the application');
  const constants = new Set(index.manifest?.constants.keys() ?? []);
  for (const dep of index.manifest?.dependencies ?? []) {
    checkDependency(index, dep, issue);
    for (const name of index.imported.get(dep.name)?.constants.keys() ?? []) constants.add(name);
  }
  for (const f of index.files) {
    for (const m of f.content.matchAll(/@\{(\w+)\}/g)) if (!constants.has(m[1])) issue(f.path, `uses constant @{${m[1]}}, which manifest.lkml does not define`);
  }
  return issues;
};

/**
 * An imported project (remote_dependency or local_dependency): its manifest (given as `//<name>/manifest.lkml`)
 * must declare every override_constant, export it, and have every override_required constant set.
 */
function checkDependency(index: ProjectIndex, { name, node: dep }: Named, issue: (f: string, m: string) => void): void {
  const where = (m: string) => issue('manifest.lkml', `remote_dependency ${name}: ${m}`);
  if (dep.url !== undefined && !str(dep.ref)) where('has no ref: pin a commit or tag, or every push to the block reaches production');
  const imported = index.imported.get(name);
  if (!imported) return where(`the imported project's files were not given (//${name}/manifest.lkml)`);
  const overridden = children(dep, 'override_constant');
  for (const o of overridden) {
    const c = imported.constants.get(o.name);
    if (!c) where(`override_constant ${o.name}: the imported manifest has no constant ${o.name}`);
    else if (!(EXPORTED_CONSTANT as readonly string[]).includes(str(c.export) ?? '')) where(`override_constant ${o.name}: the constant is not exported`);
    if (typeof o.node.value !== 'string') where(`override_constant ${o.name}: has no value`);
  }
  for (const [constant, c] of imported.constants) {
    if (str(c.export) === 'override_required' && !overridden.some((o) => o.name === constant)) where(`the imported project requires override_constant ${constant}`);
  }
}
