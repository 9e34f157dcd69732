import type { TSESTree } from '@typescript-eslint/utils';

import { AST_NODE_TYPES } from '@typescript-eslint/types';

import type { AnalysisHost } from './ast';
import type { ResolvedObject, ResolvedValue } from './resolve-value';
import type { SequelizeModule } from './sequelize-detection';

import { findVariable, skipTypeWrappers } from './ast';
import { readProperty, resolveValue } from './resolve-value';
import { sequelizeConstructorModule } from './sequelize-detection';

/** The argument shapes Sequelize v6's constructor tells apart (it decides on argument count and `typeof`). */
export type ConstructorForm =
  /** `new Sequelize(database, username, password, options?)` */
  | 'credentials'
  /** `new Sequelize(options)` */
  | 'options'
  /** The arguments could not be resolved well enough to tell. */
  | 'unknown'
  /** `new Sequelize(uri)` / `new Sequelize(uri, options)` */
  | 'uri';

export interface SequelizeConstruction {
  /** The `new` expression. */
  node: TSESTree.NewExpression;
  module: SequelizeModule;
  form: ConstructorForm;
  /** The argument that holds the options, when the call has one. */
  optionsArgument: TSESTree.Node | null;
  /** The options: a resolved object, `undefined` when this form has none, or unknown. */
  options: ResolvedValue;
}

/**
 * Per `new` expression: several rules ask about the same node in one lint, and the answer depends only on the
 * file (the host is the same file's scopes), so it is computed once.
 */
const constructions = new WeakMap<TSESTree.NewExpression, SequelizeConstruction | null>();

/** If `node` constructs a Sequelize instance, what it constructs it with; otherwise null. */
export function sequelizeConstruction(host: AnalysisHost, node: TSESTree.NewExpression): SequelizeConstruction | null {
  if (constructions.has(node)) return constructions.get(node) ?? null;
  const construction = analyseConstruction(host, node);
  constructions.set(node, construction);
  return construction;
}

function analyseConstruction(host: AnalysisHost, node: TSESTree.NewExpression): SequelizeConstruction | null {
  const module = sequelizeConstructorModule(host, node.callee);
  if (module === null) return null;
  const args = node.arguments;
  const base = { node, module };
  const none = (form: ConstructorForm): SequelizeConstruction => ({
    ...base,
    form,
    optionsArgument: null,
    options: { kind: 'undefined', node: null },
  });
  const unknown = (optionsArgument: TSESTree.Node | null): SequelizeConstruction => ({
    ...base,
    form: 'unknown',
    optionsArgument,
    options: { kind: 'unknown', node: optionsArgument },
  });
  if (args.some((argument) => argument.type === AST_NODE_TYPES.SpreadElement)) return unknown(null);
  const [first, second, , fourth] = args.map((argument) => withoutPoolSettings(host, argument));
  if (first === undefined) return none('credentials');
  if (args.length === 1) {
    const value = resolveValue(host, first);
    if (value.kind === 'object') return { ...base, form: 'options', optionsArgument: first, options: value };
    if (value.kind === 'string') return none('uri');
    return unknown(first);
  }
  if (args.length === 2 && second !== undefined) {
    const value = resolveValue(host, second);
    if (value.kind === 'object') return { ...base, form: 'uri', optionsArgument: second, options: value };
    if (value.kind === 'string' || value.kind === 'null' || value.kind === 'undefined') return none('credentials');
    return unknown(second);
  }
  if (fourth === undefined) return none('credentials');
  const value = resolveValue(host, fourth);
  if (value.kind === 'object' || value.kind === 'unknown' || value.kind === 'config') {
    return { ...base, form: 'credentials', optionsArgument: fourth, options: value };
  }
  if (value.kind === 'null' || value.kind === 'undefined') return none('credentials');
  return unknown(fourth);
}

/**
 * The codemod's `withPoolSettings(options)` (codemods/pool-config.ts) only fills pool keys the options leave unset
 * and applies config switches: analysis reads the options inside it. Only a function of that name declared in
 * the same file counts.
 */
