/**
 * Edits of a strict JSON text (a sequelize-cli `config/config.json`) as splices: a value replaced where it is
 * written, missing keys appended to their object in that object's own layout (indentation, `"key" : value`
 * spacing, one-line or multi-line, the file's line ending). No byte outside the splices changes: jsonc-parser's
 * `modify` re-formats the lines it touches (`"idle" : 10000` next to an insertion became `"idle": 10000`).
 */
import type { Node as JsonNode, ParseError } from 'jsonc-parser';

import { parseTree, printParseErrorCode } from 'jsonc-parser';

import type { TextEdit } from './text-edits';

import { applyTextEdits } from './text-edits';

/** The text is not strict JSON, or a key on the way is not an object: nothing was edited. */
export class JsonEditError extends Error {}

export type JsonScalar = number | string | boolean | null;

/** Set the value at `path` (keys from the top-level object), creating the objects on the way when missing. */
export interface JsonSet {
  path: readonly string[];
  value: JsonScalar;
}

/** The tree of a strict JSON text (as `require()` and `JSON.parse` read it). Throws JsonEditError, naming only a line. */
export function parseStrictJson(text: string): JsonNode {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true, allowEmptyContent: false });
  const [first] = errors;
  if (first !== undefined || tree === undefined) {
    const reason = first === undefined ? 'empty file' : printParseErrorCode(first.error);
    const line = first === undefined ? 1 : text.slice(0, first.offset).split('\n').length;
    throw new JsonEditError(`invalid JSON (${reason} at line ${line})`);
  }
  return tree;
}

/** The value node of `key` in an object node: the last one written, since JSON.parse keeps the last duplicate. */
export function jsonProperty(object: JsonNode, key: string): JsonNode | undefined {
  let found: JsonNode | undefined;
  for (const property of object.children ?? []) {
    const [name, value] = property.children ?? [];
    if (name?.value === key) found = value;
  }
  return found;
}

/** The value node at `path`, or undefined when a key on the way is missing or not an object. */
export function jsonNodeAt(tree: JsonNode, path: readonly string[]): JsonNode | undefined {
  let node: JsonNode | undefined = tree;
  for (const key of path) {
    if (node?.type !== 'object') return undefined;
    node = jsonProperty(node, key);
  }
  return node;
}

/** Keys to add below one existing object, in the order given; a nested map is a new object. */
type NewEntries = Map<string, JsonScalar | NewEntries>;

/**
 * Applies every `JsonSet` to `text` in one pass of splices and checks the result: the text parses and holds each
 * value at its path. Throws JsonEditError when the text is not strict JSON or a key on a path holds something
 * other than an object (`"pool": "none"`): then nothing is changed.
 */
export function setJsonValues(text: string, changes: readonly JsonSet[]): string {
  const tree = parseStrictJson(text);
  const edits: TextEdit[] = [];
  const additions = new Map<JsonNode, NewEntries>();
  for (const change of changes) {
    let node: JsonNode = tree;
    let depth = 0;
    for (; depth < change.path.length; depth += 1) {
      if (node.type !== 'object') throw new JsonEditError(`${change.path.slice(0, depth).join('.') || 'the top level'} is not an object`);
      const child = jsonProperty(node, change.path[depth] as string);
      if (child === undefined) break;
      node = child;
    }
    if (depth === change.path.length) {
      edits.push({ start: node.offset, end: node.offset + node.length, text: JSON.stringify(change.value) });
      continue;
    }
    if (node.type !== 'object') throw new JsonEditError(`${change.path.slice(0, depth).join('.') || 'the top level'} is not an object`);
    let entries: NewEntries = additions.get(node) ?? new Map<string, JsonScalar | NewEntries>();
    additions.set(node, entries);
    for (const key of change.path.slice(depth, -1)) {
      const existing = entries.get(key);
      const nested: NewEntries = existing instanceof Map ? existing : new Map<string, JsonScalar | NewEntries>();
      entries.set(key, nested);
      entries = nested;
    }
    entries.set(change.path.at(-1) as string, change.value);
  }
  for (const [object, entries] of additions) edits.push(appendJsonEntries(text, object, entries));
  const output = applyTextEdits(text, edits);
  const check = parseStrictJson(output);
  for (const change of changes) {
    if (jsonNodeAt(check, change.path)?.value !== change.value) throw new JsonEditError(`internal error: ${change.path.join('.')} was not set`);
  }
  return output;
}

/** The whitespace at the start of the line that holds `offset`. */
function indentationAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/u.exec(text.slice(lineStart, offset))?.[0] ?? '';
}

/** One indentation level as the file writes it: a tab, or the smallest indentation of a key line (2 by default). */
function indentationUnit(text: string): string {
  const indents = [...text.matchAll(/^([ \t]+)"/gmu)].map((match) => match[1] ?? '');
  if (indents.some((indent) => indent.startsWith('\t'))) return '\t';
  const smallest = Math.min(...indents.map((indent) => indent.length));
  return Number.isFinite(smallest) && smallest > 0 ? ' '.repeat(smallest) : '  ';
}

/** The edit that appends `entries` to `object`, one per line in a multi-line object, inline in a one-line one. */
function appendJsonEntries(text: string, object: JsonNode, entries: NewEntries): TextEdit {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const properties = object.children ?? [];
  const last = properties.at(-1);
  const end = object.offset + object.length;
  const container = object.parent?.parent;
  const multiLine =
    last === undefined
      ? text.slice(object.offset, end).includes('\n') || (container !== undefined && text.slice(container.offset, container.offset + container.length).includes('\n'))
      : text.slice(last.offset, end).includes('\n');
  // `"key" : value` or `"key": value`: as the object's last entry writes it.
  const [lastKey, lastValue] = last?.children ?? [];
  const written = lastKey === undefined || lastValue === undefined ? ': ' : text.slice(lastKey.offset + lastKey.length, lastValue.offset);
  const separator = written.includes('\n') ? ': ' : written;
  const outer = indentationAt(text, object.offset);
  const unit = indentationUnit(text);
  const indent = last === undefined ? outer + unit : indentationAt(text, last.offset);
  const render = (value: JsonScalar | NewEntries, depth: string): string => {
    if (!(value instanceof Map)) return JSON.stringify(value);
    const inner = [...value].map(([key, nested]) => `${JSON.stringify(key)}${separator}${render(nested, depth + unit)}`);
    return multiLine ? `{${inner.map((entry) => `${eol}${depth}${unit}${entry}`).join(',')}${eol}${depth}}` : `{ ${inner.join(', ')} }`;
  };
  const rendered = [...entries].map(([key, value]) => `${JSON.stringify(key)}${separator}${render(value, indent)}`);
  if (last === undefined) {
    const body = multiLine ? `{${rendered.map((entry) => `${eol}${indent}${entry}`).join(',')}${eol}${outer}}` : `{ ${rendered.join(', ')} }`;
    return { start: object.offset, end, text: body };
  }
  const at = last.offset + last.length;
  return { start: at, end: at, text: multiLine ? rendered.map((entry) => `,${eol}${indent}${entry}`).join('') : rendered.map((entry) => `, ${entry}`).join('') };
}
