/**
 * Okabe–Ito palette: distinguishable with the common colour-vision deficiencies. A label keeps its colour in every
 * column; "Other" and "Drop-off" are neutral greys so they never read as a page.
 */
import type { NodeKind } from './transform';

export const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];
export const OTHER_COLOR = '#8C8C8C';
export const DROP_OFF_COLOR = '#C8C8C8';

/** Colours assigned by first appearance of a label (nodes arrive sorted by step and weight). */
export function colorScale(labels: readonly string[]) {
  const byLabel = new Map<string, string>();
  for (const l of labels) if (!byLabel.has(l)) byLabel.set(l, OKABE_ITO[byLabel.size % OKABE_ITO.length]);
  return (kind: NodeKind, label: string) =>
    kind === 'other' ? OTHER_COLOR : kind === 'dropoff' ? DROP_OFF_COLOR : (byLabel.get(label) ?? OTHER_COLOR);
}
