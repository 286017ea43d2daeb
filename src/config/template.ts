/** The starter journey-stitch.yaml written by `journey-stitch init`: the smallest working config, commented. */
import type { WarehouseName } from '../sql/dialect';

const DUCKDB = `# Where the raw data lives and the stitching runs: duckdb (local files) or bigquery.
warehouse: duckdb

source:
  # segment, rudderstack or snowplow
  type: segment
  # Folder holding pages, tracks and identifies as .ndjson/.jsonl, .csv or .parquet (gzip is fine).
  # Relative paths are relative to this file.
  path: ./data
  # When your column names differ from Segment's, map logical names to yours, per table:
  # columns:
  #   pages:
  #     timestamp: sent_at

# Offsite interactions (LinkedIn likes, comments, event sign-ups): one export file per source,
# with full_name, action, timestamp and optionally email, profile_url, content_url, id.
offsite:
  - name: linkedin
    label: LinkedIn
    path: ./data/linkedin.ndjson

output:
  # The DuckDB database written by \`journey-stitch stitch\`.
  database: .journey-stitch/journey_stitch.duckdb

# DuckDB's resources (default: up to 80% of RAM, one thread per core). Past the memory limit DuckDB spills to a
# folder next to the database and runs slower; neither setting changes the result.
# duckdb:
#   memory_limit: 8GB
#   threads: 4
`;

const BIGQUERY = `# Where the raw data lives and the stitching runs: duckdb (local files) or bigquery.
warehouse: bigquery
# Project and dataset of the raw Segment tables.
project: my-gcp-project
dataset: segment_raw
location: US
# Service account key; leave out to use application default credentials (gcloud auth application-default login).
# key_file: ./service-account.json

source:
  # segment, rudderstack or snowplow
  type: segment
  # Table names when they differ from pages, tracks, identifies:
  # tables:
  #   pages: pages_view

# Offsite interactions loaded into the raw dataset: one table per source,
# with full_name, action, timestamp and optionally email, profile_url, content_url, id.
offsite:
  - name: linkedin
    label: LinkedIn
    table: linkedin_interactions

output:
  # Dataset the stitched tables are written to.
  dataset: journey_stitch
  create_dataset: false
`;

const COMMON = `
identity:
  # Match offsite people to known persons by name; such matches are flagged as inferred, with a match probability
  # (how rare the name is, company or headline against work email domains, LinkedIn-referred visits).
  name_matching:
    method: scored          # or exact: one known person with the name (for comparison); false turns matching off
    min_probability: 0.9    # below it a profile stays unmatched
    referral_window_hours: 72

sessions:
  inactivity_minutes: 30

journeys:
  steps: 10
  # Track events that become journey steps, and the ones that count as conversions.
  track_events: [Meeting Booked]
  conversion_events: [Meeting Booked]

lookml:
  # Name of the Looker connection to your warehouse.
  connection: journey_stitch
`;

/** `schemaRef`: where the editor finds journey-stitch.schema.json (a path relative to the config, or a URL). */
export function starterConfig(warehouse: WarehouseName, schemaRef: string): string {
  const head = [
    `# yaml-language-server: $schema=${schemaRef}`,
    '# journey-stitch configuration. Every key is described in the JSON Schema above (hover in your editor).',
    '',
    '',
  ].join('\n');
  return head + (warehouse === 'bigquery' ? BIGQUERY : DUCKDB) + COMMON;
}
