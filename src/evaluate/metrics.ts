/**
 * Pairwise clustering metrics from contingency counts. A stitcher claims "these two events belong to the same
 * person" for every pair of events it gives the same person; the ground truth says which pairs really do.
 * Counting pairs per cell of the (predicted person × true person) table avoids enumerating O(n²) pairs:
 *   correct pairs   = Σ_cells C(n_ij, 2)
 *   predicted pairs = Σ_predicted C(a_i, 2)
 *   true pairs      = Σ_true C(b_j, 2)
 * Per category T (how an event was linked: confirmed, inferred...), the pairs counted are those with at least
 * one event of category T: C(n, 2) − C(n − n_T, 2) in each cell, predicted person and true person.
 */

/** Events of one predicted person and one true person. */
export interface Cell {
  /** The stitcher's person; null for events in no output (rejected or lost): they form no person and claim no pair. */
  predicted: string | null;
  truth: string;
  events: number;
  /** Events per category (how the stitcher linked them); categories not listed count 0. */
  byCategory: Record<string, number>;
  /** Events the stitcher attached to a known (identified) person. */
  known: number;
}

export interface PairScores {
  correctPairs: number;
  predictedPairs: number;
  truePairs: number;
  /** correct / predicted; null when the stitcher claimed no pair. */
  precision: number | null;
  /** correct / true; null when there is no true pair. */
  recall: number | null;
  f1: number | null;
}

export interface CategoryScores extends PairScores {
  events: number;
}

export interface Evaluation {
  events: number;
  /** Persons of the output (events in no output are not persons). */
  predictedPersons: number;
  truePersons: number;
  overall: PairScores;
  byCategory: Record<string, CategoryScores>;
  /** Predicted persons holding events of two or more true persons, and the events in them. */
  overMerges: number;
  overMergedEvents: number;
  /** True persons whose events are split over two or more predicted persons (events in no output aside). */
  underMerges: number;
  /** Share of events the stitcher attached to a known person. */
  knownShare: number;
}

const pairs = (n: number) => (n * (n - 1)) / 2;
/** Pairs among n events with at least one of the k events of a category. */
const pairsTouching = (n: number, k: number) => pairs(n) - pairs(n - k);
const ratio = (a: number, b: number) => (b === 0 ? null : a / b);

export function scores(correctPairs: number, predictedPairs: number, truePairs: number): PairScores {
  const precision = ratio(correctPairs, predictedPairs);
  const recall = ratio(correctPairs, truePairs);
  const f1 = precision === null || recall === null || precision + recall === 0 ? null : (2 * precision * recall) / (precision + recall);
  return { correctPairs, predictedPairs, truePairs, precision, recall, f1 };
}

interface Totals {
  events: number;
  byCategory: Map<string, number>;
  /** Distinct counterparts (true persons of a predicted person, or the reverse). */
  counterparts: number;
}

function addTo(map: Map<string, Totals>, key: string, cell: Cell, isCounterpart = true): void {
  let t = map.get(key);
  if (!t) map.set(key, (t = { events: 0, byCategory: new Map(), counterparts: 0 }));
  t.events += cell.events;
  if (isCounterpart) t.counterparts++;
  for (const [c, n] of Object.entries(cell.byCategory)) t.byCategory.set(c, (t.byCategory.get(c) ?? 0) + n);
}

/** Metrics of a clustering from its contingency cells (each (predicted, truth) pair at most once). */
export function evaluateCells(cells: Iterable<Cell>): Evaluation {
  const predicted = new Map<string, Totals>();
  const truth = new Map<string, Totals>();
  const categories = new Map<string, { events: number; correct: number }>();
  let events = 0;
  let correct = 0;
  let known = 0;
  for (const cell of cells) {
    // A missing event still counts in the true pairs (it is missed), never in the predicted or correct ones.
    const person = cell.predicted;
    const inOutput = person !== null;
    if (inOutput) addTo(predicted, person, cell);
    addTo(truth, cell.truth, cell, inOutput);
    events += cell.events;
    known += cell.known;
    if (inOutput) correct += pairs(cell.events);
    for (const [c, n] of Object.entries(cell.byCategory)) {
      const cat = categories.get(c) ?? { events: 0, correct: 0 };
      cat.events += n;
      if (inOutput) cat.correct += pairsTouching(cell.events, n);
      categories.set(c, cat);
    }
  }
  const sumPairs = (clusters: Map<string, Totals>, category?: string) => {
    let s = 0;
    for (const t of clusters.values())
      s += category === undefined ? pairs(t.events) : pairsTouching(t.events, t.byCategory.get(category) ?? 0);
    return s;
  };
  let overMerges = 0;
  let overMergedEvents = 0;
  for (const t of predicted.values()) {
    if (t.counterparts > 1) {
      overMerges++;
      overMergedEvents += t.events;
    }
  }
  let underMerges = 0;
  for (const t of truth.values()) if (t.counterparts > 1) underMerges++;

  const byCategory: Record<string, CategoryScores> = {};
  for (const [c, { events: n, correct: k }] of [...categories].sort(([a], [b]) => a.localeCompare(b))) {
    byCategory[c] = { events: n, ...scores(k, sumPairs(predicted, c), sumPairs(truth, c)) };
  }
  return {
    events,
    predictedPersons: predicted.size,
    truePersons: truth.size,
    overall: scores(correct, sumPairs(predicted), sumPairs(truth)),
    byCategory,
    overMerges,
    overMergedEvents,
    underMerges,
    knownShare: events === 0 ? 0 : known / events,
  };
}
