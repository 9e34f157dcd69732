/**
 * The `pool-config` codemod: makes a Sequelize setup module's pool explicit and right-sized, and adds logging and
 * benchmark switches that config or the environment can turn (docs/codemod.md). Works as a jscodeshift transform
 * and from the CLI.
 *
 * The contract: after migration `new Sequelize` receives exactly what it received before, in every environment,
 * except (a) pool lifecycle keys that were unset now have explicit values and (b) a `max` over the budget is
 * lowered where the codemod can prove the new value is what the app gets. Every such change is returned as an
 * announcement (old value, new value, why); what the codemod cannot prove is a warning, never a silent edit.
 * test/codemods/differential.test.ts loads real setup modules before and after and checks exactly that.
 *
 * Edits are text splices at node ranges: everything the codemod does not touch stays byte for byte.
 */
import type { TSESTree } from '@typescript-eslint/utils';
import type { API, FileInfo, Options as JscodeshiftOptions } from 'jscodeshift';

import { AST_NODE_TYPES, AST_TOKEN_TYPES } from '@typescript-eslint/types';

import type { AnalysedSource } from '../lib/file-analysis/source-analysis';
import type { PgBouncerSettings } from '../lib/project/pgbouncer-config';
import type { DeploymentSettings, ProcessCount } from '../lib/project/deployment';
import type { ResolvedObject, ResolvedValue } from '../lib/file-analysis/resolve-value';
import type { SequelizeConstruction } from '../lib/file-analysis/sequelize-options';
import type { TextEdit } from '../lib/edits/text-edits';
import type { Dialect } from '../lib/project/pool-budget';
import type { LifecycleKey } from '../lib/sequelize-facts';
import type { CliConfigPlan } from './cli-config';

import { skipTypeWrappers, staticString } from '../lib/file-analysis/ast';
import { readProperty, resolveValue } from '../lib/file-analysis/resolve-value';
import {
  availableConnections,
  connectionsPerInstance,
  describeAvailable,
  DIALECT_DEFAULTS,
  headroomOf,
  knownDialect,
  largestFittingMax,
  largestFittingMaxThroughPgBouncer,
  processCount,
} from '../lib/project/pool-budget';
import { pgBouncerBudget, pgBouncerServerLimit, projectPgBouncerIni, readPgBouncerIniFile, rejectedStartupParameters } from '../lib/project/pgbouncer-config';
import { processesLoading, readDeployment } from '../lib/project/deployment';
import { constructionStartupParameters } from '../lib/project/project-pools';
import { LIFECYCLE_KEYS, RECOMMENDED_POOL } from '../lib/sequelize-facts';
import { poolsInsideReplication, usesReplication } from '../lib/file-analysis/sequelize-options';
import { analyseSource, SourceParseError } from '../lib/file-analysis/source-analysis';
import { editableText, restoreText } from '../lib/edits/source-file';
import { appendObjectEntries, applyTextEdits } from '../lib/edits/text-edits';
import { cliJsonOptions, commonDialect, planCliConfig } from './cli-config';
import { sequelizeVersionFor } from './sequelize-version';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** jscodeshift parses nothing for this transform, but its runner wants a parser name. */
export const parser = 'tsx';

export interface PoolConfigOptions {
  /** Processes that each open this pool (Supervisor programs × numprocs, cluster workers, …). */
  processes?: number;
  /** The database's `max_connections` (default: the dialect's default, 100 for PostgreSQL). */
  maxConnections?: number;
  /** Connections reserved for superusers (default: PostgreSQL 3, MySQL 1). */
  reserved?: number;
  /** Use this `max` instead of computing one. */
  max?: number;
  /** Adds `idle_in_transaction_session_timeout` (ms) to `dialectOptions` (PostgreSQL only, never behind PgBouncer). */
  idleInTransactionTimeout?: number;
  /**
   * Plan edits of the sequelize-cli JSON config a module's options provably come from (./cli-config.ts), with
   * paths in messages relative to `root`. The command sets it and applies the plans; the jscodeshift transform,
   * which edits only the files it is given, does not (the module then fills unset keys at run time, as before).
   */
  cliConfig?: { root: string };
  /** Connections other applications hold on the same server (the stated `otherConnections`). */
  otherConnections?: number;
  /** Connections kept free for migrations, psql and monitoring (the stated `headroom`; default 10%, at least 5). */
  headroom?: number;
  /**
   * PgBouncer in front of PostgreSQL (the deployment model's pgbouncer.ini): the processes' pools count against its
   * `max_client_conn`, and a startup parameter it does not track is never added to dialectOptions.
   */
  pgbouncer?: { settings: PgBouncerSettings; source: string };
}

/** The pool size the codemod chose, and the arithmetic behind it (printed by the CLI, written in the file). */
export interface BudgetPlan {
  max: number;
  /** The largest max that fits the budget after headroom: explicit values above it are lowered. */
  fits: number;
  /** Whether any budget flag was given (otherwise `max` defaults to 10 and a written max that fits one process stays). */
  computed: boolean;
  processes: number;
  replicated: boolean;
  database: DatabaseLimits;
  /** Connections the database allows the application (max_connections − reserved). */
  usable: number;
  /** Connections kept for migrations, psql and monitoring. */
  headroom: number;
  /** `100 − 3 reserved`, or `max_client_conn 1000, pgbouncer.ini` through PgBouncer. */
  available: string;
  /** `7 processes × max 12 = 84 connections of the 97 PostgreSQL allows (100 − 3 reserved)` and why. */
  lines: string[];
}

/** One effective change, as the summary prints it: `pool.max 100 → 12: 7 × 100 = 700 > 97 …`. */
export interface Announcement {
  file: string;
  /** Line of the `new Sequelize` (or of the config entry) in the original text. */
  line: number;
  /** The construction's index in the file, in source order (the differential test matches on it). */
  instance: number;
  /** The config environment this applies to, for config-file edits; null for code. */
  environment: string | null;
  /** `pool.max`, `dialectOptions.idle_in_transaction_session_timeout`. */
  key: string;
  /** The value written before, or null when the key was unset. */
  old: number | null;
  /** What ran before: `old`, or the installed version's default when unset. */
  effective: number | null;
  new: number;
  /** A `min` filled in at run time never exceeds the pool's `max` (sequelize-pool throws on min > max). */
  clampedToMax: boolean;
  why: string;
  /** The change happens only while this holds (`unless config.pool sets it`), else null. */
  condition: string | null;
}

/** Something the codemod could not make right; the command exits 1. */
export interface MigrationWarning {
  file: string;
  line: number;
  message: string;
}

export interface MigrationResult {
  output: string;
  changed: boolean;
  /** Why a construction (or the whole file) was left alone. */
  skipped: string[];
  announcements: Announcement[];
  warnings: MigrationWarning[];
  /** Facts worth knowing that change nothing (`idle: 0 runs as 30000 ms`). */
  notes: string[];
  /**
   * An option the run was given but did not apply, and why, in one line each (`--idle-in-transaction-timeout`
   * behind PgBouncer): the migration is still right, so the command warns without failing.
   */
  cautions: string[];
  budget: BudgetPlan | null;
  /**
   * For a node-config module with one instance whose whole pool is now literal: the same values, for the
   * command to add as `db.options.pool` to config/default.json (config-driven from then on; it changes nothing at
   * migration time, because they are the values the code already has). Null otherwise.
   */
  configPool: Record<LifecycleKey, number> | null;
  /** Edits planned in sequelize-cli JSON config files, per environment (only with `cliConfig`). */
  cliConfigs: CliConfigPlan[];
  /**
   * True when every migrated construction's pool is set by a sequelize-cli config in every environment it can
   * select: the plans' budgets (per environment and dialect) are then the run's, and `budget` speaks for nothing.
   */
  configCovered: boolean;
}

/** The budget flags cannot be met: not even `max: 1` per process fits. */
export class BudgetError extends Error {}

/** What a database allows by default, for the budget and its messages. */
export interface DatabaseLimits {
  name: string;
  maxConnections: number;
  reserved: number;
  /** How to check the real number. */
  check: string;
}

const CHECKS: Readonly<Record<Dialect, string>> = {
  postgres: 'SHOW max_connections',
  mysql: "SHOW VARIABLES LIKE 'max_connections'",
  mariadb: "SHOW VARIABLES LIKE 'max_connections'",
  mssql: 'SELECT @@MAX_CONNECTIONS',
};

/**
 * A dialect's default limits, from the table the lint rule and doctor use (lib/project/pool-budget), so the three
 * print the same max. MySQL and MariaDB keep their extra connection for SUPER / CONNECTION_ADMIN beyond
 * max_connections: all 151 are the application's. An unknown dialect is budgeted as PostgreSQL.
 */
function databaseLimits(dialect: string | null): DatabaseLimits {
  const known = knownDialect(dialect) ?? 'postgres';
  const defaults = DIALECT_DEFAULTS[known];
  return { name: defaults.name, maxConnections: defaults.maxConnections, reserved: defaults.reservedConnections, check: CHECKS[known] };
}

