/** The evaluation as one markdown table: a row per measure, a column per stitcher. */
import type { EvaluationReport, SystemResult } from './index';
import { NOT_IN_OUTPUT } from './index';

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
  ['stitching time', (s) => `${(s.ms / 1000).toFixed(2)} s`],
];

export function evaluationTable(systems: SystemResult[]): string {
  const lines = [`| measure | ${systems.map((s) => s.name).join(' | ')} |`, `| --- | ${systems.map(() => '---:').join(' | ')} |`];
  for (const [label, value] of MEASURES) lines.push(`| ${label} | ${systems.map(value).join(' | ')} |`);
  return lines.join('\n');
}

export function formatEvaluation(report: EvaluationReport): string {
  const notes = [
    `${int(report.events)} ground-truth events in ${report.data} (${int(report.malformedExcluded)} malformed rows left out: every stitcher should reject them).`,
    `Label propagation iterations: ${Object.entries(report.iterations).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}.`,
  ];
  if (report.seedSkipped) notes.push(`Seed baseline not run: ${report.seedSkipped}.`);
  return `${evaluationTable(report.systems)}\n\n${notes.join('\n')}\n`;
}
