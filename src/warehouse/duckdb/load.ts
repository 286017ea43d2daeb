/**
 * Loads the source files of a duckdb config into temporary DuckDB tables (Parquet: views over the files) and
 * describes them as RawSources.
 *
 * NDJSON and CSV columns load as VARCHAR (the models cast and validate); Parquet keeps its types. Lines that
 * cannot be read (bad JSON, wrong field counts) are never skipped silently: they go to a load-rejects table
 * with the file name, the reason and the raw line, and are counted; `appendLoadRejects` adds them to
 * rejected_rows once the models have built it.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { open, readdir } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { DuckDBConnection } from '@duckdb/node-api';
import { REJECTS_TABLE } from '../../contract/tables';
import type { Config, OffsiteFormat } from '../../config/schema';
import type { RawSources, RawTable } from '../../models/types';
import { SourceColumnError } from '../../models/types';
import { rawTableSpecs, type RawTableSpec } from '../../models/raw-tables';
import { messageOf } from './run';
import { dialects } from '../../sql/dialects';
import { JourneyStitchError } from '../../contract/errors';

const duck = dialects.duckdb;

export type SourceFormat = 'ndjson' | 'csv' | 'parquet';

/** Accepted file endings, in the order they are looked for. */
const ENDINGS: Array<[string, SourceFormat]> = [
  ['.ndjson', 'ndjson'],
  ['.ndjson.gz', 'ndjson'],
  ['.jsonl', 'ndjson'],
  ['.jsonl.gz', 'ndjson'],
  ['.csv', 'csv'],
  ['.csv.gz', 'csv'],
  ['.parquet', 'parquet'],
];
const ENDING_LIST = 'ndjson, jsonl, csv (each optionally .gz) or parquet';

export function sourceFormat(file: string): SourceFormat | undefined {
  const lower = file.toLowerCase();
  return ENDINGS.find(([ending]) => lower.endsWith(ending))?.[1];
}

/** A source file could not be found or read: the message names the file (or folder) and the fix. */
export class SourceFileError extends JourneyStitchError {
  constructor(message: string) {
    super(message);
    this.name = 'SourceFileError';
  }
}

export interface LoadedTable {
  table: RawTable;
  file: string;
  format: SourceFormat;
  /** Rows loaded. */
  rows: number;
  /** Lines put in rejected_rows instead. */
  rejected: number;
  columns: string[];
  /** Columns DuckDB holds as a zone-less TIMESTAMP (Parquet timestamps; text formats load as VARCHAR). */
  timestampColumns: string[];
  /** Time spent reading the file. */
  ms: number;
  /** The first unreadable line, when there is one. */
  firstBad?: BadLine;
}

export interface BadLine {
  /** 1-based line number in the file. */
  line: number;
  /** Why it could not be read, e.g. "malformed JSON on line 3". */
  reason: string;
  /** The line as it is in the file. */
  text: string;
}

export interface LoadedSources {
  raw: RawSources;
  tables: LoadedTable[];
  /** Rows rejected while reading files, by reason (e.g. "malformed JSON"). */
  rejectedByReason: Record<string, number>;
  /** The config index of an offsite raw table (offsite:<name>). */
  offsiteIndex?(table: RawTable): number | undefined;
}

/**
 * Where the load rejects wait until the models have created rejected_rows. A line no reader could parse reaches
 * rejected_rows as its file and line number (in the reason), not its text, which may hold personal data: rejected_rows
 * sits outside the personal-data grant, and the file still has the line (the text stays here, for the load's error).
 */
export const LOAD_REJECTS = duck.tableRef('temp', 'main', 'js_load_rejects');

/** Temporary (never saved) table holding a raw source: raw tables are inputs, not outputs. */
export const rawName = (table: RawTable) => `js_raw_${table.replace(':', '_')}`;
const rawRef = (table: RawTable) => duck.tableRef('temp', 'main', rawName(table));
const createTemp = (name: string) => `CREATE OR REPLACE TEMP TABLE ${duck.quoteIdent(name)}`;