/** Connections kept out of the application's share: the one formula in lib/project/pool-budget. */
export { headroomFor } from '../lib/project/pool-budget';

/** The `max` each process gets: `--max`, else the largest that fits the budget after headroom. Throws BudgetError. */
export function planBudget(options: PoolConfigOptions, replicated: boolean, dialect: string | null = null): BudgetPlan {
  const server = databaseLimits(dialect);
  const maxConnections = options.maxConnections ?? server.maxConnections;
  const reserved = options.reserved ?? server.reserved;
  const processes = options.processes ?? 1;
  const computed =
    options.processes !== undefined || options.maxConnections !== undefined || options.reserved !== undefined;
  const serverBudget = { maxConnections, reservedConnections: reserved, otherConnections: options.otherConnections ?? 0, ...(options.headroom === undefined ? {} : { headroom: options.headroom }) };
  // Behind PgBouncer the processes are its clients: their pools count against max_client_conn (no headroom: clients
  // are cheap for PgBouncer), and PgBouncer's own server connections against PostgreSQL.
  const bouncer = options.pgbouncer !== undefined && (dialect ?? 'postgres') === 'postgres' ? options.pgbouncer : null;
  const database: DatabaseLimits = bouncer === null ? server : { name: 'PgBouncer', maxConnections: bouncer.settings.maxClientConn, reserved: 0, check: 'SHOW CONFIG' };
  const budget = bouncer === null ? serverBudget : { maxConnections: bouncer.settings.maxClientConn, reservedConnections: 0, otherConnections: 0, headroom: 0 };
  const headroom = headroomOf(budget);
  const available = bouncer === null ? describeAvailable(budget) : `max_client_conn ${bouncer.settings.maxClientConn}, ${bouncer.source}`;
  // The one formula (lib/project/pool-budget): the lint suggestion and doctor print the same number.
  const fits =
    bouncer === null
      ? largestFittingMax(budget, processes, replicated)
      : largestFittingMaxThroughPgBouncer(pgBouncerBudget(bouncer.settings, 1), processes, replicated);
  const usable = availableConnections(budget);
  const flags = bouncer === null ? 'raise --max-connections or run fewer processes' : `raise max_client_conn in ${bouncer.source} or run fewer processes`;
  if (fits < 1 && options.max === undefined) {
    const perInstance = replicated ? ' × 2 (replication)' : '';
    const kept = headroom > 0 ? ` − ${headroom} kept for migrations, psql and monitoring` : '';
    throw new BudgetError(
      `no pool fits: ${processCount(processes)} × max 1${perInstance} = ${processes * connectionsPerInstance(1, replicated)} > ${usable - headroom} connections ` +
        `(${available}${kept}); ${flags}`,
    );
  }
  // SQL Server's limit (32767) constrains nothing: the recommended size, not the largest that fits.
  const unlimited = server.maxConnections > 10_000 && bouncer === null;
  const max = options.max ?? (computed && !unlimited ? fits : Math.min(RECOMMENDED_POOL.max, fits));
  const perInstance = replicated ? ' × 2 (replication)' : '';
  const total = processes * connectionsPerInstance(max, replicated);
  const lines =
    bouncer === null
      ? [`${processCount(processes)} × max ${max}${perInstance} = ${total} connections of the ${usable} ${database.name} allows (${available})`]
      : [`${processCount(processes)} × max ${max}${perInstance} = ${total} client connections of PgBouncer's max_client_conn ${usable} (${bouncer.source})`];
  if (options.max === undefined && computed) {
    lines.push(
      bouncer === null
        ? `max ${max} is the largest that fits after keeping ${headroom} connections${options.headroom === undefined ? ' (10% of max_connections, at least 5)' : ''} for migrations, psql and monitoring`
        : `max ${max} is the largest that fits PgBouncer's max_client_conn (through PgBouncer the pools are its clients, not PostgreSQL's)`,
    );
  } else if (options.max !== undefined) {
    lines.push(`max ${max} was set with --max`);
  } else {
    lines.push(`max ${max} is the default; pass --processes and --max-connections to size it to your deployment`);
  }
  if (total > usable) lines.push(`warning: that is over the budget: lower --max or run fewer processes`);
  if (bouncer !== null) {
    const servers = pgBouncerServerLimit(bouncer.settings);
    const postgres = availableConnections(serverBudget);
    lines.push(`PgBouncer opens at most ${servers.arithmetic} = ${servers.connections} server connections of the ${postgres} ${server.name} allows (${describeAvailable(serverBudget)})`);
    if (servers.connections > postgres) lines.push(`warning: PgBouncer's server side is over the budget: lower default_pool_size in ${bouncer.source} or raise max_connections`);
  }
  return { max, fits: options.max ?? fits, computed, processes, replicated, database, lines, usable, headroom, available };
}

/** `7 × 100 = 700 > 87 (97 usable PostgreSQL connections, 100 − 3 reserved, 10 kept for …)`: why a max does not fit. */
function overBudget(budget: BudgetPlan, max: number): string {
  const total = budget.processes * connectionsPerInstance(max, budget.replicated);
  const times = budget.replicated ? ' × 2 (replication)' : '';
  const room = budget.usable - budget.headroom;
  return total > budget.usable
    ? budget.database.name === 'PgBouncer'
      ? `${budget.processes} × ${max}${times} = ${total} > ${budget.usable} client connections PgBouncer allows (${budget.available})`
      : `${budget.processes} × ${max}${times} = ${total} > ${budget.usable} usable ${budget.database.name} connections (${budget.available})`
    : `${budget.processes} × ${max}${times} = ${total} > ${room}: it leaves fewer than the ${budget.headroom} connections kept for migrations, psql and monitoring (${budget.available})`;
}

interface FileStyle {
  quote: "'" | '"';
  semi: string;
  /** One level of indentation: a tab, two or four spaces. */
  unit: string;
  /** `function name ()` instead of `function name()`. */
  parenSpace: boolean;
  typescript: boolean;
  /** The longest line the file already has (at least 80): generated lines wrap below it. */
  lineLength: number;
}

