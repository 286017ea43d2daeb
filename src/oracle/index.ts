/**
 * The test oracle: docs/semantics.md as a pure TypeScript function, written for clarity rather than speed.
 * The SQL models must produce exactly these rows (compared by the property tests in test/models).
 *
 * Input rows use logical column names (Segment: id, anonymous_id, user_id, timestamp, context_*, event, email,
 * name, first_name, last_name, CRM id columns; offsite: id, full_name, email, action, timestamp, profile_url,
 * content_url). An offsite source whose rows never have an `id` key has no id column (ids are hashed).
 */
import type { Config } from '../config/schema';
import { resolveIdentities } from './identity';
import { stage, type OracleInput, type RejectedRow } from './stage';
import { buildTables, type OutputRows } from './tables';

export type OracleOutput = OutputRows & {
  rejected: RejectedRow[];
  /** Emails the over-merge guard dropped (seen with too many user ids). */
  shared_emails: string[];
};

export function stitchOracle(input: OracleInput, config: Config): OracleOutput {
  const { events, rejected } = stage(input, config);
  const resolution = resolveIdentities(events, config);
  return { ...buildTables(resolution, config), rejected, shared_emails: [...resolution.sharedEmails].sort() };
}

export type { OracleInput, RejectedRow, RejectReason } from './stage';
export type { Cell, Row, OutputRows } from './tables';
export type { RawRow, RawValue } from './values';
