/**
 * The sequelize-cli half of the `pool-config` codemod: when a module's options provably are one environment of a
 * sequelize-cli JSON config (`const config = require(__dirname + '/../config/config.json')[env]`,
 * `new Sequelize(config.database, config.username, config.password, config)`), that file is where the pool lives:
 * configuration wins over the code's `withPoolSettings`, so the codemod plans its edits there, per environment,
 * with the same rules and announcements as a pool written in the module:
 *
 * - a `max` over the budget (sized with that environment's own dialect and replication) is lowered to the one
 *   formula's value; an unset lifecycle key gets the value the module path writes;
 * - SQLite environments are left alone (no pool); an environment with `use_env_variable`, or a value the codemod
 *   cannot prove (a string `max`, no dialect), is left alone with a warning.
 *
 * The plan is key paths and values; the command applies them to the file's text (lib/edits/json-edits) in the same
 * all-or-nothing run as the module.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';

import { AST_NODE_TYPES } from '@typescript-eslint/types';
import path from 'node:path';

import type { AnalysedSource } from '../lib/file-analysis/source-analysis';
import type { EnvironmentReference } from '../lib/file-analysis/resolve-value';
import type { SequelizeConstruction } from '../lib/file-analysis/sequelize-options';
import type { ConfigValue } from '../lib/project/config-values';
import type { LifecycleKey } from '../lib/sequelize-facts';
import type { Announcement, BudgetPlan, MigrationWarning } from './pool-config';

import { findVariable, memberName, skipTypeWrappers } from '../lib/file-analysis/ast';
import { resolveValue } from '../lib/file-analysis/resolve-value';
import { cliEnvironment, readSequelizeCliConfig } from '../lib/project/config-files';
import { ConfigFileError } from '../lib/project/config-values';
import { referencedConfigFile } from '../lib/project/effective-pool';
import { LIFECYCLE_KEYS, RECOMMENDED_POOL } from '../lib/sequelize-facts';

/** One value to set in the config file; `old` is what the file holds there (null: the key is absent). */
export interface ConfigFileChange {
  path: string[];
  old: number | null;
  value: number;
}

export interface CliConfigPlan {
  /** The config file (absolute). */
  file: string;
  /** How the module picks the environment (`process.env.NODE_ENV || 'development'`). */
  selection: EnvironmentReference;
  /** The constructions (index in source order) whose options are this file's environment. */
  instances: number[];
  changes: ConfigFileChange[];
  /** One per change, with `environment` set and `file` the config file. */
  announcements: Announcement[];
  warnings: MigrationWarning[];
  notes: string[];
  /** Environments left as they are (SQLite, `use_env_variable`, unprovable): the module's withPoolSettings may fill them. */
  leftAlone: string[];
  /** The budget each edited environment was sized with (its dialect, its replication). */
  budgets: { environment: string; budget: BudgetPlan }[];
}

/** What the planner needs from the module's migration: the same budget, reasons and version as the module path. */
export interface CliPlanContext {
  budgetFor(dialect: string | null, replicated: boolean): BudgetPlan;
  overBudget(budget: BudgetPlan, max: number): string;
  /** `--max`, which replaces a written max even when it fits. */
  forcedMax: number | undefined;
  version: { major: number; defaults: Record<LifecycleKey, number>; assumed: boolean };
  why: Record<LifecycleKey, string>;
}

/** The keys whose values the plan relies on: a module that may change them before `new Sequelize` is not proven. */
const RELIED_ON = new Set(['pool', 'dialect', 'use_env_variable', 'replication']);

/** The sequelize-cli JSON file and environment selection a construction's options provably are, or null. */
export function cliJsonOptions(
  construction: SequelizeConstruction,
  analysed: AnalysedSource,
  file: string,
): { file: string; selection: EnvironmentReference } | null {
  const argument = construction.optionsArgument;
  if (argument === null) return null;
  const value = resolveValue(analysed.host, argument);
  if (value.kind !== 'config' || value.source !== 'sequelize-cli') return null;
  // The whole environment as the options, read from a path relative to the module (a cwd-relative path depends on
  // where the app is started).
  if (value.keyPath.length > 0 || value.fallback !== null || value.base !== 'module') return null;
  const selection = value.environment;
  if (selection === null || selection.kind === 'unknown') return null;
  if (!dialectFromOptions(construction)) return null;
  const configFile = referencedConfigFile(value, { filename: file, projectRoot: path.dirname(file) });
  if (configFile === null || !configFile.endsWith('.json')) return null;
  const constructors = new Set<TSESTree.Node>(analysed.constructions.map((entry) => entry.node));
  if (!readOnlyChain(analysed, argument, constructors, 0)) return null;
  return { file: configFile, selection };
}

