/**
 * How well offsite rows are tied to people, row by row: the share of rows attached to a visitor that are attached to
 * the right one, and for name matches, precision and recall by band of the stitcher's match probability (a calibration
 * table: a band of matches said to be 90–95% likely should be right 90–95% of the time).
 *
 * Which person an output person "is": the true person of most of its web events (its anchor; ties to the smaller id).
 * An offsite row is right when its true person is the anchor of the person it was given. A row could have been
 * name-matched when the stitcher did not tie it by email (not confirmed) and its true person identified on the site
 * (has a Segment identify in the ground truth): the recall denominator, the same for every stitcher. Snowplow data
 * keeps identifies among its other events, so there recall is not measured.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { OFFSITE_SOURCE } from '../sample/shapes';
import { dialects } from '../sql/dialects';

const duck = dialects.duckdb;

/** Match-probability bands: [from, to), the last one closed. Below 0.5 is its own band (a threshold set that low). */
export const PROBABILITY_BANDS: readonly (readonly [number, number])[] = [
  [0, 0.5],
  [0.5, 0.8],
  [0.8, 0.9],
  [0.9, 0.95],
  [0.95, 0.99],
  [0.99, 1],
];

/** Whether the stitcher's inferred events carry a probability. */
export type ProbabilityColumn = 'present' | 'missing' | 'not applicable';

/** Offsite rows of one kind, counted (the SQL's answer; `band` is an index into PROBABILITY_BANDS or null). */
export interface OffsiteGroup {
  /** The row's category in the output (confirmed, inferred, unmatched, 'not in output'…). */
  category: string;
  band: number | null;
  /** Its output person has web events (is a visitor's person). */
  toVisitor: boolean;
  /** Its true person is the anchor of its output person. */
  correct: boolean;
  /** It could have been name-matched (see the file comment). */
  matchable: boolean;
  /** Its true person has web events. */
  trueVisitor: boolean;
  rows: number;
  /** Sum of the probabilities of the group's rows (0 without). */
  probabilitySum: number;
}

export interface BandScores {
  /** [from, to); the last band includes 1. null: inferred rows without a probability. */
  band: readonly [number, number] | null;
  events: number;
  correct: number;
  /** Mean predicted probability of the band's rows; null without probabilities or rows. */
  meanProbability: number | null;
  /** Observed precision: correct / events (null without rows). */
  precision: number | null;
  /** Rows at this band's lower bound or above (what a minimum-probability filter at `from` keeps). */
  atLeast: { events: number; correct: number; precision: number | null; recall: number | null };
}

export interface MatchingScores {
  offsiteRows: number;
  /** Offsite rows whose true person visited the site (has web events). */
  visitorRows: number;
  /** Offsite rows given a person with web events, and those given the right one. */
  attachedToVisitor: number;
  correctlyAttached: number;
  /** correctlyAttached / attachedToVisitor. */
  attachedPrecision: number | null;
  /** correctlyAttached / visitorRows. */
  attachedRecall: number | null;
  inferred: { events: number; correct: number; precision: number | null; recall: number | null };
  /** Rows that could have been name-matched (the recall denominator; 0 on Snowplow data, where recall is null). */
  matchable: number;
  probability: ProbabilityColumn;
  /** Inferred rows by probability band (bands without rows included); a last band `null` holds rows without one. */
  bands: BandScores[];
}

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);

/** The scores of counted offsite groups (pure). */
export function matchingScores(groups: readonly OffsiteGroup[], probability: ProbabilityColumn): MatchingScores {
  const sum = (pick: (g: OffsiteGroup) => boolean) => groups.filter(pick).reduce((a, g) => a + g.rows, 0);
  const inferred = groups.filter((g) => g.category === 'inferred');
  const matchable = sum((g) => g.matchable);
  const correctlyAttached = sum((g) => g.toVisitor && g.correct);
  const attachedToVisitor = sum((g) => g.toVisitor);
  const visitorRows = sum((g) => g.trueVisitor);
  const inBand = (b: number | null) => inferred.filter((g) => g.band === b);
  const atLeast = (i: number) => inferred.filter((g) => g.band !== null && g.band >= i);
  const count = (gs: OffsiteGroup[]) => ({
    events: gs.reduce((a, g) => a + g.rows, 0),
    correct: gs.filter((g) => g.correct).reduce((a, g) => a + g.rows, 0),
  });
  const bands: BandScores[] = [];
  if (probability === 'present') {
    PROBABILITY_BANDS.forEach((band, i) => {
      const here = count(inBand(i));
      const above = count(atLeast(i));
      const probabilitySum = inBand(i).reduce((a, g) => a + g.probabilitySum, 0);
      bands.push({
        band,
        ...here,
        meanProbability: ratio(probabilitySum, here.events),
        precision: ratio(here.correct, here.events),
        atLeast: { ...above, precision: ratio(above.correct, above.events), recall: ratio(above.correct, matchable) },
      });
    });
  }
  // Inferred rows without a probability are shown, never dropped (a stitcher without scores: all of them).
  const bare = count(inBand(null));
  if (bare.events > 0) {
    bands.push({
      band: null,
      ...bare,
      meanProbability: null,
      precision: ratio(bare.correct, bare.events),
      atLeast: { ...bare, precision: ratio(bare.correct, bare.events), recall: ratio(bare.correct, matchable) },
    });
  }
  const all = count(inferred);
  return {
    offsiteRows: sum(() => true),
    visitorRows,
    attachedToVisitor,
    correctlyAttached,
    attachedPrecision: ratio(correctlyAttached, attachedToVisitor),
    attachedRecall: ratio(correctlyAttached, visitorRows),
    inferred: { ...all, precision: ratio(all.correct, all.events), recall: ratio(all.correct, matchable) },
    matchable,
    probability,
    bands,
  };
}

