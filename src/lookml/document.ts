/**
 * The LookML document model: plain objects whose key order is the output order.
 * A file is a `Node`; `key: name { ... }` blocks are arrays of `Named` nodes under their singular key
 * (`dimension: [...]`), `key: { ... }` blocks are `Node`s, and every other value is a scalar or a list.
 * How a scalar is written (bare, "quoted", or `sql ;;`) is decided by its key, in serialize.ts.
 */

/** `[field: "value", ...]`, e.g. a measure's or an always_filter's `filters`. */
export interface Pairs {
  readonly pairs: ReadonlyArray<readonly [string, string]>;
}

export type Value = string | number | boolean | readonly string[] | Pairs | Node | readonly Named[];

export interface Node {
  readonly [key: string]: Value | undefined;
}

export interface Named extends Node {
  readonly $name: string;
}

/** A generated file: its path relative to the project root and its text. */
export interface GeneratedFile {
  path: string;
  content: string;
  /** Created once for the user to edit; never overwritten. */
  once?: boolean;
}

export const named = (name: string, body: Node): Named => ({ $name: name, ...body });
export const pairs = (entries: ReadonlyArray<readonly [string, string]>): Pairs => ({ pairs: entries });

export const isPairs = (v: Value): v is Pairs => typeof v === 'object' && v !== null && !Array.isArray(v) && 'pairs' in v;
export const isNamedList = (v: Value): v is readonly Named[] =>
  Array.isArray(v) && v.length > 0 && typeof v[0] === 'object';
export const isNode = (v: Value): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v) && !isPairs(v);
