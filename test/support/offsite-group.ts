import type { OffsiteGroup } from '../../src/evaluate/matching';

/** One group of offsite rows as the matching evaluation counts them: one right inferred row unless told otherwise. */
export const offsiteGroup = (g: Partial<OffsiteGroup>): OffsiteGroup => ({
  category: 'inferred',
  band: null,
  toVisitor: true,
  correct: true,
  matchable: true,
  trueVisitor: true,
  rows: 1,
  probabilitySum: 0,
  ...g,
});
