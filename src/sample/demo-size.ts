/** The demo data set's options and size, apart from the simulation (the CLI's --help shows them). */
export const DEMO_OPTIONS = { events: 10_000, persons: 400, seed: 'demo' } as const;
/**
 * What DEMO_OPTIONS write, for --help: the last household is completed and LinkedIn-only persons come on top of the
 * audience. test/sample/cli.test.ts fails when a change to the simulation changes it.
 */
export const DEMO_SIZE = { events: 10_039, persons: 425 } as const;
