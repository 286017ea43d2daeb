/** Names of journey-stitch's own files, without loading the config machinery (the CLI's --help reads them). */
export const DEFAULT_CONFIG_FILE = 'journey-stitch.yaml';
export const SCHEMA_FILE = 'journey-stitch.schema.json';
