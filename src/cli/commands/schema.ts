/** `journey-stitch schema`: write the JSON Schema of journey-stitch.yaml (for editors). */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { SCHEMA_FILE } from '../../config/file';

export function register(program: Command): void {
  program
    .command('schema')
    .description(`Write the JSON Schema of journey-stitch.yaml (editor autocomplete); '-' prints it.`)
    .option('-o, --out <file>', 'where to write it', SCHEMA_FILE)
    .action(async (opts: { out: string }) => {
      const { configJsonSchemaText } = require('../../config/json-schema') as typeof import('../../config/json-schema');
      const text = configJsonSchemaText();
      if (opts.out === '-') {
        process.stdout.write(text);
        return;
      }
      await writeFile(opts.out, text);
      process.stderr.write(`wrote ${opts.out}\n`);
    });
}