/** The file holding `base` in `folder`; exactly one must exist. */
async function findSourceFile(folder: string, base: string, required: string): Promise<string> {
  let entries: string[];
  try {
    entries = await readdir(folder);
  } catch {
    throw new SourceFileError(`source folder ${folder} does not exist or cannot be read (source.path in the config)`);
  }
  const matches = ENDINGS.map(([ending]) => `${base}${ending}`).filter((name) => entries.includes(name));
  if (matches.length === 0) {
    throw new SourceFileError(
      `no '${base}' file in ${folder}: expected ${base}.ndjson, ${base}.jsonl, ${base}.csv or ${base}.parquet (${ENDING_LIST}). ` +
        `${required} (an empty file is fine); file names follow source.tables in the config`,
    );
  }
  if (matches.length > 1) throw new SourceFileError(`several '${base}' files in ${folder} (${matches.join(', ')}): keep one`);
  return path.join(folder, matches[0]);
}

function lineReader(file: string) {
  const stream = createReadStream(file);
  return createInterface({ input: file.toLowerCase().endsWith('.gz') ? stream.pipe(createGunzip()) : stream, crlfDelay: Infinity });
}

/**
 * Every line of the file as text with its line number, read by DuckDB's CSV reader with one column and no
 * delimiter, quoting or escaping (about five times faster than reading lines in Node). Returns false, leaving
 * nothing behind, when that reader cannot keep every line with its number (a raw unit separator, a line over
 * 16 MiB); the caller then reads the file line by line.
 */
async function readLinesInDuckDB(conn: DuckDBConnection, file: string): Promise<boolean> {
  try {
    // One thread keeps the file's order for row_number(); blank lines come back as NULL, so numbering holds.
    // As the line reader does: no byte order mark, no carriage return, and no blank lines.
    await conn.run(`CREATE OR REPLACE TEMP TABLE js_lines AS
      SELECT line_no, CASE WHEN line_no = 1 OR suffix(line, chr(13)) THEN rtrim(ltrim(line, chr(65279)), chr(13)) ELSE line END AS line
      FROM (
        SELECT row_number() OVER () AS line_no, line FROM read_csv(${duck.stringLiteral(file)}, columns = {'line': 'VARCHAR'},
          header = false, delim = '\x1f', quote = '', escape = '', auto_detect = false, parallel = false, max_line_size = 16777216,
          store_rejects = true, rejects_table = 'js_line_rejects', rejects_scan = 'js_line_scans')
      ) AS numbered
      -- trim() only where a line starts with a blank: over whole lines it would cost more than reading the file.
      WHERE line IS NOT NULL AND (NOT (line ^@ ' ' OR line ^@ chr(9) OR line ^@ chr(13)) OR trim(line, ' \t\r') <> '')`);
    const rejected = await count(conn, 'SELECT count(*) FROM js_line_rejects');
    await conn.run('DROP TABLE js_line_rejects; DROP TABLE js_line_scans');
    if (rejected > 0) {
      await conn.run('DROP TABLE js_lines');
      return false;
    }
  } catch {
    // Whatever went wrong (an unreadable or truncated file), the line reader reports it with the line it reached.
    await conn.run('DROP TABLE IF EXISTS js_lines; DROP TABLE IF EXISTS js_line_rejects; DROP TABLE IF EXISTS js_line_scans');
    return false;
  }
  return true;
}

async function loadNdjson(conn: DuckDBConnection, file: string, target: string): Promise<void> {
  // Lines go into DuckDB as text; DuckDB's JSON functions tell good objects from bad lines.
  if (!(await readLinesInDuckDB(conn, file))) await readLinesInNode(conn, file);
  await checkAndParseLines(conn, file, target);
}

async function readLinesInNode(conn: DuckDBConnection, file: string): Promise<void> {
  await conn.run(`CREATE OR REPLACE TEMP TABLE js_lines (line_no BIGINT, line VARCHAR)`);
  const appender = await conn.createAppender('js_lines', 'main', 'temp');
  let lineNo = 0;
  try {
    for await (const text of lineReader(file)) {
      lineNo++;
      // Editors on Windows may start the file with a byte order mark; it is not part of the JSON.
      const line = lineNo === 1 ? text.replace(/^\uFEFF/, '') : text;
      if (line.trim() === '') continue;
      appender.appendBigInt(BigInt(lineNo));
      appender.appendVarchar(line);
      appender.endRow();
    }
  } catch (err) {
    throw new SourceFileError(`${file}: cannot be read after line ${lineNo}: ${messageOf(err)}`);
  } finally {
    appender.closeSync();
  }
}

