/**
 * Reads a generated LookML project (manifest.lkml + lookml/**) with lookml-parser, so the preview works from the
 * very files a Looker instance would deploy: no second copy of any field definition.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import lookmlParser from 'lookml-parser';
import { PreviewProjectError } from './error';

/** A node of lookml-parser's output: named children are objects keyed by name, scalars stay scalars. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- lookml-parser's untyped output, read by the typed accessors of this module
export type LookmlNode = { [key: string]: any };

export interface ParsedProject {
  /** Project root (the folder holding manifest.lkml). */
  root: string;
  manifest: LookmlNode;
  /** Assembled models (includes followed), by model name. */
  models: Record<string, LookmlNode>;
}

/** The files a project consists of: manifest.lkml at the root and every .lkml file under lookml/. */
export function projectFiles(root: string): string[] {
  const manifest = join(root, 'manifest.lkml');
  if (!existsSync(manifest))
    throw new PreviewProjectError(
      `${manifest} not found: run \`journey-stitch generate\` first (or pass --project <folder with manifest.lkml>)`,
    );
  const lookmlDir = join(root, 'lookml');
  if (!existsSync(lookmlDir)) throw new PreviewProjectError(`${lookmlDir} not found: run \`journey-stitch generate\` first`);
  const files = readdirSync(lookmlDir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.lkml'))
    .map((f) => join(lookmlDir, f));
  return [manifest, ...files.sort()];
}

export async function loadProject(root: string): Promise<ParsedProject> {
  const source = projectFiles(root).map((file) => ({
    // Project-relative paths (no leading slash: the parser's convention), so `include: "/lookml/views/*.view.lkml"` matches as in Looker.
    path: relative(root, file).split(sep).join('/'),
    content: readFileSync(file, 'utf8'),
  }));
  const warnings: string[] = [];
  const quiet = { log() {}, warn: (m: string) => warnings.push(String(m)), error: (m: string) => warnings.push(String(m)) };
  // Passed explicitly: lookml-parser 7.1.3's defaults for these never take effect (its parameter destructuring
  // assigns them elsewhere), so without this `view: +x {}` refinements would be silently left out.
  const parsed = await lookmlParser.parseFiles({
    source,
    console: quiet,
    transformations: { applyExtensionsRefinements: true, removeAbstract: true },
  });
  if (parsed.errors?.length) {
    const first = parsed.errors[0];
    throw new PreviewProjectError(`${join(root, first.$file_path)}: LookML syntax error: ${first.error?.message ?? first.error}`);
  }
  if (!parsed.manifest) throw new PreviewProjectError(`${join(root, 'manifest.lkml')}: could not be parsed as a manifest`);
  for (const [name, model] of Object.entries<LookmlNode>(parsed.model ?? {})) {
    if (model.error) throw new PreviewProjectError(`${join(root, 'lookml')}: model ${name} could not be assembled: ${model.error}`);
  }
  return { root, manifest: parsed.manifest, models: parsed.model ?? {} };
}
