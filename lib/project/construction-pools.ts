/**
 * What the pool rules ask about one `new Sequelize(...)`: the pool it gets in every environment the project's
 * config files define (lib/project/effective-pool, which reads the files through lib/project/config-files), the
 * Sequelize version whose defaults fill the gaps, and whether the dialect uses a pool at all.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

import type { AnalysisHost } from '../file-analysis/ast';
import type { SequelizeConstruction } from '../file-analysis/sequelize-options';
import type { EffectivePool, EffectiveSetting } from './effective-pool';
import type { SequelizeVersion } from './sequelize-version';
import type { PoolKey, SequelizeMajor } from '../sequelize-facts';

import { effectivePools } from './effective-pool';
import { sequelizeVersion } from './sequelize-version';

/** The folder of the nearest package.json above `filename` (outside node_modules), else `fallback`. */
export function projectRootOf(filename: string, fallback: string): string {
  if (!path.isAbsolute(filename)) return fallback;
  for (let directory = path.dirname(filename); ; directory = path.dirname(directory)) {
    if (path.basename(directory) === 'node_modules') return fallback;
    if (existsSync(path.join(directory, 'package.json'))) return directory;
    if (path.dirname(directory) === directory) return fallback;
  }
}

/** `Sequelize v4`, `@sequelize/core v7`, or `Sequelize v6 (assumed: …)` when the project names no version. */
export function versionLabel(version: SequelizeVersion): string {
  if (version.major === null) return 'Sequelize v6 (assumed: the project neither declares nor installs Sequelize)';
  return version.package === '@sequelize/core' ? `@sequelize/core v${version.major}` : `Sequelize v${version.major}`;
}

/** The major whose defaults apply (v6 when unknown). */
export function defaultsMajor(version: SequelizeVersion): SequelizeMajor {
  return version.major ?? 6;
}

export interface ConstructionPools {
  root: string;
  version: SequelizeVersion;
  /** One answer per environment the config files define (`development` first); empty when effectivePool failed. */
  pools: EffectivePool[];
  /** True when some environment's pool reads a config file (sequelize-cli or node-config). */
  fromConfig: boolean;
  /** False when no environment uses a pool (a provable SQLite dialect before v7), true when all do, else null. */
  usesPool: boolean | null;
}

const cache = new WeakMap<SequelizeConstruction, ConstructionPools>();

/**
 * The pools of `construction` for every configured environment, with no environment variable assumed set (each
 * fallback applies). Computed once per construction per lint.
 */
export function constructionPools(construction: SequelizeConstruction, filename: string, host: AnalysisHost, cwd: string): ConstructionPools {
  const cached = cache.get(construction);
  if (cached !== undefined) return cached;
  const root = projectRootOf(filename, cwd);
  const version = sequelizeVersion(root);
  let pools: EffectivePool[];
  try {
    pools = effectivePools(construction, { filename: path.resolve(cwd, filename), host, projectRoot: root, env: {} });
  } catch {
    // A config file that cannot be read is doctor's to report; the rules stay silent about what they cannot see.
    pools = [];
  }
  const fromConfig = pools.some((pool) => pool.configFiles.length > 0);
  const uses = pools.map((pool) => pool.usesPool);
  const usesPool = uses.length > 0 && uses.every((value) => value === false) ? false : uses.length > 0 && uses.every((value) => value === true) ? true : null;
  const result = { root, version, pools, fromConfig, usesPool };
  cache.set(construction, result);
  return result;
}

/** The keys of `required` that no code, config file or environment variable sets in `pool` (Sequelize fills them). */
export function unsetKeys(pool: EffectivePool, required: readonly PoolKey[]): PoolKey[] {
  return required.filter((key) => {
    const setting: EffectiveSetting = pool.pool[key];
    return setting.origin.kind === 'default' && setting.overriddenBy.length === 0;
  });
}
