/**
 * Every `new Sequelize` in a project and the pool each one really opens: what the file says, Sequelize's
 * defaults where it says nothing, and node-config's `db.options.pool` where the pool is config-driven.
 */
import path from 'node:path';

import type { TSESTree } from '@typescript-eslint/utils';

import { AST_NODE_TYPES } from '@typescript-eslint/utils';

import type { NodeConfig } from './node-config';
import type { ProjectModule } from './project-modules';
import type { SequelizeConstruction } from '../file-analysis/sequelize-options';

import { childNodes } from '../file-analysis/ast';
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
}

export interface ProjectScan {
  pools: PoolFinding[];
  /** Files that contain "Sequelize" but failed to parse: reported, not fatal. */
  unparsable: string[];
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
  for (const file of projectSourceFiles(root, { skipDirectories: ['test', 'tests', '__tests__'], skipFiles: /\.(?:test|spec)\.[^.]+$/u })) {
    const text = readModuleText(file) ?? '';
    // A cheap check before parsing: the analysis decides what really is Sequelize.
    if (!text.includes('Sequelize')) continue;
    // The same cached parse the import graph uses below (lib/project-modules): each file is read once per run.
    const module = loadProjectModule(file);
    if (module === null) {
      unparsable.push(path.relative(root, file));
      continue;
    }
    for (const construction of constructionsIn(module)) {
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
      });
    }
  }
  return { pools, unparsable };
}
