/**
 * `journey-stitch generate` as a library call: the LookML project for a config, checked by the validator and
 * written into a folder, keeping the constants a customer set in the folder's manifest.lkml; optionally a
 * project that imports it as a block. The CLI prints what it did; the preview's demo calls it directly.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/schema';
import { JourneyStitchError } from '../contract/errors';
import type { GeneratedFile } from './document';
import { importingProject, type ImportOptions } from './importing';
import { constantValues } from './manifest';
import { generateProject, GENERATED_MARK } from './project';
import { validateProject } from './validate';
import { writeProject, type WriteReport } from './write';

/** The constants of the manifest.lkml already in `dir`, if any: a customer's values, which generate keeps. */
export async function existingConstants(dir: string): Promise<Record<string, string>> {
  const file = path.join(dir, 'manifest.lkml');
  const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : Promise.reject(e)));
  if (text === undefined) return {};
  try {
    return constantValues(text);
  } catch (e) {
    throw new JourneyStitchError(`${file}: does not parse, so its constants cannot be kept (fix or remove it): ${(e as Error).message}`);
  }
}

export interface GenerateResult {
  report: WriteReport;
  /** The constants kept from the folder's manifest.lkml. */
  kept: Record<string, string>;
  /** What was written into the importing project's folder. */
  importing?: WriteReport;
}

/** Generate, validate and write the project into `out` (and the importing project into `importing.dir`). */
export async function generateLookml(config: Config, out: string, importing?: ImportOptions & { dir: string }): Promise<GenerateResult> {
  const kept = await existingConstants(out);
  const files = generateProject(config, kept);
  const importingFiles = importing ? importingProject(config, importing) : [];
  // The generator's own check: a project the validator rejects is a bug here, never something to deploy.
  const imported = (f: GeneratedFile) => ({ path: `//journey_stitch/${f.path}`, content: f.content });
  const issues = [
    ...validateProject(files, { steps: config.journeys.steps }),
    ...(importingFiles.length ? validateProject([...importingFiles, ...files.map(imported)], { steps: config.journeys.steps }) : []),
  ];
  if (issues.length) {
    throw new Error(`the generated LookML project is invalid (nothing was written; please report this):\n${issues.map((i) => `  ${i.file}: ${i.message}`).join('\n')}`);
  }
  const report = await writeProject(files, out, GENERATED_MARK);
  return { report, kept, ...(importing ? { importing: await writeProject(importingFiles, importing.dir, GENERATED_MARK) } : {}) };
}
