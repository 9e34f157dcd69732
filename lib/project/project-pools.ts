/**
 * Every `new Sequelize` in a project and the pool each one really opens (lib/project/effective-pool.ts): what
 * the file says, the config files it reads (sequelize-cli, node-config), Sequelize's defaults where nothing does.
 */
import { statSync } from 'node:fs';
import path from 'node:path';

import type { TSESTree } from '@typescript-eslint/utils';

import { AST_NODE_TYPES } from '@typescript-eslint/types';

import type { EffectiveSetting } from './effective-pool';
import type { NodeConfig } from './node-config';
import type { ProjectModule } from './project-modules';
import type { SequelizeConstruction } from '../file-analysis/sequelize-options';
import type { Dialect } from './pool-budget';

import { childNodes, staticString } from '../file-analysis/ast';
import { mutuallyExclusive } from '../file-analysis/instance-lifetime';
import { readProperty } from '../file-analysis/resolve-value';
import { knownDialect } from './pool-budget';
import { describeOrigin, effectivePool } from './effective-pool';
import { projectSourceFiles } from './project-files';
import { loadProjectModule, readModuleText } from './project-modules';
import { sequelizeConstruction } from '../file-analysis/sequelize-options';

export interface PoolFinding {
  file: string;
  line: number;
  module: string;
  /** The `max` this instance runs with, or null when neither the file nor the config says. */
  max: number | null;
  /** Where `max` came from: `the file`, `Sequelize's default`, `config db.options.pool.max (NODE_ENV=dev)`. */
  maxSource: string;
  replicated: boolean | null;
  /**
   * Pools in different branches of one `if`/`else` or `? :` (sequelize-cli's `models/index.js`) share a group
   * (`file:line` of its first member): a process runs only one of them, so they count once, at the largest max.
   */
  exclusiveGroup?: string;
  /** The dialect the options or URL name (`postgres`, `mysql`, …), or null when they do not say. */
  dialect: Dialect | null;
  /** `dialectOptions` keys node-postgres sends as startup parameters (`statement_timeout`, …): PgBouncer refuses them. */
  startupParameters: string[];
}

const STARTUP_PARAMETER_KEYS = ['statement_timeout', 'lock_timeout', 'idle_in_transaction_session_timeout', 'options'];

/** The startup parameters a construction's `dialectOptions` sets (keys written in the options object). */
export function constructionStartupParameters(construction: SequelizeConstruction): string[] {
  if (construction.options.kind !== 'object') return [];
  const dialectOptions = readProperty(construction.options, 'dialectOptions');
  if (dialectOptions.kind !== 'object') return [];
  return STARTUP_PARAMETER_KEYS.filter((key) => dialectOptions.properties.has(key));
}

export interface ProjectScan {
  pools: PoolFinding[];
  /** Files that contain "Sequelize" but failed to parse: reported, not fatal. */
  unparsable: string[];
  /** Source files too large to read (over 1 MB): they may hold a pool, so the report says they were skipped. */
  tooLarge: string[];
}

/** The dialect a construction names: `options.dialect`, else the scheme of a literal URL. */
export function constructionDialect(construction: SequelizeConstruction): Dialect | null {
  if (construction.options.kind === 'object') {
    const dialect = readProperty(construction.options, 'dialect');
    if (dialect.kind === 'string' && dialect.value !== null) return knownDialect(dialect.value);
  }
  const [first] = construction.node.arguments;
  const url = construction.form === 'uri' && first !== undefined ? staticString(first) : null;
  const scheme = url === null ? null : /^([a-z]+):\/\//u.exec(url)?.[1];
  return scheme === undefined || scheme === null ? null : knownDialect(scheme);
}

/** Every `new Sequelize(...)` of a parsed module, wherever it is written. */
export function constructionsIn(module: ProjectModule): SequelizeConstruction[] {
  const found: SequelizeConstruction[] = [];
  const visit = (node: TSESTree.Node): void => {
    if (node.type === AST_NODE_TYPES.NewExpression) {
      const construction = sequelizeConstruction(module.host, node);
      if (construction !== null) found.push(construction);
    }
    for (const child of childNodes(node)) visit(child);
  };
  visit(module.ast);
  return found;
}

