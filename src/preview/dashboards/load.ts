/** The project's LookML dashboards (`lookml/dashboards/*.dashboard.lookml`, YAML), as the preview shows them. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PreviewProjectError } from '../project/error';
import type { DashboardDoc } from './query';

export function loadDashboards(root: string): DashboardDoc[] {
  const dir = join(root, 'lookml', 'dashboards');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.dashboard.lookml'))
    .sort()
    .flatMap((f) => {
      const file = join(dir, f);
      let docs: unknown;
      try {
        docs = parse(readFileSync(file, 'utf8'));
      } catch (e) {
        throw new PreviewProjectError(`${file}: not valid YAML: ${(e as Error).message}`, { cause: e });
      }
      if (!Array.isArray(docs)) throw new PreviewProjectError(`${file}: not a list of dashboards (write each as - dashboard: name)`);
      return docs as DashboardDoc[];
    });
}