/**
 * True when the dialect is the options' own: in the URL forms (`new Sequelize(url, config)`) Sequelize v4 to v6
 * take it from the URL's scheme instead. The one URL form allowed is sequelize-cli's
 * `new Sequelize(process.env[config.use_env_variable], config)`: it only constructs in an environment that sets
 * `use_env_variable` (elsewhere the URL is undefined and Sequelize throws), and those are left alone.
 */
function dialectFromOptions(construction: SequelizeConstruction): boolean {
  const args = construction.node.arguments;
  if (args.length !== 2) return true;
  const url = skipTypeWrappers(args[0] as TSESTree.Node);
  if (url.type !== AST_NODE_TYPES.MemberExpression || !url.computed) return false;
  const env = skipTypeWrappers(url.object);
  const key = skipTypeWrappers(url.property);
  return (
    env.type === AST_NODE_TYPES.MemberExpression &&
    memberName(env) === 'env' &&
    env.object.type === AST_NODE_TYPES.Identifier &&
    env.object.name === 'process' &&
    key.type === AST_NODE_TYPES.MemberExpression &&
    memberName(key) === 'use_env_variable'
  );
}

/**
 * True when nothing in the module can change the keys the plan relies on between `require` and `new Sequelize`:
 * each binding from the options argument back to the `require` (or import) is a single assignment, and every
 * other use of it reads a key, or writes or hands out a key the plan does not rely on (`config.logging = …`).
 */
function readOnlyChain(analysed: AnalysedSource, raw: TSESTree.Node, constructors: ReadonlySet<TSESTree.Node>, depth: number): boolean {
  if (depth > 8) return false;
  const node = skipTypeWrappers(raw);
  if (node.type === AST_NODE_TYPES.MemberExpression) return readOnlyChain(analysed, node.object, constructors, depth + 1);
  if (node.type === AST_NODE_TYPES.CallExpression) return true; // require(…): the chain's root
  if (node.type !== AST_NODE_TYPES.Identifier) return false;
  const variable = findVariable(analysed.host, node);
  if (variable === null || variable.defs.length !== 1) return false;
  const [definition] = variable.defs;
  for (const reference of variable.references) {
    if (reference.init === true) continue;
    if (reference.isWrite() || !safeUse(reference, constructors)) return false;
  }
  // Told apart by their nodes, not the scope manager's enum (whose package entry may load ESLint).
  const declared = definition?.node as TSESTree.Node | undefined;
  if (declared?.type === AST_NODE_TYPES.ImportDefaultSpecifier || declared?.type === AST_NODE_TYPES.ImportNamespaceSpecifier) return true;
  if (declared?.type !== AST_NODE_TYPES.VariableDeclarator || declared.init === null || declared.id.type !== AST_NODE_TYPES.Identifier) return false;
  return readOnlyChain(analysed, declared.init, constructors, depth + 1);
}

/** A use of the config object that cannot change what `new Sequelize` gets for the keys the plan relies on. */
function safeUse(reference: TSESLint.Scope.Reference, constructors: ReadonlySet<TSESTree.Node>): boolean {
  const identifier = reference.identifier as TSESTree.Node;
  const parent = identifier.parent;
  if (parent === undefined) return false;
  // Handed whole to a constructor, or read through a spread: not changed.
  if ((parent.type === AST_NODE_TYPES.NewExpression && constructors.has(parent)) || parent.type === AST_NODE_TYPES.SpreadElement) return true;
  if (parent.type === AST_NODE_TYPES.MemberExpression && parent.object === identifier) {
    // `configs[env]`, `config.database`: what matters is what happens to the outermost member read.
    let top: TSESTree.Node = parent;
    while (top.parent?.type === AST_NODE_TYPES.MemberExpression && top.parent.object === top) top = top.parent;
    const outer = top.parent;
    const changes =
      (outer?.type === AST_NODE_TYPES.AssignmentExpression && outer.left === top) ||
      outer?.type === AST_NODE_TYPES.UpdateExpression ||
      (outer?.type === AST_NODE_TYPES.UnaryExpression && outer.operator === 'delete') ||
      (outer?.type === AST_NODE_TYPES.CallExpression && outer.callee !== top) ||
      (outer?.type === AST_NODE_TYPES.NewExpression && !constructors.has(outer)) ||
      (outer?.type === AST_NODE_TYPES.CallExpression && outer.callee === top && top !== parent);
    if (!changes) return true;
    const key = memberName(parent);
    // `configs[env].pool = …` changes an environment's key: a computed key reaches any of them.
    return key !== null && !RELIED_ON.has(key) && parent.computed === false && !isEnvironmentIndex(parent);
  }
  return false;
}