async function checkAndParseLines(conn: DuckDBConnection, file: string, target: string): Promise<void> {
  const name = duck.stringLiteral(path.basename(file));
  await conn.run(`CREATE OR REPLACE TEMP TABLE js_lines_checked AS
    SELECT line_no, line, CASE WHEN NOT json_valid(line) THEN 'malformed JSON' WHEN json_type(line) <> 'OBJECT' THEN 'not a JSON object' END AS problem
    FROM js_lines`);
  await conn.run(`INSERT INTO ${LOAD_REJECTS}
    SELECT ${name}, NULL, problem || ' on line ' || line_no, line, ${duck.stringLiteral(file)}, line_no FROM js_lines_checked WHERE problem IS NOT NULL ORDER BY line_no`);
  const keyRows = (
    await conn.runAndReadAll(`SELECT k FROM (
        SELECT unnest(json_keys(line)) AS k, line_no, generate_subscripts(json_keys(line), 1) AS pos FROM js_lines_checked WHERE problem IS NULL
      ) GROUP BY k ORDER BY min(line_no), min(pos)`)
  ).getRows();
  const keys = keyRows.map((r) => String(r[0]));
  assertDistinctColumns(file, keys);
  if (keys.length === 0) {
    // No readable object: an empty table (loadFile gives it the expected columns).
    await conn.run(`${createTemp(target)} AS SELECT 1 AS js_placeholder WHERE FALSE`);
  } else {
    const structure = JSON.stringify(Object.fromEntries(keys.map((k) => [k, 'VARCHAR'])));
    await conn.run(`${createTemp(target)} AS
      SELECT unnest(json_transform(line, ${duck.stringLiteral(structure)})) FROM js_lines_checked WHERE problem IS NULL ORDER BY line_no`);
  }
  await conn.run('DROP TABLE js_lines; DROP TABLE js_lines_checked');
}

/**
 * Lines before the header of an export that starts with notes (LinkedIn's Connections.csv: "Notes:", a quoted
 * paragraph, a blank line): the first line naming all of `header` is the header. 0 when the file starts with it
 * or no line in its first 64 KiB does.
 */
export async function linesBeforeHeader(file: string, header: readonly string[]): Promise<number> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(65536), 0, 65536, 0);
    const lines = buffer
      .subarray(0, bytesRead)
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .split('\n');
    const at = lines.findIndex((line) => {
      const fields = line.split(',').map((f) => f.trim().replace(/^"|"$/g, '').toLowerCase());
      return header.every((h) => fields.includes(h.toLowerCase()));
    });
    return Math.max(at, 0);
  } finally {
    await handle.close();
  }
}

/** The header LinkedIn's Connections.csv starts its table with, after its notes. */
const CONNECTIONS_HEADER = ['First Name', 'Last Name', 'Connected On'];

async function loadCsv(conn: DuckDBConnection, file: string, target: string, skip = 0): Promise<void> {
  const name = duck.stringLiteral(path.basename(file));
  await conn.run(`${createTemp(target)} AS
    SELECT * FROM read_csv(${duck.stringLiteral(file)}, all_varchar = true, header = true,${skip ? ` skip = ${skip},` : ''}
      store_rejects = true, rejects_table = 'js_csv_rejects', rejects_scan = 'js_csv_scans')`);
  // One reject per line (a line can have several errors); field-count errors say what was expected.
  await conn.run(`INSERT INTO ${LOAD_REJECTS}
    SELECT ${name}, NULL,
      CASE WHEN error_type IN ('MISSING COLUMNS', 'TOO MANY COLUMNS')
        THEN 'wrong field count on line ' || line || ' (' || lower(error_message) || ')'
        ELSE 'malformed CSV on line ' || line || ' (' || error_message || ')' END,
      csv_line, ${duck.stringLiteral(file)}, line
    FROM (SELECT *, row_number() OVER (PARTITION BY line ORDER BY byte_position) AS n FROM js_csv_rejects) WHERE n = 1 ORDER BY line`);
  await conn.run('DROP TABLE js_csv_rejects; DROP TABLE js_csv_scans');
}

