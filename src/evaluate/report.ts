/** The evaluation as markdown: a table with a row per measure and a column per stitcher, then calibration tables. */
import type { EvaluationReport, SystemResult } from './index';
import { NOT_IN_OUTPUT } from './index';
import type { BandScores, MatchingScores } from './matching';

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '–' : `${(100 * x).toFixed(2)}%`);
const int = (n: number) => n.toLocaleString('en');

type Measure = [label: string, value: (s: SystemResult) => string];

const categoryPrecision = (category: string): Measure => [
  `precision of pairs with a ${category} event (events)`,
  (s) => {
    const c = s.evaluation.byCategory[category];
    return c ? `${pct(c.precision)} (${int(c.events)})` : '– (0)';
  },
];

const MEASURES: Measure[] = [
  ['pairwise precision', (s) => pct(s.evaluation.overall.precision)],
  ['pairwise recall', (s) => pct(s.evaluation.overall.recall)],
  ['pairwise F1', (s) => pct(s.evaluation.overall.f1)],
  categoryPrecision('confirmed'),
  categoryPrecision('inferred'),
  ['persons found (true persons)', (s) => `${int(s.evaluation.predictedPersons)} (${int(s.evaluation.truePersons)})`],
  ['over-merged persons: 2+ true persons (their events)', (s) => `${int(s.evaluation.overMerges)} (${int(s.evaluation.overMergedEvents)})`],
  ['under-merged true persons: split in 2+', (s) => int(s.evaluation.underMerges)],
  ['events attached to a known person', (s) => pct(s.evaluation.knownShare)],
  ['events not in the output (rejected)', (s) => int(s.evaluation.byCategory[NOT_IN_OUTPUT]?.events ?? 0)],
  ['events given to several persons (name join fan-out)', (s) => int(s.fannedOutEvents)],
  ...matchingMeasures(),
  ['stitching time', (s) => `${(s.ms / 1000).toFixed(2)} s`],
];

/** Offsite rows, row by row (absent from results measured before they were recorded). */
function matchingMeasures(): Measure[] {
  const m = (label: string, value: (m: MatchingScores) => string): Measure => [label, (s) => (s.matching ? value(s.matching) : '–')];
  return [
    m(
      'offsite rows correctly attached to visitors (share of the rows attached to one)',
      (x) => `${int(x.correctlyAttached)} (${pct(x.attachedPrecision)})`,
    ),
    m(
      "offsite rows of visitors attached to the right one (of the visitors' rows)",
      (x) => `${pct(x.attachedRecall)} (${int(x.visitorRows)})`,
    ),
    m('name-matched (inferred) rows right: precision (rows)', (x) => `${pct(x.inferred.precision)} (${int(x.inferred.events)})`),
    m('name-matched rows: recall (rows that could be matched)', (x) => `${pct(x.inferred.recall)} (${int(x.matchable)})`),
  ];
}

const bandLabel = (b: BandScores) => {
  if (b.band === null) return 'no probability';
  const [from, to] = b.band;
  return `[${from.toFixed(2)}, ${to.toFixed(2)}${to === 1 ? ']' : ')'}`;
};

/**
 * Predicted against observed: per band of match probability, the inferred rows, their mean probability and the share
 * right; then what a minimum-probability filter at the band's lower bound keeps (rows, precision, recall).
 */
export function calibrationTable(m: MatchingScores): string {
  const lines = [
    '| match probability | inferred rows | mean predicted | observed precision | rows at ≥ band | precision at ≥ band | recall at ≥ band |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const b of m.bands) {
    const mean = b.meanProbability === null ? '–' : b.meanProbability.toFixed(3);
    lines.push(
      `| ${bandLabel(b)} | ${int(b.events)} | ${mean} | ${pct(b.precision)} | ${int(b.atLeast.events)} | ${pct(b.atLeast.precision)} | ${pct(b.atLeast.recall)} |`,
    );
  }
  return lines.join('\n');
}

/** A calibration section per stitcher that writes probabilities; a sentence for one whose output lacks them. */
export function calibrationSections(systems: SystemResult[], heading = '###'): string[] {
  return systems.flatMap((s) => {
    if (!s.matching || s.matching.probability === 'not applicable') return [];
    if (s.matching.probability === 'missing') {
      return [
        `${s.name}: stitched_events has no match_probability column (models without evidence-scored name matching), so no calibration table.`,
      ];
    }
    // The exact-name rule writes the column but no probability: one sentence, not a table of empty bands.
    if (s.matching.bands.every((b) => b.band === null || b.events === 0)) {
      return [`${s.name}: its ${int(s.matching.inferred.events)} name-matched rows carry no match probability, so no calibration table.`];
    }
    return [`${heading} Calibration: ${s.name}\n\n${calibrationTable(s.matching)}`];
  });
}

export function evaluationTable(systems: SystemResult[]): string {
  const lines = [`| measure | ${systems.map((s) => s.name).join(' | ')} |`, `| --- | ${systems.map(() => '---:').join(' | ')} |`];
  for (const [label, value] of MEASURES) lines.push(`| ${label} | ${systems.map(value).join(' | ')} |`);
  return lines.join('\n');
}

export function formatEvaluation(report: EvaluationReport): string {
  const notes = [
    `${int(report.events)} ground-truth events in ${report.data} (${int(report.malformedExcluded)} malformed rows left out: every stitcher should reject them).`,
    `Label propagation iterations: ${
      Object.entries(report.iterations)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none'
    }.`,
  ];
  if (report.seedSkipped) notes.push(`Seed baseline not run: ${report.seedSkipped}.`);
  if (report.exactSkipped) notes.push(`Exact-name rule not run for comparison: ${report.exactSkipped}.`);
  notes.push(
    'An offsite row is right when its true person owns most of the web events of the person it was given. Name-match recall is over the',
    'rows the stitcher did not tie by email whose true person identified on the site (a Segment identify; not measured on Snowplow data).',
  );
  const calibration = calibrationSections(report.systems);
  return [evaluationTable(report.systems), notes.join('\n'), ...calibration].join('\n\n') + '\n';
}
