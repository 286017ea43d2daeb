/**
 * `journey-stitch sql`: the stitching SQL without running it, for review, scheduled queries or SQL Runner.
 * One numbered file per model plus the whole script, or the script on stdout.
 */
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../config/load';
import type { Config } from '../config/schema';
import { buildPipeline } from '../models';
import type { Dialect, WarehouseName } from '../sql/dialect';
import { getDialect } from '../sql/dialects';
import type { Pipeline } from '../sql/pipeline';
import { stepScript, toScript, type ScriptOptions } from '../sql/script';
import { rawTableSpecs } from '../models/raw-tables';
import { getWarehouse } from '../warehouse';

export const SCRIPT_FILE = 'journey_stitch.sql';
/** Files this command owns in an output folder (replaced on every run). */
const OWNED = /^(\d+_[A-Za-z0-9_]+\.sql|journey_stitch\.sql)$/;

export interface OfflineSql {
  pipeline: Pipeline;
  /** Script options: header notes (what the SQL reads and writes), scratch tables to drop at the end. */
  options: ScriptOptions;
}

/**
 * The pipeline for a warehouse without looking at data: every mapped column is assumed to exist. Where it reads
 * and writes is the warehouse's (BigQuery: the config's raw and output datasets; DuckDB: tables named after the
 * config in the current database).
 */
export function offlineSql(config: Config, dialect: Dialect): OfflineSql {
  const target = getWarehouse(dialect.name).offline(config);
  const pipeline = buildPipeline({ config, dialect, raw: target.raw, out: target.out, inline: true });
  const notes = [
    `Reads ${rawTableSpecs(config)
      .map((s) => target.raw.ref(s.logical))
      .join(', ')}${target.readsNote ? ` (${target.readsNote})` : ''}.`,
    `Writes ${pipeline.outputs.map(target.out).join(', ')}.`,
  ];
  return { pipeline, options: { notes, scratchRef: target.out, ...(target.lock ? { lock: target.lock } : {}) } };
}

/** File name → content: `01_<model>.sql` ... and the whole script. */
export function sqlFiles({ pipeline, options }: OfflineSql, dialect: Dialect): Array<[string, string]> {
  const width = Math.max(2, String(pipeline.steps.length).length);
  return [
    ...pipeline.steps.map((step, i): [string, string] => [
      `${String(i + 1).padStart(width, '0')}_${step.name}.sql`,
      stepScript(step, dialect),
    ]),
    [SCRIPT_FILE, toScript(pipeline, dialect, options)],
  ];
}

/** Write the files into `dir`, replacing the previous run's files only once every new file is written. */
async function writeFolder(dir: string, files: Array<[string, string]>): Promise<void> {
  await mkdir(dir, { recursive: true });
  const staging = await mkdtemp(path.join(dir, '.journey-stitch-sql-'));
  try {
    for (const [name, text] of files) await writeFile(path.join(staging, name), text);
    for (const old of await readdir(dir)) if (OWNED.test(old)) await rm(path.join(dir, old));
    for (const [name] of files) await rename(path.join(staging, name), path.join(dir, name));
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** `journey-stitch sql`: the SQL of the config's models as a script on stdout, or one file per model in `out`. */
export async function runSql(opts: { warehouse?: WarehouseName; config: string; out?: string }): Promise<void> {
  const loaded = await loadConfig(opts.config);
  const dialect = getDialect(opts.warehouse ?? loaded.config.warehouse);
  const sql = offlineSql(getWarehouse(dialect.name).offlineConfig(loaded.config, loaded.file), dialect);
  if (!opts.out) {
    process.stdout.write(toScript(sql.pipeline, dialect, sql.options));
    return;
  }
  const files = sqlFiles(sql, dialect);
  await writeFolder(opts.out, files);
  process.stderr.write(`wrote ${files.length} files to ${opts.out} (${dialect.name}; whole script: ${SCRIPT_FILE})\n`);
}
