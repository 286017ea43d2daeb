import fc from 'fast-check';
import { listPlaces, moveFocus, moveOfKey, tabStopNode, type NodePlace } from '../../src/extension/rovingFocus';

/** Two columns: A (y 10), B (y 50), C (y 90) in step 1; X (y 20), Y (y 80) in step 2; Z (y 40) in step 3. */
const PLACES: NodePlace[] = [
  { id: 'A', step: 1, y: 10 },
  { id: 'B', step: 1, y: 50 },
  { id: 'C', step: 1, y: 90 },
  { id: 'X', step: 2, y: 20 },
  { id: 'Y', step: 2, y: 80 },
  { id: 'Z', step: 3, y: 40 },
];

describe('Sankey keyboard moves', () => {
  it('maps arrows and Home/End, and leaves every other key (Tab, Enter, letters) alone', () => {
    expect(['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Home', 'End'].map(moveOfKey)).toEqual([
      'up',
      'down',
      'left',
      'right',
      'top',
      'bottom',
    ]);
    expect(['Tab', 'Enter', ' ', 'a', 'PageDown'].map(moveOfKey)).toEqual([null, null, null, null, null]);
  });

  it('up and down stay in the column, in drawn order, and stop at its ends', () => {
    expect(moveFocus(PLACES, 'A', 'down')).toBe('B');
    expect(moveFocus(PLACES, 'B', 'down')).toBe('C');
    expect(moveFocus(PLACES, 'C', 'down')).toBe('C');
    expect(moveFocus(PLACES, 'B', 'up')).toBe('A');
    expect(moveFocus(PLACES, 'A', 'up')).toBe('A');
    expect(moveFocus(PLACES, 'B', 'top')).toBe('A');
    expect(moveFocus(PLACES, 'A', 'bottom')).toBe('C');
  });

  it('left and right go to the nearest node in height of the next column, and stop at the first and last', () => {
    expect(moveFocus(PLACES, 'A', 'right')).toBe('X');
    expect(moveFocus(PLACES, 'C', 'right')).toBe('Y');
    expect(moveFocus(PLACES, 'B', 'right')).toBe('X'); // 30 from X, 30 from Y: the upper one
    expect(moveFocus(PLACES, 'Y', 'right')).toBe('Z');
    expect(moveFocus(PLACES, 'Z', 'right')).toBe('Z');
    expect(moveFocus(PLACES, 'X', 'left')).toBe('A');
    expect(moveFocus(PLACES, 'Y', 'left')).toBe('C');
    expect(moveFocus(PLACES, 'A', 'left')).toBe('A');
  });

  it('a node no longer drawn moves to the first one', () => {
    expect(moveFocus(PLACES, 'gone', 'down')).toBe('A');
    expect(moveFocus([], 'gone', 'down')).toBe('gone');
  });

  it('every move lands on a drawn node, in the same or an adjacent column', () => {
    const places = fc.array(fc.record({ step: fc.integer({ min: 1, max: 4 }), y: fc.integer({ min: 0, max: 500 }) }), {
      minLength: 1,
      maxLength: 20,
    });
    fc.assert(
      fc.property(
        places,
        fc.nat(),
        fc.constantFrom('up' as const, 'down' as const, 'left' as const, 'right' as const, 'top' as const, 'bottom' as const),
        (raw, pick, move) => {
          const ps = raw.map((p, i) => ({ ...p, id: `n${i}` }));
          const from = ps[pick % ps.length];
          const to = ps.find((p) => p.id === moveFocus(ps, from.id, move))!;
          expect(to).toBeDefined();
          expect(Math.abs(to.step - from.step)).toBeLessThanOrEqual(1);
          if (move !== 'left' && move !== 'right') expect(to.step).toBe(from.step);
        },
      ),
    );
  });

  it('the tab stop is the last node moved to, else the focused node, else the first', () => {
    const ids = ['A', 'B', 'C'];
    expect(tabStopNode(ids, 'B', 'C')).toBe('B');
    expect(tabStopNode(ids, null, 'C')).toBe('C');
    expect(tabStopNode(ids, 'gone', 'also gone')).toBe('A');
    expect(tabStopNode([], null, null)).toBeNull();
  });

  it('moves through a list (the search results) as one column: up, down, first, last, staying put at the ends', () => {
    const list = listPlaces(['p1', 'p2', 'p3']);
    expect(moveFocus(list, 'p2', 'up')).toBe('p1');
    expect(moveFocus(list, 'p2', 'down')).toBe('p3');
    expect(moveFocus(list, 'p3', 'down')).toBe('p3');
    expect(moveFocus(list, 'p1', 'up')).toBe('p1');
    expect(moveFocus(list, 'p2', 'top')).toBe('p1');
    expect(moveFocus(list, 'p1', 'bottom')).toBe('p3');
  });
});
