/**
 * Query rows → Sankey nodes and links. Pure: no React, no d3, no Looker; the chart only lays out what this returns.
 *
 * Column i holds the label of step i. The top K labels of a column (by total weight at that column) keep their
 * own node; the rest fold into that column's "Other". A journey that ends before the last column flows into a
 * "Drop-off" node in the next column, so the reader sees where people leave. Journeys with no step at all cannot
 * be drawn; they are counted in `withoutSteps`, never silently lost.
 */

export type NodeKind = 'step' | 'other' | 'dropoff';

export interface PathRow {
  /** step_1 … step_N; null (or '') after the journey ended. */
  steps: ReadonlyArray<string | null>;
  /** Persons or sessions having this exact path prefix. */
  value: number;
  /** Of them, those that converted (when asked for): each node's conversion rate. */
  conversions?: number;
}

export interface SankeyNodeDatum {
  id: string;
  /** 1-based column. */
  step: number;
  label: string;
  kind: NodeKind;
  value: number;
  /** Converted journeys through the node, when the rows carry conversions. */
  conversions?: number;
}

export interface SankeyLinkDatum {
  source: string;
  target: string;
  value: number;
}

export interface SankeyOptions {
  /** Columns to draw (≤ the number of steps in the rows). */
  steps: number;
  /** Labels kept per column; the rest fold into "Other". */
  topK: number;
  /** Keep only the journeys passing through this node id (a column's "Other" works too). */
  focus?: string | null;
  /**
   * 'start' (default): a row's steps begin at column 1 and a shorter journey flows into a Drop-off. 'end': the rows
   * are anchored at their last column (the conversion): leading empty steps are where a shorter journey had not
   * begun yet, so it starts further right and nothing drops off.
   */
  align?: 'start' | 'end';
}

export interface SankeyData {
  nodes: SankeyNodeDatum[];
  /**
   * Every node of the diagram before focus (the same nodes as `nodes` when nothing is focused; a focused diagram's
   * nodes are a subset): what colours are assigned on, so focusing a node recolours nothing.
   */
  allNodes: SankeyNodeDatum[];
  links: SankeyLinkDatum[];
  /** Weight of the journeys drawn (after focus): a focused tooltip's "of focused journeys". */
  total: number;
  /** Weight of every drawable journey, focus or not: what a tooltip's "of all" divides by. */
  allTotal: number;
  /** Weight of rows whose first step is empty: not drawable, reported beside the chart. */
  withoutSteps: number;
}

export const OTHER_LABEL = 'Other';
export const DROP_OFF_LABEL = 'Drop-off';

export function nodeId(step: number, kind: NodeKind, label: string): string {
  return `${step}|${kind}|${label}`;
}

/** The parts of a node id; null when the id is not one (e.g. a hand-edited URL). */
export function parseNodeId(id: string): { step: number; kind: NodeKind; label: string } | null {
  const m = /^(\d+)\|(step|other|dropoff)\|(.*)$/s.exec(id);
  return m ? { step: Number(m[1]), kind: m[2] as NodeKind, label: m[3] } : null;
}

const isEmpty = (s: string | null | undefined) => s === null || s === undefined || s === '';

/**
 * The steps of a row and the column index of the first: from column 1 up to the first empty step, or (aligned at
 * the end) from the last empty step to the last column (a journey has no holes).
 */
function presentSteps(row: PathRow, columns: number, align: 'start' | 'end'): { steps: string[]; offset: number } {
  const cells = Array.from({ length: columns }, (_, i) => row.steps[i]);
  if (align === 'end') {
    let first = columns;
    while (first > 0 && !isEmpty(cells[first - 1])) first -= 1;
    return { steps: cells.slice(first) as string[], offset: first };
  }
  const end = cells.findIndex(isEmpty);
  return { steps: cells.slice(0, end === -1 ? columns : end) as string[], offset: 0 };
}

interface Placed<T> {
  steps: T[];
  value: number;
  conversions?: number;
  /** Column index (0-based) of the first step. */
  offset: number;
}

