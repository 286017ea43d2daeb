/**
 * The base of every error journey-stitch throws on purpose: a user's mistake (a config key, a missing file or
 * column, a query the preview cannot answer) or a warehouse's refusal, each saying what to fix. The CLI prints
 * such an error's message alone, and a stack for anything that looks like a bug (src/cli/main.ts). In contract/,
 * the lowest layer, so every layer can throw one.
 */

/** Marks the errors across realms and bundled copies of this module, where `instanceof` fails. */
const BRAND = Symbol.for('journey-stitch.error');

export class JourneyStitchError extends Error {
  readonly [BRAND] = true;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'JourneyStitchError';
  }
}

/** Whether `err` is a JourneyStitchError (of this copy of the module or another). */
export function isJourneyStitchError(err: unknown): err is JourneyStitchError {
  return err instanceof JourneyStitchError || (typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[BRAND] === true);
}
