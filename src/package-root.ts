/**
 * Files shipped with journey-stitch (the config's JSON Schema, the extension bundle), found from this source file
 * so that they resolve inside the install wherever the user runs the command.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The folder of journey-stitch's own package.json: the install under node_modules, or the repository. */
export function packageRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'journey-stitch') return dir;
    if (path.dirname(dir) === dir) throw new Error(`cannot find the journey-stitch package folder above ${__dirname}`);
  }
}

/** A file at the root of the journey-stitch package. */
export const packageFile = (name: string): string => path.join(packageRoot(), name);
