/** The parts of manifest.lkml the preview host needs: the application (extension id, entitlements) and constants. */
import { indexManifest } from '../../lookml/projectIndex';
import type { LookmlNode } from './load';
import { PreviewProjectError } from './error';

export interface Entitlements {
  coreApiMethods: string[];
  localStorage: boolean;
  navigation: boolean;
  newWindow: boolean;
  useFormSubmit: boolean;
}

export interface Manifest {
  projectName: string;
  /** "<project>::<application>", as Looker names the extension. */
  extensionId: string;
  applicationLabel: string;
  /** application `file:` (the bundle, relative to the project) when set. */
  applicationFile?: string;
  entitlements: Entitlements;
  constants: Record<string, string>;
}

export function readManifest(node: LookmlNode, file = 'manifest.lkml'): Manifest {
  const projectName = node.project_name;
  if (typeof projectName !== 'string' || !projectName) throw new PreviewProjectError(`${file}: project_name is missing`);
  const manifest = indexManifest(node);
  const apps = manifest.applications;
  if (apps.length !== 1) throw new PreviewProjectError(`${file}: expected exactly one application: block, found ${apps.length}`);
  const { name, node: app } = apps[0] as { name: string; node: LookmlNode };
  const ent: LookmlNode = app.entitlements ?? {};
  if (!app.entitlements) throw new PreviewProjectError(`${file}: application ${name} has no entitlements block (Looker refuses to run it)`);
  const constants: Record<string, string> = {};
  for (const [constant, c] of manifest.constants) {
    if (typeof c.value !== 'string') throw new PreviewProjectError(`${file}: constant ${constant} has no string value`);
    constants[constant] = c.value;
  }
  return {
    projectName,
    extensionId: `${projectName}::${name}`,
    applicationLabel: typeof app.label === 'string' ? app.label : name,
    applicationFile: typeof app.file === 'string' ? app.file : undefined,
    entitlements: {
      coreApiMethods: Array.isArray(ent.core_api_methods) ? ent.core_api_methods.map(String) : [],
      localStorage: ent.local_storage === true,
      navigation: ent.navigation === true,
      newWindow: ent.new_window === true,
      useFormSubmit: ent.use_form_submit === true,
    },
    constants,
  };
}

/** Replaces `@{NAME}` with the manifest constant; an unknown constant is an error naming where it was used. */
export function substituteConstants(text: string, constants: Record<string, string>, where: string): string {
  return text.replace(/@\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    if (!(name in constants)) throw new PreviewProjectError(`${where}: unknown constant @{${name}} (not declared in manifest.lkml)`);
    return constants[name];
  });
}
