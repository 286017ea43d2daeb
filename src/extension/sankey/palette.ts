/**
 * Okabe–Ito palette: distinguishable with the common colour-vision deficiencies. "Other" and "Drop-off" are neutral
 * greys so they never read as a page.
 *
 * Two steps in one column never share a swatch. A label keeps its swatch in every column where it can; it gets
 * another only where a heavier label of that column already holds it. Eight hues cannot tell apart up to 20 labels
 * per column (MAX_TOP_K), so past eight a column reuses the hues striped, then dotted: a cue that needs no colour.
 *
 * Swatches are assigned on the unfocused diagram and reused in a focused one (focusSwatches): focusing a node
 * reorders the weights of what is left, and assigning afresh would recolour labels the reader already knows.
 */
import type { NodeKind, SankeyNodeDatum } from './transform';

export const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];
export const OTHER_COLOR = '#8C8C8C';
export const DROP_OFF_COLOR = '#C8C8C8';

/** Fill treatments in order of preference: stripes only where a column has more steps than hues. */
export const TREATMENTS = ['solid', 'stripes', 'dots'] as const;
export type Treatment = (typeof TREATMENTS)[number];

export interface Swatch {
  color: string;
  treatment: Treatment;
}

/** Swatch i is hue i mod 8 in treatment ⌊i / 8⌋: 24 in all. */
export const SWATCH_COUNT = OKABE_ITO.length * TREATMENTS.length;

export function swatch(i: number): Swatch {
  return { color: OKABE_ITO[i % OKABE_ITO.length], treatment: TREATMENTS[Math.floor(i / OKABE_ITO.length) % TREATMENTS.length] };
}

/**
 * The swatch for a label new to a column: the first treatment with a free hue; within it a hue no label holds yet
 * (so labels stay apart across columns too), else any hue free in this column. Past 24 steps in a column (more than
 * the UI allows) swatches repeat by rank.
 */
function pickSwatch(used: ReadonlySet<number>, held: ReadonlySet<number>, rank: number): number {
  const hues = OKABE_ITO.length;
  for (let t = 0; t < TREATMENTS.length; t++) {
    const free = Array.from({ length: hues }, (_, h) => t * hues + h).filter((i) => !used.has(i));
    const fresh = free.find((i) => !held.has(i));
    if (fresh !== undefined) return fresh;
    if (free.length > 0) return free[0];
  }
  return rank % SWATCH_COUNT;
}

type NodeRef = Pick<SankeyNodeDatum, 'id' | 'step' | 'kind' | 'label'>;

/** Step nodes by column, in column order (each column as buildSankey sorts it: by weight). */
function stepColumns(nodes: readonly NodeRef[]): NodeRef[][] {
  const columns = new Map<number, NodeRef[]>();
  for (const n of nodes) if (n.kind === 'step') columns.set(n.step, [...(columns.get(n.step) ?? []), n]);
  return [...columns.keys()].sort((a, b) => a - b).map((step) => columns.get(step)!);
}

/**
 * One column's swatches into `out`: each node keeps `preferred(n)` unless a heavier node of the column took it, the
 * others pick one (pickSwatch, against `held`); `picked` hears of each pick.
 */
function fillColumn(
  column: readonly NodeRef[],
  preferred: (n: NodeRef) => number | undefined,
  held: ReadonlySet<number>,
  out: Map<string, number>,
  picked: (n: NodeRef, s: number) => void,
): void {
  const used = new Set<number>();
  const rest: NodeRef[] = [];
  for (const n of column) {
    const own = preferred(n);
    if (own !== undefined && !used.has(own)) {
      out.set(n.id, own);
      used.add(own);
    } else rest.push(n);
  }
  for (const n of rest) {
    const s = pickSwatch(used, held, used.size);
    out.set(n.id, s);
    used.add(s);
    picked(n, s);
  }
}

/**
 * Swatch index per step node id. Nodes come as buildSankey sorts them (by column, then weight), so column by
 * column the heavier label keeps its swatch when two labels hold the same one.
 */
export function assignSwatches(nodes: readonly NodeRef[]): Map<string, number> {
  const labelSwatch = new Map<string, number>();
  const held = new Set<number>();
  const out = new Map<string, number>();
  for (const column of stepColumns(nodes)) {
    fillColumn(
      column,
      (n) => labelSwatch.get(n.label),
      held,
      out,
      (n, s) => {
        if (labelSwatch.has(n.label)) return;
        labelSwatch.set(n.label, s);
        held.add(s);
      },
    );
  }
  return out;
}

/**
 * Swatch per step node id of a focused diagram: each node keeps its swatch in `unfocused` (assignSwatches of the
 * diagram before focus), so nothing is recoloured by focusing. A focused column is part of its unfocused column, so
 * the kept swatches are distinct; should a node have none there, or share one with a heavier node of its column
 * (another `unfocused` than this diagram's), that node alone takes a pick as assignSwatches makes one.
 */
export function focusSwatches(nodes: readonly NodeRef[], unfocused: ReadonlyMap<string, number>): Map<string, number> {
  const held = new Set(unfocused.values());
  const out = new Map<string, number>();
  for (const column of stepColumns(nodes))
    fillColumn(
      column,
      (n) => unfocused.get(n.id),
      held,
      out,
      (_n, s) => held.add(s),
    );
  return out;
}

/** What a node (and the links leaving it) is painted with: a colour, or the id of the swatch's SVG pattern. */
export function nodePaint(kind: NodeKind, swatchIndex: number | undefined, patternId: (i: number) => string): string {
  if (kind === 'dropoff') return DROP_OFF_COLOR;
  if (kind === 'other' || swatchIndex === undefined) return OTHER_COLOR;
  const s = swatch(swatchIndex);
  return s.treatment === 'solid' ? s.color : `url(#${patternId(swatchIndex)})`;
}
