/**
 * A customer's own Looker project that imports the generated one as a block (remote_dependency), instead of
 * deploying it as-is: its manifest sets the block's constants with override_constant (every one the block marks
 * override_required must be set), and its model holds the explores over the imported views. The manifest is the
 * customer's: created once, never overwritten; the model is generated like the block's own.
 */
import type { Config } from '../config/schema';
import { LOOKER_MODEL, PROJECT_NAME } from '../contract/looker';
import { DASHBOARDS_DIR } from './dashboards';
import { named, type GeneratedFile } from './document';
import { manifestConstants } from './manifest';
import { modelDocument } from './model';
import { exploredViews, GENERATED_MARK, REFINEMENTS_DIR, refinementFile } from './project';
import { serialize } from './serialize';

export interface ImportOptions {
  /** The importing project's name (project_name). */
  projectName: string;
  /** Git URL of the repository holding the generated project (the block). */
  url: string;
  /** Commit SHA or tag of the block to import: pin one, so a push to the block never changes production unseen. */
  ref: string;
}

/** Where the importing project reads the block's files: Looker's `//<project>/` include prefix. */
export const IMPORTED = `//${PROJECT_NAME}`;

export function importingProject(config: Config, options: ImportOptions): GeneratedFile[] {
  const overrides = manifestConstants(config).map((c) => named(c.name, { value: c.value }));
  const manifest = serialize(
    {
      project_name: options.projectName,
      remote_dependency: [named(PROJECT_NAME, { url: options.url, ref: options.ref, override_constant: overrides })],
    },
    [
      `Your project, importing the journey-stitch block. ${GENERATED_MARK.replace(', do not edit', '')} created this file once`,
      'and never overwrites it: set every override_constant here (the block requires each one), and move ref to upgrade.',
    ],
  );
  const includes = [`${IMPORTED}/lookml/views/*.view.lkml`, `/${REFINEMENTS_DIR}/*.lkml`, `${IMPORTED}/${DASHBOARDS_DIR}/*.dashboard.lookml`];
  const header = [`${GENERATED_MARK}; customise in ${REFINEMENTS_DIR}/*.lkml.`, 'Regenerate with: journey-stitch generate --importing'];
  return [
    { path: 'manifest.lkml', content: manifest, once: true },
    { path: `lookml/${LOOKER_MODEL}.model.lkml`, content: serialize(modelDocument(config, includes), header) },
    ...exploredViews(config).map(refinementFile),
  ];
}
