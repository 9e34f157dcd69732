/**
 * The `pool-config` codemod: rewrites a Sequelize setup module to a right-sized, config-driven pool with
 * logging and benchmark toggles (docs/codemod.md). Works as a jscodeshift transform and from the CLI.
 *
 * Analysis is the plugin's own (lib/), so the codemod and the lint rules agree on what a `new Sequelize` is
 * and what its options resolve to. Edits are text splices at node ranges: everything the codemod does not
 * touch (comments, quotes, the pool monitor, exports) stays byte for byte.
 */
import type { TSESTree } from '@typescript-eslint/utils';
import type { API, FileInfo, Options as JscodeshiftOptions } from 'jscodeshift';

import { AST_NODE_TYPES, AST_TOKEN_TYPES, TSESLint } from '@typescript-eslint/utils';

import type { AnalysedSource } from '../lib/file-analysis/source-analysis';
import type { SequelizeConstruction } from '../lib/file-analysis/sequelize-options';
import type { TextEdit } from '../lib/edits/text-edits';
import type { LifecycleKey } from '../lib/sequelize-facts';

import { environmentStringSource, skipTypeWrappers, staticKeyName } from '../lib/file-analysis/ast';
import { availableConnections, connectionsPerInstance, describeAvailable, headroomFor, largestFittingMax, processCount } from '../lib/project/pool-budget';
import { LIFECYCLE_KEYS, POSTGRES_DEFAULTS, RECOMMENDED_POOL, SEQUELIZE_POOL_DEFAULTS } from '../lib/sequelize-facts';
import { requiredModule } from '../lib/file-analysis/sequelize-detection';
import { poolKeyState, poolsInsideReplication, poolState, usesReplication } from '../lib/file-analysis/sequelize-options';
import { analyseSource, SourceParseError } from '../lib/file-analysis/source-analysis';
import { editableText, restoreText } from '../lib/edits/source-file';
import { appendObjectEntries, applyTextEdits, lineIndentation, removeObjectEntry } from '../lib/edits/text-edits';

/** jscodeshift parses nothing for this transform, but its runner wants a parser name. */
export const parser = 'tsx';

export interface PoolConfigOptions {
  /** Processes that each open this pool (Supervisor programs × numprocs, cluster workers, …). */
  processes?: number;
  /** PostgreSQL `max_connections`. */
  maxConnections?: number;
  /** `superuser_reserved_connections` + `reserved_connections`. */
  reserved?: number;
  /** Use this `max` instead of computing one. */
  max?: number;
  /** Adds `idle_in_transaction_session_timeout` (ms) to `dialectOptions`. */
  idleInTransactionTimeout?: number;
}

/** The pool size the codemod chose, and the arithmetic behind it (printed by the CLI, written in the file). */
export interface BudgetPlan {
  max: number;
  /** The largest max that fits the budget (with defaults for flags not given): explicit values above it are replaced. */
  fits: number;
  /** Whether any budget flag was given (otherwise `max` defaults to 10 unless the file sets one that fits). */
  computed: boolean;
  lines: string[];
}

export interface MigrationResult {
  output: string;
  changed: boolean;
  /** Why a construction (or the whole file) was left alone. */
  skipped: string[];
  /** The pool values written to POOL_DEFAULTS, for the config files. */
  pool: Record<LifecycleKey, number> | null;
  /** Where overrides come from. */
  settings: 'env' | 'node-config' | 'options-object' | null;
  budget: BudgetPlan | null;
}

/** Connections kept out of the application's share: the one formula in lib/project/pool-budget. */
export { headroomFor } from '../lib/project/pool-budget';

