/**
 * One data-driven LookML serializer, after the conventions of the community `lkml` serializer: two-space
 * indent, a blank line around blocks, `;;` after SQL-ish values, quoted labels and descriptions, long lists
 * one item per line. How a value is written is looked up by its key (vocabulary.ts); an unknown key is an error, so nothing
 * reaches a file in a form we have not decided on.
 */
import { isNamedList, isNode, isPairs, type Node, type Value } from './document';
import { JourneyStitchError } from '../contract/errors';
import { KEY_FORMATS, type Format } from './vocabulary';

const INDENT = '  ';
const LIST_WIDTH = 80;
const BARE = /^[A-Za-z0-9_.+\-*]+$/;
const NAME = /^\+?[A-Za-z_][A-Za-z0-9_]*$/;

export class LookmlSerializeError extends JourneyStitchError {
  constructor(key: string, why: string) {
    super(`cannot write LookML key '${key}': ${why}`);
    this.name = 'LookmlSerializeError';
  }
}

function formatOf(key: string): Format {
  const f = KEY_FORMATS[key];
  if (!f) throw new LookmlSerializeError(key, 'unknown key; add it to the key table of vocabulary.ts with its format');
  return f;
}

export const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

function bare(key: string, v: string): string {
  if (!BARE.test(v)) throw new LookmlSerializeError(key, `${JSON.stringify(v)} is not a plain LookML value`);
  return v;
}

function sqlText(key: string, sql: string, indent: string): string {
  if (sql.includes(';;')) throw new LookmlSerializeError(key, "SQL must not contain ';;' (it ends a LookML SQL value)");
  const lines = sql.trim().split('\n');
  if (lines.length === 1) return `${key}: ${lines[0]} ;;`;
  // Multi-line SQL starts on its own line, indented one level deeper than the key.
  return `${key}:\n${lines.map((l) => (l.trim() ? `${indent}${INDENT}${l}` : '')).join('\n')} ;;`;
}

function list(key: string, items: readonly string[], quoted: boolean, indent: string): string {
  const rendered = items.map((i) => (quoted ? quote(i) : bare(key, i)));
  const inline = `${key}: [${rendered.join(', ')}]`;
  if (indent.length + inline.length <= LIST_WIDTH) return inline;
  return `${key}: [\n${rendered.map((r) => `${indent}${INDENT}${r}`).join(',\n')}\n${indent}]`;
}

function scalar(key: string, value: string | number | boolean, format: Format, indent: string): string {
  if (typeof value === 'boolean') return `${key}: ${value ? 'yes' : 'no'}`;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new LookmlSerializeError(key, `${value} is not a finite number`);
    return `${key}: ${value}`;
  }
  switch (format) {
    case 'sql':
      return sqlText(key, value, indent);
    case 'quoted':
      return `${key}: ${quote(value)}`;
    case 'bare':
      return `${key}: ${bare(key, value)}`;
    default:
      throw new LookmlSerializeError(key, `a single value where the key expects ${format}`);
  }
}

/** The lines of one `key: value` entry (several for repeated keys and blocks). */
function entry(key: string, value: Value, indent: string): { text: string; block: boolean } {
  const format = formatOf(key);
  if (format === 'block') {
    if (isNamedList(value)) {
      return {
        text: value
          .map((n) => {
            if (!NAME.test(n.$name)) throw new LookmlSerializeError(key, `${JSON.stringify(n.$name)} is not a valid LookML name`);
            return `${indent}${key}: ${n.$name} ${body(n, indent)}`;
          })
          .join('\n\n'),
        block: true,
      };
    }
    if (isNode(value)) return { text: `${indent}${key}: ${body(value, indent)}`, block: true };
    throw new LookmlSerializeError(key, 'expects a block');
  }
  if (isPairs(value)) {
    if (format !== 'pairs') throw new LookmlSerializeError(key, `field: "value" pairs where the key expects ${format}`);
    const items = value.pairs.map(([f, v]) => `${bare(key, f)}: ${quote(v)}`);
    const inline = `${key}: [${items.join(', ')}]`;
    const text =
      indent.length + inline.length <= LIST_WIDTH ? inline : `${key}: [\n${items.map((i) => `${indent}${INDENT}${i}`).join(',\n')}\n${indent}]`;
    return { text: indent + text, block: false };
  }
  if (Array.isArray(value)) {
    const items = value as readonly string[];
    if (format === 'repeated_quoted') return { text: items.map((i) => `${indent}${key}: ${quote(i)}`).join('\n'), block: false };
    if (format === 'repeated_sql') return { text: items.map((i) => indent + sqlText(key, i, indent)).join('\n'), block: false };
    if (format === 'list' || format === 'quoted_list') return { text: indent + list(key, items, format === 'quoted_list', indent), block: false };
    throw new LookmlSerializeError(key, 'a list where the key expects a single value');
  }
  if (isNode(value)) throw new LookmlSerializeError(key, 'a block where the key expects a value');
  if (format === 'list' || format === 'quoted_list') throw new LookmlSerializeError(key, 'expects a list');
  return { text: indent + scalar(key, value as string | number | boolean, format, indent), block: false };
}

/** Entries of a node, a blank line on either side of each block. */
function entries(node: Node, indent: string): string {
  const parts = Object.entries(node)
    .filter(([k, v]) => k !== '$name' && v !== undefined && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => entry(k, v as Value, indent));
  return parts.map((p, i) => (i > 0 && (p.block || parts[i - 1].block) ? `\n${p.text}` : p.text)).join('\n');
}

function body(node: Node, indent: string): string {
  const inner = entries(node, indent + INDENT);
  return inner ? `{\n${inner}\n${indent}}` : '{\n}';
}

/** A whole file: optional header comment lines, then the top-level entries. */
export function serialize(doc: Node, header: readonly string[] = []): string {
  const comments = header.map((h) => `# ${h}`.trimEnd());
  const text = entries(doc, '');
  return `${[...comments, ...(comments.length ? [''] : []), text].join('\n')}\n`;
}