/** `configs[env]`: the member read selects an environment, so a change below it may touch the keys relied on. */
function isEnvironmentIndex(member: TSESTree.MemberExpression): boolean {
  return member.computed;
}

/** The literal number a config value holds, or null when it is something else (a string, null, an env variable). */
function literalNumber(value: ConfigValue | undefined): number | null {
  return value?.kind === 'literal' && typeof value.value === 'number' ? value.value : null;
}

function lineOf(value: ConfigValue | undefined): number {
  return value?.source.kind === 'file' ? (value.source.position?.line ?? 1) : 1;
}

/** `the string "50"`, `null`, `an object`: a value described without quoting anything that may be a secret. */
function describeKind(value: ConfigValue): string {
  if (value.kind !== 'literal') return value.kind === 'object' ? 'an object' : `a value the codemod cannot read (${value.kind})`;
  if (value.value === null) return 'null';
  if (typeof value.value === 'number') return String(value.value);
  return `a ${typeof value.value}`;
}

/**
 * The edits one sequelize-cli JSON file needs, environment by environment, or a reason it cannot be planned
 * (then the module keeps today's behaviour: its withPoolSettings fills unset keys, and a warning).
 */
export function planCliConfig(
  target: { file: string; selection: EnvironmentReference },
  instances: number[],
  context: CliPlanContext,
  shown: (file: string) => string,
): CliConfigPlan | { unplanned: string } {
  const config = readSequelizeCliConfig(target.file);
  const name = shown(target.file);
  if (config instanceof ConfigFileError) return { unplanned: `${name} does not parse (line ${config.line})` };
  if ('unread' in config) return { unplanned: `${name}: ${config.unread}` };
  if (!config.complete) return { unplanned: `${name} defines its environments where static reading does not follow` };
  const environments =
    target.selection.kind === 'literal'
      ? [target.selection.value]
      : [...config.environments].filter(([, options]) => options.kind === 'object').map(([environment]) => environment);
  if (environments.length === 0) return { unplanned: `${name} defines no environment` };
  const plan: CliConfigPlan = {
    file: target.file,
    selection: target.selection,
    instances,
    changes: [],
    announcements: [],
    warnings: [],
    notes: [],
    leftAlone: [],
    budgets: [],
  };
  const { version } = context;
  const v = `Sequelize v${version.major}${version.assumed ? ' (assumed)' : ''}`;
  for (const environment of environments) {
    const options = cliEnvironment(config, environment);
    const where = `${name} ${environment}`;
    const leave = (warning: string | null, note?: string): void => {
      plan.leftAlone.push(environment);
      if (warning !== null) plan.warnings.push({ file: target.file, line: lineOf(options?.options), message: `${where}: ${warning}; left alone` });
      if (note !== undefined) plan.notes.push(`${where}: ${note}`);
    };
    if (options === null || options.options.kind !== 'object') {
      leave(`the module selects it (${describeSelection(target.selection)}) but the file does not define it as an object`);
      continue;
    }
    if (options.useEnvVariable !== undefined) {
      leave('it connects through use_env_variable, so its dialect (and the database the budget is for) is in a URL the codemod cannot read; set its pool by hand');
      continue;
    }
    const dialect = options.dialect?.kind === 'literal' && typeof options.dialect.value === 'string' ? normaliseDialect(options.dialect.value) : null;
    if (dialect === null) {
      leave(options.dialect === undefined ? 'it has no dialect (Sequelize requires one)' : `its dialect is ${describeKind(options.dialect)}, not a name the codemod can prove`);
      continue;
    }
    if (dialect === 'sqlite') {
      leave(null, "SQLite has no pool (Sequelize's SQLite connection manager never uses the pool options); left alone");
      continue;
    }
    const replication = options.replication;
    if (replication !== undefined && replication.kind !== 'object' && !(replication.kind === 'literal' && (replication.value === false || replication.value === null))) {
      leave(`its replication is ${describeKind(replication)}, so the number of pools per instance cannot be proven`);
      continue;
    }
    const pool = options.pool;
    if (pool !== undefined && !(pool.kind === 'object' || (pool.kind === 'literal' && pool.value === null))) {
      leave(`its pool is ${describeKind(pool)}, not an object the codemod can edit`);
      continue;
    }
    if (pool?.kind === 'literal') {
      // `"pool": null`: Sequelize's defaults apply, and a key cannot be added under null without replacing it.
      leave('its pool is null; replace it with an object by hand');
      continue;
    }
    const written = (key: LifecycleKey): ConfigValue | undefined => (pool?.kind === 'object' ? pool.properties.get(key) : undefined);
    const unprovable = LIFECYCLE_KEYS.filter((key) => {
      const value = written(key);
      const number = literalNumber(value);
      return value !== undefined && (number === null || !Number.isInteger(number) || number < (key === 'max' ? 1 : 0));
    });
    if (unprovable.length > 0) {
      const described = unprovable.map((key) => `pool.${key} is ${describeKind(written(key) as ConfigValue)}`).join(', ');
      leave(`${described}, which the codemod cannot prove is a valid count or time`);
      continue;
    }
    if (replication?.kind === 'object') {
      for (const side of ['read', 'write']) {
        const entries = replication.properties.get(side);
        const list = entries?.kind === 'array' ? entries.elements : entries === undefined ? [] : [entries];
        if (list.some((entry) => entry.kind === 'object' && entry.properties.has('pool'))) {
          plan.notes.push(`${where}: the pool inside replication.${side} is ignored by Sequelize (both the read and the write pool use the top-level pool); left as written`);
        }
      }
    }
    const budget = context.budgetFor(dialect, replication?.kind === 'object');
    plan.budgets.push({ environment, budget });
    const poolLine = pool === undefined ? lineOf(options.options) : lineOf(pool);
    const change = (key: LifecycleKey, old: number | null, value: number, why: string, line: number, clamped = false): void => {
      plan.changes.push({ path: [environment, 'pool', key], old, value });
      plan.announcements.push({
        file: target.file,
        line,
        instance: instances[0] ?? 0,
        environment,
        key: `pool.${key}`,
        old,
        effective: old ?? version.defaults[key],
        new: value,
        clampedToMax: clamped,
        why,
        condition: null,
      });
    };
    // max: the budget decides; a written max that fits stays (unless --max says otherwise).
    const max = literalNumber(written('max'));
    let effectiveMax: number;
    if (max === null) {
      effectiveMax = budget.max;
      change('max', null, budget.max, `unset, so ${v} used ${version.defaults.max}; now explicit: ${budget.lines[0] ?? ''}`, poolLine);
    } else if (max > budget.fits || (context.forcedMax !== undefined && max !== context.forcedMax)) {
      effectiveMax = budget.max;
      const why = max > budget.fits ? context.overBudget(budget, max) : 'set with --max';
      change('max', max, budget.max, why, lineOf(written('max')));
    } else {
      effectiveMax = max;
    }
    const min = literalNumber(written('min'));
    if (min === null) {
      const value = Math.min(RECOMMENDED_POOL.min, effectiveMax);
      change('min', null, value, `unset, so ${v} used ${version.defaults.min}; now explicit: ${context.why.min}`, poolLine);
    } else if (min > effectiveMax) {
      change('min', min, effectiveMax, `min ${min} is above the new max ${effectiveMax} (sequelize-pool refuses min > max)`, lineOf(written('min')));
    }
    for (const key of ['idle', 'acquire', 'evict'] as const) {
      const value = literalNumber(written(key));
      if (value === null) {
        change(key, null, RECOMMENDED_POOL[key], `unset, so ${v} used ${version.defaults[key]}; now explicit: ${context.why[key]}`, poolLine);
      } else if (value === 0 && version.major < 7) {
        plan.notes.push(`${where}: pool.${key}: 0 runs as ${key === 'evict' ? '1000' : '30000'} ms in sequelize-pool 7 (zero is not "off"); left as written`);
      }
    }
  }
  return plan;
}