/** Whether `table` has `column` (the models before evidence scoring write no match_probability). */
export async function hasColumn(conn: DuckDBConnection, table: string, column: string): Promise<boolean> {
  const rows = (
    await conn.runAndReadAll(
      `SELECT count(*) FROM information_schema.columns WHERE table_name = ${duck.stringLiteral(table)} AND column_name = ${duck.stringLiteral(column)}`,
    )
  ).getRows();
  return Number(rows[0][0]) > 0;
}

/** The SQL CASE giving a probability's band index (PROBABILITY_BANDS), NULL for a NULL probability. */
export function bandCase(probability: string): string {
  const last = PROBABILITY_BANDS.length - 1;
  const arms = PROBABILITY_BANDS.map(([, to], i) => `WHEN ${probability} ${i === last ? '<=' : '<'} ${to} THEN ${i}`).slice(1);
  return `CASE WHEN ${probability} IS NULL THEN NULL WHEN ${probability} < ${PROBABILITY_BANDS[0][1]} THEN 0 ${arms.join(' ')} ELSE ${last} END`;
}

/**
 * Counts the offsite rows of a predictions query (event_id, person_id, category, probability) against the ground
 * truth table (event_id, person_id, source_table, malformed); malformed rows left out, as in the pairwise scores.
 */
export async function offsiteGroups(conn: DuckDBConnection, truthTable: string, predictions: string): Promise<OffsiteGroup[]> {
  const rows = (
    await conn.runAndReadAll(`
      WITH p AS (
        SELECT event_id, min(person_id) AS person_id, min(category) AS category, max(probability) AS probability
        FROM (${predictions}) WHERE event_id IS NOT NULL GROUP BY event_id),
      e AS (
        SELECT t.person_id AS truth, t.source_table = ${duck.stringLiteral(OFFSITE_SOURCE)} AS offsite, p.person_id AS predicted,
          coalesce(p.category, 'not in output') AS category, p.probability
        FROM ${truthTable} t LEFT JOIN p ON p.event_id = t.event_id WHERE NOT t.malformed),
      votes AS (SELECT predicted, truth, count(*) AS n FROM e WHERE NOT offsite AND predicted IS NOT NULL GROUP BY predicted, truth),
      anchors AS (SELECT predicted, first(truth ORDER BY n DESC, truth) AS anchor FROM votes GROUP BY predicted),
      visitors AS (SELECT DISTINCT truth FROM e WHERE NOT offsite),
      identified AS (SELECT DISTINCT person_id FROM ${truthTable} WHERE source_table = 'identifies')
      SELECT e.category, ${bandCase('e.probability')} AS band, a.anchor IS NOT NULL AS to_visitor, coalesce(a.anchor = e.truth, false) AS correct,
        e.category <> 'confirmed' AND e.truth IN (SELECT person_id FROM identified) AS matchable,
        e.truth IN (SELECT truth FROM visitors) AS true_visitor,
        count(*) AS n, coalesce(sum(e.probability), 0) AS probability_sum
      FROM e LEFT JOIN anchors a ON a.predicted = e.predicted
      WHERE e.offsite
      GROUP BY ALL`)
  ).getRows();
  return rows.map(([category, band, toVisitor, correct, matchable, trueVisitor, n, probabilitySum]) => ({
    category: String(category),
    band: band === null ? null : Number(band),
    toVisitor: Boolean(toVisitor),
    correct: Boolean(correct),
    matchable: Boolean(matchable),
    trueVisitor: Boolean(trueVisitor),
    rows: Number(n),
    probabilitySum: Number(probabilitySum),
  }));
}
