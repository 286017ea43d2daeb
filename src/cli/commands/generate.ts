/** `journey-stitch generate`: write the LookML project for the config. */
import type { Command } from 'commander';
import { DEFAULT_CONFIG_FILE, loadConfig } from '../../config/load';
import { hashKeyWarning } from '../../config/schema';
import { generateProject, GENERATED_MARK } from '../../lookml/project';
import { validateProject } from '../../lookml/validate';
import { writeProject } from '../../lookml/write';

export function register(program: Command): void {
  program
    .command('generate')
    .description('Write the LookML project (manifest.lkml, lookml/) for the config: views, explores, model, extension manifest, SQL Runner queries.')
    .option('-c, --config <file>', 'config file', DEFAULT_CONFIG_FILE)
    .option('-o, --out <dir>', 'folder of the LookML project (its git repository root)', '.')
    .action(async (opts: { config: string; out: string }) => {
      const { config, file } = await loadConfig(opts.config);
      const weakKey = hashKeyWarning(config);
      if (weakKey) process.stderr.write(`warning: ${file}: ${weakKey}\n`);
      const files = generateProject(config);
      // The generator's own check: a project the validator rejects is a bug here, never something to deploy.
      const issues = validateProject(files, { steps: config.journeys.steps });
      if (issues.length) {
        throw new Error(`the generated LookML project is invalid (nothing was written; please report this):\n${issues.map((i) => `  ${i.file}: ${i.message}`).join('\n')}`);
      }
      const report = await writeProject(files, opts.out, GENERATED_MARK);
      const line = (label: string, files: string[]) => (files.length ? `${label}: ${files.join(', ')}\n` : '');
      process.stdout.write(
        `LookML project in ${opts.out} (${config.lookml.materialization} materialization): ` +
          `${report.written.length} written, ${report.unchanged.length} unchanged, ${report.kept.length} refinement files kept\n` +
          line('written', report.written) +
          line('removed (no longer generated)', report.removed),
      );
    });
}
