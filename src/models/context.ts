/**
 * What every model needs: the dialect, the config, table references, and the few SQL expression builders
 * (identifier cleaning, name normalisation) that several models share.
 */
import type { Config } from '../config/schema';
import type { Dialect } from '../sql/dialect';
import { ModelGraphError, type LoopStep, type ModelKind, type SqlStep } from '../sql/pipeline';
import type { BuildOptions, MatchModel, RawSources, RawTable } from './types';

/**
 * Tables partitioned by the date of a column where the warehouse supports it (BigQuery). An incremental run's
 * DELETE there bills only the partitions it modifies (mostly the last days), not the whole table: the event-level
 * outputs and state, and the session tables.
 */
export const DATE_PARTITIONS: Readonly<Record<string, string>> = {
  stitched_events: 'occurred_at',
  sessions: 'started_at',
  session_paths: 'first_step_at',
  js_state_events: 'occurred_at',
  js_state_tokens: 'occurred_at',
};

/** The CREATE TABLE options that partition a table named in DATE_PARTITIONS (none for the others). */
export function partitioning(table: string): { partitionByDate?: string } {
  const column = DATE_PARTITIONS[table];
  return column ? { partitionByDate: column } : {};
}

export const EMAIL_PATTERN = '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$';
/** Runs of anything but letters and digits collapse to one space in a normalised name. */
export const NAME_SEPARATOR_PATTERN = '[^\\p{L}\\p{N}]+';
/**
 * What LinkedIn display names add to a name: a bracketed aside ("(she/her)", a maiden name) and everything after a
 * comma (", MBA", ", PhD, CFA"). Dropped before a name is normalised, or "Jane Doe, MBA" never meets Jane Doe.
 */
export const NAME_ADDITIONS_PATTERN = '[(\\[][^)\\]]*[)\\]]|,.*$';

/** What one model's SQL named while it was written (see ModelContext.ref). */
interface Recording {
  reads: Set<string>;
  sources: Set<string>;
}

export class ModelContext {
  readonly d: Dialect;
  readonly config: Config;
  readonly raw: RawSources;
  private readonly outRef: (table: string) => string;
  /** Prefix of this build's model tables (an incremental run builds the models again under other names). */
  readonly namespace: string;
  /** Tables outside the namespace the build reads, by name (see BuildOptions). */
  readonly nameCandidates?: string;
  readonly matchModel?: MatchModel;
  readonly personTails: boolean;
  readonly scratch: string[] = [];
  /** Every model declared so far, by table name: a second one with the same name is an error. */
  readonly models = new Map<string, ModelKind>();
  private readonly temporaryScratch: (table: string) => boolean;
  private readonly temporaryOutputs: boolean;
  /** SQL string expression of the hash key: identity.hash_key, or in Looker the HASH_KEY constant. */
  private readonly hashKey: string;
  private recording?: Recording;
  /** Models written as a subquery of their reader (BuildOptions.inline), with their select once it is written. */
  private readonly inlined: Map<string, { select?: string; recording?: Recording; uses: number }>;

  constructor(opts: BuildOptions, inline: readonly string[] = []) {
    this.inlined = new Map(inline.map((t) => [t, { uses: 0 }]));
    this.d = opts.dialect;
    this.config = opts.config;
    this.raw = opts.raw;
    this.outRef = opts.out;
    this.namespace = opts.namespace ?? '';
    this.nameCandidates = opts.nameCandidates;
    this.matchModel = opts.matchModel;
    this.personTails = opts.personTails ?? false;
    const temporary = opts.temporaryScratch ?? false;
    this.temporaryScratch = typeof temporary === 'function' ? temporary : () => temporary;
    this.temporaryOutputs = temporary === true && (opts.outputsAreScratch ?? false);
    this.hashKey = opts.hashKey ?? this.lit(opts.config.identity.hash_key);
  }

  /**
   * Reference to a model's table, as dbt's `ref()`: written inside a model's SQL (see `scratchTable`), it also
   * records that the model reads it. The graph (sql/pipeline.ts) is made of these records.
   */
  ref(name: string): string {
    return this.external(this.namespace + name);
  }

  /** Reference to a table outside this build's namespace (an incremental run's state or scratch), recorded like `ref`. */
  external(table: string): string {
    const inlined = this.inlined.get(table);
    if (inlined && inlined.select === undefined) throw new ModelGraphError(`'${table}' is inlined into a model written before it`);
    if (inlined?.select !== undefined) {
      // A subquery in the reader's FROM: the reader reads what the inlined model read.
      inlined.recording!.reads.forEach((t) => this.recording?.reads.add(t));
      inlined.recording!.sources.forEach((t) => this.recording?.sources.add(t));
      inlined.uses++;
      return `(${inlined.select})`;
    }
    this.recording?.reads.add(table);
    return this.outRef(table);
  }

