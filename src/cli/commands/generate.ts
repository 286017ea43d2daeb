/** `journey-stitch generate`: write the LookML project for the config, or a project importing it as a block. */
import type { Command } from 'commander';
import { DEFAULT_CONFIG_FILE } from '../../config/file';
import { JourneyStitchError } from '../../contract/errors';

interface GenerateOptions {
  config: string;
  out: string;
  importing?: string;
  blockUrl?: string;
  blockRef?: string;
  projectName: string;
}

export function register(program: Command): void {
  program
    .command('generate')
    .description(
      'Write the LookML project (manifest.lkml, lookml/) for the config: views, explores, model, extension manifest, SQL Runner queries. ' +
        "Constants already set in the folder's manifest.lkml are kept. With --importing, also write a project that imports it as a block.",
    )
    .option('-c, --config <file>', 'config file', DEFAULT_CONFIG_FILE)
    .option('-o, --out <dir>', 'folder of the LookML project (its git repository root)', '.')
    .option(
      '--importing <dir>',
      'folder of your own Looker project, importing the generated one with remote_dependency (its manifest.lkml is written once)',
    )
    .option('--block-url <url>', '--importing: git URL of the repository holding the generated project')
    .option('--block-ref <ref>', '--importing: commit SHA or tag of the generated project to import')
    .option('--project-name <name>', "--importing: your project's project_name", 'journey_stitch_deployment')
    .action(async (opts: GenerateOptions) => {
      // Loaded here, not at the top: every command's module is read at start-up.
      const { loadConfig } = require('../../config/load') as typeof import('../../config/load');
      const { hashKeyWarning } = require('../../config/schema') as typeof import('../../config/schema');
      const { generateLookml } = require('../../lookml/generate') as typeof import('../../lookml/generate');
      const { manifestConstants } = require('../../lookml/manifest') as typeof import('../../lookml/manifest');
      const { config, file } = await loadConfig(opts.config);
      const weakKey = hashKeyWarning(config);
      if (weakKey) process.stderr.write(`warning: ${file}: ${weakKey}\n`);
      if (opts.importing && (!opts.blockUrl || !opts.blockRef)) {
        throw new JourneyStitchError(
          '--importing needs --block-url (the git URL of the generated project) and --block-ref (a commit SHA or tag to pin)',
        );
      }
      const importing = opts.importing
        ? { dir: opts.importing, projectName: opts.projectName, url: opts.blockUrl!, ref: opts.blockRef! }
        : undefined;
      const { report, kept, importing: r } = await generateLookml(config, opts.out, importing);
      const line = (label: string, files: string[]) => (files.length ? `${label}: ${files.join(', ')}\n` : '');
      const differing = manifestConstants(config).filter((c) => kept[c.name] !== undefined && kept[c.name] !== c.value);
      process.stdout.write(
        `LookML project in ${opts.out} (${config.lookml.materialization} materialization): ` +
          `${report.written.length} written, ${report.unchanged.length} unchanged, ${report.kept.length} refinement files kept\n` +
          line('written', report.written) +
          line('removed (no longer generated)', report.removed) +
          line(
            'constants kept from manifest.lkml (the config differs)',
            differing.map((c) => c.name),
          ),
      );
      if (r) {
        process.stdout.write(
          `importing project in ${opts.importing}: ${r.written.length} written, ${r.unchanged.length} unchanged, ${r.kept.length} kept (manifest.lkml and refinements are yours)\n`,
        );
      }
    });
}