/**
 * Parquet is not copied: a view reads the file where it is, so a large source never sits in memory twice and
 * filters on it (the incremental cutoff) skip whole row groups. loadFile counts its rows right away, which reads
 * the footer: a file that is not Parquet fails there, named, rather than halfway through the models.
 */
async function loadParquet(conn: DuckDBConnection, file: string, target: string): Promise<void> {
  await conn.run(`CREATE OR REPLACE TEMP VIEW ${duck.quoteIdent(target)} AS SELECT * FROM read_parquet(${duck.stringLiteral(file)})`);
}

function assertDistinctColumns(file: string, columns: string[]): void {
  const seen = new Map<string, string>();
  for (const c of columns) {
    const other = seen.get(c.toLowerCase());
    if (other !== undefined)
      throw new SourceFileError(`${file}: columns '${other}' and '${c}' differ only by case; DuckDB column names ignore case, rename one`);
    seen.set(c.toLowerCase(), c);
  }
}

async function tableColumns(conn: DuckDBConnection, ref: string): Promise<{ name: string; type: string }[]> {
  const rows = (await conn.runAndReadAll(`SELECT column_name, column_type FROM (DESCRIBE ${ref})`)).getRows();
  return rows.map((r) => ({ name: String(r[0]), type: String(r[1]) }));
}

async function count(conn: DuckDBConnection, sql: string): Promise<number> {
  return Number((await conn.runAndReadAll(sql)).getRows()[0][0]);
}

/** Load one file into `rawRef(table)`. An empty file becomes an empty table with every logical column (mapped). */
async function loadFile(
  conn: DuckDBConnection,
  table: RawTable,
  file: string,
  columnNames: string[],
  format_?: OffsiteFormat,
): Promise<LoadedTable> {
  const format = sourceFormat(file);
  if (!format) throw new SourceFileError(`${file}: unknown file type; use ${ENDING_LIST}`);
  const started = performance.now();
  const name = rawName(table);
  const ref = rawRef(table);
  const rejectedBefore = await count(conn, `SELECT count(*) FROM ${LOAD_REJECTS}`);
  // A table loaded earlier on this connection may be a view (Parquet) or a table (the rest): replace either.
  const earlier = await conn.runAndReadAll(`SELECT 'VIEW' FROM duckdb_views() WHERE temporary AND view_name = ${duck.stringLiteral(name)}`);
  if (earlier.currentRowCount > 0) await conn.run(`DROP VIEW ${ref}`);
  else await conn.run(`DROP TABLE IF EXISTS ${ref}`);
  let rows: number;
  try {
    if (format === 'ndjson') await loadNdjson(conn, file, name);
    else if (format === 'csv')
      await loadCsv(
        conn,
        file,
        name,
        format_ === 'linkedin_connections' && !file.endsWith('.gz') ? await linesBeforeHeader(file, CONNECTIONS_HEADER) : 0,
      );
    else await loadParquet(conn, file, name);
    rows = await count(conn, `SELECT count(*) FROM ${ref}`);
  } catch (err) {
    if (err instanceof SourceFileError) throw err;
    throw new SourceFileError(`${file}: cannot be read as ${format}: ${messageOf(err)}`);
  }
  const described = await tableColumns(conn, ref);
  let columns = described.map((c) => c.name);
  const timestampColumns = described.filter((c) => c.type === 'TIMESTAMP').map((c) => c.name);
  if (rows === 0) {
    columns = [...new Set(columnNames)];
    if (format === 'parquet') await conn.run(`DROP VIEW ${ref}`);
    await conn.run(`${createTemp(name)} (${columns.map((c) => `${duck.quoteIdent(c)} VARCHAR`).join(', ')})`);
  }
  const rejected = (await count(conn, `SELECT count(*) FROM ${LOAD_REJECTS}`)) - rejectedBefore;
  const loaded: LoadedTable = {
    table,
    file,
    format,
    rows,
    rejected,
    columns,
    timestampColumns: rows === 0 ? [] : timestampColumns,
    ms: performance.now() - started,
  };
  if (rejected > 0) {
    const [line, reason, text] = (
      await conn.runAndReadAll(
        `SELECT line_no, reason, row_data FROM ${LOAD_REJECTS} WHERE file = ${duck.stringLiteral(file)} ORDER BY line_no LIMIT 1`,
      )
    ).getRows()[0];
    loaded.firstBad = { line: Number(line), reason: String(reason), text: String(text ?? '') };
  }
  return loaded;
}