  /** Inlined models their reader names more than once: as subqueries they would be computed once per mention. */
  inlinedTwice(): string[] {
    return [...this.inlined].filter(([, i]) => i.uses > 1).map(([t]) => t);
  }

  /** Whether a step writes a model that is inlined into its reader (the pipeline leaves the step out). */
  isInlined(step: SqlStep): boolean {
    return step.creates !== undefined && this.inlined.has(step.creates);
  }

  /** Reference to a raw source table, recorded as a read of the model being written. */
  source(table: RawTable): string {
    this.recording?.sources.add(table);
    return this.raw.ref(table);
  }

  /** The table name a model gets in this build's namespace. */
  tableName(name: string): string {
    return this.namespace + name;
  }

  /**
   * Write one statement: `sql` is called now, and every `ref`, `external` and `source` it makes is declared as a
   * read of this statement. `writes` are tables it changes in place (not its reads, even if it reads them too).
   */
  statement(name: string, sql: () => string, declared: { creates?: string; writes?: string[] } = {}): SqlStep {
    if (this.recording) throw new ModelGraphError(`'${name}' is written inside another model's SQL`);
    const recording: Recording = { reads: new Set(), sources: new Set() };
    this.recording = recording;
    let text: string;
    try {
      text = sql();
    } finally {
      this.recording = undefined;
    }
    const { creates, writes = [] } = declared;
    const reads = [...recording.reads].filter((t) => t !== creates && !writes.includes(t));
    const step: SqlStep = { kind: 'sql', name, sql: text, reads };
    if (creates !== undefined) step.creates = creates;
    if (recording.sources.size) step.sources = [...recording.sources];
    if (writes.length) step.writes = writes;
    return step;
  }

  /** Declare a model (a table this build makes, from the select `sql` writes): its name is unique across the build. */
  table(name: string, kind: ModelKind, sql: () => string, options: Parameters<Dialect['createTableAs']>[2]): SqlStep {
    const table = this.tableName(name);
    const known = this.models.get(table);
    // The identity loop re-creates its tables each iteration: the same intermediate written again is no new model.
    if (known !== undefined && !(known === 'intermediate' && kind === 'intermediate'))
      throw new ModelGraphError(`two models named '${table}'`);
    this.models.set(table, kind);
    const inlined = this.inlined.get(table);
    if (inlined) {
      const step = this.statement(name, sql);
      inlined.select = step.sql;
      inlined.recording = { reads: new Set(step.reads), sources: new Set(step.sources) };
      return { ...step, creates: table, model: kind };
    }
    return { ...this.statement(name, () => this.d.createTableAs(this.outRef(table), sql(), options), { creates: table }), model: kind };
  }

  /** An intermediate table (tracked so runners can drop them): CREATE OR REPLACE TABLE `name` AS the select `sql` writes. */
  scratchTable(name: string, sql: () => string): SqlStep {
    const table = this.tableName(name);
    if (!this.scratch.includes(table) && !this.inlined.has(table)) this.scratch.push(table);
    return this.table(name, 'intermediate', sql, { temporary: this.temporaryScratch(name) });
  }

  /** An output table (the contract's): partitioned and clustered where the warehouse can. */
  outputTable(name: string, sql: () => string): SqlStep {
    return this.table(name, 'output', sql, { ...partitioning(name), clusterBy: ['person_id'], temporary: this.temporaryOutputs });
  }

  /** A state table an incremental run keeps between runs. */
  stateTable(name: string, sql: () => string): SqlStep {
    return this.table(name, 'state', sql, partitioning(name));
  }

  /** Repeat `body` until the select `changed` writes (one row, column `changed`) answers 0. */
  loop(name: string, maxIterations: number, body: SqlStep[], changed: () => string): LoopStep {
    const check = this.statement(`${name} (convergence check)`, changed);
    return { kind: 'loop', name, body, changedSql: check.sql, changedReads: check.reads, maxIterations };
  }

  lit(value: string): string {
    return this.d.stringLiteral(value);
  }

  inList(expr: string, values: readonly string[]): string {
    if (values.length === 0) return 'FALSE';
    return `${expr} IN (${values.map((v) => this.lit(v)).join(', ')})`;
  }

