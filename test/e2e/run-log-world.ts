/**
 * A project whose data quality dashboard has every tile: the demo data stitched twice with `stitch --incremental`
 * (tables + lookml.run_history), the second run finding page views that arrived late. Shared by the dashboard tests.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { loadConfig } from '../../src/config/load';
import { stitchDuckDB } from '../../src/warehouse/duckdb/stitch';
import { GENERATED_MARK, generateProject } from '../../src/lookml/project';
import { writeProject } from '../../src/lookml/write';

/** Page views held back from the first run and delivered before the second, dated well before its cutoff. */
export const LATE_PAGES = 7;

/**
 * The demo data stitched twice with `stitch --incremental` (tables + run_history): the first run (full, keeping
 * state) without LATE_PAGES page views dated three weeks before the data's end, the second with them back.
 */
export async function runLogWorld(dataDir: string, dir: string): Promise<{ projectDir: string; database: string }> {
  const data = join(dir, 'data');
  const pages = join(data, 'pages.ndjson');
  rmSync(data, { recursive: true, force: true });
  mkdirSync(data, { recursive: true });
  for (const f of readdirSync(dataDir).filter((f) => /\.(ndjson|ya?ml)$/.test(f))) copyFileSync(join(dataDir, f), join(data, f));
  const lines = readFileSync(pages, 'utf8').split('\n').filter(Boolean);
  // A line's time, NaN for the demo's malformed lines.
  const timeOf = (l: string) => {
    try {
      return Date.parse(JSON.parse(l).timestamp);
    } catch {
      return NaN;
    }
  };
  const end = Math.max(...lines.map(timeOf).filter(Number.isFinite));
  const isLate = (l: string) => timeOf(l) < end - 21 * 86_400_000 && timeOf(l) > end - 28 * 86_400_000;
  const late = lines.filter(isLate).slice(0, LATE_PAGES);
  if (late.length !== LATE_PAGES)
    throw new Error(`the demo data has ${late.length} page views three weeks before its end, not ${LATE_PAGES}`);
  writeFileSync(pages, lines.filter((l) => !late.includes(l)).join('\n') + '\n');
  const configFile = join(data, 'journey-stitch.yaml');
  const yaml = parse(readFileSync(configFile, 'utf8'));
  writeFileSync(configFile, stringify({ ...yaml, lookml: { materialization: 'tables', run_history: true } }));
  const { config } = await loadConfig(configFile);
  await stitchDuckDB(config, { incremental: true });
  writeFileSync(pages, [...lines.filter((l) => !late.includes(l)), ...late].join('\n') + '\n');
  await stitchDuckDB(config, { incremental: true });
  const projectDir = join(dir, 'project');
  await writeProject(generateProject(config), projectDir, GENERATED_MARK);
  return { projectDir, database: config.output.database };
}
