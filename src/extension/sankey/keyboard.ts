/**
 * Keyboard moves between Sankey nodes. The diagram is one tab stop (roving tabindex): the node that holds it is the
 * last one moved to, else the focused node, else the first; arrow keys move it, up and down within a column, left
 * and right across columns. Pure: places in, node id out, so the chart only moves DOM focus.
 */

/** Where a node is drawn: its column and its vertical centre. */
export interface NodePlace {
  id: string;
  step: number;
  y: number;
}

export type NodeMove = 'up' | 'down' | 'left' | 'right' | 'top' | 'bottom';

const MOVES: Readonly<Record<string, NodeMove>> = {
  ArrowUp: 'up',
  ArrowDown: 'down',
  ArrowLeft: 'left',
  ArrowRight: 'right',
  Home: 'top',
  End: 'bottom',
};

/** The move a key asks for, or null for a key the diagram leaves alone (Tab must still leave it). */
export function moveOfKey(key: string): NodeMove | null {
  return MOVES[key] ?? null;
}

const byHeight = (a: NodePlace, b: NodePlace) => a.y - b.y;

/** The node of `column` closest in height to `y`; the upper one on a tie. */
function nearest(column: readonly NodePlace[], y: number): NodePlace | undefined {
  return [...column].sort(byHeight).reduce<NodePlace | undefined>((best, p) => (!best || Math.abs(p.y - y) < Math.abs(best.y - y) ? p : best), undefined);
}

/**
 * The node a move from `current` lands on: the next node up or down its column, the top or bottom one, or the node
 * of the previous or next column nearest in height (so Left then Right comes back). At an edge it stays put rather
 * than wrapping, which would jump across the diagram.
 */
export function moveFocus(places: readonly NodePlace[], current: string, move: NodeMove): string {
  const here = places.find((p) => p.id === current);
  if (!here) return places[0]?.id ?? current;
  if (move === 'left' || move === 'right') {
    const step = here.step + (move === 'left' ? -1 : 1);
    return nearest(places.filter((p) => p.step === step), here.y)?.id ?? current;
  }
  const column = places.filter((p) => p.step === here.step).sort(byHeight);
  const i = column.findIndex((p) => p.id === current);
  const target = { up: column[i - 1], down: column[i + 1], top: column[0], bottom: column[column.length - 1] }[move];
  return target?.id ?? current;
}

/** The node holding the diagram's tab stop: the last one moved to, else the focused node, else the first. */
export function tabStopNode(ids: readonly string[], lastActive: string | null, focus: string | null): string | null {
  if (lastActive !== null && ids.includes(lastActive)) return lastActive;
  if (focus !== null && ids.includes(focus)) return focus;
  return ids[0] ?? null;
}
