/** The project's LookML dashboards (`lookml/dashboards/*.dashboard.lookml`, YAML), as the preview shows them. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { DashboardDoc } from './query';

export function loadDashboards(root: string): DashboardDoc[] {
  const dir = join(root, 'lookml', 'dashboards');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.dashboard.lookml'))
    .sort()
    .flatMap((f) => {
      const docs = parse(readFileSync(join(dir, f), 'utf8')) as unknown;
      if (!Array.isArray(docs)) throw new Error(`${join(dir, f)}: not a list of dashboards (- dashboard: name)`);
      return docs as DashboardDoc[];
    });
}
