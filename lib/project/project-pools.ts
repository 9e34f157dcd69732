/**
 * Every `new Sequelize` in a project and the pool each one really opens: what the file says, Sequelize's
 * defaults where it says nothing, and node-config's `db.options.pool` where the pool is config-driven.
 */
import { statSync } from 'node:fs';
import path from 'node:path';

import type { TSESTree } from '@typescript-eslint/utils';

import { AST_NODE_TYPES } from '@typescript-eslint/utils';

import type { NodeConfig } from './node-config';
import type { ProjectModule } from './project-modules';
import type { SequelizeConstruction } from '../file-analysis/sequelize-options';
import type { Dialect } from './pool-budget';

import { childNodes, staticString } from '../file-analysis/ast';
import { mutuallyExclusive } from '../file-analysis/instance-lifetime';
import { readProperty } from '../file-analysis/resolve-value';
import { knownDialect } from './pool-budget';
import { configValue } from './node-config';
import { projectSourceFiles } from './project-files';
import { loadProjectModule, readModuleText } from './project-modules';
import { SEQUELIZE_POOL_DEFAULTS } from '../sequelize-facts';
import { poolKeyState, poolState, sequelizeConstruction, usesReplication } from '../file-analysis/sequelize-options';

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
function constructionsIn(module: ProjectModule): SequelizeConstruction[] {
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

/** Scans `root` (tests and dependencies skipped) for Sequelize instances and their pool size. */
export function scanProjectPools(root: string, config: NodeConfig | null): ProjectScan {
  const pools: PoolFinding[] = [];
  const unparsable: string[] = [];
  const tooLarge: string[] = [];
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
      const pool = poolState(construction);
      const state = poolKeyState(pool, 'max');
      let max: number | null = null;
      let maxSource = 'unknown: options the doctor cannot read';
      if (state.state === 'default') {
        max = SEQUELIZE_POOL_DEFAULTS.max;
        maxSource = "Sequelize's default";
      } else if (state.state === 'set' && state.value.kind === 'number') {
        max = state.value.value;
        maxSource = state.value.viaFallback ? 'the fallback in the file' : 'the file';
      } else {
        // Config-driven (`{ ...POOL_DEFAULTS, ...DB_OPTIONS.pool }`): the file's default unless config overrides it.
        const written = pool.state === 'known' ? pool.pool.properties.get('max') : undefined;
        if (written?.value.kind === 'number') {
          max = written.value.value;
          maxSource = 'the file (config may override it)';
        }
        const configured = config === null ? undefined : configValue(config, 'db.options.pool.max');
        if (typeof configured === 'number') {
          max = configured;
          maxSource = `config db.options.pool.max (NODE_ENV=${config?.environment ?? ''})`;
        }
      }
      pools.push({
        file: path.relative(root, file),
        line: construction.node.loc.start.line,
        module: construction.module,
        max,
        maxSource,
        replicated: usesReplication(construction),
        ...(groups.has(construction) ? { exclusiveGroup: groups.get(construction) } : {}),
        dialect: constructionDialect(construction),
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