function withoutPoolSettings(host: AnalysisHost, argument: TSESTree.Node): TSESTree.Node {
  const call = skipTypeWrappers(argument);
  if (
    call.type !== AST_NODE_TYPES.CallExpression ||
    call.callee.type !== AST_NODE_TYPES.Identifier ||
    call.callee.name !== 'withPoolSettings' ||
    call.arguments.length !== 1
  ) {
    return argument;
  }
  const [inner] = call.arguments;
  const variable = findVariable(host, call.callee);
  const declared = variable?.defs.some((def) => def.node.type === AST_NODE_TYPES.FunctionDeclaration) === true;
  return declared && inner !== undefined && inner.type !== AST_NODE_TYPES.SpreadElement ? inner : argument;
}

/** True when the construction's options go through the codemod's withPoolSettings(), so db.options config applies. */
export function usesPoolSettings(construction: SequelizeConstruction): boolean {
  const last = construction.node.arguments.at(-1);
  return last !== undefined && construction.optionsArgument !== null && skipTypeWrappers(last) !== skipTypeWrappers(construction.optionsArgument);
}

/** What is known about the `pool` option of one construction. */
export type PoolState =
  /** The options are known and have no `pool`: Sequelize uses its defaults for every key. */
  | { state: 'absent' }
  /** The pool is a known object. `property` is the `pool: …` property, when written as one. */
  | { state: 'known'; pool: ResolvedObject; property: TSESTree.Property | null }
  /** Options or pool come from config, a call, a parameter or an unknown spread. */
  | { state: 'unknown' };

export function poolState(construction: SequelizeConstruction): PoolState {
  const { options } = construction;
  if (options.kind === 'undefined') return { state: 'absent' };
  if (options.kind !== 'object') return { state: 'unknown' };
  const property = options.properties.get('pool');
  if (property === undefined) return options.hasUnknownKeys ? { state: 'unknown' } : { state: 'absent' };
  if (property.mayBeOverridden) return { state: 'unknown' };
  const { value } = property;
  if (value.kind === 'undefined') return { state: 'absent' };
  if (value.kind !== 'object') return { state: 'unknown' };
  return { state: 'known', pool: value, property: property.property };
}

/** What is known about one pool key. */
export type PoolKeyState =
  /** Not set: Sequelize's default applies. */
  | { state: 'default' }
  /** Set to a resolved value. */
  | { state: 'set'; value: ResolvedValue; property: TSESTree.Property }
  | { state: 'unknown' };

export function poolKeyState(pool: PoolState, key: string): PoolKeyState {
  if (pool.state === 'absent') return { state: 'default' };
  if (pool.state === 'unknown') return { state: 'unknown' };
  const property = pool.pool.properties.get(key);
  if (property === undefined) return pool.pool.hasUnknownKeys ? { state: 'unknown' } : { state: 'default' };
  if (property.mayBeOverridden) return { state: 'unknown' };
  // `_.defaults` fills in `undefined` only.
  if (property.value.kind === 'undefined') return { state: 'default' };
  return { state: 'set', value: property.value, property: property.property };
}

/** Whether the instance uses read replication (one read pool and one write pool, each up to `max`). */
export function usesReplication(construction: SequelizeConstruction): boolean | null {
  const value = construction.options.kind === 'undefined' ? construction.options : readOption(construction, 'replication');
  switch (value.kind) {
    case 'undefined':
    case 'null':
      return false;
    case 'boolean':
      return value.value;
    case 'object':
    case 'array':
      return true;
    default:
      return null;
  }
}

function readOption(construction: SequelizeConstruction, key: string): ResolvedValue {
  return readProperty(construction.options, key);
}

/** A `pool` written where Sequelize ignores it: inside `replication.read[i]` or `replication.write`. */
export interface MisplacedPool {
  /** `replication.read[0]`, `replication.write`. */
  where: string;
  property: TSESTree.Property;
}

export function poolsInsideReplication(construction: SequelizeConstruction): MisplacedPool[] {
  const replication = readOption(construction, 'replication');
  if (replication.kind !== 'object') return [];
  const found: MisplacedPool[] = [];
  const visit = (value: ResolvedValue, where: string): void => {
    if (value.kind === 'array' && value.elements !== null) {
      value.elements.forEach((element, index) => visit(element, `${where}[${index}]`));
    } else if (value.kind === 'object') {
      const pool = value.properties.get('pool');
      if (pool !== undefined) found.push({ where, property: pool.property });
    }
  };
  for (const side of ['read', 'write']) visit(readProperty(replication, side), `replication.${side}`);
  return found;
}
