/**
 * manifest.lkml: project name, the constants every other file uses instead of literals, and the extension.
 */
import type { Config } from '../config/schema';
import { EXTENSION_CORE_API_METHODS, EXTENSION_ID_SUFFIX, PROJECT_NAME } from '../contract/looker';
import { named, type Node } from './document';
import { parseLookml } from './parser';
import { indexManifest } from './projectIndex';

/** The raw data's place when the config does not say (warehouse duckdb): edit the constants in Looker. */
export const PLACEHOLDER_RAW_PROJECT = 'your-gcp-project';
export const PLACEHOLDER_RAW_DATASET = 'segment';

/** The constant holding identity.hash_key: the LookML's hashes (email_hash, user_id_hash; pdt: person ids) use it. */
export const HASH_KEY_CONSTANT = 'HASH_KEY';
/** The hash key as a SQL string literal in the generated LookML (Looker substitutes the constant's value). */
export const HASH_KEY_SQL = `'@{${HASH_KEY_CONSTANT}}'`;

export interface ManifestConstant {
  name: string;
  value: string;
  /**
   * A project importing this one (remote_dependency) must set it with override_constant (`export:
   * override_required`): a connection, a place or a secret that is the deployment's own. The others may be set.
   */
  required: boolean;
}

/** The constants every other file uses instead of literals, with the config's values. */
export function manifestConstants(config: Config): ManifestConstant[] {
  const pdt = config.lookml.materialization === 'pdt';
  return [
    // The Looker connection to the BigQuery project holding the data.
    { name: 'CONNECTION', value: config.lookml.connection, required: true },
    // Where the raw event tables are (read by the pdt materialization).
    { name: 'RAW_PROJECT', value: config.project ?? PLACEHOLDER_RAW_PROJECT, required: pdt },
    { name: 'RAW_DATASET', value: config.dataset ?? PLACEHOLDER_RAW_DATASET, required: pdt },
    // The stitched tables built by `journey-stitch stitch` (tables materialization).
    { name: 'OUTPUT_DATASET', value: config.output.dataset, required: !pdt },
    // Where the pdt pipeline writes the rows staging rejects (journey_stitch_rejected_rows).
    { name: 'SCRATCH', value: config.lookml.scratch_schema, required: false },
    // The secret keying every hash of personal data (identity.hash_key; empty: plain MD5s, reversible).
    { name: HASH_KEY_CONSTANT, value: config.identity.hash_key, required: true },
  ];
}

/**
 * manifest.lkml for the config. `kept` are the values of an existing manifest.lkml (a customer's edits), which win
 * over the config's: generate never overwrites a constant someone set.
 */
export function manifestDocument(config: Config, kept: Readonly<Record<string, string>> = {}): Node {
  return {
    project_name: PROJECT_NAME,
    constant: manifestConstants(config).map((c) =>
      named(c.name, { value: kept[c.name] ?? c.value, export: c.required ? 'override_required' : 'override_optional' }),
    ),
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

/** The constants' values of a manifest.lkml's text (the parser names a file that does not parse). */
export function constantValues(manifestText: string): Record<string, string> {
  const { constants } = indexManifest(parseLookml(manifestText));
  return Object.fromEntries([...constants].filter(([, c]) => typeof c.value === 'string').map(([name, c]) => [name, c.value as string]));
}
