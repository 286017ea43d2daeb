/**
 * What the Journeys view is focused on, a node or a link of the Sankey, and the Looker filters that select the same
 * journeys on the server: so the summary, the persons list and "Explore in Looker" count exactly what the chart
 * draws. Pure.
 *
 * A node of column c is its column's field (pathColumnFields) equal to its label; the column's Other is none of the
 * labels the column keeps and not empty (`-Home,-Pricing,-NULL`); a Drop-off in column c is column c empty after a
 * step in column c-1. A link is both of its nodes (different columns, so Looker ANDs them).
 */
import { escapeStringLiteral } from '../looker/filterExpressions';
import { pathColumnFields } from '../looker/queries';
import { DROP_OFF_LABEL, OTHER_LABEL, linkFocusId, nodeId, parseLinkFocus, parseNodeId, type NodeKind } from '../sankey/transform';
import type { JourneyViewState } from './viewState';

/** The conversion column's label for a conversion event that is no journey step (not in journeys.track_events). */
export const UNLABELLED_CONVERSION = 'Conversion';

export interface NodeRef {
  step: number;
  kind: NodeKind;
  label: string;
}

export type Selection = { kind: 'node'; node: NodeRef; id: string } | { kind: 'link'; source: NodeRef; target: NodeRef; id: string };

export { linkFocusId };

/** The node or link a focus value names; null for none or a malformed (hand-edited) one. */
export function parseSelection(focus: string | null): Selection | null {
  if (!focus) return null;
  const link = parseLinkFocus(focus);
  if (link) {
    const [source, target] = [parseNodeId(link[0]), parseNodeId(link[1])];
    return source && target && target.step === source.step + 1 ? { kind: 'link', source, target, id: focus } : null;
  }
  if (focus.startsWith('link:')) return null;
  const node = parseNodeId(focus);
  return node ? { kind: 'node', node, id: focus } : null;
}

/** The filter expression of one column for a node of it; `kept`: the labels the column draws as their own node. */
function nodeExpression(s: Pick<JourneyViewState, 'anchor' | 'steps'>, node: NodeRef, kept: readonly string[]): string {
  const conversionColumn = s.anchor === 'conversion' && node.step === s.steps + 1;
  const literal = (label: string) => (conversionColumn && label === UNLABELLED_CONVERSION ? 'NULL' : escapeStringLiteral(label));
  if (node.kind === 'step') return literal(node.label);
  // Other: none of the kept labels, and a step (not empty). The unlabelled conversion is empty: -NULL covers it.
  const labels = kept.filter((l) => !(conversionColumn && l === UNLABELLED_CONVERSION));
  return [...labels.map((l) => `-${literal(l)}`), '-NULL'].join(',');
}

/** Looker filters selecting the journeys through a node (null: a column the state does not draw). */
export function nodeFilters(
  s: Pick<JourneyViewState, 'measure' | 'anchor' | 'steps'>,
  node: NodeRef,
  keptLabels: (column: number) => readonly string[],
): Record<string, string> | null {
  const fields = pathColumnFields(s);
  const field = fields[node.step - 1];
  if (!field) return null;
  if (node.kind === 'dropoff') {
    const before = fields[node.step - 2];
    return before ? { [field]: 'NULL', [before]: '-NULL' } : null;
  }
  return { [field]: nodeExpression(s, node, keptLabels(node.step)) };
}

/** Looker filters selecting the journeys through the selected node or link. */
export function selectionFilters(
  s: Pick<JourneyViewState, 'measure' | 'anchor' | 'steps'>,
  selection: Selection,
  keptLabels: (column: number) => readonly string[],
): Record<string, string> | null {
  if (selection.kind === 'node') return nodeFilters(s, selection.node, keptLabels);
  const source = nodeFilters(s, selection.source, keptLabels);
  const target = nodeFilters(s, selection.target, keptLabels);
  // A drop-off target asks its previous column for "a step": the source node says which, so the source wins.
  return source && target ? { ...target, ...source } : null;
}

/** The labels each column draws as their own node (not folded into Other), from the unfocused diagram's nodes. */
export function keptLabelsOf(nodes: ReadonlyArray<{ step: number; kind: NodeKind; label: string }>) {
  return (column: number) => nodes.filter((n) => n.step === column && n.kind === 'step').map((n) => n.label);
}

/** A node as people read it: "Pricing", "Other", "Drop-off". */
export function nodeName(node: NodeRef): string {
  return node.kind === 'dropoff' ? DROP_OFF_LABEL : node.kind === 'other' ? OTHER_LABEL : node.label;
}

/** The node id of a NodeRef (the chart's). */
export const refId = (n: NodeRef) => nodeId(n.step, n.kind, n.label);
