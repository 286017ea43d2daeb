/**
 * The Liquid the generator writes into SQL, and nothing more: dialect switches
 * (`{% if _dialect._name == '…' %}…{% elsif … %}…{% else %}…{% endif %}`, `{{ _dialect._name }}`) and templated
 * filters (`{% condition view.filter %} column {% endcondition %}`). Any other tag is rejected.
 */

import { dialects } from '../../sql/dialects';
import { PreviewProjectError } from '../project/error';

/** What Looker calls the preview's dialect (DuckDB) in `_dialect._name`. */
export const PREVIEW_DIALECT_NAME = dialects.duckdb.lookerName;

export interface LiquidContext {
  dialectName: string;
  /** SQL for `{% condition field %} column {% endcondition %}`: the filter on `field` applied to `column`. */
  condition(field: string, columnSql: string): string;
  /** Names the template in error messages (e.g. "view journey_paths, derived_table sql"). */
  where: string;
}

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'if'; branches: { test: string | null; body: Node[] }[] }
  | { kind: 'condition'; field: string; body: Node[] }
  | { kind: 'output'; expr: string };

const TOKEN = /\{%-?\s*([\s\S]*?)\s*-?%\}|\{\{-?\s*([\s\S]*?)\s*-?\}\}/g;

interface Token {
  tag?: string;
  output?: string;
  text?: string;
}

function tokenize(template: string): Token[] {
  const tokens: Token[] = [];
  let last = 0;
  for (const m of template.matchAll(TOKEN)) {
    if (m.index! > last) tokens.push({ text: template.slice(last, m.index) });
    if (m[1] !== undefined) tokens.push({ tag: m[1] });
    else tokens.push({ output: m[2] });
    last = m.index! + m[0].length;
  }
  if (last < template.length) tokens.push({ text: template.slice(last) });
  return tokens;
}

function parse(tokens: Token[], where: string): Node[] {
  let i = 0;
  const block = (terminators: string[]): { nodes: Node[]; end: string } => {
    const nodes: Node[] = [];
    while (i < tokens.length) {
      const t = tokens[i++];
      if (t.text !== undefined) nodes.push({ kind: 'text', text: t.text });
      else if (t.output !== undefined) nodes.push({ kind: 'output', expr: t.output.trim() });
      else {
        const [word, ...rest] = t.tag!.split(/\s+/);
        const arg = rest.join(' ');
        if (terminators.includes(word)) return { nodes, end: t.tag! };
        if (word === 'if') {
          const branches: { test: string | null; body: Node[] }[] = [];
          let test: string | null = arg;
          for (;;) {
            const { nodes: body, end } = block(['elsif', 'else', 'endif']);
            branches.push({ test, body });
            const [endWord, ...endRest] = end.split(/\s+/);
            if (endWord === 'endif') break;
            if (test === null) throw new PreviewProjectError(`${where}: Liquid {% ${endWord} %} after {% else %}`);
            test = endWord === 'elsif' ? endRest.join(' ') : null;
          }
          nodes.push({ kind: 'if', branches });
        } else if (word === 'condition') {
          const { nodes: body } = block(['endcondition']);
          nodes.push({ kind: 'condition', field: arg.trim(), body });
        } else {
          throw new PreviewProjectError(
            `${where}: Liquid tag {% ${t.tag} %} is not supported by the preview (it supports if/elsif/else on _dialect._name and condition)`,
          );
        }
      }
    }
    if (terminators.length)
      throw new PreviewProjectError(`${where}: Liquid block not closed (expected {% ${terminators[terminators.length - 1]} %})`);
    return { nodes, end: '' };
  };
  return block([]).nodes;
}

function evalTest(test: string, ctx: LiquidContext): boolean {
  const m = /^_dialect\._name\s*(==|!=)\s*(['"])([^'"]*)\2$/.exec(test.trim());
  if (!m)
    throw new PreviewProjectError(
      `${ctx.where}: Liquid condition "${test}" is not supported by the preview (only _dialect._name == '…' or != '…')`,
    );
  return m[1] === '==' ? ctx.dialectName === m[3] : ctx.dialectName !== m[3];
}

function render(nodes: Node[], ctx: LiquidContext): string {
  return nodes
    .map((n) => {
      switch (n.kind) {
        case 'text':
          return n.text;
        case 'output':
          if (n.expr !== '_dialect._name')
            throw new PreviewProjectError(
              `${ctx.where}: Liquid output {{ ${n.expr} }} is not supported by the preview (only {{ _dialect._name }})`,
            );
          return ctx.dialectName;
        case 'if': {
          const branch = n.branches.find((b) => b.test === null || evalTest(b.test, ctx));
          return branch ? render(branch.body, ctx) : '';
        }
        case 'condition': {
          const column = render(n.body, ctx).trim();
          if (!column) throw new PreviewProjectError(`${ctx.where}: {% condition ${n.field} %} has no column between the tags`);
          return ctx.condition(n.field, column);
        }
      }
    })
    .join('');
}

export function renderLiquid(template: string, ctx: LiquidContext): string {
  return render(parse(tokenize(template), ctx.where), ctx);
}
