/**
 * The datagroup refreshes on the data, not the clock: with `pdt`, when a raw table the stitching reads was last
 * modified (BigQuery's __TABLES__ metadata of the raw dataset); with `tables`, when journey-stitch last rewrote
 * stitched_events. Each trigger is valid BigQuery (ZetaSQL) once Looker substitutes the constants.
 */
import { configSchema, type ConfigInput } from '../../src/config/schema';
import { generateProject } from '../../src/lookml/project';
import { parseLookml as parse } from '../../src/lookml/parser';
import { tablesMetadata } from '../support/bigquery-catalog';
import { useZetaSQL } from '../support/zetasql';

const zetasql = useZetaSQL();

const BASE: ConfigInput = {
  warehouse: 'bigquery',
  project: 'acme-data',
  dataset: 'raw',
  source: { type: 'segment', tables: { pages: 'web_pages', tracks: 'tracks', identifies: 'identifies' } },
  offsite: [{ name: 'linkedin', table: 'phantom_linkedin' }],
};

function trigger(lookml: Record<string, unknown>): string {
  const model = generateProject(configSchema.parse({ ...BASE, lookml })).find((f) => f.path.endsWith('.model.lkml'))!;
  const datagroups = parse(model.content).datagroup as Record<string, { sql_trigger: string }>;
  return Object.values(datagroups).find((d) => typeof d === 'object')!.sql_trigger.trim();
}

/** Looker's substitution of the manifest constants. */
const substitute = (sql: string) =>
  sql.replace(/@\{RAW_PROJECT\}/g, 'acme-data').replace(/@\{RAW_DATASET\}/g, 'raw').replace(/@\{OUTPUT_DATASET\}/g, 'journey_stitch');

test('pdt: the trigger is the latest last-modified time of exactly the raw tables the stitching reads', async () => {
  const sql = trigger({ materialization: 'pdt' });
  expect(sql).not.toMatch(/CURRENT_DATE/);
  expect(sql).toBe(
    "SELECT MAX(last_modified_time) FROM `@{RAW_PROJECT}`.`@{RAW_DATASET}`.__TABLES__ WHERE table_id IN ('web_pages', 'tracks', 'identifies', 'phantom_linkedin')",
  );
  const zs = zetasql();
  await zs.registerCatalog(tablesMetadata(['acme-data', 'raw']));
  const analysis = await zs.expectValid(substitute(sql), 'the pdt refresh trigger');
  expect(analysis.columns).toEqual([{ name: expect.any(String), type: 'INT64' }]);
});

test('tables: the trigger is when journey-stitch last rewrote stitched_events, as before', async () => {
  const sql = trigger({ materialization: 'tables' });
  expect(sql).toBe("SELECT last_modified_time FROM `@{OUTPUT_DATASET}`.__TABLES__ WHERE table_id = 'stitched_events'");
  const zs = zetasql();
  await zs.registerCatalog(tablesMetadata(['journey_stitch']));
  await zs.expectValid(substitute(sql), 'the tables refresh trigger');
});

test('a configured trigger replaces either', () => {
  expect(trigger({ materialization: 'pdt', refresh_sql_trigger: 'SELECT MAX(loaded_at) FROM raw.pages' })).toBe('SELECT MAX(loaded_at) FROM raw.pages');
});