/** The `max` each process gets: `--max`, else the largest that fits the budget after headroom. */
export function planBudget(options: PoolConfigOptions, replicated: boolean): BudgetPlan {
  const maxConnections = options.maxConnections ?? POSTGRES_DEFAULTS.maxConnections;
  const reserved = options.reserved ?? POSTGRES_DEFAULTS.superuserReservedConnections;
  const processes = options.processes ?? 1;
  const computed =
    options.processes !== undefined || options.maxConnections !== undefined || options.reserved !== undefined;
  const headroom = headroomFor(maxConnections);
  const budget = { maxConnections, reservedConnections: reserved, otherConnections: 0 };
  // The one formula (lib/project/pool-budget): the lint suggestion and doctor print the same number.
  const fits = largestFittingMax(budget, processes, replicated);
  const max = options.max ?? (computed ? fits : RECOMMENDED_POOL.max);
  const perInstance = replicated ? ' × 2 (replication)' : '';
  const total = processes * connectionsPerInstance(max, replicated);
  const lines = [
    `${processCount(processes)} × max ${max}${perInstance} = ${total} connections of the ${availableConnections(budget)} PostgreSQL allows (${describeAvailable(budget)})`,
  ];
  if (options.max === undefined && computed) {
    lines.push(`max ${max} is the largest that fits after keeping ${headroom} connections (10% of max_connections, at least 5) for migrations, psql and monitoring`);
  } else if (options.max !== undefined) {
    lines.push(`max ${max} was set with --max`);
  } else {
    lines.push(`max ${max} is the default; pass --processes and --max-connections to size it to your deployment`);
  }
  if (total > availableConnections(budget)) {
    lines.push(`warning: that is over the budget: lower --max or run fewer processes`);
  }
  return { max, fits, computed, lines };
}

interface FileStyle {
  quote: "'" | '"';
  semi: string;
  typescript: boolean;
}

function detectStyle(analysed: AnalysedSource, file: string): FileStyle {
  let single = 0;
  let double = 0;
  for (const token of analysed.sourceCode.ast.tokens) {
    if (token.type !== AST_TOKEN_TYPES.String) continue;
    if (token.value.startsWith("'")) single += 1;
    else if (token.value.startsWith('"')) double += 1;
  }
  const statements = analysed.ast.body.filter((statement) => statement.type === AST_NODE_TYPES.VariableDeclaration);
  const withSemicolon = statements.filter((statement) => analysed.sourceCode.text[statement.range[1] - 1] === ';').length;
  return {
    quote: double > single ? '"' : "'",
    semi: statements.length > 0 && withSemicolon * 2 < statements.length ? '' : ';',
    typescript: /\.(?:cts|mts|ts|tsx)$/u.test(file),
  };
}

const GENERATED_NAMES = ['POOL_DEFAULTS', 'DB_OPTIONS', 'queryLogging', 'queryBenchmark', 'envInteger', 'envFlag'];

/** The top-level binding of node-config (`require('config')` / `import config from 'config'`), if any. */
function nodeConfigBinding(analysed: AnalysedSource): string | null {
  for (const statement of analysed.ast.body) {
    if (statement.type === AST_NODE_TYPES.ImportDeclaration && statement.source.value === 'config') {
      const specifier = statement.specifiers.find((entry) => entry.type !== AST_NODE_TYPES.ImportSpecifier);
      if (specifier !== undefined) return specifier.local.name;
    }
    if (statement.type !== AST_NODE_TYPES.VariableDeclaration) continue;
    for (const declarator of statement.declarations) {
      const init = declarator.init === null ? null : skipTypeWrappers(declarator.init);
      if (
        declarator.id.type === AST_NODE_TYPES.Identifier &&
        init?.type === AST_NODE_TYPES.CallExpression &&
        requiredModule(analysed.host, init) === 'config'
      ) {
        return declarator.id.name;
      }
    }
  }
  return null;
}