/** A source file too much of which could not be read: the run stops (load.max_reject_share). */
export class UnreadableFileError extends SourceFileError {
  constructor(
    message: string,
    readonly loaded: LoadedTable,
  ) {
    super(message);
    this.name = 'UnreadableFileError';
  }
}

/** Whether a file has no readable line, or more than `maxShare` of its lines unreadable. */
export function tooUnreadable(t: Pick<LoadedTable, 'rows' | 'rejected'>, maxShare: number): boolean {
  return t.rejected > 0 && (t.rows === 0 || t.rejected / (t.rows + t.rejected) > maxShare);
}

const shorten = (text: string, max = 120) => (text.length > max ? `${text.slice(0, max - 3)}...` : text);
const quoteArg = (file: string) => (/^[\w./@%+=:,-]+$/.test(file) ? file : `'${file.replace(/'/g, `'\\''`)}'`);

/** What the first unreadable line says about the whole file, and the fix. */
export function unreadableFix(t: Pick<LoadedTable, 'file' | 'format' | 'firstBad' | 'rows'>, configKey: string): string {
  const text = t.firstBad?.text.trim() ?? '';
  const gz = t.file.toLowerCase().endsWith('.gz');
  const file = quoteArg(t.file);
  const converted = quoteArg(t.file.replace(/(\.(ndjson|jsonl|json))?(\.gz)?$/i, '.converted.ndjson'));
  const read = gz ? `gunzip -c ${file} | jq -c` : `jq -c`;
  const input = gz ? '' : ` ${file}`;
  if (t.format === 'ndjson') {
    if (text.startsWith('[')) {
      return (
        'the file is a JSON array (one document, pretty-printed or on one line), not newline-delimited JSON (one object per line). ' +
        `Convert it with \`${read} '.[]'${input} > ${converted}\` and point ${configKey} at the result (or replace the file with it)`
      );
    }
    if (text === '{' || (text.startsWith('{') && !text.endsWith('}'))) {
      return (
        'the file holds pretty-printed JSON (one object over several lines); newline-delimited JSON needs one object per line. ' +
        `Convert it with \`${read} .${input} > ${converted}\` and point ${configKey} at the result (or replace the file with it)`
      );
    }
    if (/^[^{[]*,/.test(text) && !text.startsWith('"')) return `the file looks like CSV: give it a .csv ending (${configKey})`;
    return `fix or remove the unreadable lines (each must be one JSON object), or raise load.max_reject_share in the config`;
  }
  if (t.format === 'csv') {
    if (text.startsWith('{')) return `the file looks like newline-delimited JSON: give it a .ndjson ending (${configKey})`;
    return (
      'check that every line has as many fields as the header (the delimiter, and quotes around values holding it); ' +
      'fix or remove the unreadable lines, or raise load.max_reject_share in the config'
    );
  }
  return 'check the file';
}

/** The message of an UnreadableFileError. */
export function unreadableMessage(t: LoadedTable, maxShare: number, configKey: string): string {
  const total = t.rows + t.rejected;
  const what =
    t.rows === 0
      ? `no readable row (${fmt(t.rejected)} unreadable line(s))`
      : `${fmt(t.rejected)} of its ${fmt(total)} lines (${Math.floor((1000 * t.rejected) / total) / 10}%) unreadable, more than load.max_reject_share (${maxShare})`;
  const first = t.firstBad
    ? `; the first bad line is ${t.firstBad.line} (${t.firstBad.reason.replace(/ on line \d+/, '')}): ${shorten(t.firstBad.text)}`
    : '';
  return `${t.file}: ${what}${first}. Fix: ${unreadableFix(t, configKey)}`;
}

const fmt = (n: number) => n.toLocaleString('en-US');

