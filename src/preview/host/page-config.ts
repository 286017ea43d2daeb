import type { Entitlements } from '../project/manifest';

/** What the server tells the host page (embedded as JSON in the page). */
export interface PageConfig {
  extensionId: string;
  label: string;
  lookerVersion: string;
  entitlements: Entitlements;
  /** iframe sandbox attributes, from the entitlements as Looker derives them. */
  sandbox: string[];
  /** Changes when the bundle changes, so the iframe never runs a stale cached copy. */
  bundleVersion: string;
}
