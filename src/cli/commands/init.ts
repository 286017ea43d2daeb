/** `journey-stitch init`: write a commented starter journey-stitch.yaml. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { DEFAULT_CONFIG_FILE, SCHEMA_FILE } from '../../config/file';
import { starterConfig } from '../../config/template';
import { packageFile } from '../../package-root';
import type { WarehouseName } from '../../sql/dialect';
import { JourneyStitchError } from '../../contract/errors';

export function register(program: Command): void {
  program
    .command('init')
    .description('Write a commented starter journey-stitch.yaml.')
    .addOption(new Option('-w, --warehouse <name>', 'where your raw data lives').choices(['duckdb', 'bigquery']).default('duckdb'))
    .option('-c, --config <file>', 'file to write', DEFAULT_CONFIG_FILE)
    .option('-f, --force', 'overwrite an existing file', false)
    .action(async (opts: { warehouse: WarehouseName; config: string; force: boolean }) => {
      // Point the editor at the schema shipped with this install, relative to the new file.
      const schemaRef = path
        .relative(path.dirname(path.resolve(opts.config)), packageFile(SCHEMA_FILE))
        .split(path.sep)
        .join('/');
      try {
        await writeFile(opts.config, starterConfig(opts.warehouse, schemaRef), { flag: opts.force ? 'w' : 'wx' });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST')
          throw new JourneyStitchError(`${opts.config} already exists; pass --force to overwrite it`);
        throw err;
      }
      process.stderr.write(`wrote ${opts.config} (warehouse: ${opts.warehouse}); edit it, then run journey-stitch stitch\n`);
    });
}
