/**
 * lookml-parser's single-file parse, typed. (The package ships no types; src/preview declares only its
 * parseFiles.) Named blocks come back keyed by name (`view.orders`), refinements as arrays, `yes` as true.
 * Note: it turns a lone `;` inside SQL into ";," in its output, so read SQL text from the file when it matters.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const lookmlParser = require('lookml-parser') as { parse(text: string): ParsedLookml };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ParsedLookml = Record<string, any>;

/** Parse one LookML file; throws the parser's message ("Parse error@line,column ...") on a syntax error. */
export function parseLookml(text: string): ParsedLookml {
  try {
    return lookmlParser.parse(text);
  } catch (e) {
    throw new Error(String(e));
  }
}