/** Per column, the set of labels that keep their own node. Ties break alphabetically so output is stable. */
function topLabelsPerColumn(paths: ReadonlyArray<Placed<string>>, columns: number, topK: number) {
  const totals = Array.from({ length: columns }, () => new Map<string, number>());
  for (const p of paths) p.steps.forEach((label, i) => totals[p.offset + i].set(label, (totals[p.offset + i].get(label) ?? 0) + p.value));
  return totals.map((m) => {
    const ranked = [...m.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    return new Set(ranked.slice(0, Math.max(0, topK)).map(([label]) => label));
  });
}

interface FoldedStep {
  kind: 'step' | 'other';
  label: string;
}

export function buildSankey(rows: ReadonlyArray<PathRow>, options: SankeyOptions): SankeyData {
  const columns = Math.max(1, Math.floor(options.steps));
  const align = options.align ?? 'start';
  let withoutSteps = 0;
  const paths: Placed<string>[] = [];
  for (const row of rows) {
    const value = Number(row.value);
    if (!Number.isFinite(value) || value <= 0) continue;
    const { steps, offset } = presentSteps(row, columns, align);
    const conversions = row.conversions === undefined ? undefined : Number(row.conversions) || 0;
    if (steps.length === 0) withoutSteps += value;
    else paths.push({ steps, value, offset, conversions });
  }

  const keep = topLabelsPerColumn(paths, columns, options.topK);
  const fold = (label: string, i: number): FoldedStep =>
    keep[i].has(label) ? { kind: 'step', label } : { kind: 'other', label: OTHER_LABEL };

  const unfocused = paths.map((p) => ({ ...p, steps: p.steps.map((label, i) => fold(label, p.offset + i)) }));
  let folded = unfocused;
  const allTotal = folded.reduce((sum, p) => sum + p.value, 0);
  const focus = options.focus;
  if (focus) {
    const dropOffStep = parseNodeId(focus)?.kind === 'dropoff' ? parseNodeId(focus)!.step : null;
    folded = folded.filter((p) =>
      dropOffStep !== null
        ? p.steps.length === dropOffStep - 1
        : p.steps.some((s, i) => nodeId(p.offset + i + 1, s.kind, s.label) === focus),
    );
  }

  const drawn = draw(folded, columns);
  const allNodes = focus ? draw(unfocused, columns).nodes : drawn.nodes;
  return { nodes: drawn.nodes, allNodes, links: drawn.links, total: drawn.total, allTotal, withoutSteps };
}

/** Nodes (sorted by column, kind, then weight) and links of folded journeys, and their total weight. */
function draw(paths: ReadonlyArray<Placed<FoldedStep>>, columns: number) {
  const nodes = new Map<string, SankeyNodeDatum>();
  const links = new Map<string, SankeyLinkDatum>();
  const addNode = (step: number, kind: NodeKind, label: string, value: number, conversions?: number) => {
    const id = nodeId(step, kind, label);
    const node = nodes.get(id) ?? { id, step, label, kind, value: 0 };
    node.value += value;
    if (conversions !== undefined) node.conversions = (node.conversions ?? 0) + conversions;
    nodes.set(id, node);
    return id;
  };
  const addLink = (source: string, target: string, value: number) => {
    const key = `${source}→${target}`;
    const link = links.get(key) ?? { source, target, value: 0 };
    link.value += value;
    links.set(key, link);
  };

  let total = 0;
  for (const p of paths) {
    total += p.value;
    let previous: string | null = null;
    p.steps.forEach((s, i) => {
      const id = addNode(p.offset + i + 1, s.kind, s.label, p.value, p.conversions);
      if (previous) addLink(previous, id, p.value);
      previous = id;
    });
    if (p.offset + p.steps.length < columns && previous) {
      addLink(previous, addNode(p.steps.length + 1, 'dropoff', DROP_OFF_LABEL, p.value, p.conversions), p.value);
    }
  }

  const kindOrder: Record<NodeKind, number> = { step: 0, other: 1, dropoff: 2 };
  const sortedNodes = [...nodes.values()].sort(
    (a, b) => a.step - b.step || kindOrder[a.kind] - kindOrder[b.kind] || b.value - a.value || a.label.localeCompare(b.label),
  );
  return { nodes: sortedNodes, links: [...links.values()], total };
}

/** Share of `value` in `of`, 0 when `of` is 0. */
export function share(value: number, of: number): number {
  return of > 0 ? value / of : 0;
}
