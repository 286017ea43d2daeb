/** `journey-stitch evaluate`: score the stitching of a sample folder (and the seed's SQL) against its ground truth. */
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('evaluate')
    .description(
      "Stitch a folder written by 'journey-stitch sample' and score it against the ground truth: pairwise precision/recall/F1, over- and under-merges, offsite rows attached to the right visitor, name matches by probability band (calibration); ours, ours with the exact-name rule, and the seed's SQL.",
    )
    .requiredOption('-d, --data <dir>', 'folder written by journey-stitch sample')
    .option('-c, --config <file>', 'config to stitch with (default: <dir>/journey-stitch.yaml)')
    .option('--no-baseline', "skip the seed's SQL")
    .option('--no-exact', 'skip the second run with the exact-name rule')
    .option('--json', 'print the full results as JSON', false)
    .action(async (opts: { data: string; config?: string; baseline: boolean; exact: boolean; json: boolean }) => {
      // Loaded when the command runs, not at start: `journey-stitch --help` does not pay for them.
      const { evaluateFolder } = require('../../evaluate') as typeof import('../../evaluate');
      const { formatEvaluation } = require('../../evaluate/report') as typeof import('../../evaluate/report');
      const report = await evaluateFolder({ data: opts.data, config: opts.config, baseline: opts.baseline, exact: opts.exact });
      process.stdout.write(opts.json ? JSON.stringify(report, null, 2) + '\n' : formatEvaluation(report));
    });
}
