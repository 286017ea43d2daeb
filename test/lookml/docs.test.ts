/** What the docs say about the generated project stays what the generator writes. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseLookml } from '../../src/lookml/parser';

const ROOT = path.resolve(__dirname, '../..');

/** A parsed node without the parser's layout keys ($…): what the LookML says, not how it is indented. */
const meaning = (node: unknown): unknown =>
  Array.isArray(node) ? node.map(meaning) : typeof node === 'object' && node !== null
    ? Object.fromEntries(Object.entries(node).filter(([k]) => !k.startsWith('$')).map(([k, v]) => [k, meaning(v)]))
    : node;

test("docs/extension.md lists exactly the manifest's extension entitlements", () => {
  const doc = readFileSync(path.join(ROOT, 'docs/extension.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Entitlements'), doc.indexOf('\n## ', doc.indexOf('## Entitlements') + 1));
  const block = /```lkml\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('docs/extension.md: no ```lkml block under ## Entitlements');
  const documented = (parseLookml(block[1]) as { entitlements: unknown }).entitlements;
  const manifest = parseLookml(readFileSync(path.join(ROOT, 'manifest.lkml'), 'utf8')) as { application: Record<string, { entitlements: unknown }> };
  const apps = Object.values(manifest.application).filter((a) => typeof a === 'object');
  expect(apps).toHaveLength(1);
  expect(meaning(documented)).toEqual(meaning(apps[0].entitlements));
  expect(Object.keys(meaning(documented) as object)).toContain('core_api_methods');
});
