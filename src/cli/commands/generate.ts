/** `journey-stitch generate`: write the LookML project for the config. */
import type { Command } from 'commander';
import { DEFAULT_CONFIG_FILE, loadConfig } from '../../config/load';
import { generateProject, GENERATED_MARK } from '../../lookml/project';
import { writeProject } from '../../lookml/write';

export function register(program: Command): void {
  program
    .command('generate')
    .description('Write the LookML project (manifest.lkml, lookml/) for the config: views, explores, model, extension manifest, SQL Runner queries.')
    .option('-c, --config <file>', 'config file', DEFAULT_CONFIG_FILE)
    .option('-o, --out <dir>', 'folder of the LookML project (its git repository root)', '.')
    .action(async (opts: { config: string; out: string }) => {
      const { config } = await loadConfig(opts.config);
      const report = await writeProject(generateProject(config), opts.out, GENERATED_MARK);
      const line = (label: string, files: string[]) => (files.length ? `${label}: ${files.join(', ')}\n` : '');
      process.stdout.write(
        `LookML project in ${opts.out} (${config.lookml.materialization} materialization): ` +
          `${report.written.length} written, ${report.unchanged.length} unchanged, ${report.kept.length} refinement files kept\n` +
          line('written', report.written) +
          line('removed (no longer generated)', report.removed),
      );
    });
}
