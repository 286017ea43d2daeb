/** A generated LookML project as the preview uses it: the manifest, the journey-stitch model and the dashboards. */
import { join } from 'node:path';
import { isJourneyStitchError } from '../../contract/errors';
import { LOOKER_MODEL } from '../../contract/looker';
import { loadDashboards } from '../dashboards/load';
import type { DashboardDoc } from '../dashboards/query';
import { buildSemanticModel, type SemanticModel } from '../query/model';
import { PreviewProjectError } from './error';
import { loadProject, type LookmlNode } from './load';
import { readManifest, type Manifest } from './manifest';

export interface PreviewProject {
  root: string;
  manifest: Manifest;
  model: SemanticModel;
  /** The LookML dashboards (lookml/dashboards), shown as pages of the preview. */
  dashboards: DashboardDoc[];
}

export async function loadPreviewProject(root: string, modelName: string = LOOKER_MODEL): Promise<PreviewProject> {
  const parsed = await loadProject(root);
  const manifest = readManifest(parsed.manifest, join(root, 'manifest.lkml'));
  const node = parsed.models[modelName];
  if (!node)
    throw new PreviewProjectError(
      `${join(root, 'lookml')}: no model file ${modelName}.model.lkml (found: ${Object.keys(parsed.models).join(', ') || 'none'}); ` +
        `run \`journey-stitch generate\` to write it`,
    );
  return { root, manifest, model: semanticModel(root, modelName, node), dashboards: loadDashboards(root) };
}

/** The model, or what the preview refuses in it under the project's name; a bug keeps its own error (and stack). */
function semanticModel(root: string, modelName: string, node: LookmlNode): SemanticModel {
  try {
    return buildSemanticModel(modelName, node);
  } catch (e) {
    if (!isJourneyStitchError(e)) throw e;
    throw new PreviewProjectError(`${join(root, 'lookml')}: ${e.message}`, { cause: e });
  }
}
