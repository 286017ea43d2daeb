/**
 * Export of the stitched tables as CSV and Parquet (DuckDB COPY). Files are written into a staging folder
 * and moved into place only once every file is complete, so a failed export never leaves half-written files.
 */
import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { dialects } from '../../sql/dialects';
import { JourneyStitchError } from '../../contract/errors';

const duck = dialects.duckdb;

export interface StagedExport {
  /** Move the files into the export folder (replacing older exports of the same tables). */
  commit(): Promise<string[]>;
  /** Remove the staged files. */
  discard(): Promise<void>;
}

/** Why a folder cannot take the export, in words (errno codes otherwise). */
function exportDirProblem(err: NodeJS.ErrnoException): string {
  if (err.code === 'EEXIST') return 'it is a file, not a folder';
  if (err.code === 'ENOTDIR') return 'part of the path is a file, not a folder';
  if (err.code === 'EACCES' || err.code === 'EPERM' || err.code === 'EROFS') return 'not writable';
  return err.message;
}

/**
 * Creates the export folder (when missing) and checks it can be written, so that a bad --export-dir fails before
 * the models run rather than after.
 */
export async function prepareExportDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (err) {
    throw new JourneyStitchError(
      `--export-dir ${dir}: ${exportDirProblem(err as NodeJS.ErrnoException)}; pass a folder you can write to (it is created when missing)`,
      { cause: err },
    );
  }
}

/** Whether a process runs (a signal 0 reaches it, or it belongs to another user). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Staging folders are named after the process that owns them, so a later run can tell a killed run's from a live one's. */
const STAGING_PREFIX = '.journey-stitch-export-';

/** Remove the staging folders of runs that were killed outright (no chance to clean up): their process is gone. */
export async function removeAbandonedExports(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = name.startsWith(STAGING_PREFIX) ? /^(\d+)-/.exec(name.slice(STAGING_PREFIX.length))?.[1] : undefined;
    if (pid && !isRunning(Number(pid))) await rm(path.join(dir, name), { recursive: true, force: true });
  }
}

/** COPY each table to `<table>.csv` and `<table>.parquet` in a staging folder inside `dir`. */
export async function stageExport(
  conn: DuckDBConnection,
  tables: readonly string[],
  dir: string,
  onTable?: (table: string, done: number) => void,
  onTableStart?: (table: string, done: number) => void,
): Promise<StagedExport> {
  await mkdir(dir, { recursive: true });
  await removeAbandonedExports(dir);
  const staging = await mkdtemp(path.join(dir, `${STAGING_PREFIX}${process.pid}-`));
  const discard = () => rm(staging, { recursive: true, force: true });
  try {
    for (const [i, table] of tables.entries()) {
      onTableStart?.(table, i);
      const ref = duck.quoteIdent(table);
      await conn.run(`COPY ${ref} TO ${duck.stringLiteral(path.join(staging, `${table}.csv`))} (FORMAT csv, HEADER true)`);
      await conn.run(`COPY ${ref} TO ${duck.stringLiteral(path.join(staging, `${table}.parquet`))} (FORMAT parquet)`);
      onTable?.(table, i + 1);
    }
  } catch (err) {
    await discard();
    throw err;
  }
  return {
    async commit() {
      const files = (await readdir(staging)).sort();
      for (const f of files) await rename(path.join(staging, f), path.join(dir, f));
      await discard();
      return files.map((f) => path.join(dir, f));
    },
    discard,
  };
}
