/**
 * The plain-data view of node-config that doctor has used since 0.1: merged values for one NODE_ENV as JSON-like
 * data. It is a thin adapter over `loadNodeConfig` (./config-files.ts), which knows node-config's real load order,
 * formats, custom environment variables and where each value is written; new code should use that directly.
 */
import path from 'node:path';

import type { ConfigValue } from './config-values';

import { ConfigFileError, loadNodeConfig } from './config-files';
import { configValueFor } from './config-values';

export class NodeConfigError extends Error {}

export interface NodeConfig {
  directory: string;
  environment: string;
  files: string[];
  /** Config files node-config loads that this reader does not (`production.js`, YAML without a YAML package). */
  unreadFiles: string[];
  values: Record<string, unknown>;
}

/** The known part of a value as plain data: leaves only the deployment knows are left out. */
function plain(value: ConfigValue, env: Readonly<Record<string, string | undefined>>): unknown {
  if (value.kind === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, property] of value.properties) {
      const converted = plain(property, env);
      if (converted !== undefined) result[key] = converted;
    }
    return result;
  }
  const resolved = configValueFor(value, env);
  return resolved.known ? resolved.value : undefined;
}

/**
 * Reads `directory` (a project's `config/`) for `environment`; null when it has no node-config files.
 * Custom environment variables and `NODE_CONFIG` apply as they would in this process.
 */
export function readNodeConfig(directory: string, environment: string, nodeConfigEnv?: string): NodeConfig | null {
  const env = { ...process.env, NODE_CONFIG_DIR: directory, NODE_CONFIG_ENV: environment, NODE_CONFIG: nodeConfigEnv };
  let model;
  try {
    model = loadNodeConfig({ projectRoot: path.dirname(directory), env });
  } catch (error) {
    if (error instanceof ConfigFileError) throw new NodeConfigError(error.message);
    throw error;
  }
  if (model === null) return null;
  const [warning] = model.warnings;
  if (warning !== undefined) throw new NodeConfigError(warning);
  return {
    directory,
    environment,
    files: model.files.filter((file) => file.status === 'read').map((file) => file.file),
    unreadFiles: model.unread.map((file) => file.file),
    values: plain(model.values, env) as Record<string, unknown>,
  };
}

/** The value at a dotted path (`db.options.pool.max`), or undefined. */
export function configValue(config: NodeConfig, dottedPath: string): unknown {
  let current: unknown = config.values;
  for (const key of dottedPath.split('.')) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
