/** `journey-stitch sample`: write a synthetic data set with ground truth and a config to stitch it. */
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { FileFormat } from '../../sample';
import { DEMO_OPTIONS, DEMO_SIZE } from '../../sample/demo-size';
import type { SourceFormat } from '../../sample/shapes';
import { JourneyStitchError } from '../../contract/errors';

const wholeNumber = (flag: string) => (value: string) => {
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${flag} takes a positive whole number (e.g. 100000), got '${value}'`);
  return n;
};

interface SampleFlags {
  out: string;
  persons?: number;
  events?: number;
  seed?: string;
  format: FileFormat;
  source: SourceFormat;
  demo: boolean;
  end?: string;
}

export function register(program: Command): void {
  program
    .command('sample')
    .description(
      'Write deterministic synthetic source data (Segment or Snowplow, plus a LinkedIn export) with the true person of every event.',
    )
    .option('-o, --out <dir>', 'folder to write into', 'sample-data')
    .option('--persons <n>', 'people in the simulated audience (default: events / 25)', wholeNumber('--persons'))
    .option('--events <n>', 'events to generate (default 100000)', wholeNumber('--events'))
    .option('--seed <s>', 'random seed: same seed, same bytes', '1')
    .addOption(new Option('--format <format>', 'file format').choices(['ndjson', 'parquet']).default('ndjson'))
    .addOption(new Option('--source <type>', 'first-party event shape').choices(['segment', 'snowplow']).default('segment'))
    .option(
      '--end <YYYY-MM-DD>',
      'last day of the simulated 365 days, e.g. today for recent data (default: a fixed window from 2024-01-01)',
    )
    .option(
      '--demo',
      `the small fixed demo data set (${DEMO_SIZE.events.toLocaleString('en')} events of ${DEMO_SIZE.persons} persons)`,
      false,
    )
    .action(async (flags: SampleFlags) => {
      if (flags.demo && (flags.persons !== undefined || flags.events !== undefined)) {
        throw new JourneyStitchError('--demo is a fixed data set; leave out --persons and --events (or drop --demo)');
      }
      const { generateSample, resolveSampleOptions } = require('../../sample') as typeof import('../../sample');
      const options = resolveSampleOptions({
        out: flags.out,
        format: flags.format,
        source: flags.source,
        end: flags.end,
        ...(flags.demo ? DEMO_OPTIONS : { persons: flags.persons, events: flags.events, seed: flags.seed }),
      });
      const started = Date.now();
      const result = await generateSample(options, (n) => process.stderr.write(`  ${n.toLocaleString('en')} events…\n`));
      const p = result.phenomena;
      const f = result.faults;
      process.stderr.write(
        `wrote ${result.events.toLocaleString('en')} events of ${p.persons.toLocaleString('en')} persons to ${options.out} ` +
          `in ${((Date.now() - started) / 1000).toFixed(1)}s: ${result.files.join(', ')}\n` +
          `  ${p.expiredCookies} expired cookies, ${p.bookings} bookings (${p.repeatBookings} repeat), ${p.lateIdentifies} late identifies, ` +
          `${p.offsiteInteractions} LinkedIn interactions, ${p.sharedDeviceHouseholds} shared devices, ` +
          `${f.duplicates} duplicates, ${f.junkAnonymousIds + f.junkUserIds} junk ids, ` +
          `${f.malformedMissingId + f.malformedTimestamp + f.malformedEventName} malformed rows\n` +
          `  stitch it: journey-stitch stitch --config ${options.out}/journey-stitch.yaml\n`,
      );
    });
}
