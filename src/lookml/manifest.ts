/**
 * manifest.lkml: project name, the constants every other file uses instead of literals, and the extension.
 */
import type { Config } from '../config/schema';
import { EXTENSION_CORE_API_METHODS, EXTENSION_ID_SUFFIX, PROJECT_NAME } from '../contract/looker';
import { named, type Node } from './document';

/** The raw data's place when the config does not say (warehouse duckdb): edit the constants in Looker. */
export const PLACEHOLDER_RAW_PROJECT = 'your-gcp-project';
export const PLACEHOLDER_RAW_DATASET = 'segment';

/** The constant holding identity.hash_key: the LookML's hashes (email_hash, user_id_hash; pdt: person ids) use it. */
export const HASH_KEY_CONSTANT = 'HASH_KEY';
/** The hash key as a SQL string literal in the generated LookML (Looker substitutes the constant's value). */
export const HASH_KEY_SQL = `'@{${HASH_KEY_CONSTANT}}'`;

const constant = (name: string, value: string) => named(name, { value, export: 'override_optional' });

export function manifestDocument(config: Config): Node {
  return {
    project_name: PROJECT_NAME,
    constant: [
      // The Looker connection to the BigQuery project holding the data.
      constant('CONNECTION', config.lookml.connection),
      // Where the raw event tables are (read by the pdt materialization).
      constant('RAW_PROJECT', config.project ?? PLACEHOLDER_RAW_PROJECT),
      constant('RAW_DATASET', config.dataset ?? PLACEHOLDER_RAW_DATASET),
      // The stitched tables built by `journey-stitch stitch` (tables materialization).
      constant('OUTPUT_DATASET', config.output.dataset),
      // Where the pdt pipeline writes the rows staging rejects (journey_stitch_rejected_rows).
      constant('SCRATCH', config.lookml.scratch_schema),
      // The secret keying every hash of personal data (identity.hash_key; empty: plain MD5s, reversible). Set it.
      constant(HASH_KEY_CONSTANT, config.identity.hash_key),
    ],
    application: [
      named(EXTENSION_ID_SUFFIX, {
        label: 'Journey Stitch',
        file: 'bundle.js',
        entitlements: {
          core_api_methods: [...EXTENSION_CORE_API_METHODS],
          navigation: true,
          new_window: true,
          use_embeds: false,
          local_storage: false,
        },
      }),
    ],
  };
}