/** A top-level logger the file already uses (`logger`, `log`), imported or required. */
function fileLogger(analysed: AnalysedSource): string | null {
  const scope = analysed.sourceCode.scopeManager?.globalScope;
  const moduleScope = scope?.childScopes[0] ?? scope;
  for (const name of ['logger', 'log']) {
    const variable = moduleScope?.set.get(name) ?? scope?.set.get(name);
    const def = variable?.defs[0];
    if (def === undefined) continue;
    if (def.type === TSESLint.Scope.DefinitionType.ImportBinding) return name;
    if (def.type === TSESLint.Scope.DefinitionType.Variable && def.node.init?.type === AST_NODE_TYPES.CallExpression) {
      return name;
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

function isAlreadyMigrated(construction: SequelizeConstruction): boolean {
  const pool = poolState(construction);
  if (pool.state !== 'unknown' && pool.state !== 'known') return false;
  const options = construction.options;
  const property = options.kind === 'object' ? options.properties.get('pool')?.property : undefined;
  const argument = construction.optionsArgument === null ? null : skipTypeWrappers(construction.optionsArgument);
  const poolValue =
    property?.value ??
    (argument?.type === AST_NODE_TYPES.ObjectExpression
      ? argument.properties.find(
          (entry): entry is TSESTree.Property =>
            entry.type === AST_NODE_TYPES.Property && staticKeyName(entry.key, entry.computed) === 'pool',
        )?.value
      : undefined);
  if (poolValue?.type !== AST_NODE_TYPES.ObjectExpression) return false;
  const first = poolValue.properties[0];
  return (
    first?.type === AST_NODE_TYPES.SpreadElement &&
    first.argument.type === AST_NODE_TYPES.Identifier &&
    first.argument.name === 'POOL_DEFAULTS'
  );
}

/** How the rewritten options read their overrides. */
type Settings =
  | { kind: 'env' | 'node-config'; expression: 'DB_OPTIONS' }
  | { kind: 'options-object'; expression: string };

interface KeptEntry {
  text: string;
  /** For `max: Number(process.env.X) || 50`: the fallback literal, rewritten when it is over the budget. */
  maxFallback: { offset: number; length: number; value: number } | null;
}

interface ConstructionPlan {
  construction: SequelizeConstruction;
  settings: Settings;
  /** Lifecycle values written in the file (literals), to carry into POOL_DEFAULTS. */
  explicit: Partial<Record<LifecycleKey, number>>;
  /** Pool entries to keep as written after the defaults (env expressions, `validate`, `maxUses`, …). */
  keptEntries: KeptEntry[];
  replicated: boolean;
}

/** The rewrite of one source text. Throws SourceParseError when the input does not parse. */
export function migratePoolConfig(source: string, file: string, options: PoolConfigOptions = {}): MigrationResult {
  const analysed = analyseSource(source, file);
  const unchanged = (skipped: string[]): MigrationResult => ({
    output: source,
    changed: false,
    skipped,
    pool: null,
    settings: null,
    budget: null,
  });
  if (analysed.constructions.length === 0) return unchanged([]);
  const pending = analysed.constructions.filter((construction) => !isAlreadyMigrated(construction));
  if (pending.length === 0) return unchanged([]);

  const style = detectStyle(analysed, file);
  const { sourceCode } = analysed;
  const text = (node: TSESTree.Node): string => source.slice(node.range[0], node.range[1]);
  const lineOf = (node: TSESTree.Node): number => node.loc.start.line;

  const globalScope = sourceCode.scopeManager?.globalScope;
  const taken = GENERATED_NAMES.filter((name) =>
    [globalScope, ...(globalScope?.childScopes ?? [])].some((scope) => scope?.set.has(name)),
  );
  if (taken.length > 0) {
    return unchanged([`the file already declares ${taken.join(', ')}; rename it before running the codemod`]);
  }

  const configBinding = nodeConfigBinding(analysed);
  const skipped: string[] = [];
  const plans: ConstructionPlan[] = [];
  for (const construction of pending) {
    const where = `new Sequelize at line ${lineOf(construction.node)}`;
    const plan = planConstruction(construction, configBinding, text);
    if (typeof plan === 'string') skipped.push(`${where}: ${plan}`);
    else plans.push(plan);
  }
  if (plans.length === 0) return unchanged(skipped);

  const replicated = plans.some((plan) => plan.replicated);
  const budget = planBudget(options, replicated);
  const pool = poolDefaults(plans, budget, options);
  const edits: TextEdit[] = [];
  const logger = fileLogger(analysed);
  const q = (value: string): string => `${style.quote}${value}${style.quote}`;
  const sinks = logger === null ? ['console.log', 'console.warn'] : [`(message) => ${logger}.debug(message)`, `(message) => ${logger}.warn(message)`];
  const typedSinks = style.typescript && logger !== null
    ? [`(message: string) => ${logger}.debug(message)`, `(message: string) => ${logger}.warn(message)`]
    : sinks;

  for (const plan of plans) {
    edits.push(...rewriteConstruction(plan, { sourceCode, text, typedSinks, options, budget }));
  }

  const settingsKinds = new Set(plans.map((plan) => plan.settings.kind));
  const firstStatement = topLevelStatement(plans[0]?.construction.node ?? analysed.ast);
  // Comments directly above the statement belong to it: the preamble goes above them.
  let insertAt: TSESTree.Node | TSESTree.Comment = firstStatement;
  for (const comment of [...sourceCode.getCommentsBefore(firstStatement)].reverse()) {
    if (comment.loc.end.line < insertAt.loc.start.line - 1) break;
    insertAt = comment;
  }
  const indent = lineIndentation(sourceCode, firstStatement.loc.start.line);
  const preamble = renderPreamble({
    pool,
    budget,
    configBinding: settingsKinds.has('node-config') ? configBinding : null,
    env: settingsKinds.has('env'),
    optionsObject: plans.find((plan) => plan.settings.kind === 'options-object')?.settings.expression ?? null,
    style,
    q,
  });
  edits.push({
    start: insertAt.range[0],
    end: insertAt.range[0],
    text: `${preamble.split('\n').join(`\n${indent}`)}\n\n${indent}`,
  });

  const output = applyTextEdits(source, edits);
  // Never hand back text that does not parse, whatever went wrong above.
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
    pool,
    settings: plans[0]?.settings.kind ?? null,
    budget,
  };
}

function planConstruction(
  construction: SequelizeConstruction,
  configBinding: string | null,
  text: (node: TSESTree.Node) => string,
): ConstructionPlan | string {
  const { options, optionsArgument } = construction;
  const replicated = usesReplication(construction) === true;
  const explicit: Partial<Record<LifecycleKey, number>> = {};
  const keptEntries: KeptEntry[] = [];
  const defaultSettings: Settings =
    configBinding === null ? { kind: 'env', expression: 'DB_OPTIONS' } : { kind: 'node-config', expression: 'DB_OPTIONS' };

  if (construction.form === 'unknown' && optionsArgument === null) {
    return 'its arguments could not be resolved (spread arguments)';
  }
  if (options.kind === 'undefined') {
    return { construction, settings: defaultSettings, explicit, keptEntries, replicated };
  }
  if (options.kind === 'unknown' || options.kind === 'config') {
    const argument = optionsArgument === null ? null : skipTypeWrappers(optionsArgument);
    // sequelize-cli's models/index.js passes the options object read from config.json: merge into it.
    if (argument !== null && isSimpleReference(argument)) {
      return { construction, settings: { kind: 'options-object', expression: text(argument) }, explicit, keptEntries, replicated };
    }
    return 'its options come from an expression the codemod cannot rewrite safely (a call or a spread); edit it by hand';
  }
  if (options.kind !== 'object') return 'its options are not an object';
  const argument = optionsArgument === null ? null : skipTypeWrappers(optionsArgument);
  if (argument !== options.node) {
    return `its options object is built elsewhere (line ${options.node.loc.start.line}); edit that object by hand or inline it`;
  }
  for (const misplaced of poolsInsideReplication(construction)) {
    const value = misplaced.property.value;
    if (value.type !== AST_NODE_TYPES.ObjectExpression) return `the pool inside ${misplaced.where} is not an object literal`;
  }
  const pool = poolState(construction);
  const poolProperty = options.properties.get('pool');
  if (poolProperty !== undefined && poolProperty.property.parent !== options.node) {
    return `its pool comes from another object (line ${poolProperty.property.loc.start.line}); edit that object by hand`;
  }
  if (pool.state === 'unknown' && poolProperty !== undefined) {
    const value = skipTypeWrappers(poolProperty.property.value);
    if (value.type !== AST_NODE_TYPES.ObjectExpression) {
      return 'its pool is not an object literal (it already comes from config or a variable)';
    }
  }
  if (pool.state === 'known' && pool.pool.node !== skipTypeWrappers(poolProperty?.property.value ?? options.node)) {
    return `its pool object is built elsewhere (line ${pool.pool.node.loc.start.line}); edit that object by hand`;
  }
  const poolObject = poolProperty === undefined ? null : skipTypeWrappers(poolProperty.property.value);
  if (poolObject?.type === AST_NODE_TYPES.ObjectExpression) {
    for (const entry of poolObject.properties) {
      if (entry.type === AST_NODE_TYPES.SpreadElement) {
        keptEntries.push({ text: text(entry), maxFallback: null });
        continue;
      }
      const key = staticKeyName(entry.key, entry.computed);
      const keyState = key === null ? null : poolKeyState(pool, key);
      const isLifecycle = key !== null && (LIFECYCLE_KEYS as readonly string[]).includes(key);
      const literalNumber =
        keyState?.state === 'set' &&
        keyState.value.kind === 'number' &&
        !keyState.value.viaFallback &&
        skipTypeWrappers(entry.value).type !== AST_NODE_TYPES.Identifier;
      if (isLifecycle && literalNumber && keyState.value.kind === 'number') {
        explicit[key as LifecycleKey] = keyState.value.value;
      } else if (key === 'maxUses' && keyState?.state === 'set' && keyState.value.kind === 'number' && keyState.value.value === 0) {
        // sequelize-pool 7 reads maxUses: 0 as Infinity: dropping it keeps the behaviour and the intent visible.
        continue;
      } else {
        let maxFallback: KeptEntry['maxFallback'] = null;
        if (isLifecycle && keyState?.state === 'set' && keyState.value.kind === 'number') {
          const { value: number, node: literal } = keyState.value;
          if (key !== 'max') explicit[key as LifecycleKey] ??= number;
          else if (literal.type === AST_NODE_TYPES.Literal) {
            maxFallback = { offset: literal.range[0] - entry.range[0], length: literal.range[1] - literal.range[0], value: number };
          }
        }
        // `max: process.env.X ?? 10` is a string once X is set, and sequelize-pool rejects it: keep it, as a number.
        const value = entry.value;
        const stringFromEnvironment = (key === 'max' || key === 'min') && environmentStringSource(value) !== null;
        const written = text(entry);
        const [start, end] = [value.range[0] - entry.range[0], value.range[1] - entry.range[0]];
        const entryText = stringFromEnvironment
          ? `${written.slice(0, start)}Number(${written.slice(start, end)})${written.slice(end)}`
          : written;
        keptEntries.push({ text: entryText, maxFallback: stringFromEnvironment ? null : maxFallback });
      }
    }
  }
  // Sequelize ignores `pool` under replication.read/write: their values move up unless the top level sets them.
  for (const misplaced of poolsInsideReplication(construction)) {
    const value = misplaced.property.value as TSESTree.ObjectExpression;
    for (const entry of value.properties) {
      if (entry.type !== AST_NODE_TYPES.Property) continue;
      const key = staticKeyName(entry.key, entry.computed);
      const inner = skipTypeWrappers(entry.value);
      if (key !== null && (LIFECYCLE_KEYS as readonly string[]).includes(key) && inner.type === AST_NODE_TYPES.Literal && typeof inner.value === 'number') {
        explicit[key as LifecycleKey] ??= inner.value;
      }
    }
  }
  return { construction, settings: defaultSettings, explicit, keptEntries, replicated };
}

function isSimpleReference(node: TSESTree.Node): boolean {
  if (node.type === AST_NODE_TYPES.Identifier) return true;
  return node.type === AST_NODE_TYPES.MemberExpression && !node.computed && isSimpleReference(node.object);
}

/** POOL_DEFAULTS: values written in the file where they are sound, the budget's max, the review's defaults. */
function poolDefaults(plans: ConstructionPlan[], budget: BudgetPlan, options: PoolConfigOptions): Record<LifecycleKey, number> {
  const explicit = plans[0]?.explicit ?? {};
  const pool: Record<LifecycleKey, number> = { ...RECOMMENDED_POOL, max: budget.max };
  for (const key of LIFECYCLE_KEYS) {
    const value = explicit[key];
    if (value === undefined) continue;
    // Zero is not "off" in sequelize-pool 7 (idle/acquire/evict fall back to 30000/30000/1000).
    if (value === 0 && key !== 'min') continue;
    if (key === 'max' && (options.max !== undefined || value > budget.fits || value < 1)) continue;
    pool[key] = value;
  }
  if (pool.min > pool.max) pool.min = Math.min(RECOMMENDED_POOL.min, pool.max);
  return pool;
}

interface RewriteContext {
  sourceCode: AnalysedSource['sourceCode'];
  text: (node: TSESTree.Node) => string;
  typedSinks: string[];
  options: PoolConfigOptions;
  budget: BudgetPlan;
}

function rewriteConstruction(plan: ConstructionPlan, context: RewriteContext): TextEdit[] {
  const { construction, settings } = plan;
  // A max fallback over the budget gets the budget's max, like an explicit max would.
  const keptEntries = plan.keptEntries.map(({ text: entry, maxFallback }) =>
    maxFallback === null || maxFallback.value <= context.budget.fits
      ? entry
      : `${entry.slice(0, maxFallback.offset)}${context.budget.max}${entry.slice(maxFallback.offset + maxFallback.length)}`,
  );
  const { sourceCode, text, typedSinks, options } = context;
  const poolText = `{ ${['...POOL_DEFAULTS', ...keptEntries, `...${settings.expression}.pool`].join(', ')} }`;
  const [logSink, warnSink] = typedSinks;
  const customSink = existingLoggingSink(construction, text);
  const loggingText = `queryLogging(${settings.expression}, ${customSink ?? logSink ?? 'console.log'}, ${customSink ?? warnSink ?? 'console.warn'})`;
  const benchmarkText = `queryBenchmark(${settings.expression})`;
  const timeout = options.idleInTransactionTimeout;

  if (settings.kind === 'options-object') {
    const argument = construction.optionsArgument as TSESTree.Node;
    const entries = [`...${settings.expression}`, `pool: ${poolText}`, `logging: ${loggingText}`, `benchmark: ${benchmarkText}`];
    if (timeout !== undefined) {
      entries.push(`dialectOptions: { ...${settings.expression}.dialectOptions, idle_in_transaction_session_timeout: ${timeout} }`);
    }
    const indent = lineIndentation(sourceCode, construction.node.loc.start.line);
    const body = entries.map((entry) => `${indent}  ${entry},`).join('\n');
    return [{ start: argument.range[0], end: argument.range[1], text: `{\n${body}\n${indent}}` }];
  }

  const { options: resolved, node } = construction;
  const newOptionEntries = [`pool: ${poolText}`, `logging: ${loggingText}`, `benchmark: ${benchmarkText}`];
  if (timeout !== undefined) newOptionEntries.push(`dialectOptions: { idle_in_transaction_session_timeout: ${timeout} }`);
  if (resolved.kind !== 'object') {
    // No options argument yet: add one where this constructor form takes it.
    const last = node.arguments.at(-1);
    const literal = `{ ${newOptionEntries.join(', ')} }`;
    if (last === undefined) {
      const closing = sourceCode.getLastToken(node);
      const at = closing?.value === ')' ? closing.range[0] : node.range[1];
      return [{ start: at, end: at, text: closing?.value === ')' ? literal : `(${literal})` }];
    }
    if (construction.form === 'uri' || node.arguments.length === 3) return [{ start: last.range[1], end: last.range[1], text: `, ${literal}` }];
    // new Sequelize(db, user): options are the fourth argument.
    return [{ start: last.range[1], end: last.range[1], text: `, undefined, ${literal}` }];
  }

  const edits: TextEdit[] = [];
  const append: string[] = [];
  const objectNode = resolved.node;
  const own = (key: string): TSESTree.Property | undefined =>
    objectNode.properties.find(
      (entry): entry is TSESTree.Property => entry.type === AST_NODE_TYPES.Property && staticKeyName(entry.key, entry.computed) === key,
    );
  const replaceOrAppend = (key: string, value: string): void => {
    const property = own(key);
    if (property === undefined) append.push(`${key}: ${value}`);
    else if (property.shorthand) edits.push({ start: property.range[0], end: property.range[1], text: `${key}: ${value}` });
    else edits.push({ start: property.value.range[0], end: property.value.range[1], text: value });
  };
  replaceOrAppend('pool', poolText);
  replaceOrAppend('logging', loggingText);
  replaceOrAppend('benchmark', benchmarkText);
  if (timeout !== undefined) {
    const dialectOptions = own('dialectOptions');
    const value = dialectOptions === undefined ? null : skipTypeWrappers(dialectOptions.value);
    if (dialectOptions === undefined) {
      append.push(`dialectOptions: { idle_in_transaction_session_timeout: ${timeout} }`);
    } else if (value?.type === AST_NODE_TYPES.ObjectExpression) {
      const has = value.properties.some(
        (entry) => entry.type === AST_NODE_TYPES.Property && staticKeyName(entry.key, entry.computed) === 'idle_in_transaction_session_timeout',
      );
      if (!has) edits.push(appendObjectEntries(sourceCode, value, [`idle_in_transaction_session_timeout: ${timeout}`]));
    }
  }
  for (const misplaced of poolsInsideReplication(construction)) edits.push(removeObjectEntry(sourceCode, misplaced.property));
  if (append.length > 0) edits.push(appendObjectEntries(sourceCode, objectNode, append));
  return edits;
}

/** A `logging` function the user already wrote (not console.log, not a boolean): kept as the sink. */
function existingLoggingSink(construction: SequelizeConstruction, text: (node: TSESTree.Node) => string): string | null {
  if (construction.options.kind !== 'object') return null;
  const property = construction.options.properties.get('logging');
  if (property === undefined) return null;
  const value = skipTypeWrappers(property.property.value);
  if (value.type === AST_NODE_TYPES.Literal || (value.type === AST_NODE_TYPES.Identifier && value.name === 'undefined')) return null;
  const written = text(value).replace(/\s+/gu, '');
  if (written === 'console.log' || written === 'console.info' || written === 'console.debug') return null;
  // A call like `logger.child(...)` or an unknown identifier still works as a sink; only refuse to guess on
  // something that cannot be one.
  return written === '' ? null : text(value);
}

interface PreambleInput {
  /** The options object expression when the file merges into one (sequelize-cli's `config`). */
  optionsObject: string | null;
  pool: Record<LifecycleKey, number>;
  budget: BudgetPlan;
  configBinding: string | null;
  env: boolean;
  style: FileStyle;
  q: (value: string) => string;
}

function renderPreamble({ pool, budget, configBinding, env, optionsObject, style, q }: PreambleInput): string {
  const { semi, typescript: ts } = style;
  const poolLiteral = `{ ${LIFECYCLE_KEYS.map((key) => `${key}: ${pool[key]}`).join(', ')} }`;
  const defaults = LIFECYCLE_KEYS.map((key) => `${key} ${SEQUELIZE_POOL_DEFAULTS[key]}`).join(', ');
  const settingsType = ts
    ? ': { pool?: Record<string, unknown>; logging?: unknown; benchmark?: unknown; slowQueryMs?: number | null }'
    : '';
  const lines: string[] = [
    ...commentLines([
      "Connection pool, made explicit and config-driven by eslint-plugin-sequelize-pool's codemod.",
      `Without these keys Sequelize v6 uses ${defaults}.`,
      ...budget.lines.filter((line) => !line.startsWith('warning')).map((line) => `${line}.`),
      ...(configBinding === null
        ? []
        : ['Override any key with db.options.pool in config; db.options.logging, .benchmark and .slowQueryMs switch query logging.']),
      ...(env
        ? ['Override with DB_POOL_MAX, DB_POOL_MIN, DB_POOL_IDLE, DB_POOL_ACQUIRE, DB_POOL_EVICT; DB_LOGGING, DB_BENCHMARK and DB_SLOW_QUERY_MS switch query logging.']
        : []),
      ...(optionsObject === null
        ? []
        : [`Override any key with pool in the options (${optionsObject}.pool); ${optionsObject}.logging, .benchmark and .slowQueryMs switch query logging.`]),
    ]),
    `const POOL_DEFAULTS = ${poolLiteral}${semi}`,
  ];
  if (configBinding !== null) {
    lines.push(
      `const DB_OPTIONS${settingsType} = ${configBinding}.has(${q('db.options')}) ? ${configBinding}.get(${q('db.options')}) : {}${semi}`,
    );
  }
  if (env) {
    lines.push(...renderEnvSettings(style, q));
  }
  const message = ts ? 'message: string' : 'message';
  const sinkType = ts ? ': (message: string) => void' : '';
  const settingsParam = ts ? `settings: NonNullable<typeof DB_OPTIONS> | { logging?: unknown; benchmark?: unknown; slowQueryMs?: number | null }` : 'settings';
  lines.push(
    '',
    '// Query logging is off unless settings.logging or settings.slowQueryMs is set. With slowQueryMs, only queries',
    '// at least that slow are logged, at warn level, to find the slow queries that hold connections. With',
    '// benchmark on, Sequelize passes the elapsed time (ms) as the second argument.',
    `function queryLogging(${settingsParam}, log${sinkType}, warn${sinkType}) {`,
    `  const slowQueryMs = settings.slowQueryMs${semi}`,
    `  if (!settings.logging && slowQueryMs == null) return false${semi}`,
    `  return (${message}, elapsedOrOptions${ts ? '?: unknown' : ''}) => {`,
    `    const elapsedMs = typeof elapsedOrOptions === ${q('number')} ? elapsedOrOptions : undefined${semi}`,
    '    if (slowQueryMs != null) {',
    `      if (elapsedMs !== undefined && elapsedMs >= slowQueryMs) warn(\`\${message} (\${elapsedMs} ms)\`)${semi}`,
    `      return${semi}`,
    '    }',
    `    log(elapsedMs === undefined ? message : \`\${message} (\${elapsedMs} ms)\`)${semi}`,
    `  }${semi}`,
    '}',
    '',
    '// Elapsed times need benchmark: on when settings.benchmark is, or when slowQueryMs needs them.',
    `function queryBenchmark(${settingsParam}) {`,
    `  return Boolean(settings.benchmark) || settings.slowQueryMs != null${semi}`,
    '}',
  );
  return lines.join('\n');
}

/** `//` comment lines, each sentence wrapped at 100 columns with its continuation lines indented. */
function commentLines(sentences: readonly string[]): string[] {
  const lines: string[] = [];
  for (const sentence of sentences) {
    let line = '//';
    for (const word of sentence.split(' ')) {
      if (line.length + word.length + 1 > 100 && line !== '//') {
        lines.push(line);
        line = '//  ';
      }
      line += ` ${word}`;
    }
    lines.push(line);
  }
  return lines;
}

function renderEnvSettings(style: FileStyle, q: (value: string) => string): string[] {
  const { semi, typescript: ts } = style;
  const name = 'DB_OPTIONS';
  const envKeys = LIFECYCLE_KEYS.map((key) => `[${q(key)}, ${q(`DB_POOL_${key.toUpperCase()}`)}]`).join(', ');
  return [
    '',
    '// Integer settings from the environment; a value that is not a non-negative integer stops start-up.',
    `function envInteger(name${ts ? ': string' : ''})${ts ? ': number | undefined' : ''} {`,
    `  const raw = process.env[name]${semi}`,
    `  if (raw === undefined || raw.trim() === ${q('')}) return undefined${semi}`,
    `  if (!/^\\d+$/.test(raw.trim())) throw new Error(\`\${name} must be a non-negative integer, got \${JSON.stringify(raw)}\`)${semi}`,
    `  return Number(raw)${semi}`,
    '}',
    '',
    `function envFlag(name${ts ? ': string' : ''}) {`,
    `  return [${q('1')}, ${q('true')}, ${q('yes')}, ${q('on')}].includes(String(process.env[name]).toLowerCase())${semi}`,
    '}',
    '',
    `const ${name} = {`,
    `  pool: Object.fromEntries(`,
    `    [${envKeys}]`,
    `      .map(([key, variable]) => [key, envInteger(variable${ts ? ' as string' : ''})])`,
    `      .filter(([, value]) => value !== undefined),`,
    `  ),`,
    `  logging: envFlag(${q('DB_LOGGING')}),`,
    `  benchmark: envFlag(${q('DB_BENCHMARK')}),`,
    `  slowQueryMs: envInteger(${q('DB_SLOW_QUERY_MS')}),`,
    `}${semi}`,
  ];
}

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
  const result = migratePoolConfig(source.text, file.path, {
    processes: number(options['processes']),
    maxConnections: number(options['maxConnections'] ?? options['max-connections']),
    reserved: number(options['reserved']),
    max: number(options['max']),
    idleInTransactionTimeout: number(options['idleInTransactionTimeout'] ?? options['idle-in-transaction-timeout']),
  });
  // jscodeshift's runner provides report(); its test helper applyTransform does not.
  for (const reason of result.skipped) (api.report as API['report'] | undefined)?.(reason);
  if (!result.changed) return result.skipped.length > 0 ? undefined : file.source;
  return restoreText(source, result.output);
}

