/**
 * Reading journey-stitch.yaml: YAML syntax errors and schema problems become one ConfigError listing every
 * problem as `file: key.path: what is wrong (line L, column C)`. Relative paths in the config are resolved
 * against the config file's folder, so the CLI works from any working directory.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, isMap, isNode, parseDocument, type Document } from 'yaml';
import { configSchema, type Config } from './schema';
import { describeIssues, type Problem } from './issues';

import { DEFAULT_CONFIG_FILE } from './file';
import { JourneyStitchError } from '../contract/errors';

export { DEFAULT_CONFIG_FILE };

export class ConfigError extends JourneyStitchError {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(problems.map((p) => `${file}: ${p}`).join('\n'));
    this.name = 'ConfigError';
  }
}

/** 1-based line and column of a problem, when the document has a node there. */
function locate(doc: Document, lines: LineCounter, problem: Problem): { line: number; col: number } | undefined {
  let offset: number | undefined;
  if (problem.key !== undefined) {
    const parent = doc.getIn(problem.path.slice(0, -1) as unknown[], true);
    const pair = isMap(parent)
      ? parent.items.find((p) => isNode(p.key) && (p.key as { value?: unknown }).value === problem.key)
      : undefined;
    offset = isNode(pair?.key) ? pair.key.range?.[0] : undefined;
  } else {
    // The value itself, else the nearest enclosing node (a missing key is reported at its parent).
    for (let n = problem.path.length; n >= 1 && offset === undefined; n--) {
      const node = doc.getIn(problem.path.slice(0, n) as unknown[], true);
      if (isNode(node)) offset = node.range?.[0];
    }
  }
  return offset === undefined ? undefined : lines.linePos(offset);
}

/** Parse and validate config text. `file` only names the source in messages. Paths are left as written. */
export function parseConfig(text: string, file: string = DEFAULT_CONFIG_FILE): Config {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true });
  if (doc.errors.length) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        // prettyErrors appends " at line L, column C:" and a code excerpt; keep the first sentence, place it ourselves.
        const what = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
        return `YAML syntax error${pos ? ` at line ${pos.line}, column ${pos.col}` : ''}: ${what}`;
      }),
    );
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) {
    throw new ConfigError(file, ["the file is empty; run 'journey-stitch init' to write a starter config"]);
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(file, ['expected a mapping of settings (key: value) at the top level']);
  }
  const result = configSchema.safeParse(data);
  if (result.success) return result.data;
  const problems = describeIssues(result.error.issues, configSchema, data);
  // In file order, so the list reads top to bottom like the file (problems without a position first).
  const located = problems.map((p) => ({ message: p.message, pos: locate(doc, lines, p) }));
  located.sort((a, b) => (a.pos?.line ?? 0) - (b.pos?.line ?? 0) || (a.pos?.col ?? 0) - (b.pos?.col ?? 0));
  throw new ConfigError(
    file,
    located.map(({ message, pos }) => (pos ? `${message} (line ${pos.line}, column ${pos.col})` : message)),
  );
}

/** The config with every file path made absolute, relative paths taken from `baseDir`. */
export function resolveConfigPaths(config: Config, baseDir: string): Config {
  const abs = (p: string) => path.resolve(baseDir, p);
  return {
    ...config,
    key_file: config.key_file === undefined ? undefined : abs(config.key_file),
    output: { ...config.output, database: abs(config.output.database) },
    source: { ...config.source, path: config.source.path === undefined ? undefined : abs(config.source.path) },
    offsite: config.offsite.map((o) => (o.path === undefined ? o : { ...o, path: abs(o.path) })),
  };
}

export interface LoadedConfig {
  config: Config;
  /** Absolute path of the config file. */
  file: string;
}

/** Read, validate and resolve a config file (default: journey-stitch.yaml in the working directory). */
export async function loadConfig(file: string = DEFAULT_CONFIG_FILE): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? "not found; run 'journey-stitch init' to create one, or pass --config <file>"
        : `cannot be read (${code ?? String(err)})`;
    throw new ConfigError(file, [why]);
  }
  const absolute = path.resolve(file);
  return { config: resolveConfigPaths(parseConfig(text, file), path.dirname(absolute)), file: absolute };
}
