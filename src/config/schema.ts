/**
 * The journey-stitch config: one zod schema is the single source of truth for validation, defaults,
 * the exported JSON Schema (editor autocomplete) and the TypeScript type.
 */
import { z } from 'zod';
import { DEFAULT_STEPS } from '../contract/tables';
import { incrementalConfigSchema } from './incremental';

/** A warehouse identifier (table, column, dataset, project): validated here, quoted by the dialect. */
const IDENT_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PROJECT_RE = /^[a-z][a-z0-9-]{4,61}[a-z0-9]$|^[A-Za-z0-9_.:-]+$/;

/** A memory size with a unit, as DuckDB's memory_limit takes it: 8GB, 512MiB, 1.5 GB. */
export const MEMORY_SIZE = /^\d+(\.\d+)?\s*([KkMmGgTt]i?)?[Bb]$/;

export const identifier = (what: string) =>
  z.string().regex(IDENT_RE, { message: `${what} must be a plain identifier (letters, digits, underscores; not starting with a digit)` });

/**
 * A physical column name as the source has it ("First Name", "Connected On", profileUrl): any text the dialects can
 * quote (no control characters), and nothing LookML or Liquid would read (the PDT SQL embeds it).
 */
export const columnName = () =>
  z
    .string()
    .min(1)
    .max(300)
    // eslint-disable-next-line no-control-regex
    .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), {
      message: 'a column name cannot hold line breaks, tabs or other control characters',
    })
    .refine((name) => !/;;|\$\{|\{\{|\{%/.test(name), {
      message: "a column name cannot hold ';;', '${', '{{' or '{%' (LookML and Liquid read them)",
    });

const columnMap = (keys: readonly string[]) =>
  z.strictObject(Object.fromEntries(keys.map((k) => [k, columnName().optional()]))).default({});

/** Logical columns of each source table; the config maps them to physical names when they differ. */
export const SEGMENT_COLUMNS = {
  common: [
    'id',
    'anonymous_id',
    'user_id',
    'timestamp',
    'context_ip',
    'context_page_path',
    'context_page_title',
    'context_page_url',
    'context_page_referrer',
    'context_campaign_source',
    'context_campaign_medium',
    'context_campaign_name',
    'context_campaign_term',
    'context_campaign_content',
  ],
  tracks: ['event'],
  identifies: ['email', 'name', 'first_name', 'last_name', 'company'],
} as const;

export const SEGMENT_REQUIRED = {
  pages: ['id', 'anonymous_id', 'timestamp'],
  tracks: ['id', 'anonymous_id', 'timestamp', 'event'],
  identifies: ['id', 'anonymous_id', 'timestamp'],
} as const;

export const SNOWPLOW_COLUMNS = [
  'event_id',
  'event',
  'domain_userid',
  'network_userid',
  'user_id',
  'derived_tstamp',
  'page_urlpath',
  'page_title',
  'page_url',
  'page_referrer',
  'se_action',
  'event_name',
  'user_ipaddress',
  'mkt_source',
  'mkt_medium',
  'mkt_campaign',
  'mkt_term',
  'mkt_content',
] as const;

export const SNOWPLOW_REQUIRED = ['event_id', 'domain_userid', 'derived_tstamp'] as const;

export const OFFSITE_COLUMNS = [
  'id',
  'full_name',
  'first_name',
  'last_name',
  'email',
  'action',
  'timestamp',
  'profile_url',
  'content_url',
  // Match evidence for name-matched rows: LinkedIn's headline ("Head of Data at Acme"; PhantomBuster's occupation),
  // the company, the location.
  'headline',
  'company',
  'location',
] as const;
/** Besides these, an offsite table needs a name: full_name, or first_name and/or last_name. */
export const OFFSITE_REQUIRED = ['action', 'timestamp'] as const;
export const OFFSITE_FORMATS = ['generic', 'phantombuster', 'linkedin_connections'] as const;
export type OffsiteFormat = (typeof OFFSITE_FORMATS)[number];
export const OFFSITE_NAME_COLUMNS = ['full_name', 'first_name', 'last_name'] as const;

const allSegmentColumns = [...SEGMENT_COLUMNS.common, ...SEGMENT_COLUMNS.tracks, ...SEGMENT_COLUMNS.identifies];

const crmId = z.strictObject({
  name: identifier('crm id name').describe('Name of the identifier, e.g. hubspot_contact_id (shown in identity_links).'),
  column: columnName().describe('Column on the identifies table carrying it.'),
});

const segmentSource = z.strictObject({
  type: z.enum(['segment', 'rudderstack']),
  path: z.string().min(1).optional().describe('duckdb: folder holding pages, tracks, identifies as .ndjson, .csv or .parquet.'),
  tables: z
    .strictObject({
      pages: identifier('table name').default('pages'),
      tracks: identifier('table name').default('tracks'),
      identifies: identifier('table name').default('identifies'),
    })
    .default({ pages: 'pages', tracks: 'tracks', identifies: 'identifies' })
    .describe('Table names (bigquery) or file base names (duckdb).'),
  columns: z
    .strictObject({
      pages: columnMap(allSegmentColumns),
      tracks: columnMap(allSegmentColumns),
      identifies: columnMap(allSegmentColumns),
    })
    .default({ pages: {}, tracks: {}, identifies: {} })
    .describe('Map logical Segment column names to your physical column names, per table.'),
});

/** A Snowplow user trait: a column, or a JSON path into a column holding JSON (a context or an unstructured event). */
const snowplowTrait = z.union([
  columnName(),
  z.strictObject({
    column: columnName().describe('Column holding JSON, e.g. contexts_com_acme_user_1.'),
    path: z
      .string()
      .regex(/^\$(\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])*$/, { message: "a JSON path such as '$[0].email' or '$.user.email'" })
      .describe("JSON path of the value, e.g. '$[0].email' (the first context's email)."),
  }),
]);
export type SnowplowTrait = z.output<typeof snowplowTrait>;

const snowplowSource = z.strictObject({
  type: z.literal('snowplow'),
  user_traits: z
    .strictObject({
      email: snowplowTrait.optional().describe("Where the user's email is: a column, or { column, path } into a JSON context column."),
      name: snowplowTrait.optional().describe("Where the user's full name is: a column, or { column, path }."),
    })
    .default({})
    .describe('User traits of Snowplow events (Snowplow has no identify call): with an email or name, offsite rows can match web users.'),
  path: z.string().min(1).optional().describe('duckdb: folder holding the events table as .ndjson, .csv or .parquet.'),
  tables: z.strictObject({ events: identifier('table name').default('events') }).default({ events: 'events' }),
  columns: columnMap(SNOWPLOW_COLUMNS).describe('Map logical Snowplow atomic column names to physical names.'),
});

const offsite = z.strictObject({
  name: identifier('offsite source name').describe('Source name, e.g. linkedin; used as stitched_events.source.'),
  label: z.string().min(1).max(60).optional().describe('Display name in journey steps, e.g. LinkedIn (default: the name, capitalised).'),
  path: z.string().min(1).optional().describe('duckdb: the export file (.ndjson, .csv or .parquet).'),
  table: identifier('table name').optional().describe('bigquery: the table in the raw dataset (default: the name).'),
  format: z
    .enum(OFFSITE_FORMATS)
    .default('generic')
    .describe(
      "The export's shape: phantombuster (its LinkedIn exports: fullName, firstName, lastName, profileUrl, occupation, timestamp, ...), " +
        "linkedin_connections (LinkedIn's own Connections.csv: notes before the header, 'First Name', 'Connected On' as 05 Dec 2024, ...), " +
        'or generic. Columns are found by header either way; columns maps the others.',
    ),
  action: z
    .string()
    .min(1)
    .max(60)
    .optional()
    .describe(
      "The action of every row, for an export without an action column, e.g. liked, followed, visited profile (linkedin_connections: 'connected'). Given, the action column is not read.",
    ),
  columns: columnMap(OFFSITE_COLUMNS).describe(
    'Map logical offsite columns (full_name or first_name/last_name, email, action, timestamp, profile_url, content_url, id, headline, company, location) to yours.',
  ),
});

/** Longest timestamps.max_age_days: with the run's day and the future margin, under BigQuery's 4,000 partitions per job. */
export const MAX_TIMESTAMP_AGE_DAYS = 3990;

/** What a hash key may hold: it is pasted into SQL string literals and LookML constants, so nothing to escape. */
export const HASH_KEY_RE = /^[A-Za-z0-9_-]*$/;

/** Shortest hash key that stitch and generate accept without a warning. */
export const MIN_HASH_KEY_LENGTH = 16;

/** The warning stitch and generate print when identity.hash_key is missing or short, else undefined. */
export function hashKeyWarning(config: { identity: { hash_key: string } }): string | undefined {
  const key = config.identity.hash_key;
  if (key.length >= MIN_HASH_KEY_LENGTH) return undefined;
  const problem = key ? `is shorter than ${MIN_HASH_KEY_LENGTH} characters` : 'is not set';
  return (
    `identity.hash_key ${problem}: person ids and the hashes of emails and user ids can be reversed by hashing the ` +
    `addresses one knows; set a random secret of ${MIN_HASH_KEY_LENGTH} or more letters and digits (in Looker: the HASH_KEY constant)`
  );
}

/**
 * Measured (bench/RESULTS.md): the probabilities are calibrated at 100k, 1M and 10M events (a band predicted 84% right
 * is 84–85% right), so the threshold sets the precision. At 0.8 the pairs with an inferred event were 85.9% right at
 * 10M events (rows 91.5%); at 0.9 the rows kept are 95% right at every size.
 */
export const DEFAULT_MIN_MATCH_PROBABILITY = 0.9;
export const DEFAULT_REFERRAL_WINDOW_HOURS = 72;

export const DEFAULT_JUNK_VALUES = ['', 'null', 'undefined', 'anonymous', '0', '-1', '00000000-0000-0000-0000-000000000000', 'none', 'nan'];

export const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    warehouse: z.enum(['duckdb', 'bigquery']).describe('Where the raw data lives and the models run.'),
    project: z
      .string()
      .regex(PROJECT_RE, { message: 'not a valid Google Cloud project id' })
      .optional()
      .describe('bigquery (and sql --warehouse bigquery): project of the raw tables.'),
    dataset: identifier('dataset').optional().describe('bigquery (and sql --warehouse bigquery): dataset of the raw tables.'),
    location: z
      .string()
      .regex(/^[A-Za-z0-9-]+$/)
      .default('US')
      .describe('bigquery: dataset location.'),
    key_file: z.string().optional().describe('bigquery: service account key file (default: application default credentials).'),
    output: z
      .strictObject({
        dataset: identifier('dataset').default('journey_stitch').describe('bigquery: dataset the stitched tables are written to.'),
        create_dataset: z.boolean().default(false).describe('bigquery: create the output dataset if it is missing.'),
        database: z.string().default('.journey-stitch/journey_stitch.duckdb').describe('duckdb: the database file written by stitch.'),
        price_per_tib_usd: z.number().positive().default(6.25).describe('bigquery: on-demand price per TiB for dry-run estimates.'),
      })
      .default({
        dataset: 'journey_stitch',
        create_dataset: false,
        database: '.journey-stitch/journey_stitch.duckdb',
        price_per_tib_usd: 6.25,
      }),
    source: z.discriminatedUnion('type', [segmentSource, snowplowSource]),
    offsite: z.array(offsite).default([]),
    identity: z
      .strictObject({
        junk_values: z
          .array(z.string())
          .default(DEFAULT_JUNK_VALUES)
          .describe('Identifier values treated as missing (compared case-insensitively after trimming).'),
        junk_pattern: z.string().optional().describe('Regex: identifier values matching it are treated as missing.'),
        email_query_params: z
          .array(identifier('query parameter'))
          .default(['email'])
          .describe('URL query parameters of page views that carry an email.'),
        carried_anonymous_id_column: identifier('column name')
          .nullable()
          .default('context_campaign_term')
          .describe('Logical column carrying another anonymous id (the utm_term trick); null to disable.'),
        crm_ids: z.array(crmId).default([]).describe('Extra known identifiers on the identifies table.'),
        max_user_ids_per_email: z
          .number()
          .int()
          .min(1)
          .default(5)
          .describe('Over-merge guard: an email seen with more user ids than this is shared (info@...) and links nothing.'),
        max_iterations: z.number().int().min(1).max(1000).default(50).describe('Cap on label-propagation iterations.'),
        backstitch_days: z
          .number()
          .positive()
          .nullable()
          .default(null)
          .describe(
            'How far back anonymous history is attached to a person who identifies: an anonymous event goes to a person only when an identified event on its device is earlier, or at most this many days later. null: unlimited (the seed; measured best on the sample, bench/FINDINGS.md).',
          ),
        name_matching: z
          .union([
            z.boolean(),
            z.strictObject({
              method: z
                .enum(['scored', 'exact'])
                .default('scored')
                .describe(
                  "scored: a match probability from the name's rarity, company and LinkedIn-referred visits; exact: the name alone, when exactly one person has it (for comparison).",
                ),
              min_probability: z
                .number()
                .min(0)
                .max(1)
                .default(DEFAULT_MIN_MATCH_PROBABILITY)
                .describe(
                  'scored: a profile is matched to its best candidate only when that probability reaches this (else it stays unmatched).',
                ),
              referral_window_hours: z
                .number()
                .positive()
                .max(24 * 90)
                .default(DEFAULT_REFERRAL_WINDOW_HOURS)
                .describe('scored: a LinkedIn-referred web visit by the candidate within this many hours of the interaction is evidence.'),
            }),
          ])
          .default(true)
          .describe(
            'Match offsite rows to known persons by name (flagged inferred): true (scored, defaults), false (off), or the settings.',
          ),
        hash_key: z
          .string()
          .regex(HASH_KEY_RE, { message: "letters, digits, '_' and '-' only (it is written into SQL and LookML)" })
          .max(200)
          .default('')
          .describe(
            'Secret prefixed to every hashed email, user id, CRM id and profile URL (person ids, identity_links keys, rejected rows; in Looker the HASH_KEY constant): without one, anyone can reverse a hash by hashing the addresses they know. Empty (the default) hashes without a key, and stitch and generate warn.',
          ),
      })
      .default({
        junk_values: DEFAULT_JUNK_VALUES,
        email_query_params: ['email'],
        carried_anonymous_id_column: 'context_campaign_term',
        crm_ids: [],
        max_user_ids_per_email: 5,
        max_iterations: 50,
        backstitch_days: null,
        name_matching: true,
        hash_key: '',
      }),
    sessions: z
      .strictObject({
        inactivity_minutes: z
          .number()
          .int()
          .min(1)
          .max(24 * 60)
          .default(30),
      })
      .default({ inactivity_minutes: 30 }),
    journeys: z
      .strictObject({
        steps: z.number().int().min(2).max(50).default(DEFAULT_STEPS).describe('Number of step_N columns.'),
        track_events: z.array(z.string().min(1)).default(['Meeting Booked']).describe('Track events that become journey steps.'),
        conversion_events: z.array(z.string().min(1)).default(['Meeting Booked']).describe('Track events that count as conversions.'),
      })
      .default({ steps: DEFAULT_STEPS, track_events: ['Meeting Booked'], conversion_events: ['Meeting Booked'] }),
    duckdb: z
      .strictObject({
        memory_limit: z
          .string()
          .regex(MEMORY_SIZE, {
            message: "must be a size with a unit, such as '8GB' or '512MiB'",
          })
          .optional()
          .describe(
            "duckdb: cap on DuckDB's memory, such as 8GB (default: DuckDB's, 80% of RAM). Beyond it DuckDB spills to a folder next to the database and runs slower.",
          ),
        threads: z.number().int().min(1).max(1024).optional().describe('duckdb: worker threads (default: one per CPU core).'),
      })
      .default({})
      .describe('duckdb: resources of the embedded DuckDB for stitch and evaluate. They change the speed, never the result.'),
    timestamps: z
      .strictObject({
        max_age_days: z
          .number()
          .int()
          .min(1)
          .max(MAX_TIMESTAMP_AGE_DAYS, {
            message: `at most ${MAX_TIMESTAMP_AGE_DAYS}: BigQuery writes at most 4,000 day partitions in one job, and the stitched tables are partitioned by day`,
          })
          .default(3650)
          .describe('An event dated more than this many days before the run is implausible (a device clock at 1970): rejected, counted.'),
        max_future_hours: z
          .number()
          .int()
          .min(0)
          .max(24 * 7)
          .default(24)
          .describe('An event dated more than this many hours after the run is implausible (a clock in 2099): rejected, counted.'),
      })
      .default({ max_age_days: 3650, max_future_hours: 24 })
      .describe(
        "The window of plausible event times: outside it, rows are rejected (implausible timestamp), so the day-partitioned tables stay under BigQuery's 4,000 partitions per job.",
      ),
    load: z
      .strictObject({
        max_reject_share: z
          .number()
          .min(0)
          .max(1)
          .default(0.5)
          .describe(
            'duckdb: a source file with more than this share of its lines unreadable (bad JSON, wrong field count) stops the run; one with no readable line always does.',
          ),
      })
      .default({ max_reject_share: 0.5 })
      .describe('duckdb: how reading source files treats unreadable lines.'),
    incremental: incrementalConfigSchema.describe('stitch --incremental: how far back each run re-reads for late-arriving data.'),
    lookml: z
      .strictObject({
        connection: z
          .string()
          .regex(/^[A-Za-z0-9_-]+$/)
          .default('journey_stitch')
          .describe('Looker connection name.'),
        materialization: z
          .enum(['pdt', 'tables'])
          .default('pdt')
          .describe('pdt: stitching SQL as persistent derived tables; tables: read tables built by journey-stitch stitch.'),
        scratch_schema: identifier('schema')
          .default('looker_scratch')
          .describe('pdt: the dataset the rejected rows of the latest build go to (journey_stitch_rejected_rows).'),
        refresh_sql_trigger: z
          .string()
          .optional()
          .describe("The datagroup's trigger query (default: pdt, the raw tables' last-modified time; tables, stitched_events')."),
        connection_key: z
          .string()
          .regex(/^[A-Za-z0-9]{1,16}$/, {
            message: "letters and digits only: the connection's registration key, shown in Looker's PDT details",
          })
          .optional()
          .describe(
            "pdt: the Looker connection's registration key (Admin > Persistent Derived Tables, a PDT's details): SQL Runner files then name the PDTs' stable views in full.",
          ),
        sql_runner_personal_data: z
          .boolean()
          .default(false)
          .describe(
            'SQL Runner files also select names and emails (SQL Runner ignores access grants: only for teams whose SQL Runner users may see them).',
          ),
        run_history: z
          .boolean()
          .default(false)
          .describe(
            'tables: the project reads the run log (journey_stitch_runs, written by every stitch --incremental run) and the data quality dashboard shows run history and late rows. Needs materialization: tables and stitch --incremental (without the table those tiles fail).',
          ),
      })
      .default({
        connection: 'journey_stitch',
        materialization: 'pdt',
        scratch_schema: 'looker_scratch',
        sql_runner_personal_data: false,
        run_history: false,
      }),
  })
  .superRefine((cfg, ctx) => {
    if (cfg.lookml.run_history && cfg.lookml.materialization !== 'tables') {
      ctx.addIssue({
        code: 'custom',
        path: ['lookml', 'run_history'],
        message: "needs lookml.materialization: tables (pdt builds keep no run log: System Activity's PDT Event Log lists their builds)",
      });
    }
    if (cfg.warehouse === 'bigquery') {
      for (const key of ['project', 'dataset'] as const)
        if (!cfg[key])
          ctx.addIssue({ code: 'custom', path: [key], message: `warehouse: bigquery needs ${key} (where the raw tables live)` });
      cfg.offsite.forEach((o, i) => {
        if (o.path)
          ctx.addIssue({
            code: 'custom',
            path: ['offsite', i, 'path'],
            message: 'on bigquery offsite sources are tables: use table, not path',
          });
      });
    } else {
      if (!cfg.source.path)
        ctx.addIssue({
          code: 'custom',
          path: ['source', 'path'],
          message: 'warehouse: duckdb needs source.path (the folder of source files)',
        });
      cfg.offsite.forEach((o, i) => {
        if (!o.path)
          ctx.addIssue({ code: 'custom', path: ['offsite', i, 'path'], message: 'warehouse: duckdb needs a path for each offsite source' });
      });
    }
    const names = cfg.offsite.map((o) => o.name);
    names.forEach((n, i) => {
      if (n === 'web')
        ctx.addIssue({ code: 'custom', path: ['offsite', i, 'name'], message: "'web' is reserved for the first-party source" });
      if (names.indexOf(n) !== i)
        ctx.addIssue({ code: 'custom', path: ['offsite', i, 'name'], message: `duplicate offsite source name '${n}'` });
    });
    if (cfg.identity.junk_pattern !== undefined) {
      try {
        new RegExp(cfg.identity.junk_pattern);
      } catch (e) {
        ctx.addIssue({
          code: 'custom',
          path: ['identity', 'junk_pattern'],
          message: `not a valid regular expression: ${(e as Error).message}`,
        });
      }
    }
  });

export type Config = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type OffsiteConfig = Config['offsite'][number];

/** The action every row of an offsite source gets, when the config (or its format) sets one: its column is then not read. */
export function offsiteAction(o: Pick<OffsiteConfig, 'action' | 'format'>): string | undefined {
  return o.action ?? (o.format === 'linkedin_connections' ? 'connected' : undefined);
}

/** The offsite columns a source must have: the action only when no constant action is set. */
export function offsiteRequired(o: Pick<OffsiteConfig, 'action' | 'format'>): readonly string[] {
  return offsiteAction(o) === undefined ? OFFSITE_REQUIRED : OFFSITE_REQUIRED.filter((c) => c !== 'action');
}

/** Dates of an offsite format that are not ISO timestamps, as a strftime format (LinkedIn's 'Connected On': 05 Dec 2024). */
export function offsiteDateFormat(o: Pick<OffsiteConfig, 'format'>): string | undefined {
  return o.format === 'linkedin_connections' ? '%d %b %Y' : undefined;
}

export interface NameMatching {
  method: 'scored' | 'exact';
  min_probability: number;
  referral_window_hours: number;
}

/** The name-matching settings, or undefined when name matching is off (`name_matching: false`). */
export function nameMatching(config: Config): NameMatching | undefined {
  const setting = config.identity.name_matching;
  if (setting === false) return undefined;
  const defaults: NameMatching = {
    method: 'scored',
    min_probability: DEFAULT_MIN_MATCH_PROBABILITY,
    referral_window_hours: DEFAULT_REFERRAL_WINDOW_HOURS,
  };
  return setting === true ? defaults : { ...defaults, ...setting };
}
export type SourceConfig = Config['source'];
