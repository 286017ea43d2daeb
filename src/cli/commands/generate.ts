/** `journey-stitch generate`: write the LookML project for the config, or a project importing it as a block. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_CONFIG_FILE } from '../../config/file';
import type { GeneratedFile } from '../../lookml/document';

interface GenerateOptions {
  config: string;
  out: string;
  importing?: string;
  blockUrl?: string;
  blockRef?: string;
  projectName: string;
}

/** The constants of the manifest.lkml already in `dir`, if any: a customer's values, which generate keeps. */
async function existingConstants(dir: string): Promise<Record<string, string>> {
  const file = path.join(dir, 'manifest.lkml');
  const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : Promise.reject(e)));
  if (text === undefined) return {};
  const { constantValues } = require('../../lookml/manifest') as typeof import('../../lookml/manifest');
  try {
    return constantValues(text);
  } catch (e) {
    throw new Error(`${file}: does not parse, so its constants cannot be kept (fix or remove it): ${(e as Error).message}`);
  }
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
    .option('--importing <dir>', "folder of your own Looker project, importing the generated one with remote_dependency (its manifest.lkml is written once)")
    .option('--block-url <url>', '--importing: git URL of the repository holding the generated project')
    .option('--block-ref <ref>', '--importing: commit SHA or tag of the generated project to import')
    .option('--project-name <name>', '--importing: your project\'s project_name', 'journey_stitch_deployment')
    .action(async (opts: GenerateOptions) => {
      // Loaded here, not at the top: every command's module is read at start-up.
      const { loadConfig } = require('../../config/load') as typeof import('../../config/load');
      const { hashKeyWarning } = require('../../config/schema') as typeof import('../../config/schema');
      const { importingProject } = require('../../lookml/importing') as typeof import('../../lookml/importing');
      const { manifestConstants } = require('../../lookml/manifest') as typeof import('../../lookml/manifest');
      const { generateProject, GENERATED_MARK } = require('../../lookml/project') as typeof import('../../lookml/project');
      const { validateProject } = require('../../lookml/validate') as typeof import('../../lookml/validate');
      const { writeProject } = require('../../lookml/write') as typeof import('../../lookml/write');
      const { config, file } = await loadConfig(opts.config);
      const weakKey = hashKeyWarning(config);
      if (weakKey) process.stderr.write(`warning: ${file}: ${weakKey}\n`);
      if (opts.importing && (!opts.blockUrl || !opts.blockRef)) {
        throw new Error('--importing needs --block-url (the git URL of the generated project) and --block-ref (a commit SHA or tag to pin)');
      }
      const kept = await existingConstants(opts.out);
      const files = generateProject(config, kept);
      const importing = opts.importing ? importingProject(config, { projectName: opts.projectName, url: opts.blockUrl!, ref: opts.blockRef! }) : [];
      // The generator's own check: a project the validator rejects is a bug here, never something to deploy.
      const imported = (f: GeneratedFile) => ({ path: `//journey_stitch/${f.path}`, content: f.content });
      const issues = [
        ...validateProject(files, { steps: config.journeys.steps }),
        ...(importing.length ? validateProject([...importing, ...files.map(imported)], { steps: config.journeys.steps }) : []),
      ];
      if (issues.length) {
        throw new Error(`the generated LookML project is invalid (nothing was written; please report this):\n${issues.map((i) => `  ${i.file}: ${i.message}`).join('\n')}`);
      }
      const report = await writeProject(files, opts.out, GENERATED_MARK);
      const line = (label: string, files: string[]) => (files.length ? `${label}: ${files.join(', ')}\n` : '');
      const differing = manifestConstants(config).filter((c) => kept[c.name] !== undefined && kept[c.name] !== c.value);
      process.stdout.write(
        `LookML project in ${opts.out} (${config.lookml.materialization} materialization): ` +
          `${report.written.length} written, ${report.unchanged.length} unchanged, ${report.kept.length} refinement files kept\n` +
          line('written', report.written) +
          line('removed (no longer generated)', report.removed) +
          line('constants kept from manifest.lkml (the config differs)', differing.map((c) => c.name)),
      );
      if (opts.importing) {
        const r = await writeProject(importing, opts.importing, GENERATED_MARK);
        process.stdout.write(`importing project in ${opts.importing}: ${r.written.length} written, ${r.unchanged.length} unchanged, ${r.kept.length} kept (manifest.lkml and refinements are yours)\n`);
      }
    });
}