/** What the scan assumes about the deployment: its NODE_ENV and the environment variables known to be set. */
export interface ScanSettings {
  environment: string;
  env?: Readonly<Record<string, string | undefined>>;
}

/** How doctor names where a `max` comes from (its report and tests use these words). */
function describeMaxSource(setting: EffectiveSetting, root: string): string {
  const { origin } = setting;
  switch (origin.kind) {
    case 'code':
      return setting.overriddenBy.length > 0 ? 'the fallback in the file' : 'the file';
    case 'default':
      return "Sequelize's default";
    case 'config-file':
      return origin.format === 'node-config'
        ? `config ${origin.keyPath.join('.')} (NODE_ENV=${origin.environment})`
        : `${path.relative(root, origin.file)} ${origin.keyPath.join('.')}`;
    case 'unknown':
      return `unknown: ${origin.reason}`;
    default:
      return describeOrigin(setting, root);
  }
}

/**
 * Scans `root` (tests and dependencies skipped) for Sequelize instances and their pool size in one environment.
 * `settings` may be doctor's node-config view (its environment is used) or the environment itself; config files
 * are read through lib/project/config-files.ts (lib/project/effective-pool.ts), once per process.
 */
export function scanProjectPools(root: string, settings: NodeConfig | ScanSettings | null): ProjectScan {
  const pools: PoolFinding[] = [];
  const unparsable: string[] = [];
  const tooLarge: string[] = [];
  const environment = settings?.environment ?? process.env.NODE_ENV ?? 'development';
  const env = settings !== null && 'env' in settings ? (settings.env ?? {}) : {};
  for (const file of projectSourceFiles(root, { skipDirectories: ['test', 'tests', '__tests__'], skipFiles: /\.(?:test|spec)\.[^.]+$/u })) {
    const read = readModuleText(file);
    if (read === null && isOversized(file)) {
      tooLarge.push(path.relative(root, file));
      continue;
    }
    const text = read ?? '';
    // A cheap check before parsing: the analysis decides what really is Sequelize.
    if (!text.includes('Sequelize')) continue;
    // The same cached parse the import graph uses below (lib/project-modules): each file is read once per run.
    const module = loadProjectModule(file);
    if (module === null) {
      unparsable.push(path.relative(root, file));
      continue;
    }
    const constructions = constructionsIn(module);
    const groups = new Map<SequelizeConstruction, string>();
    for (const [index, construction] of constructions.entries()) {
      const partner = constructions.slice(0, index).find((earlier) => mutuallyExclusive(earlier.node, construction.node));
      if (partner !== undefined) {
        const group = groups.get(partner) ?? `${path.relative(root, file)}:${partner.node.loc.start.line}`;
        groups.set(partner, group);
        groups.set(construction, group);
      }
    }
    for (const construction of constructions) {
      const effective = effectivePool(construction, { filename: file, host: module.host, projectRoot: root, environment, env });
      const setting = effective.pool.max;
      const value = setting.known ? Number(setting.value) : Number.NaN;
      const max = Number.isFinite(value) ? value : null;
      const maxSource = describeMaxSource(setting, root);
      const configuredDialect = effective.dialect.known && typeof effective.dialect.value === 'string' ? knownDialect(effective.dialect.value) : null;
      pools.push({
        file: path.relative(root, file),
        line: construction.node.loc.start.line,
        module: construction.module,
        max,
        maxSource,
        replicated: effective.replication,
        ...(groups.has(construction) ? { exclusiveGroup: groups.get(construction) } : {}),
        dialect: constructionDialect(construction) ?? configuredDialect,
        startupParameters: constructionStartupParameters(construction),
      });
    }
  }
  return { pools, unparsable, tooLarge };
}

function isOversized(file: string): boolean {
  try {
    return statSync(file).size > 1_000_000;
  } catch {
    return false;
  }
}
