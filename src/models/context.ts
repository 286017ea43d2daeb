/**
 * What every model needs: the dialect, the config, table references, and the few SQL expression builders
 * (identifier cleaning, name normalisation) that several models share.
 */
import type { Config } from '../config/schema';
import type { Dialect } from '../sql/dialect';
import type { SqlStep } from '../sql/pipeline';
import type { BuildOptions, MatchModel, RawSources } from './types';

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

export class ModelContext {
  readonly d: Dialect;
  readonly config: Config;
  readonly raw: RawSources;
  private readonly outRef: (table: string) => string;
  readonly nameCandidates?: string;
  readonly matchModel?: MatchModel;
  readonly personTails: boolean;
  readonly scratch: string[] = [];
  private readonly temporaryScratch: (table: string) => boolean;
  private readonly temporaryOutputs: boolean;
  /** SQL string expression of the hash key: identity.hash_key, or in Looker the HASH_KEY constant. */
  private readonly hashKey: string;

  constructor(opts: BuildOptions) {
    this.d = opts.dialect;
    this.config = opts.config;
    this.raw = opts.raw;
    this.outRef = opts.out;
    this.nameCandidates = opts.nameCandidates;
    this.matchModel = opts.matchModel;
    this.personTails = opts.personTails ?? false;
    const temporary = opts.temporaryScratch ?? false;
    this.temporaryScratch = typeof temporary === 'function' ? temporary : () => temporary;
    this.temporaryOutputs = temporary === true && (opts.outputsAreScratch ?? false);
    this.hashKey = opts.hashKey ?? this.lit(opts.config.identity.hash_key);
  }

  /** Reference to an output or scratch table. */
  t(table: string): string {
    return this.outRef(table);
  }

  /** A CREATE OR REPLACE TABLE step for a scratch table (tracked so runners can drop them). */
  scratchTable(name: string, select: string): SqlStep {
    if (!this.scratch.includes(name)) this.scratch.push(name);
    return { kind: 'sql', name, creates: name, sql: this.d.createTableAs(this.t(name), select, { temporary: this.temporaryScratch(name) }) };
  }

  outputTable(name: string, select: string): SqlStep {
    const options = { ...partitioning(name), clusterBy: ['person_id'], temporary: this.temporaryOutputs };
    return { kind: 'sql', name, creates: name, sql: this.d.createTableAs(this.t(name), select, options) };
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
  normalizeName(expr: string): string {
    const n = `TRIM(${this.d.regexpReplace(`LOWER(${this.d.stripAccents(expr)})`, NAME_SEPARATOR_PATTERN, ' ')})`;
    return `NULLIF(${n}, '')`;
  }

  /**
   * The profile key of offsite rows without a profile URL (alias `e`): source, normalised name and normalised headline.
   * The headline keeps namesakes apart (two John Smiths' rows are one profile only when their headlines agree too);
   * a person whose headline changed between scrapes is split, the smaller harm.
   */
  nameProfileKey(e: string): string {
    const headline = `COALESCE(${this.d.concat(`':'`, this.normalizeName(`${e}.headline`))}, '')`;
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