function describeSelection(selection: EnvironmentReference): string {
  if (selection.kind === 'literal') return `'${selection.value}'`;
  if (selection.kind === 'variable') return selection.fallback === null ? selection.variable : `${selection.variable}, else '${selection.fallback}'`;
  return 'at run time';
}

function normaliseDialect(value: string): string {
  const lower = value.toLowerCase();
  return lower === 'postgresql' || lower === 'pg' ? 'postgres' : lower;
}

/** The one dialect every environment of a plan's file uses (for the module's own budget and comment), or null. */
export function commonDialect(target: { file: string; selection: EnvironmentReference }): string | null {
  const config = readSequelizeCliConfig(target.file);
  if (config instanceof ConfigFileError || 'unread' in config || !config.complete) return null;
  const names = target.selection.kind === 'literal' ? [target.selection.value] : [...config.environments.keys()];
  const dialects = new Set<string | null>();
  for (const environment of names) {
    const options = config.environments.get(environment);
    if (options === undefined || options.kind !== 'object') continue;
    if (options.properties.has('use_env_variable')) return null;
    const dialect = options.properties.get('dialect');
    dialects.add(dialect?.kind === 'literal' && typeof dialect.value === 'string' ? normaliseDialect(dialect.value) : null);
  }
  const [only] = dialects;
  return dialects.size === 1 && only !== undefined ? only : null;
}
