/** The JSON Schema of journey-stitch.yaml (editor autocomplete and validation), derived from the zod schema. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { configSchema } from './schema';

export const SCHEMA_FILE = 'journey-stitch.schema.json';

export function configJsonSchema(): Record<string, unknown> {
  // io: 'input' describes what a user may write (defaults make keys optional), not the parsed result.
  return z.toJSONSchema(configSchema, { io: 'input' }) as Record<string, unknown>;
}

/** The schema file's exact text (stable formatting, trailing newline), as committed at the repo root. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}

/** The schema file shipped at the root of the journey-stitch package. */
export function shippedSchemaPath(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'journey-stitch') {
      return path.join(dir, SCHEMA_FILE);
    }
    if (path.dirname(dir) === dir) throw new Error(`cannot find the journey-stitch package folder above ${__dirname}`);
  }
}