export interface LoadOptions {
  /**
   * Stop with an UnreadableFileError at a file with no readable line, or more than load.max_reject_share of its
   * lines unreadable (default). `check` turns it off to report every file.
   */
  stopOnUnreadable?: boolean;
  /** Called as each file is loaded, with the bytes read so far and the bytes of every file. */
  onTable?(table: LoadedTable, doneBytes: number, totalBytes: number): void;
  /**
   * Called as a file starts and then every pollMs while DuckDB reads it, with the bytes read so far (of
   * every file): DuckDB's own progress through the file, as near as it knows.
   */
  onBytes?(file: string, doneBytes: number, totalBytes: number): void;
  /** How often (ms) DuckDB is asked how far it is through a file for onBytes; default a quarter second. */
  pollMs?: number;
}

/**
 * Runs `read` (the statements that load one file) and meanwhile reports how far DuckDB is through the statement
 * running, as bytes of the file; never backwards (each file loads in several statements).
 */
async function withReadProgress<T>(
  conn: DuckDBConnection,
  bytes: number,
  pollMs: number,
  report: ((readBytes: number) => void) | undefined,
  read: () => Promise<T>,
): Promise<T> {
  if (!report) return read();
  report(0);
  let most = 0;
  const timer = setInterval(() => {
    const share = conn.progress.percentage / 100; // -1 between statements
    if (share > 0 && share * bytes > most) report((most = Math.min(bytes, Math.round(share * bytes))));
  }, pollMs);
  try {
    return await read();
  } finally {
    clearInterval(timer);
  }
}

