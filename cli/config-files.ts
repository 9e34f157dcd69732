import type { Node as JsonNode } from 'jsonc-parser';

import { existsSync } from 'node:fs';
import path from 'node:path';

import type { LifecycleKey } from '../lib/sequelize-facts';

import { jsonNodeAt, JsonEditError, parseStrictJson, setJsonValues } from '../lib/edits/json-edits';
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

/**
 * Adds `db.options.pool` (the module's own pool values) to a node-config JSON text where keys are missing,
 * never overwriting a key the user set. Logging switches are not written: unset, they leave the module's own
 * logging as it was. Edits are splices (lib/edits/json-edits), so every byte outside them, formatting and key order
 * included, survives. Throws ConfigFileError on invalid JSON.
 */
export function addDbOptions(text: string, pool: Record<LifecycleKey, number>): string {
  try {
    const tree = parseStrictJson(text);
    if (tree.type !== 'object') throw new ConfigFileError('the top level is not a JSON object');
    const changes = LIFECYCLE_KEYS.map((key) => ({ path: ['db', 'options', 'pool', key], value: pool[key] })).filter(
      ({ path: keyPath }) => !blockedBy(tree, keyPath) && jsonNodeAt(tree, keyPath) === undefined,
    );
    return changes.length === 0 ? text : setJsonValues(text, changes);
  } catch (error) {
    if (error instanceof JsonEditError) throw new ConfigFileError(error.message);
    throw error;
  }
}

/** True when some prefix of `keyPath` exists but is not an object (`"db": "postgres://…"`): leave it alone. */
function blockedBy(tree: JsonNode, keyPath: readonly string[]): boolean {
  for (let length = 1; length < keyPath.length; length += 1) {
    const node = jsonNodeAt(tree, keyPath.slice(0, length));
    if (node === undefined) return false;
    if (node.type !== 'object') return true;
  }
  return false;
}
