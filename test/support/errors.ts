/**
 * The error a call throws, checked to be one journey-stitch throws on purpose (src/contract/errors.ts): a user's
 * mistake or the environment's refusal, which the CLI prints as its message alone, never as a bug's stack.
 */
import { errorReport } from '../../src/cli/main';
import { isJourneyStitchError, type JourneyStitchError } from '../../src/contract/errors';

function ours(err: unknown): JourneyStitchError {
  if (!isJourneyStitchError(err)) throw new Error(`expected a JourneyStitchError, got ${(err as Error)?.stack ?? String(err)}`);
  expect(errorReport(err, {})).toBe(`journey-stitch: ${err.message}\n`);
  return err;
}

/** What `fn` throws, asserted to be ours. */
export function thrownOurs(fn: () => unknown): JourneyStitchError {
  try {
    fn();
  } catch (err) {
    return ours(err);
  }
  throw new Error('expected a throw');
}

/** What `work` rejects with, asserted to be ours. */
export async function rejectedOurs(work: Promise<unknown>): Promise<JourneyStitchError> {
  return ours(
    await work.then(
      () => Promise.reject(new Error('expected a rejection')),
      (err: unknown) => err,
    ),
  );
}
