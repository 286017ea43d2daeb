/**
 * Roving tabindex, for the Sankey's nodes and the person search's results: a group of items is one tab stop, held
 * by the item last moved to, else the current one (the focused node, the person shown), else the first; arrow keys
 * move it, up and down within a column, left and right across columns (a list is one column), Home and End to the
 * column's ends; Enter or Space does what a click does. The moves are pure (places in, id out); useRovingFocus keeps
 * the state and moves DOM focus.
 */
import { useRef, useState } from 'react';

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

/** The move a key asks for, or null for a key the group leaves alone (Tab must still leave it). */
export function moveOfKey(key: string): NodeMove | null {
  return MOVES[key] ?? null;
}

const byHeight = (a: NodePlace, b: NodePlace) => a.y - b.y;

/** The node of `column` closest in height to `y`; the upper one on a tie. */
function nearest(column: readonly NodePlace[], y: number): NodePlace | undefined {
  return [...column]
    .sort(byHeight)
    .reduce<NodePlace | undefined>((best, p) => (!best || Math.abs(p.y - y) < Math.abs(best.y - y) ? p : best), undefined);
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
    return (
      nearest(
        places.filter((p) => p.step === step),
        here.y,
      )?.id ?? current
    );
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

/** Up, down, Home and End: the moves of a list (one column). */
export const LIST_MOVES: readonly NodeMove[] = ['up', 'down', 'top', 'bottom'];

/** A list's items as places: one column, in order. */
export const listPlaces = (ids: readonly string[]): NodePlace[] => ids.map((id, i) => ({ id, step: 0, y: i }));

/** The roving tab stop of a group whose current item is `current`; elements are registered by id. */
export function useRovingFocus<E extends Element & { focus(): void }>(current: string | null) {
  const [lastActive, setLastActive] = useState<string | null>(null);
  const elements = useRef(new Map<string, E>());
  return {
    /** The item of `ids` that holds the tab stop. */
    tabStop: (ids: readonly string[]) => tabStopNode(ids, lastActive, current),
    /** The ref callback keeping item `id`'s element. */
    register: (id: string) => (el: E | null) => {
      if (el) elements.current.set(id, el);
      else elements.current.delete(id);
    },
    /** Item `id` got focus: it holds the tab stop from now on. */
    focused: (id: string) => setLastActive(id),
    /** A key on item `id`: Enter or Space activates it, one of `moves` moves focus among `places`. */
    onKey(e: React.KeyboardEvent, id: string, places: readonly NodePlace[], activate: (id: string) => void, moves?: readonly NodeMove[]) {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        activate(id);
        return;
      }
      const move = moveOfKey(e.key);
      if (!move || (moves && !moves.includes(move))) return;
      e.preventDefault(); // arrows and Home/End would scroll the page
      const next = moveFocus(places, id, move);
      setLastActive(next);
      elements.current.get(next)?.focus();
    },
  };
}
