/** A generated LookML project as the preview uses it: the manifest, the journey-stitch model and the dashboards. */
import { join } from 'node:path';
import { LOOKER_MODEL } from '../../contract/looker';
import { loadDashboards } from '../dashboards/load';
import type { DashboardDoc } from '../dashboards/query';
import { buildSemanticModel, type SemanticModel } from '../query/model';
import { loadProject } from './load';
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
    throw new Error(
      `${join(root, 'lookml')}: no model file ${modelName}.model.lkml (found: ${Object.keys(parsed.models).join(', ') || 'none'})`,
    );
  try {
    return { root, manifest, model: buildSemanticModel(modelName, node), dashboards: loadDashboards(root) };
  } catch (e) {
    throw new Error(`${join(root, 'lookml')}: ${(e as Error).message}`);
  }
}
