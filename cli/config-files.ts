import type { FormattingOptions, Node as JsonNode, ParseError } from 'jsonc-parser';

import { existsSync } from 'node:fs';
import path from 'node:path';
import { applyEdits, findNodeAtLocation, modify, parseTree, printParseErrorCode } from 'jsonc-parser';

import type { LifecycleKey } from '../lib/sequelize-facts';

import { LIFECYCLE_KEYS } from '../lib/sequelize-facts';

export class ConfigFileError extends Error {}

/** The node-config `default.json` nearest to a module: `<dir>/config/default.json`, walking up to `root`. */
export function findNodeConfigDefault(moduleFile: string, root: string): string | null {
  const stop = path.resolve(root);
  for (let directory = path.dirname(path.resolve(moduleFile)); ; directory = path.dirname(directory)) {
    const candidate = path.join(directory, 'config', 'default.json');
    if (existsSync(candidate)) return candidate;
    if (directory === stop || path.dirname(directory) === directory || !directory.startsWith(stop)) return null;
  }
}

function formattingOf(text: string): FormattingOptions {
  const indent = /^([ \t]+)"/mu.exec(text)?.[1] ?? '  ';
  return {
    insertSpaces: !indent.includes('\t'),
    tabSize: indent.includes('\t') ? 1 : indent.length,
    eol: text.includes('\r\n') ? '\r\n' : '\n',
  };
}

/**
 * Adds `db.options.pool` (the module's own pool values) to a node-config JSON text where keys are missing,
 * never overwriting a key the user set. Logging switches are not written: unset, they leave the module's own
 * logging as it was. Edits the text in place, so formatting and key order survive.
 * Throws ConfigFileError on invalid JSON.
 */
export function addDbOptions(text: string, pool: Record<LifecycleKey, number>): string {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  const [firstError] = errors;
  if (firstError !== undefined || tree === undefined) {
    const reason = firstError === undefined ? 'empty file' : printParseErrorCode(firstError.error);
    const line = firstError === undefined ? 1 : text.slice(0, firstError.offset).split('\n').length;
    throw new ConfigFileError(`invalid JSON (${reason} at line ${line})`);
  }
  if (tree.type !== 'object') throw new ConfigFileError('the top level is not a JSON object');
  const wanted: [(string | number)[], unknown][] = [
    ...LIFECYCLE_KEYS.map((key): [(string | number)[], unknown] => [['db', 'options', 'pool', key], pool[key]]),
  ];
  const formattingOptions = formattingOf(text);
  let output = text;
  for (const [keyPath, value] of wanted) {
    const current = parseTree(output) as JsonNode;
    if (blockedBy(current, keyPath) || findNodeAtLocation(current, keyPath) !== undefined) continue;
    output = applyEdits(output, modify(output, keyPath, value, { formattingOptions }));
  }
  return output;
}

/** True when some prefix of `keyPath` exists but is not an object (`"db": "postgres://…"`): leave it alone. */
function blockedBy(tree: JsonNode, keyPath: (string | number)[]): boolean {
  for (let length = 1; length < keyPath.length; length += 1) {
    const node = findNodeAtLocation(tree, keyPath.slice(0, length));
    if (node === undefined) return false;
    if (node.type !== 'object') return true;
  }
  return false;
}
