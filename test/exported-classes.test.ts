/**
 * Exported classes have names unique across src/: two error classes both called QueryError (the extension's and
 * the preview compiler's) meant an `instanceof` or an import could silently pick the wrong one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const SRC = path.resolve(__dirname, '../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const file = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(file) : /\.tsx?$/.test(e.name) ? [file] : [];
  });
}

test('no two exported classes in src/ share a name', () => {
  const files = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    for (const m of readFileSync(file, 'utf8').matchAll(/^export (?:default )?(?:abstract )?class (\w+)/gm)) {
      files.set(m[1], [...(files.get(m[1]) ?? []), path.relative(SRC, file)]);
    }
  }
  expect(files.size).toBeGreaterThan(10); // the pattern finds the classes at all
  expect([...files].filter(([, where]) => where.length > 1)).toEqual([]);
});
