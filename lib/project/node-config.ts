/**
 * node-config's merged settings for one NODE_ENV, for the JSON files: `default`, `<env>`, `local`,
 * `local-<env>`, then the `NODE_CONFIG` environment variable, later ones winning key by key (node-config's
 * order for these sources). YAML and JS config files are not read; the caller says so.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export class NodeConfigError extends Error {}

export interface NodeConfig {
  directory: string;
  environment: string;
  files: string[];
  /** Config files in formats this reader skips (`default.yml`, `production.js`). */
  unreadFiles: string[];
  values: Record<string, unknown>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function merge(target: Record<string, unknown>, source: Record<string, unknown>): Record<string, unknown> {
  const result = { ...target };
  for (const [key, value] of Object.entries(source)) {
    const existing = result[key];
    result[key] = isPlainObject(existing) && isPlainObject(value) ? merge(existing, value) : value;
  }
  return result;
}

/** Reads `directory` (a project's `config/`) for `environment`; null when it has no node-config JSON files. */
export function readNodeConfig(directory: string, environment: string, nodeConfigEnv?: string): NodeConfig | null {
  if (!existsSync(path.join(directory, 'default.json'))) return null;
  const names = ['default', environment, 'local', `local-${environment}`];
  const files = names.map((name) => path.join(directory, `${name}.json`)).filter((file) => existsSync(file));
  const unreadFiles = readdirSync(directory)
    .filter((file) => /\.(?:ya?ml|js|cjs|mjs|ts|json5|toml|properties)$/u.test(file))
    .filter((file) => names.includes(file.replace(/\.[^.]+$/u, '')))
    .map((file) => path.join(directory, file));
  let values: Record<string, unknown> = {};
  for (const file of files) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new NodeConfigError(`${file}: invalid JSON (${error instanceof Error ? error.message : String(error)})`);
    }
    if (!isPlainObject(parsed)) throw new NodeConfigError(`${file}: the top level is not a JSON object`);
    values = merge(values, parsed);
  }
  if (nodeConfigEnv !== undefined && nodeConfigEnv.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(nodeConfigEnv);
    } catch {
      throw new NodeConfigError('NODE_CONFIG is not valid JSON');
    }
    if (isPlainObject(parsed)) values = merge(values, parsed);
  }
  return { directory, environment, files, unreadFiles, values };
}

/** The value at a dotted path (`db.options.pool.max`), or undefined. */
export function configValue(config: NodeConfig, dottedPath: string): unknown {
  let current: unknown = config.values;
  for (const key of dottedPath.split('.')) {
    if (!isPlainObject(current)) return undefined;
    current = current[key];
  }
  return current;
}
