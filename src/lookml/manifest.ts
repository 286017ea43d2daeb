/**
 * manifest.lkml: project name, the constants every other file uses instead of literals, and the extension.
 */
import type { Config } from '../config/schema';
import { EXTENSION_CORE_API_METHODS, EXTENSION_ID_SUFFIX, PROJECT_NAME } from '../contract/looker';
import { named, type Node } from './document';

/** The raw data's place when the config does not say (warehouse duckdb): edit the constants in Looker. */
export const PLACEHOLDER_RAW_PROJECT = 'your-gcp-project';
export const PLACEHOLDER_RAW_DATASET = 'segment';

const constant = (name: string, value: string, _why: string) => named(name, { value, export: 'override_optional' });

export function manifestDocument(config: Config): Node {
  return {
    project_name: PROJECT_NAME,
    constant: [
      constant('CONNECTION', config.lookml.connection, 'Looker connection to the BigQuery project holding the data.'),
      constant('RAW_PROJECT', config.project ?? PLACEHOLDER_RAW_PROJECT, 'Google Cloud project of the raw event tables.'),
      constant('RAW_DATASET', config.dataset ?? PLACEHOLDER_RAW_DATASET, 'Dataset of the raw event tables.'),
      constant('OUTPUT_DATASET', config.output.dataset, 'Dataset of the stitched tables (materialization: tables).'),
      constant('SCRATCH', config.lookml.scratch_schema, "Dataset for the stitching pipeline's intermediate tables."),
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
          local_storage: true,
        },
      }),
    ],
  };
}
