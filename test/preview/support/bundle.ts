/** Builds the fixture extension (test/preview/fixtures/extension) into a bundle file, as webpack would for production. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

export async function buildFixtureBundle(): Promise<string> {
  const result = await build({
    entryPoints: [join(__dirname, '..', 'fixtures', 'extension', 'index.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2019',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  const file = join(mkdtempSync(join(tmpdir(), 'preview-bundle-')), 'bundle.js');
  writeFileSync(file, result.outputFiles[0].text);
  return file;
}