  /**
   * Trimmed string, or NULL for missing and junk values (identity.junk_values, identity.junk_pattern).
   * `expr` is a raw column (it is repeated; see Dialect.trim).
   */
  clean(expr: string): string {
    // Each copy of `v` is evaluated separately, so the tests are kept to one or two mentions of it.
    const v = this.d.trim(this.d.castString(expr));
    const junk = this.config.identity.junk_values.map((j) => j.trim().toLowerCase());
    const tests = [this.inList(`LOWER(${v})`, junk)];
    if (this.config.identity.junk_pattern) tests.push(this.d.regexpContains(v, this.config.identity.junk_pattern));
    return `CASE WHEN ${tests.join(' OR ')} THEN NULL ELSE ${v} END`;
  }

  /**
   * A cleaned, lower-cased email, or NULL when it does not look like one. Same result as clean() then the email
   * test, written so the value is computed twice rather than six times: junk values without an '@' can never pass
   * the email test, so only the others are checked.
   */
  cleanEmail(expr: string): string {
    const v = `TRIM(${this.d.castString(expr)})`;
    const e = `LOWER(${v})`;
    const tests = [this.d.regexpContains(e, EMAIL_PATTERN)];
    const junk = this.config.identity.junk_values.map((j) => j.trim().toLowerCase()).filter((j) => j.includes('@'));
    if (junk.length) tests.push(`NOT ${this.inList(e, junk)}`);
    if (this.config.identity.junk_pattern) tests.push(`NOT ${this.d.regexpContains(v, this.config.identity.junk_pattern)}`);
    return `CASE WHEN ${tests.join(' AND ')} THEN ${e} END`;
  }

  /** Lower case, accents stripped, separators collapsed to one space, trimmed; NULL when nothing is left. */
  normalizeText(expr: string): string {
    const n = `TRIM(${this.d.regexpReplace(`LOWER(${this.d.stripAccents(expr)})`, NAME_SEPARATOR_PATTERN, ' ')})`;
    return `NULLIF(${n}, '')`;
  }

  /** A person's name normalised (normalizeText) once the display additions are dropped (NAME_ADDITIONS_PATTERN). */
  normalizeName(expr: string): string {
    return this.normalizeText(this.d.regexpReplace(expr, NAME_ADDITIONS_PATTERN, ' '));
  }

  /**
   * The profile key of offsite rows without a profile URL (alias `e`): source, normalised name and normalised headline.
   * The headline keeps namesakes apart (two John Smiths' rows are one profile only when their headlines agree too);
   * a person whose headline changed between scrapes is split, the smaller harm.
   */
  nameProfileKey(e: string): string {
    const headline = `COALESCE(${this.d.concat(`':'`, this.normalizeText(`${e}.headline`))}, '')`;
    return this.d.concat(`${e}.source`, `':name:'`, `COALESCE(${this.normalizeName(`${e}.name`)}, '')`, headline);
  }

  md5(expr: string): string {
    return this.d.md5Hex(expr);
  }

  /**
   * md5 of the deployment's secret (identity.hash_key) followed by a personal value: a hash nobody can reverse by
   * hashing the addresses they know. With the default empty key it is the value's plain md5 (and stitch warns).
   */
  keyedMd5(expr: string): string {
    return this.md5(this.d.concat(this.hashKey, expr));
  }

  /**
   * identity_links' key for a token (`identifier_type:identifier`): a keyed hash, so the key does not show the
   * identifier (an email, a profile URL) that the LookML guards with an access grant.
   */
  linkId(token: string): string {
    return this.keyedMd5(token);
  }

  /**
   * The person id of a component named by its smallest user id: `u:` + its keyed hash. Many sites send the email
   * as the user id, and others a CRM or account id: person_id, which the LookML does not guard, shows neither.
   */
  userPersonId(userId: string): string {
    return this.d.concat(`'u:'`, this.keyedMd5(userId));
  }

  /**
   * The person id of a component named by an email (`e:`) or a CRM id (`c:`), or of an anonymous person named by its
   * smallest anonymous id (`a:`, a cookie id is personal data too): a keyed hash, for the same reason.
   */
  hashedPersonId(prefix: 'e' | 'c' | 'a', value: string): string {
    return this.d.concat(this.lit(`${prefix}:`), this.keyedMd5(value));
  }

  /** The person id of an offsite profile nobody identified: hashed like an email's, for the same reason. */
  profilePersonId(profileKey: string): string {
    return this.d.concat(`'p:'`, this.keyedMd5(profileKey));
  }
}
