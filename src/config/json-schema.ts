/** The JSON Schema of journey-stitch.yaml (editor autocomplete and validation), derived from the zod schema. */
import { z } from 'zod';
import { packageFile } from '../package-root';
import { configSchema } from './schema';

import { SCHEMA_FILE } from './file';

export { SCHEMA_FILE };

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
  return packageFile(SCHEMA_FILE);
}