/** Load every source file of a duckdb config (paths already resolved) into temporary tables or views. */
export async function loadSources(conn: DuckDBConnection, config: Config, opts: LoadOptions = {}): Promise<LoadedSources> {
  if (config.warehouse !== 'duckdb') throw new Error('loadSources reads files: it needs warehouse: duckdb');
  // The session the models run in: timestamps without a zone mean UTC, whatever the machine's zone.
  for (const statement of duck.sessionSetup) await conn.run(statement);
  const folder = config.source.path;
  if (!folder) throw new SourceFileError('source.path is not set: point it at the folder holding your source files');
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE js_load_rejects (source_table VARCHAR, event_id VARCHAR, reason VARCHAR, row_data VARCHAR, file VARCHAR, line_no BIGINT)`,
  );
  const maxShare = config.load.max_reject_share;
  const checked = (t: LoadedTable, configKey: string): LoadedTable => {
    if ((opts.stopOnUnreadable ?? true) && tooUnreadable(t, maxShare))
      throw new UnreadableFileError(unreadableMessage(t, maxShare, configKey), t);
    return t;
  };

  const required =
    config.source.type === 'snowplow'
      ? 'The Snowplow events table is required'
      : `${config.source.type === 'segment' ? 'Segment' : 'RudderStack'} needs all three of pages, tracks and identifies`;
  // The raw tables and the columns the models expect of each (the same for files as for BigQuery tables).
  const specs = rawTableSpecs(config);
  const physicalColumns = (spec: RawTableSpec) => spec.columns.map((c) => c.physical);
  const tables: LoadedTable[] = [];
  const firstPartyFiles: Array<[RawTableSpec, string]> = [];
  for (const spec of specs.filter((s) => !s.logical.startsWith('offsite:')))
    firstPartyFiles.push([spec, await findSourceFile(folder, spec.table, required)]);
  config.offsite.forEach((o, i) => {
    if (!o.path) throw new SourceFileError(`offsite[${i}] (${o.name}): path is not set`);
    if (!existsSync(o.path))
      throw new SourceFileError(`offsite source '${o.name}': file ${o.path} does not exist (offsite[${i}].path in the config)`);
  });
  // Progress in bytes of every file to read.
  const totalBytes = [...firstPartyFiles.map(([, f]) => f), ...config.offsite.map((o) => o.path!)].reduce(
    (n, f) => n + statSync(f).size,
    0,
  );
  let doneBytes = 0;
  const progress = (t: LoadedTable): LoadedTable => {
    doneBytes += statSync(t.file).size;
    opts.onTable?.(t, doneBytes, totalBytes);
    return t;
  };
  // DuckDB tracks a statement's progress only with its progress bar on (not printed: the caller shows it).
  if (opts.onBytes) await conn.run('SET enable_progress_bar = true; SET enable_progress_bar_print = false');
  const onBytes = opts.onBytes;
  const reading = (file: string) => onBytes && ((bytes: number) => onBytes(file, doneBytes + bytes, totalBytes));
  const load = (file: string, fn: () => Promise<LoadedTable>) =>
    withReadProgress(conn, statSync(file).size, opts.pollMs ?? 250, reading(file), fn);
  for (const [spec, file] of firstPartyFiles)
    tables.push(progress(checked(await load(file, () => loadFile(conn, spec.logical, file, physicalColumns(spec))), 'source.path')));
  const firstParty = tables.reduce((n, t) => n + t.rows, 0);
  if (firstParty === 0) {
    const unreadable = (await conn.runAndReadAll(`SELECT source_table || ': ' || reason FROM ${LOAD_REJECTS} LIMIT 3`))
      .getRows()
      .map((r) => String(r[0]));
    const rejected = tables.reduce((n, t) => n + t.rejected, 0);
    throw new SourceFileError(
      `no events to stitch: ${tables.map((t) => path.basename(t.file)).join(', ')} in ${folder} hold no rows` +
        (rejected ? ` (${rejected} unreadable line(s): ${unreadable.join('; ')}${rejected > unreadable.length ? '; ...' : ''})` : ''),
    );
  }
  for (const [i, o] of config.offsite.entries()) {
    const spec = specs.find((s) => s.logical === `offsite:${o.name}`)!;
    tables.push(
      progress(
        checked(await load(o.path!, () => loadFile(conn, spec.logical, o.path!, physicalColumns(spec), o.format)), `offsite[${i}].path`),
      ),
    );
  }
  if (opts.onBytes) await conn.run('RESET enable_progress_bar; RESET enable_progress_bar_print');

  const reasons = (
    await conn.runAndReadAll(
      `SELECT regexp_replace(reason, ' on line .*$', '') AS reason, count(*) FROM ${LOAD_REJECTS} GROUP BY 1 ORDER BY 1`,
    )
  ).getRows();
  const byTable = new Map(tables.map((t) => [t.table, t]));
  const raw: RawSources = {
    ref(table) {
      if (!byTable.has(table)) throw new Error(`raw table '${table}' was not loaded`);
      return rawRef(table);
    },
    columns(table) {
      const loaded = byTable.get(table);
      if (!loaded) throw new Error(`raw table '${table}' was not loaded`);
      return new Set(loaded.columns);
    },
    isTimestamp: (table, column) => byTable.get(table)?.timestampColumns.includes(column) ?? false,
  };
  const offsiteIndex = (table: RawTable) => {
    const i = config.offsite.findIndex((o) => `offsite:${o.name}` === table);
    return i < 0 ? undefined : i;
  };
  return { raw, tables, rejectedByReason: Object.fromEntries(reasons.map(([r, n]) => [String(r), Number(n)])), offsiteIndex };
}

/** Add the rows rejected while reading files to rejected_rows (creating it when the pipeline did not). */
export async function appendLoadRejects(conn: DuckDBConnection, rejectsRef: string = duck.quoteIdent(REJECTS_TABLE)): Promise<void> {
  await conn.run(`CREATE TABLE IF NOT EXISTS ${rejectsRef} (source_table VARCHAR, event_id VARCHAR, reason VARCHAR, row_data VARCHAR)`);
  await conn.run(
    `INSERT INTO ${rejectsRef} (source_table, event_id, reason, row_data) SELECT source_table, event_id, reason, NULL FROM ${LOAD_REJECTS}`,
  );
}

/** A SourceColumnError from the models, restated with the file the raw table was read from. */
export function explainSourceColumnError(err: SourceColumnError, loaded: LoadedSources): Error {
  const file = loaded.tables.find((t) => t.table === err.table)?.file;
  const offsite = err.table.startsWith('offsite:') ? loaded.offsiteIndex?.(err.table) : undefined;
  const hint =
    err.logical === 'action' && offsite !== undefined ? `, or set offsite[${offsite}].action to what every row is (e.g. liked)` : '';
  return new SourceFileError(`${file ? `${file}: ` : ''}${err.message}${hint}`);
}
