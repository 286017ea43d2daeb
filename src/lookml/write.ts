/**
 * Writing a generated project into a folder, all or nothing: every changed file is first written next to
 * its target under a temporary name, and only when all of them are written are they renamed into place.
 * Refinement files (`once`) are created when missing and never overwritten. Generated files left over from
 * an earlier generation (they carry the generated mark but are no longer produced) are removed.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { GeneratedFile } from './document';
import { JourneyStitchError } from '../contract/errors';

export interface WriteReport {
  written: string[];
  unchanged: string[];
  /** Refinement files that already existed and were left alone. */
  kept: string[];
  /** Stale generated files removed. */
  removed: string[];
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [];
    throw e;
  });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : Promise.resolve([path.join(dir, e.name)]))),
  );
  return nested.flat();
}

/**
 * Write `files` under `outDir`. `generatedMark` is the text in the header of generated files, used to find
 * stale ones under `<outDir>/lookml` (user files without it are never touched).
 */
export async function writeProject(files: GeneratedFile[], outDir: string, generatedMark: string): Promise<WriteReport> {
  const report: WriteReport = { written: [], unchanged: [], kept: [], removed: [] };
  const staged: { tmp: string; target: string; rel: string }[] = [];
  try {
    for (const f of files) {
      const target = path.join(outDir, f.path);
      const existing = await readIfExists(target);
      if (f.once && existing !== undefined) report.kept.push(f.path);
      else if (existing === f.content) report.unchanged.push(f.path);
      else {
        await mkdir(path.dirname(target), { recursive: true });
        const tmp = `${target}.tmp-${process.pid}`;
        await writeFile(tmp, f.content, 'utf8').catch(async (e: unknown) => {
          await rm(tmp, { force: true }).catch(() => undefined); // a partly written file, if any
          throw e;
        });
        staged.push({ tmp, target, rel: f.path });
      }
    }
  } catch (e) {
    await Promise.all(staged.map((s) => rm(s.tmp, { force: true })));
    throw new JourneyStitchError(
      `could not write the LookML project to ${outDir} (nothing was changed): ${(e as Error).message}; make the folder writable or write elsewhere (generate --out <dir>)`,
      { cause: e },
    );
  }
  for (const s of staged) {
    await rename(s.tmp, s.target);
    report.written.push(s.rel);
  }
  const produced = new Set(files.map((f) => path.join(outDir, f.path)));
  for (const file of await listFiles(path.join(outDir, 'lookml'))) {
    if (produced.has(file)) continue;
    const text = await readFile(file, 'utf8');
    if (text.split('\n', 3).some((line) => line.includes(generatedMark))) {
      await rm(file);
      report.removed.push(path.relative(outDir, file));
    }
  }
  return report;
}