function detectStyle(analysed: AnalysedSource, file: string): FileStyle {
  let single = 0;
  let double = 0;
  for (const token of analysed.sourceCode.ast.tokens ?? []) {
    if (token.type !== AST_TOKEN_TYPES.String) continue;
    if (token.value.startsWith("'")) single += 1;
    else if (token.value.startsWith('"')) double += 1;
  }
  const text = analysed.sourceCode.text;
  const statements = analysed.ast.body.filter(
    (statement) =>
      statement.type === AST_NODE_TYPES.VariableDeclaration ||
      statement.type === AST_NODE_TYPES.ExpressionStatement ||
      statement.type === AST_NODE_TYPES.ImportDeclaration,
  );
  const withSemicolon = statements.filter((statement) => text[statement.range[1] - 1] === ';').length;
  const indents = analysed.sourceCode.lines.map((line) => /^[ \t]+(?=\S)/u.exec(line)?.[0]).filter((indent) => indent !== undefined);
  const tabs = indents.filter((indent) => indent.startsWith('\t')).length;
  const spaces = indents.filter((indent) => indent.startsWith(' ')).map((indent) => indent.length);
  const smallest = spaces.length === 0 ? 2 : Math.min(...spaces);
  const unit = tabs > spaces.length ? '\t' : ' '.repeat(smallest >= 4 ? 4 : smallest === 3 ? 4 : 2);
  return {
    quote: double > single ? '"' : "'",
    semi: statements.length > 0 && withSemicolon * 2 < statements.length ? '' : ';',
    unit,
    parenSpace: /\bfunction\s+[\w$]+\s+\(/u.test(text) && !/\bfunction\s+[\w$]+\(/u.test(text),
    typescript: /\.(?:cts|mts|ts|tsx)$/u.test(file),
    lineLength: Math.max(80, ...analysed.sourceCode.lines.map((line) => line.length)),
  };
}

/** Names the generated code declares at the top level of the module. */
export const GENERATED_NAMES = ['withPoolSettings', 'databaseSettings', 'queryLogging', 'envInteger', 'envFlag', 'SequelizeConstructorOptions'] as const;

const WRAPPER = 'withPoolSettings';

/** A type alias the TypeScript helpers declare (erased at run time). */
const OPTIONS_TYPE = 'SequelizeConstructorOptions';

/** The top-level binding of node-config (`require('config')` / `import config from 'config'`), if any. */
function nodeConfigBinding(analysed: AnalysedSource): string | null {
  for (const statement of analysed.ast.body) {
    if (statement.type === AST_NODE_TYPES.ImportDeclaration && statement.source.value === 'config') {
      const specifier = statement.specifiers.find((entry) => entry.type !== AST_NODE_TYPES.ImportSpecifier);
      if (specifier !== undefined) return specifier.local.name;
    }
    if (statement.type !== AST_NODE_TYPES.VariableDeclaration || statement.kind !== 'const') continue;
    for (const declarator of statement.declarations) {
      const init = declarator.init === null ? null : skipTypeWrappers(declarator.init);
      if (
        declarator.id.type === AST_NODE_TYPES.Identifier &&
        init?.type === AST_NODE_TYPES.CallExpression &&
        init.callee.type === AST_NODE_TYPES.Identifier &&
        init.callee.name === 'require' &&
        init.arguments[0] !== undefined &&
        staticString(init.arguments[0]) === 'config'
      ) {
        return declarator.id.name;
      }
    }
  }
  return null;
}

/** The statement directly under Program that contains `node`. */
function topLevelStatement(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  while (current.parent !== undefined && current.parent.type !== AST_NODE_TYPES.Program) current = current.parent;
  return current;
}

/** True when the options argument is already `withPoolSettings(…)`: the construction was migrated. */
function isAlreadyMigrated(construction: SequelizeConstruction): boolean {
  const argument = construction.node.arguments.at(-1);
  if (argument === undefined) return false;
  const value = skipTypeWrappers(argument);
  return value.type === AST_NODE_TYPES.CallExpression && value.callee.type === AST_NODE_TYPES.Identifier && value.callee.name === WRAPPER;
}

/** The dialect a construction provably uses (`dialect: 'mysql'`, `postgres://…`), or null. */
function dialectOf(construction: SequelizeConstruction, analysed: AnalysedSource): string | null {
  const written = readProperty(construction.options, 'dialect');
  if (written.kind === 'string' && written.value !== null) return normaliseDialect(written.value);
  const [first] = construction.node.arguments;
  if (construction.form === 'uri' || (construction.form === 'unknown' && construction.node.arguments.length <= 2)) {
    if (first !== undefined && first.type !== AST_NODE_TYPES.SpreadElement) {
      const uri = resolveValue(analysed.host, first);
      const scheme = uri.kind === 'string' && uri.value !== null ? /^([a-z]+):/u.exec(uri.value)?.[1] : undefined;
      if (scheme !== undefined) return normaliseDialect(scheme);
    }
  }
  return null;
}

function normaliseDialect(value: string): string {
  const lower = value.toLowerCase();
  return lower === 'postgresql' || lower === 'pg' ? 'postgres' : lower;
}

/** True when `node` is a string whatever runs: a string literal or template, `process.env.X`, `a || b` of those. */
function isStringExpression(raw: TSESTree.Node): boolean {
  const node = skipTypeWrappers(raw);
  if (node.type === AST_NODE_TYPES.Literal) return typeof node.value === 'string';
  if (node.type === AST_NODE_TYPES.TemplateLiteral) return true;
  if (node.type === AST_NODE_TYPES.LogicalExpression && node.operator !== '&&') return isStringExpression(node.left) && isStringExpression(node.right);
  if (node.type === AST_NODE_TYPES.CallExpression && node.callee.type === AST_NODE_TYPES.Identifier && node.callee.name === 'String') return true;
  return (
    node.type === AST_NODE_TYPES.MemberExpression &&
    node.object.type === AST_NODE_TYPES.MemberExpression &&
    !node.object.computed &&
    node.object.property.type === AST_NODE_TYPES.Identifier &&
    node.object.property.name === 'env' &&
    node.object.object.type === AST_NODE_TYPES.Identifier &&
    node.object.object.name === 'process'
  );
}

/** Numbers an expression can evaluate to, as far as its literals show (`a ? 20 : 10`, `Number(x) || 50`). */
function candidateNumbers(node: TSESTree.Node): number[] {
  const inner = skipTypeWrappers(node);
  if (inner.type === AST_NODE_TYPES.Literal && typeof inner.value === 'number') return [inner.value];
  if (inner.type === AST_NODE_TYPES.ConditionalExpression) return [...candidateNumbers(inner.consequent), ...candidateNumbers(inner.alternate)];
  if (inner.type === AST_NODE_TYPES.LogicalExpression) return [...candidateNumbers(inner.left), ...candidateNumbers(inner.right)];
  if (inner.type === AST_NODE_TYPES.CallExpression && inner.arguments.length > 0) {
    return inner.arguments.flatMap((argument) => (argument.type === AST_NODE_TYPES.SpreadElement ? [] : candidateNumbers(argument)));
  }
  return [];
}

/** A pool the codemod can see: its literal, the keys it sets, and whether a spread may set more. */
interface VisiblePool {
  /** The literal to edit, or null when the options have no pool yet (one is added to `options`). */
  literal: TSESTree.ObjectExpression | null;
  resolved: ResolvedObject | null;
  options: TSESTree.ObjectExpression;
}

type PoolView =
  | { kind: 'visible'; pool: VisiblePool }
  /** The pool (or part of it) comes from config, a spread or a call: filled in at run time, where unset. */
  | { kind: 'hidden'; source: string };

function poolView(construction: SequelizeConstruction, text: (node: TSESTree.Node) => string): PoolView {
  const { options } = construction;
  const argumentText = construction.optionsArgument === null ? 'the options' : text(construction.optionsArgument);
  if (options.kind !== 'object') return { kind: 'hidden', source: argumentText };
  const property = options.properties.get('pool');
  if (property === undefined) {
    if (options.hasUnknownKeys) return { kind: 'hidden', source: spreadSources(options.node, text) ?? argumentText };
    return { kind: 'visible', pool: { literal: null, resolved: null, options: options.node } };
  }
  if (property.mayBeOverridden || property.value.kind !== 'object') {
    return { kind: 'hidden', source: property.mayBeOverridden ? (spreadSources(options.node, text) ?? argumentText) : text(property.property.value) };
  }
  return { kind: 'visible', pool: { literal: property.value.node, resolved: property.value, options: options.node } };
}

/** `config.database.options`: the spreads an object literal takes keys from, for messages. */
function spreadSources(object: TSESTree.ObjectExpression, text: (node: TSESTree.Node) => string): string | null {
  const spreads = object.properties.filter((entry): entry is TSESTree.SpreadElement => entry.type === AST_NODE_TYPES.SpreadElement);
  return spreads.length === 0 ? null : spreads.map((spread) => text(spread.argument)).join(', ');
}

interface Context {
  file: string;
  source: string;
  analysed: AnalysedSource;
  options: PoolConfigOptions;
  style: FileStyle;
  version: { major: number; defaults: Record<LifecycleKey, number>; assumed: boolean };
  text: (node: TSESTree.Node) => string;
  edits: TextEdit[];
  announcements: Announcement[];
  warnings: MigrationWarning[];
  notes: string[];
  cautions: string[];
  /** Per migrated construction: its pool after the edit when every lifecycle key is a literal, else null. */
  finalPools: (Record<LifecycleKey, number> | null)[];
}

const WHY: Record<LifecycleKey, string> = {
  max: 'the budget',
  min: 'keeps a few connections open between bursts',
  idle: 'an idle connection is closed after 10 s',
  acquire: 'a query waits at most 30 s for a connection, then fails with ConnectionAcquireTimeoutError',
  evict: 'idle connections are swept every 10 s',
};

/** The rewrite of one source text. Throws SourceParseError when the input does not parse, BudgetError when no pool fits. */
export function migratePoolConfig(source: string, file: string, options: PoolConfigOptions = {}): MigrationResult {
  const analysed = analyseSource(source, file);
  const unchanged = (skipped: string[], extra: Partial<MigrationResult> = {}): MigrationResult => ({
    output: source,
    changed: false,
    skipped,
    announcements: [],
    warnings: [],
    notes: [],
    cautions: [],
    budget: null,
    configPool: null,
    cliConfigs: [],
    configCovered: false,
    ...extra,
  });
  if (analysed.constructions.length === 0) return unchanged([]);
  const constructions = [...analysed.constructions].sort((a, b) => a.node.range[0] - b.node.range[0]);
  const text = (node: TSESTree.Node): string => source.slice(node.range[0], node.range[1]);
  const context: Context = {
    file,
    source,
    analysed,
    options,
    style: detectStyle(analysed, file),
    version: sequelizeVersionFor(file, constructions[0]?.module ?? 'sequelize'),
    text,
    edits: [],
    announcements: [],
    warnings: [],
    notes: [],
    cautions: [],
    finalPools: [],
  };

  const skipped: string[] = [];
  const migrated: { construction: SequelizeConstruction; budget: BudgetPlan }[] = [];
  const cliPlans = planCliConfigs(constructions, context);
  for (const [instance, construction] of constructions.entries()) {
    const where = `new Sequelize at line ${construction.node.loc.start.line}`;
    if (isAlreadyMigrated(construction)) continue;
    const cliPlan = cliPlans.byInstance.get(instance) ?? null;
    // Options that are a sequelize-cli environment: the file's dialect, when every environment has the same one.
    const dialect = dialectOf(construction, analysed) ?? cliPlans.dialects.get(instance) ?? null;
    if (dialect === 'sqlite') {
      skipped.push(`${where}: SQLite has no pool (Sequelize's SQLite connection manager never uses the pool options); nothing to migrate`);
      continue;
    }
    if (construction.node.arguments.some((argument) => argument.type === AST_NODE_TYPES.SpreadElement)) {
      skipped.push(`${where}: its arguments are spread (new Sequelize(...args)); the codemod cannot tell which one holds the options`);
      continue;
    }
    if (construction.form === 'unknown' && construction.optionsArgument === null) {
      skipped.push(`${where}: its arguments could not be resolved`);
      continue;
    }
    // One argument of unknown kind: Sequelize takes a string as the URL and an object as the options.
    const [only] = construction.node.arguments;
    const uriOnly = construction.form === 'unknown' && construction.node.arguments.length === 1 && only !== undefined && isStringExpression(only);
    const replicated = usesReplication(construction) === true;
    const budget = planBudget(options, replicated, dialect);
    migrateConstruction(construction, uriOnly, instance, dialect, budget, context, cliPlan);
    migrated.push({ construction, budget });
  }
  const plans = [...new Set(migrated.map(({ construction }) => cliPlans.byInstance.get(constructions.indexOf(construction))).filter((plan) => plan !== undefined))];
  for (const plan of plans) {
    context.warnings.push(...plan.warnings);
    context.notes.push(...plan.notes);
  }
  if (migrated.length === 0) return unchanged(skipped, { notes: context.notes, cautions: context.cautions });


  const taken = GENERATED_NAMES.filter((name) => declares(analysed, name));
  if (taken.length > 0) {
    return unchanged([...skipped, `the file already declares ${taken.join(', ')}; rename it before running the codemod`]);
  }

  const first = migrated[0] as { construction: SequelizeConstruction; budget: BudgetPlan };
  // The generated code reads db.options from config: an app whose config already has db.options (for something
  // else) would change, so it gets the environment switches instead.
  const configBinding = nodeConfigDefinesDbOptions(file) ? null : nodeConfigBinding(analysed);
  const envPrefix = environmentPrefix(source);
  if (configBinding === null && envPrefix === null) {
    return unchanged([...skipped, 'the file already reads DB_POOL_* and SEQUELIZE_POOL_* variables of its own; the codemod would not add switches that change what they do']);
  }
  const preamble = renderPreamble({
    budget: first.budget,
    configBinding,
    style: context.style,
    version: context.version,
    pool: { ...RECOMMENDED_POOL, max: first.budget.max, min: Math.min(RECOMMENDED_POOL.min, first.budget.max) },
    envPrefix: envPrefix ?? 'DB_',
    module: first.construction.module,
  });
  const statement = topLevelStatement(first.construction.node);
  // Comments directly above the statement belong to it: the helpers go above them. They are function
  // declarations, hoisted, so code above them that reaches the constructor still finds them initialised.
  let insertAt: TSESTree.Node | TSESTree.Comment = statement;
  for (const comment of [...analysed.sourceCode.getCommentsBefore(statement)].reverse()) {
    if (comment.loc.end.line < insertAt.loc.start.line - 1) break;
    insertAt = comment;
  }
  const eol = source.includes('\r\n') ? '\r\n' : '\n';
  context.edits.push({
    start: insertAt.range[0],
    end: insertAt.range[0],
    text: `${preamble.split('\n').join(eol)}${eol}${eol}`,
  });

  const output = applyTextEdits(source, context.edits);
  try {
    analyseSource(output, file);
  } catch (error) {
    const reason = error instanceof SourceParseError ? error.message : String(error);
    return unchanged([...skipped, `internal error: the rewrite would not parse (${reason}); file left unchanged`]);
  }
  return {
    output,
    changed: output !== source,
    skipped,
    announcements: context.announcements,
    warnings: context.warnings,
    notes: context.notes,
    cautions: context.cautions,
    budget: first.budget,
    configPool: configBinding !== null && context.finalPools.length === 1 ? (context.finalPools[0] ?? null) : null,
    cliConfigs: plans,
    configCovered: migrated.every(({ construction }) => cliPlans.byInstance.get(constructions.indexOf(construction))?.leftAlone.length === 0),
  };
}

/**
 * With `cliConfig`: the sequelize-cli JSON files the constructions' options provably are, each planned once for the
 * constructions that read it (./cli-config.ts), and the one dialect a file's environments share (the module's own
 * budget and comment then name the right database).
 */
function planCliConfigs(constructions: readonly SequelizeConstruction[], context: Context): { byInstance: Map<number, CliConfigPlan>; dialects: Map<number, string> } {
  const byInstance = new Map<number, CliConfigPlan>();
  const dialects = new Map<number, string>();
  const root = context.options.cliConfig?.root;
  if (root === undefined) return { byInstance, dialects };
  const targets = new Map<string, { target: NonNullable<ReturnType<typeof cliJsonOptions>>; instances: number[] }>();
  for (const [instance, construction] of constructions.entries()) {
    if (isAlreadyMigrated(construction)) continue;
    const target = cliJsonOptions(construction, context.analysed, context.file);
    if (target === null) continue;
    const dialect = commonDialect(target);
    if (dialect !== null) dialects.set(instance, dialect);
    if (dialect === 'sqlite') continue;
    const key = `${target.file}\0${JSON.stringify(target.selection)}`;
    const entry = targets.get(key) ?? { target, instances: [] };
    entry.instances.push(instance);
    targets.set(key, entry);
  }
  const shown = (file: string): string => path.relative(root, file) || file;
  for (const { target, instances } of targets.values()) {
    const plan = planCliConfig(
      target,
      instances,
      {
        budgetFor: (dialect, replicated) => planBudget(context.options, replicated, dialect),
        overBudget,
        forcedMax: context.options.max,
        version: context.version,
        why: WHY,
      },
      shown,
    );
    if ('unplanned' in plan) {
      context.notes.push(`${plan.unplanned}, so it is not edited (withPoolSettings fills what it leaves unset, at run time)`);
      continue;
    }
    for (const instance of instances) byInstance.set(instance, plan);
  }
  return { byInstance, dialects };
}

/** True when a node-config directory above `file` mentions db.options in any of its files (or cannot be read). */
function nodeConfigDefinesDbOptions(file: string): boolean {
  for (let directory = path.dirname(path.resolve(file)); ; directory = path.dirname(directory)) {
    const configDirectory = path.join(directory, 'config');
    if (existsSync(configDirectory) && statSync(configDirectory).isDirectory()) {
      return readdirSync(configDirectory).some((name) => {
        try {
          const text = readFileSync(path.join(configDirectory, name), 'utf8');
          return /\bdb\b[\s\S]*\boptions\b/u.test(text) && /["']?options["']?\s*:/u.test(text);
        } catch {
          return false;
        }
      });
    }
    if (path.dirname(directory) === directory) return false;
  }
}

function declares(analysed: AnalysedSource, name: string): boolean {
  const scopes = analysed.sourceCode.scopeManager?.scopes ?? [];
  return scopes.some((scope) => scope.set.has(name)) || new RegExp(`\\b${name}\\b`, 'u').test(analysed.sourceCode.text);
}

function migrateConstruction(
  construction: SequelizeConstruction,
  uriOnly: boolean,
  instance: number,
  dialect: string | null,
  budget: BudgetPlan,
  context: Context,
  cliPlan: CliConfigPlan | null,
): void {
  const { text, edits, style, version } = context;
  const line = construction.node.loc.start.line;
  const announce = (entry: Omit<Announcement, 'file' | 'line' | 'instance' | 'environment'>): void => {
    context.announcements.push({ file: context.file, line, instance, environment: null, ...entry });
  };
  const warn = (message: string): void => {
    context.warnings.push({ file: context.file, line, message: `new Sequelize at line ${line}: ${message}` });
  };
  const v = `Sequelize v${version.major}${version.assumed ? ' (assumed)' : ''}`;
  const newMax = budget.max;

  // No options argument (or only a URL): one is added, with the whole pool.
  const { node } = construction;
  const newPool = `pool: { ${LIFECYCLE_KEYS.map((key) => `${key}: ${key === 'max' ? newMax : key === 'min' ? Math.min(RECOMMENDED_POOL.min, newMax) : RECOMMENDED_POOL[key]}`).join(', ')} }`;
  if (construction.options.kind === 'undefined' || uriOnly) {
    context.finalPools.push(null);
    for (const key of LIFECYCLE_KEYS) {
      const recommended = key === 'max' ? newMax : key === 'min' ? Math.min(RECOMMENDED_POOL.min, newMax) : RECOMMENDED_POOL[key];
      announce({
        key: `pool.${key}`,
        old: null,
        effective: version.defaults[key],
        new: recommended,
        clampedToMax: false,
        why: `unset, so ${v} used ${version.defaults[key]}; now explicit: ${key === 'max' ? (budget.lines[0] ?? '') : WHY[key]}`,
        condition: null,
      });
    }
    const literal = `${WRAPPER}({ ${newPool} })`;
    const last = node.arguments.at(-1);
    if (last === undefined) {
      const closing = context.analysed.sourceCode.getLastToken(node);
      const at = closing?.value === ')' ? closing.range[0] : node.range[1];
      edits.push({ start: at, end: at, text: closing?.value === ')' ? literal : `(${literal})` });
    } else if (construction.form === 'uri' || uriOnly || node.arguments.length === 3) {
      edits.push({ start: last.range[1], end: last.range[1], text: `, ${literal}` });
    } else if (node.arguments.length === 2) {
      // new Sequelize(db, user): options are the fourth argument.
      edits.push({ start: last.range[1], end: last.range[1], text: `, undefined, ${literal}` });
    } else {
      edits.push({ start: last.range[1], end: last.range[1], text: `, ${literal}` });
    }
    return;
  }

  const view = poolView(construction, text);
  const pool: Partial<Record<LifecycleKey, string>> = {};

  if (view.kind === 'visible') {
    const { literal, resolved } = view.pool;
    const known = (key: LifecycleKey): ResolvedValue | undefined => {
      const property = resolved?.properties.get(key);
      if (property === undefined) return undefined;
      return property.mayBeOverridden ? { kind: 'unknown', node: property.property.value } : property.value;
    };
    const mayBeSpread = resolved?.hasUnknownKeys === true;
    const spreadNote = mayBeSpread ? `unless ${spreadSources(resolved.node, text) ?? 'a spread'} sets it` : null;

    // max
    const maxValue = known('max');
    let effectiveMax: number | null = null;
    if (maxValue === undefined) {
      if (!mayBeSpread) pool.max = String(newMax);
      effectiveMax = mayBeSpread ? null : newMax;
      announce({
        key: 'pool.max',
        old: null,
        effective: version.defaults.max,
        new: newMax,
        clampedToMax: false,
        why: `unset, so ${v} used ${version.defaults.max}; ${budget.lines[0] ?? ''}`,
        condition: spreadNote,
      });
      if (mayBeSpread && budget.computed) warn(`pool.max may come from ${spreadSources(resolved.node, text) ?? 'a spread'}; the codemod cannot see it, so it cannot promise ${budget.lines[0] ?? ''}`);
    } else if (maxValue.kind === 'number' && !maxValue.viaFallback && maxValue.node.type === AST_NODE_TYPES.Literal && literal !== null && within(maxValue.node, literal)) {
      const written = maxValue.value;
      const overridden = context.options.max !== undefined && written !== context.options.max;
      if (written > budget.fits || overridden) {
        edits.push({ start: maxValue.node.range[0], end: maxValue.node.range[1], text: String(newMax) });
        effectiveMax = newMax;
        announce({
          key: 'pool.max',
          old: written,
          effective: written,
          new: newMax,
          clampedToMax: false,
          why: overridden && written <= budget.fits ? `set with --max` : overBudget(budget, written),
          condition: null,
        });
      } else {
        effectiveMax = written;
      }
    } else {
      const candidates = candidateNumbers(maxValue.node ?? literal ?? construction.node);
      const over = candidates.filter((value) => value > budget.fits);
      const shown = maxValue.node === null ? 'an expression' : `\`${text(maxValue.node)}\``;
      if (over.length > 0) {
        warn(`pool.max is ${shown}, which can be ${over.join(' or ')}: ${overBudget(budget, Math.max(...over))}. The codemod cannot prove which value the app gets; lower it by hand (or in the config or environment it reads)`);
      } else if (budget.computed && candidates.length === 0) {
        warn(`pool.max is ${shown}; the codemod cannot see its value, so it cannot promise ${budget.lines[0] ?? ''}`);
      }
    }

    // min, idle, acquire, evict
    for (const key of ['min', 'idle', 'acquire', 'evict'] as const) {
      const value = known(key);
      if (value === undefined) {
        const recommended = key === 'min' && effectiveMax !== null ? Math.min(RECOMMENDED_POOL.min, effectiveMax) : RECOMMENDED_POOL[key];
        const literalOk = !mayBeSpread && (key !== 'min' || effectiveMax !== null);
        if (literalOk) pool[key] = String(recommended);
        announce({
          key: `pool.${key}`,
          old: null,
          effective: version.defaults[key],
          new: recommended,
          clampedToMax: key === 'min' && !literalOk,
          why: `unset, so ${v} used ${version.defaults[key]}; now explicit: ${WHY[key]}`,
          condition: spreadNote,
        });
        continue;
      }
      if (value.kind === 'number' && !value.viaFallback && value.value === 0 && key !== 'min' && version.major < 7) {
        context.notes.push(`new Sequelize at line ${line}: pool.${key}: 0 runs as ${key === 'evict' ? '1000' : '30000'} ms in sequelize-pool 7 (zero is not "off"); left as written`);
      }
      if (
        key === 'min' &&
        value.kind === 'number' &&
        !value.viaFallback &&
        effectiveMax !== null &&
        value.value > effectiveMax &&
        value.node.type === AST_NODE_TYPES.Literal &&
        literal !== null &&
        within(value.node, literal)
      ) {
        edits.push({ start: value.node.range[0], end: value.node.range[1], text: String(effectiveMax) });
        announce({
          key: 'pool.min',
          old: value.value,
          effective: value.value,
          new: effectiveMax,
          clampedToMax: false,
          why: `min ${value.value} is above the new max ${effectiveMax} (sequelize-pool refuses min > max)`,
          condition: null,
        });
      }
    }

    // The pool after the edit, when every lifecycle key is a number literal written here.
    const final: Partial<Record<LifecycleKey, number>> = {};
    for (const key of LIFECYCLE_KEYS) {
      const value = known(key);
      const inserted = pool[key];
      if (inserted !== undefined) final[key] = Number(inserted);
      else if (value?.kind === 'number' && !value.viaFallback && value.node.type === AST_NODE_TYPES.Literal) {
        final[key] = key === 'max' && effectiveMax !== null ? effectiveMax : value.value;
      }
    }
    context.finalPools.push(!mayBeSpread && LIFECYCLE_KEYS.every((key) => final[key] !== undefined) ? (final as Record<LifecycleKey, number>) : null);
    const entries = LIFECYCLE_KEYS.filter((key) => pool[key] !== undefined).map((key) => `${key}: ${pool[key] ?? ''}`);
    if (entries.length > 0) {
      if (literal !== null) {
        edits.push(appendObjectEntries(context.analysed.sourceCode, literal, quoteKeysLike(literal, entries, style)));
      } else {
        edits.push(appendObjectEntries(context.analysed.sourceCode, view.pool.options, quoteKeysLike(view.pool.options, [`pool: { ${quoteKeysLike(view.pool.options, entries, style).join(', ')} }`], style)));
      }
    }
  } else {
    context.finalPools.push(null);
    // Hidden: withPoolSettings fills each lifecycle key the options leave unset, at run time. A single
    // argument of unknown kind may be a URL: withPoolSettings hands a string back untouched.
    const single = construction.form === 'unknown' && construction.node.arguments.length === 1;
    const condition = single ? `where ${view.source} is options (not a URL) that leave it unset` : `where ${view.source} leaves it unset`;
    // A sequelize-cli JSON config the command edits: after the edit it sets every key in the environments it
    // proves, so withPoolSettings fills keys only where an environment is left alone.
    const cliRoot = context.options.cliConfig?.root ?? '';
    const cliShown = cliPlan === null ? '' : path.relative(cliRoot, cliPlan.file) || cliPlan.file;
    const leftAlone = cliPlan === null ? null : `${condition} (${cliShown}: ${cliPlan.leftAlone.join(', ')})`;
    if (cliPlan !== null && cliPlan.leftAlone.length === 0) {
      context.notes.push(`new Sequelize at line ${line}: its pool is set in ${cliShown} for every environment (see that file's changes); withPoolSettings fills nothing there`);
    }
    for (const key of cliPlan !== null && cliPlan.leftAlone.length === 0 ? [] : LIFECYCLE_KEYS) {
      announce({
        key: `pool.${key}`,
        old: null,
        effective: version.defaults[key],
        new: key === 'max' ? newMax : key === 'min' ? Math.min(RECOMMENDED_POOL.min, newMax) : RECOMMENDED_POOL[key],
        clampedToMax: key === 'min',
        why: `unset, so ${v} used ${version.defaults[key]}; now explicit: ${key === 'max' ? (budget.lines[0] ?? '') : WHY[key]}`,
        condition: leftAlone ?? condition,
      });
    }
    // The config file's environments carry their own warnings (use_env_variable, values it cannot prove).
    if (budget.computed && cliPlan === null) {
      warn(`its pool comes from ${view.source}; the codemod cannot see its max, so it cannot promise ${budget.lines[0] ?? ''}. Check the max there (the config file or variable it reads)`);
    }
  }

  for (const misplaced of poolsInsideReplication(construction)) {
    context.notes.push(`new Sequelize at line ${line}: the pool inside ${misplaced.where} is ignored by Sequelize (both the read and the write pool use the top-level pool); left as written`);
  }

  // Behind PgBouncer, startup parameters the app already sends are a breakage the codemod keeps (the app has it
  // now), and names, as the budget rule and doctor do.
  const bouncer = context.options.pgbouncer;
  if (bouncer !== undefined && dialect === 'postgres') {
    for (const name of rejectedStartupParameters(bouncer.settings, constructionStartupParameters(construction))) {
      context.notes.push(
        `new Sequelize at line ${line}: dialectOptions.${name} is sent as a startup parameter, which PgBouncer (${bouncer.source}) refuses: every connection fails with "unsupported startup parameter: ${name}"; left as written: add it to ignore_startup_parameters, or set it per role: ALTER ROLE … SET ${name} = …`,
      );
    }
  }

  if (context.options.idleInTransactionTimeout !== undefined) {
    idleInTransactionTimeout(construction, dialect, context.options.idleInTransactionTimeout, context, announce, warn);
  }

  // The options argument goes through withPoolSettings(): unset keys filled, config/env switches applied.
  const argument = construction.optionsArgument as TSESTree.Node;
  edits.push({ start: argument.range[0], end: argument.range[0], text: `${WRAPPER}(` });
  edits.push({ start: argument.range[1], end: argument.range[1], text: ')' });
}

function within(node: TSESTree.Node, container: TSESTree.Node): boolean {
  return node.range[0] >= container.range[0] && node.range[1] <= container.range[1];
}

/** `"max": 12` when the object's own keys are quoted strings (a config.js written like JSON). */
function quoteKeysLike(object: TSESTree.ObjectExpression, entries: string[], style: FileStyle): string[] {
  const keys = object.properties.filter((entry): entry is TSESTree.Property => entry.type === AST_NODE_TYPES.Property && !entry.computed);
  const quoted = keys.length > 0 && keys.every((entry) => entry.key.type === AST_NODE_TYPES.Literal);
  if (!quoted) return entries;
  const quote = keys[0]?.key.type === AST_NODE_TYPES.Literal && keys[0].key.raw.startsWith("'") ? "'" : style.quote === '"' ? '"' : '"';
  return entries.map((entry) => entry.replace(/(^|\{ |, )([a-zA-Z_]+):/gu, `$1${quote}$2${quote}:`));
}

function idleInTransactionTimeout(
  construction: SequelizeConstruction,
  dialect: string | null,
  timeout: number,
  context: Context,
  announce: (entry: Omit<Announcement, 'file' | 'line' | 'instance' | 'environment'>) => void,
  warn: (message: string) => void,
): void {
  const flag = '--idle-in-transaction-timeout';
  if (dialect !== 'postgres') {
    const said = dialect === null ? 'its dialect is not visible in this file' : `its dialect is ${dialect}`;
    warn(`${flag} not applied: idle_in_transaction_session_timeout is a PostgreSQL setting and ${said}`);
    return;
  }
  const bouncer = context.options.pgbouncer;
  if (bouncer !== undefined) {
    // node-postgres sends dialectOptions' timeouts as startup parameters: PgBouncer refuses one it does not track,
    // and drops one ignore_startup_parameters lists, so PostgreSQL would never get it either way.
    const name = 'idle_in_transaction_session_timeout';
    const refused = rejectedStartupParameters(bouncer.settings, [name]).length > 0;
    const why = refused
      ? `PgBouncer (${bouncer.source}) refuses a startup parameter it does not track: every connection would fail with "unsupported startup parameter: ${name}"`
      : `PgBouncer (${bouncer.source}) lists it in ignore_startup_parameters and drops it, so PostgreSQL would never get it`;
    const fix = `set it on the server instead: ALTER ROLE … SET ${name} = ${timeout}`;
    context.notes.push(`new Sequelize at line ${construction.node.loc.start.line}: dialectOptions.${name} not added: ${why}; ${fix}`);
    if (context.cautions.length === 0) context.cautions.push(`${flag} not applied behind PgBouncer: ${why}; ${fix}`);
    return;
  }
  const { options } = construction;
  if (options.kind !== 'object') {
    warn(`${flag} not applied: the options come from ${construction.optionsArgument === null ? 'nowhere' : context.text(construction.optionsArgument)}; add dialectOptions.idle_in_transaction_session_timeout there`);
    return;
  }
  const property = options.properties.get('dialectOptions');
  const done = (old: number | null): void =>
    announce({
      key: 'dialectOptions.idle_in_transaction_session_timeout',
      old,
      effective: old,
      new: timeout,
      clampedToMax: false,
      why: `${flag}: PostgreSQL ends a session left idle inside a transaction after ${timeout} ms`,
      condition: null,
    });
  if (property === undefined) {
    if (options.hasUnknownKeys) {
      warn(`${flag} not applied: dialectOptions may come from ${spreadSources(options.node, context.text) ?? 'a spread'}`);
      return;
    }
    context.edits.push(appendObjectEntries(context.analysed.sourceCode, options.node, [`dialectOptions: { idle_in_transaction_session_timeout: ${timeout} }`]));
    done(null);
    return;
  }
  const value = property.value;
  if (property.mayBeOverridden || value.kind !== 'object' || value.hasUnknownKeys) {
    warn(`${flag} not applied: dialectOptions is \`${context.text(property.property.value)}\`, which the codemod cannot see into; add idle_in_transaction_session_timeout there`);
    return;
  }
  const existing = value.properties.get('idle_in_transaction_session_timeout');
  if (existing !== undefined) return;
  context.edits.push(appendObjectEntries(context.analysed.sourceCode, value.node, [`idle_in_transaction_session_timeout: ${timeout}`]));
  done(null);
}

interface PreambleInput {
  budget: BudgetPlan;
  configBinding: string | null;
  style: FileStyle;
  version: Context['version'];
  /** The values withPoolSettings fills in where the options leave a key unset. */
  pool: Record<LifecycleKey, number>;
  /** The package the constructor comes from: the helper's type names its options type. */
  module: SequelizeConstruction['module'];
  /** `DB_`, or `SEQUELIZE_` when the module already reads a DB_POOL_* / DB_LOGGING variable of its own. */
  envPrefix: string;
}

/** Our switches must not change what a variable the app already reads does: pick names the file does not use. */
function environmentPrefix(source: string): string | null {
  for (const prefix of ['DB_', 'SEQUELIZE_']) {
    if (!new RegExp(`\\b${prefix}(?:POOL_(?:MAX|MIN|IDLE|ACQUIRE|EVICT)|LOGGING|BENCHMARK|SLOW_QUERY_MS)\\b`, 'u').test(source)) return prefix;
  }
  return null;
}

/** `//` comment lines, each sentence wrapped at the file's line length with its continuation lines indented. */
function commentLines(sentences: readonly string[], width: number): string[] {
  const lines: string[] = [];
  for (const sentence of sentences) {
    let line = '//';
    for (const word of sentence.split(' ')) {
      if (line.length + word.length + 1 > width && line !== '//') {
        lines.push(line);
        line = '//  ';
      }
      line += ` ${word}`;
    }
    lines.push(line);
  }
  return lines;
}

function renderPreamble({ budget, configBinding, style, version, pool, envPrefix, module }: PreambleInput): string {
  const { semi, typescript: ts, unit } = style;
  const q = (value: string): string => `${style.quote}${value}${style.quote}`;
  const optionsType =
    module === 'sequelize-typescript'
      ? `import(${q('sequelize-typescript')}).SequelizeOptions`
      : `import(${q(module)}).Options`;
  const fn = (name: string): string => `function ${name}${style.parenSpace ? ' ' : ''}`;
  const defaults = LIFECYCLE_KEYS.map((key) => `${key} ${version.defaults[key]}`).join(', ');
  const sentences = [
    "Connection pool made explicit by eslint-plugin-sequelize-pool's codemod (docs/codemod.md).",
    `A lifecycle key left unset runs as Sequelize v${version.major}'s default${version.assumed ? ' (version assumed: no installed sequelize found)' : ''}: ${defaults}.`,
    ...budget.lines.filter((line) => !line.startsWith('warning')).map((line) => `${line}.`),
    `${WRAPPER}() changes only what the options leave unset, then applies ${
      configBinding === null
        ? `${envPrefix}POOL_MAX, ${envPrefix}POOL_MIN, ${envPrefix}POOL_IDLE, ${envPrefix}POOL_ACQUIRE and ${envPrefix}POOL_EVICT; ${envPrefix}LOGGING, ${envPrefix}BENCHMARK and ${envPrefix}SLOW_QUERY_MS switch query logging`
        : 'db.options.pool from config; db.options.logging, .benchmark and .slowQueryMs switch query logging'
    } (unset: as the options say).`,
  ];
  const width = Math.min(style.lineLength, 120);
  const i = (depth: number): string => unit.repeat(depth);
  const lines: string[] = [...commentLines(sentences, width)];
  const settingsType = ts ? ': DatabaseSettings' : '';
  if (ts) {
    lines.push(
      'interface DatabaseSettings {',
      `${i(1)}pool: Record<string, number>${semi}`,
      `${i(1)}logging?: boolean${semi}`,
      `${i(1)}benchmark?: boolean${semi}`,
      `${i(1)}slowQueryMs?: number${semi}`,
      '}',
      '',
    );
  } else {
    lines.push(
      '/** @typedef {{ pool: Record<string, number>, logging?: boolean, benchmark?: boolean, slowQueryMs?: number }} DatabaseSettings */',
      '',
    );
  }
  // withPoolSettings
  // Typed as the constructor's own options, so an object literal passed in keeps its literal types
  // (`dialect: 'postgres'`); a URL string passes through untouched.
  if (ts) {
    lines.push(
      `type ${OPTIONS_TYPE} = ${optionsType}${semi}`,
      '',
      `${fn(WRAPPER)}(options: ${OPTIONS_TYPE}): ${OPTIONS_TYPE}${semi}`,
      `${fn(WRAPPER)}<T extends string | undefined>(options: T): T${semi}`,
      `${fn(WRAPPER)}(options: ${OPTIONS_TYPE} | string | undefined): ${OPTIONS_TYPE} | string | undefined {`,
    );
  } else {
    lines.push('/**', ` * @param {${optionsType} | string | undefined} options`, ` * @returns {${optionsType}}`, ' */', `${fn(WRAPPER)}(options) {`);
  }
  lines.push(
    `${i(1)}// A URL (new Sequelize(url)) or no options at all: nothing to fill in.`,
    ts
      ? `${i(1)}if (typeof options === ${q('string')} || options === undefined || options === null) return options${semi}`
      : `${i(1)}if (typeof options === ${q('string')} || options === undefined || options === null) return /** @type {any} */ (options)${semi}`,
    ts
      ? `${i(1)}const given = options as { pool?: Record<string, unknown>, logging?: unknown, benchmark?: unknown }${semi}`
      : `${i(1)}const given = /** @type {{ pool?: Record<string, unknown>, logging?: unknown, benchmark?: unknown }} */ (options)${semi}`,
    `${i(1)}const defaults = { ${LIFECYCLE_KEYS.map((key) => `${key}: ${pool[key]}`).join(', ')} }${semi}`,
    `${i(1)}const settings = databaseSettings()${semi}`,
    ts ? `${i(1)}const pool: Record<string, unknown> = { ...given.pool }${semi}` : `${i(1)}/** @type {Record<string, unknown>} */`,
    ...(ts ? [] : [`${i(1)}const pool = { ...given.pool }${semi}`]),
    `${i(1)}for (const [key, value] of Object.entries(defaults)) {`,
    `${i(2)}if (pool[key] !== undefined) continue${semi}`,
    `${i(2)}// A min filled in here never exceeds the pool's max: sequelize-pool refuses min > max.`,
    `${i(2)}pool[key] = key === ${q('min')} && Number(pool.max) < value ? Number(pool.max) : value${semi}`,
    `${i(1)}}`,
    `${i(1)}Object.assign(pool, settings.pool)${semi}`,
    `${i(1)}if (Object.keys(settings.pool).length > 0 && Number(pool.min) > Number(pool.max)) pool.min = pool.max${semi}`,
    ts ? `${i(1)}const result: Record<string, unknown> = { ...given, pool }${semi}` : `${i(1)}/** @type {Record<string, unknown>} */`,
    ...(ts ? [] : [`${i(1)}const result = { ...given, pool }${semi}`]),
    `${i(1)}const slow = settings.slowQueryMs !== undefined${semi}`,
    `${i(1)}if (settings.logging !== undefined || slow) result.logging = queryLogging(settings, given.logging)${semi}`,
    `${i(1)}if (settings.benchmark !== undefined || slow) result.benchmark = settings.benchmark === true || slow${semi}`,
    ts ? `${i(1)}return result as ${OPTIONS_TYPE}${semi}` : `${i(1)}return /** @type {${optionsType}} */ (result)${semi}`,
    '}',
    '',
  );
  // queryLogging
  if (!ts) {
    lines.push(
      '/**',
      ' * Query logging once config or the environment switches it: the options\' own function stays the sink.',
      ' * @param {DatabaseSettings} settings',
      ' * @param {unknown} logging',
      ' * @returns {false | ((...args: unknown[]) => void)}',
      ' */',
    );
  } else {
    lines.push("// Query logging once config or the environment switches it: the options' own function stays the sink.");
  }
  lines.push(
    `${fn('queryLogging')}(settings${settingsType}, logging${ts ? ': unknown' : ''})${ts ? ': false | ((...args: unknown[]) => void)' : ''} {`,
    ts
      ? `${i(1)}const sink = typeof logging === ${q('function')} ? (logging as (...args: unknown[]) => void) : console.log${semi}`
      : `${i(1)}const sink = typeof logging === ${q('function')} ? /** @type {(...args: unknown[]) => void} */ (logging) : console.log${semi}`,
    `${i(1)}const { slowQueryMs } = settings${semi}`,
    `${i(1)}if (slowQueryMs === undefined) return settings.logging === true ? sink : false${semi}`,
    `${i(1)}// With benchmark on, Sequelize passes the elapsed time (ms) as the second argument.`,
    `${i(1)}return (${ts ? '...args: unknown[]' : '...args'}) => {`,
    `${i(2)}const [message, elapsedMs] = args${semi}`,
    `${i(2)}if (typeof elapsedMs !== ${q('number')} || elapsedMs < slowQueryMs) return${semi}`,
    `${i(2)}if (sink === console.log) console.warn(\`\${String(message)} Elapsed time: \${elapsedMs}ms\`)${semi}`,
    `${i(2)}else sink(...args)${semi}`,
    `${i(1)}}${semi}`,
    '}',
    '',
  );
  if (configBinding !== null) {
    lines.push(
      ...(ts ? [] : ['/** @returns {DatabaseSettings} */']),
      `${fn('databaseSettings')}()${settingsType} {`,
      `${i(1)}const options = ${configBinding}.has(${q('db.options')}) ? ${configBinding}.get${ts ? '<Record<string, unknown>>' : ''}(${q('db.options')}) : {}${semi}`,
      ...(ts
        ? [`${i(1)}const given: Record<string, unknown> = { ...(options as { pool?: Record<string, unknown> }).pool }${semi}`]
        : [`${i(1)}/** @type {Record<string, unknown>} */`, `${i(1)}const given = { .../** @type {{ pool?: Record<string, unknown> }} */ (options).pool }${semi}`]),
      ts ? `${i(1)}const pool: Record<string, number> = {}${semi}` : `${i(1)}/** @type {Record<string, number>} */`,
      ...(ts ? [] : [`${i(1)}const pool = {}${semi}`]),
      `${i(1)}for (const key of [${LIFECYCLE_KEYS.map(q).join(', ')}]) {`,
      `${i(2)}const value = given[key]${semi}`,
      `${i(2)}if (value === undefined || value === null) continue${semi}`,
      `${i(2)}if (!Number.isInteger(value) || Number(value) < (key === ${q('max')} ? 1 : 0)) {`,
      `${i(3)}throw new Error(\`db.options.pool.\${key} must be an integer ≥ \${key === ${q('max')} ? 1 : 0}, got \${JSON.stringify(value)}\`)${semi}`,
      `${i(2)}}`,
      `${i(2)}pool[key] = Number(value)${semi}`,
      `${i(1)}}`,
      ts
        ? `${i(1)}const { logging, benchmark, slowQueryMs } = options as { logging?: unknown, benchmark?: unknown, slowQueryMs?: unknown }${semi}`
        : `${i(1)}const { logging, benchmark, slowQueryMs } = /** @type {{ logging?: unknown, benchmark?: unknown, slowQueryMs?: unknown }} */ (options)${semi}`,
      `${i(1)}return {`,
      `${i(2)}pool,`,
      `${i(2)}logging: logging === undefined || logging === null ? undefined : Boolean(logging),`,
      `${i(2)}benchmark: benchmark === undefined || benchmark === null ? undefined : Boolean(benchmark),`,
      `${i(2)}slowQueryMs: typeof slowQueryMs === ${q('number')} ? slowQueryMs : undefined,`,
      `${i(1)}}${semi}`,
      '}',
    );
  } else {
    const envKeys = LIFECYCLE_KEYS.map((key) => `[${q(key)}, ${q(`${envPrefix}POOL_${key.toUpperCase()}`)}]`);
    lines.push(
      ...(ts ? [] : ['/** @returns {DatabaseSettings} */']),
      `${fn('databaseSettings')}()${settingsType} {`,
      ts ? `${i(1)}const pool: Record<string, number> = {}${semi}` : `${i(1)}/** @type {Record<string, number>} */`,
      ...(ts ? [] : [`${i(1)}const pool = {}${semi}`]),
      ...(ts ? [] : [`${i(1)}/** @type {[string, string][]} */`]),
      `${i(1)}const variables${ts ? ': [string, string][]' : ''} = [`,
      ...envKeys.map((pair) => `${i(2)}${pair},`),
      `${i(1)}]${semi}`,
      `${i(1)}for (const [key, name] of variables) {`,
      `${i(2)}const value = envInteger(name, key === ${q('max')} ? 1 : 0)${semi}`,
      `${i(2)}if (value !== undefined) pool[key] = value${semi}`,
      `${i(1)}}`,
      `${i(1)}return {`,
      `${i(2)}pool,`,
      `${i(2)}logging: envFlag(${q(`${envPrefix}LOGGING`)}),`,
      `${i(2)}benchmark: envFlag(${q(`${envPrefix}BENCHMARK`)}),`,
      `${i(2)}slowQueryMs: envInteger(${q(`${envPrefix}SLOW_QUERY_MS`)}, 0),`,
      `${i(1)}}${semi}`,
      '}',
      '',
      ...(ts ? [] : ['/**', ' * An integer setting from the environment: unset or empty is undefined; anything else below `minimum` stops start-up.', ' * @param {string} name', ' * @param {number} minimum', ' * @returns {number | undefined}', ' */']),
      ...(ts ? ['// An integer setting from the environment: unset or empty is undefined; anything else below `minimum` stops start-up.'] : []),
      `${fn('envInteger')}(name${ts ? ': string' : ''}, minimum${ts ? ': number' : ''})${ts ? ': number | undefined' : ''} {`,
      `${i(1)}const raw = (process.env[name] ?? ${q('')}).trim()${semi}`,
      `${i(1)}if (raw === ${q('')}) return undefined${semi}`,
      `${i(1)}if (!/^\\d+$/.test(raw) || Number(raw) < minimum) {`,
      `${i(2)}throw new Error(\`\${name} must be an integer ≥ \${minimum}, got \${JSON.stringify(process.env[name])}\`)${semi}`,
      `${i(1)}}`,
      `${i(1)}return Number(raw)${semi}`,
      '}',
      '',
      ...(ts ? [] : ['/**', ' * A switch from the environment: unset or empty is undefined (the options decide).', ' * @param {string} name', ' * @returns {boolean | undefined}', ' */']),
      ...(ts ? ['// A switch from the environment: unset or empty is undefined (the options decide).'] : []),
      `${fn('envFlag')}(name${ts ? ': string' : ''})${ts ? ': boolean | undefined' : ''} {`,
      `${i(1)}const raw = (process.env[name] ?? ${q('')}).trim().toLowerCase()${semi}`,
      `${i(1)}if (raw === ${q('')}) return undefined${semi}`,
      `${i(1)}if ([${q('1')}, ${q('true')}, ${q('yes')}, ${q('on')}].includes(raw)) return true${semi}`,
      `${i(1)}if ([${q('0')}, ${q('false')}, ${q('no')}, ${q('off')}].includes(raw)) return false${semi}`,
      `${i(1)}throw new Error(\`\${name} must be true or false, got \${JSON.stringify(process.env[name])}\`)${semi}`,
      '}',
    );
  }
  return lines.join('\n');
}

/** The deployment model as the codemod reads it for a run: processes, the stated limits, PgBouncer. */
export interface CodemodDeployment {
  /** Processes, when any source gave them (else 1 is assumed, and said). */
  processes: ProcessCount | null;
  stated: DeploymentSettings;
  pgbouncer: { settings: PgBouncerSettings; source: string } | null;
  /** What the deployment reader assumed (this machine's cores, files found but not used). */
  assumptions: string[];
  /** Where the reader looked, for the "assumed 1 process" line. */
  root: string;
  /** `package.json "sequelizePool"` or `.sequelize-pool.json`, when a block is stated. */
  statedSource: string | null;
}

/** The process managers' files the deployment reader looks for, for the line that says none was found. */
const PROCESS_SOURCES = 'supervisord.conf, a pm2 ecosystem file, a Procfile, a docker-compose file or Kubernetes manifests';

/**
 * Reads the deployment at `root` with the reader doctor and the max-connections-budget rule use
 * (lib/project/deployment.ts): `--processes` when given, else package.json's `sequelizePool`, else the process
 * manager's files; the stated limits; the pgbouncer.ini the app connects through. Throws ProcessFileError (one
 * line) when a file it needs cannot be read.
 */
export function readCodemodDeployment(root: string, explicitProcesses?: number): CodemodDeployment {
  const deployment = readDeployment(root, explicitProcesses === undefined ? {} : { processes: explicitProcesses });
  const stated = deployment.stated?.settings ?? {};
  const file = projectPgBouncerIni(root, stated.pgbouncer);
  const pgbouncer = file === null ? null : readPgBouncerIniFile(file, root);
  return {
    processes: deployment.processes,
    stated,
    pgbouncer: pgbouncer === null ? null : { settings: pgbouncer, source: pgbouncer.source },
    // With --processes the process managers' files are not read: "found but not used" is not news then.
    assumptions: explicitProcesses === undefined ? deployment.assumptions : deployment.assumptions.filter((line) => !line.startsWith('also found ')),
    root,
    statedSource: deployment.stated?.source ?? null,
  };
}

/**
 * The options for one setup module under `deployment`: flags win; the processes are the programs whose script loads
 * the module (as the lint rule counts them), and `processes` says where the count came from.
 */
export function deploymentOptions(deployment: CodemodDeployment, file: string, flags: PoolConfigOptions): { options: PoolConfigOptions; processes: string } {
  const { stated } = deployment;
  const options: PoolConfigOptions = {
    ...flags,
    maxConnections: flags.maxConnections ?? stated.maxConnections,
    reserved: flags.reserved ?? stated.reservedConnections,
    otherConnections: flags.otherConnections ?? stated.otherConnections,
    headroom: flags.headroom ?? stated.headroom,
    ...(deployment.pgbouncer === null ? {} : { pgbouncer: deployment.pgbouncer }),
  };
  const { processes } = deployment;
  let said: string;
  if (flags.processes !== undefined) said = `${flags.processes} from --processes`;
  else if (processes === null) {
    said = `1 assumed: no --processes, no "sequelizePool" processes in package.json, and no ${PROCESS_SOURCES} in ${deployment.root}; pass --processes to size the pool to your deployment`;
  } else {
    const loading = processesLoading(processes, path.resolve(file));
    options.processes = loading.count;
    const all = loading.programs.length === processes.groups.length;
    said =
      loading.programs.length === 0
        ? `1 assumed: none of the programs in ${processes.source} loads this file`
        : `${loading.count} from ${processes.source}${all && processes.groups.length === 1 ? '' : ` (${loading.programs.join(', ')}${all ? '' : ': the programs whose script loads this file'})`}`;
  }
  for (const key of ['maxConnections', 'reserved'] as const) {
    if (flags[key] === undefined && options[key] !== undefined) said += `; ${key === 'maxConnections' ? 'max_connections' : 'reserved'} ${options[key]} from ${deployment.statedSource ?? 'the stated deployment'}`;
  }
  if (deployment.pgbouncer !== null) said += `; through PgBouncer (${deployment.pgbouncer.source})`;
  return { options, processes: said };
}

/** The deployment the jscodeshift transform read, once per worker. */
let transformDeployment: { key: string; deployment: CodemodDeployment } | undefined;

/** jscodeshift entry point: `npx jscodeshift -t <this file> --processes=7 --maxConnections=100 <files>`. */
export default function transformer(file: FileInfo, api: API, options: JscodeshiftOptions): string | undefined {
  const number = (value: unknown): number | undefined => {
    if (value === undefined || value === null || value === '') return undefined;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`invalid number ${JSON.stringify(value)}`);
    return parsed;
  };
  // Edited as the CLI edits files: a byte order mark and CRLF line breaks are kept, generated lines included.
  const source = editableText(file.source);
  const flags: PoolConfigOptions = {
    processes: number(options['processes']),
    maxConnections: number(options['maxConnections'] ?? options['max-connections']),
    reserved: number(options['reserved']),
    max: number(options['max']),
    idleInTransactionTimeout: number(options['idleInTransactionTimeout'] ?? options['idle-in-transaction-timeout']),
  };
  // The deployment model of the directory jscodeshift runs in, as the command reads it (one read per run).
  const key = `${process.cwd()}\0${String(flags.processes)}`;
  if (transformDeployment?.key !== key) transformDeployment = { key, deployment: readCodemodDeployment(process.cwd(), flags.processes) };
  const planned = deploymentOptions(transformDeployment.deployment, path.resolve(file.path), flags);
  const result = migratePoolConfig(source.text, file.path, planned.options);
  // jscodeshift's runner provides report(); its test helper applyTransform does not.
  const report = api.report as API['report'] | undefined;
  if (result.changed) report?.(`processes: ${planned.processes}`);
  for (const caution of result.cautions) report?.(`warning: ${caution}`);
  for (const reason of result.skipped) report?.(reason);
  for (const announcement of result.announcements) report?.(formatAnnouncement(announcement));
  for (const warning of result.warnings) report?.(`warning: ${warning.message}`);
  if (!result.changed) return result.skipped.length > 0 ? undefined : file.source;
  return restoreText(source, result.output);
}

/** `pool.max 100 → 12: 7 × 100 = 700 > …` (line 7), as the summary prints it. */
export function formatAnnouncement(announcement: Announcement): string {
  const old = announcement.old === null ? `unset (ran as ${String(announcement.effective)})` : String(announcement.old);
  const where = announcement.environment === null ? `line ${announcement.line}` : `${announcement.environment}`;
  const newValue = announcement.clampedToMax ? `${announcement.new} (at most max)` : String(announcement.new);
  const condition = announcement.condition === null ? '' : `, ${announcement.condition}`;
  return `${where}: ${announcement.key} ${old} → ${newValue}${condition}: ${announcement.why}`;
}
