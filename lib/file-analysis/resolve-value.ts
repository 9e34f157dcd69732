import type { TSESTree } from '@typescript-eslint/utils';

import { AST_NODE_TYPES, TSESLint } from '@typescript-eslint/utils';

import type { AnalysisHost } from './ast';

import {
  findVariable,
  isUnshadowedGlobal,
  memberName,
  patternPath,
  skipTypeWrappers,
  soleInitializer,
  staticKeyName,
} from './ast';

/**
 * What static analysis knows about a value. `unknown` is a real answer: config files, environment
 * variables, function results and parameters are never guessed.
 */
export type ResolvedValue =
  | ResolvedNumber
  | ResolvedObject
  | { kind: 'array'; node: TSESTree.Node; elements: ResolvedValue[] | null }
  | { kind: 'boolean'; node: TSESTree.Node; value: boolean }
  | { kind: 'null'; node: TSESTree.Node }
  /** Functions, classes, regular expressions, instances: known to exist, not a plain options object. */
  | { kind: 'other'; node: TSESTree.Node }
  /** A string; `value` is null when only the type is known (`process.env.X`, a template with expressions). */
  | { kind: 'string'; node: TSESTree.Node; value: string | null }
  | { kind: 'undefined'; node: TSESTree.Node | null }
  | { kind: 'unknown'; node: TSESTree.Node | null };

export interface ResolvedNumber {
  kind: 'number';
  /** The literal that produced the number (the place a fix would edit), or the expression computing it. */
  node: TSESTree.Node;
  value: number;
  /**
   * The value is the fallback of an expression whose first choice is unknown
   * (`Number(process.env.X) || 50`, `parseInt(x) || 50`, `x ?? 50`): what runs when nothing overrides it.
   */
  viaFallback: boolean;
}

export interface ResolvedProperty {
  key: string;
  /** The `key: value` node, for reporting and fixing. */
  property: TSESTree.Property;
  value: ResolvedValue;
  /** An unresolvable spread or computed key after this property may replace it at run time. */
  mayBeOverridden: boolean;
}

export interface ResolvedObject {
  kind: 'object';
  /** The object literal that holds the object's own written properties (where a fix inserts new ones). */
  node: TSESTree.ObjectExpression;
  properties: Map<string, ResolvedProperty>;
  /** Keys may exist that analysis cannot see (an unresolvable spread or computed key). */
  hasUnknownKeys: boolean;
}

const MAX_DEPTH = 12;

const UNKNOWN = (node: TSESTree.Node | null): ResolvedValue => ({ kind: 'unknown', node });

/** Resolves an expression to what is statically known about its value. */
export function resolveValue(host: AnalysisHost, node: TSESTree.Node): ResolvedValue {
  return resolve(host, node, new Set(), 0);
}

/** Reads one property of a resolved value: known, `undefined` when provably absent, else unknown. */
export function readProperty(value: ResolvedValue, key: string): ResolvedValue {
  if (value.kind !== 'object') {
    if (value.kind === 'null' || value.kind === 'undefined') return { kind: 'undefined', node: null };
    return UNKNOWN(null);
  }
  const property = value.properties.get(key);
  if (property === undefined) return value.hasUnknownKeys ? UNKNOWN(null) : { kind: 'undefined', node: null };
  return property.mayBeOverridden ? UNKNOWN(property.property) : property.value;
}

/** True when the value is known to be nullish or a known falsy primitive. */
function truthiness(value: ResolvedValue): boolean | null {
  switch (value.kind) {
    case 'array':
    case 'object':
    case 'other':
      return true;
    case 'boolean':
      return value.value;
    case 'null':
    case 'undefined':
      return false;
    case 'number':
      return value.value !== 0 && !Number.isNaN(value.value);
    case 'string':
      return value.value === null ? null : value.value !== '';
    case 'unknown':
      return null;
  }
}

function resolve(host: AnalysisHost, raw: TSESTree.Node, seen: Set<TSESTree.Node>, depth: number): ResolvedValue {
  const node = skipTypeWrappers(raw);
  if (depth > MAX_DEPTH || seen.has(node)) return UNKNOWN(node);
  seen.add(node);
  try {
    return resolveUnwrapped(host, node, seen, depth + 1);
  } finally {
    seen.delete(node);
  }
}

function resolveUnwrapped(
  host: AnalysisHost,
  node: TSESTree.Node,
  seen: Set<TSESTree.Node>,
  depth: number,
): ResolvedValue {
  const next = (child: TSESTree.Node): ResolvedValue => resolve(host, child, seen, depth);
  switch (node.type) {
    case AST_NODE_TYPES.Literal:
      return resolveLiteral(node);
    case AST_NODE_TYPES.TemplateLiteral:
      return {
        kind: 'string',
        node,
        value: node.expressions.length === 0 ? (node.quasis[0]?.value.cooked ?? null) : null,
      };
    case AST_NODE_TYPES.ObjectExpression:
      return resolveObject(node, next);
    case AST_NODE_TYPES.ArrayExpression:
      return {
        kind: 'array',
        node,
        elements: node.elements.some((element) => element === null || element.type === AST_NODE_TYPES.SpreadElement)
          ? null
          : node.elements.map((element) => next(element as TSESTree.Expression)),
      };
    case AST_NODE_TYPES.ArrowFunctionExpression:
    case AST_NODE_TYPES.FunctionExpression:
    case AST_NODE_TYPES.ClassExpression:
      return { kind: 'other', node };
    case AST_NODE_TYPES.Identifier:
      return resolveIdentifier(host, node, next);
    case AST_NODE_TYPES.MemberExpression:
      return resolveMember(host, node, next);
    case AST_NODE_TYPES.LogicalExpression:
      return resolveLogical(node, next);
    case AST_NODE_TYPES.ConditionalExpression: {
      const test = truthiness(next(node.test));
      if (test !== null) return next(test ? node.consequent : node.alternate);
      return UNKNOWN(node);
    }
    case AST_NODE_TYPES.UnaryExpression:
      return resolveUnary(node, next);
    case AST_NODE_TYPES.BinaryExpression:
      return resolveBinary(node, next);
    case AST_NODE_TYPES.CallExpression:
      return resolveCall(host, node, next);
    case AST_NODE_TYPES.SequenceExpression: {
      const last = node.expressions.at(-1);
      return last === undefined ? UNKNOWN(node) : next(last);
    }
    default:
      return UNKNOWN(node);
  }
}

function resolveLiteral(node: TSESTree.Literal): ResolvedValue {
  const { value } = node;
  if (typeof value === 'number') return { kind: 'number', node, value, viaFallback: false };
  if (typeof value === 'string') return { kind: 'string', node, value };
  if (typeof value === 'boolean') return { kind: 'boolean', node, value };
  if (value === null && !('regex' in node) && !('bigint' in node)) return { kind: 'null', node };
  return { kind: 'other', node };
}

function resolveObject(
  node: TSESTree.ObjectExpression,
  next: (child: TSESTree.Node) => ResolvedValue,
): ResolvedObject {
  const result: ResolvedObject = { kind: 'object', node, properties: new Map(), hasUnknownKeys: false };
  const markAllOverridable = (): void => {
    result.hasUnknownKeys = true;
    for (const property of result.properties.values()) property.mayBeOverridden = true;
  };
  for (const member of node.properties) {
    if (member.type === AST_NODE_TYPES.SpreadElement) {
      const spread = next(member.argument);
      if (spread.kind === 'object') {
        for (const [key, property] of spread.properties) result.properties.set(key, { ...property });
        if (spread.hasUnknownKeys) markAllOverridable();
      } else if (spread.kind !== 'null' && spread.kind !== 'undefined') {
        markAllOverridable();
      }
      continue;
    }
    let key = staticKeyName(member.key, member.computed);
    if (key === null && member.computed) {
      const computedKey = next(member.key);
      if (computedKey.kind === 'string' && computedKey.value !== null) key = computedKey.value;
    }
    if (key === null) {
      markAllOverridable();
      continue;
    }
    const value: ResolvedValue =
      member.kind === 'init' && !member.method ? next(member.value) : { kind: 'other', node: member.value };
    result.properties.set(key, { key, property: member, value, mayBeOverridden: false });
  }
  return result;
}

function resolveIdentifier(
  host: AnalysisHost,
  node: TSESTree.Identifier,
  next: (child: TSESTree.Node) => ResolvedValue,
): ResolvedValue {
  const variable = findVariable(host, node);
  if (variable === null || (variable.defs.length === 0 && variable.scope.type === TSESLint.Scope.ScopeType.global)) {
    if (node.name === 'undefined') return { kind: 'undefined', node };
    if (node.name === 'NaN' || node.name === 'Infinity') {
      return { kind: 'number', node, value: node.name === 'NaN' ? Number.NaN : Infinity, viaFallback: false };
    }
    return UNKNOWN(node);
  }
  const def = variable.defs[0];
  if (variable.defs.length === 1 && (def?.type === TSESLint.Scope.DefinitionType.FunctionName || def?.type === TSESLint.Scope.DefinitionType.ClassName)) {
    return { kind: 'other', node };
  }
  const binding = soleInitializer(variable);
  if (binding === null) return UNKNOWN(node);
  const { declarator, init } = binding;
  if (declarator.id.type === AST_NODE_TYPES.Identifier) return next(init);
  const name = variable.identifiers[0];
  if (name === undefined) return UNKNOWN(node);
  const located = patternPath(declarator.id, name);
  if (located === null) return UNKNOWN(node);
  let value = next(init);
  for (const key of located.path) value = readProperty(value, key);
  if (value.kind === 'undefined' && located.defaultValue !== null) return next(located.defaultValue);
  if (value.kind === 'unknown' && located.defaultValue !== null) {
    // `const { max = 10 } = options` with unknown options: like `options.max ?? 10`.
    const fallback = next(located.defaultValue);
    if (fallback.kind === 'number') return { ...fallback, viaFallback: true };
  }
  return value;
}

function resolveMember(
  host: AnalysisHost,
  node: TSESTree.MemberExpression,
  next: (child: TSESTree.Node) => ResolvedValue,
): ResolvedValue {
  const name = memberName(node);
  const object = skipTypeWrappers(node.object);
  // `process.env.X` is a string (or undefined) that only the deployment knows.
  if (
    object.type === AST_NODE_TYPES.MemberExpression &&
    memberName(object) === 'env' &&
    object.object.type === AST_NODE_TYPES.Identifier &&
    isUnshadowedGlobal(host, object.object, 'process')
  ) {
    return { kind: 'string', node, value: null };
  }
  if (name === null) return UNKNOWN(node);
  const base = next(node.object);
  if (base.kind === 'array' && name === 'length' && base.elements !== null) {
    return { kind: 'number', node, value: base.elements.length, viaFallback: false };
  }
  if (base.kind !== 'object') return UNKNOWN(node);
  return readProperty(base, name);
}

function resolveLogical(
  node: TSESTree.LogicalExpression,
  next: (child: TSESTree.Node) => ResolvedValue,
): ResolvedValue {
  const left = next(node.left);
  if (node.operator === '??') {
    if (left.kind === 'null' || left.kind === 'undefined') return next(node.right);
    if (left.kind !== 'unknown' && !(left.kind === 'string' && left.value === null)) return left;
    return asFallback(next(node.right));
  }
  const leftTruthy = truthiness(left);
  if (node.operator === '||') {
    if (leftTruthy === true) return left;
    if (leftTruthy === false) return next(node.right);
    return asFallback(next(node.right));
  }
  if (leftTruthy === false) return left;
  if (leftTruthy === true) return next(node.right);
  return UNKNOWN(node);
}

/** The right side of `unknown || x` / `unknown ?? x`: what runs unless the environment or config overrides it. */
function asFallback(value: ResolvedValue): ResolvedValue {
  return value.kind === 'number' ? { ...value, viaFallback: true } : UNKNOWN(value.node);
}

function resolveUnary(node: TSESTree.UnaryExpression, next: (child: TSESTree.Node) => ResolvedValue): ResolvedValue {
  if (node.operator === 'void') return { kind: 'undefined', node };
  const argument = next(node.argument);
  if (node.operator === '!') {
    const truthy = truthiness(argument);
    return truthy === null ? UNKNOWN(node) : { kind: 'boolean', node, value: !truthy };
  }
  const number = toNumber(argument);
  if (number === null) return UNKNOWN(node);
  if (node.operator === '-') return { kind: 'number', node, value: -number, viaFallback: false };
  if (node.operator === '+') return { kind: 'number', node, value: number, viaFallback: false };
  return UNKNOWN(node);
}

function resolveBinary(
  node: TSESTree.BinaryExpression,
  next: (child: TSESTree.Node) => ResolvedValue,
): ResolvedValue {
  if (node.left.type === AST_NODE_TYPES.PrivateIdentifier) return UNKNOWN(node);
  const left = next(node.left);
  const right = next(node.right);
  if (node.operator === '+' && (left.kind === 'string' || right.kind === 'string')) {
    return { kind: 'string', node, value: null };
  }
  if (left.kind !== 'number' || right.kind !== 'number') return UNKNOWN(node);
  const a = left.value;
  const b = right.value;
  const viaFallback = left.viaFallback || right.viaFallback;
  const arithmetic: Partial<Record<string, number>> = {
    '+': a + b,
    '-': a - b,
    '*': a * b,
    '/': a / b,
    '%': a % b,
    '**': a ** b,
  };
  const value = arithmetic[node.operator];
  return value === undefined ? UNKNOWN(node) : { kind: 'number', node, value, viaFallback };
}

function toNumber(value: ResolvedValue): number | null {
  if (value.kind === 'number') return value.value;
  if (value.kind === 'string' && value.value !== null && value.value.trim() !== '') {
    const parsed = Number(value.value);
    return Number.isNaN(parsed) ? null : parsed;
  }
  return null;
}

const NUMBER_PARSERS = new Set(['Number', 'parseFloat', 'parseInt']);

function resolveCall(
  host: AnalysisHost,
  node: TSESTree.CallExpression,
  next: (child: TSESTree.Node) => ResolvedValue,
): ResolvedValue {
  const callee = skipTypeWrappers(node.callee);
  let parser: string | null = null;
  if (callee.type === AST_NODE_TYPES.Identifier && NUMBER_PARSERS.has(callee.name)) {
    if (isUnshadowedGlobal(host, callee, callee.name)) parser = callee.name;
  } else if (
    callee.type === AST_NODE_TYPES.MemberExpression &&
    callee.object.type === AST_NODE_TYPES.Identifier &&
    isUnshadowedGlobal(host, callee.object, 'Number')
  ) {
    const name = memberName(callee);
    if (name === 'parseInt' || name === 'parseFloat') parser = name;
  }
  if (parser !== null) {
    const [argument] = node.arguments;
    if (argument === undefined || argument.type === AST_NODE_TYPES.SpreadElement) return UNKNOWN(node);
    const value = next(argument);
    if (value.kind === 'number') {
      return { ...value, value: parser === 'parseInt' ? Math.trunc(value.value) : value.value };
    }
    const number = toNumber(value);
    if (number === null) return UNKNOWN(node);
    return { kind: 'number', node, value: parser === 'parseInt' ? Math.trunc(number) : number, viaFallback: false };
  }
  // Object.assign({}, defaults, { max: 10 }): the merge of its arguments, later ones winning.
  if (
    callee.type === AST_NODE_TYPES.MemberExpression &&
    memberName(callee) === 'assign' &&
    callee.object.type === AST_NODE_TYPES.Identifier &&
    isUnshadowedGlobal(host, callee.object, 'Object')
  ) {
    return resolveObjectAssign(node, next);
  }
  return UNKNOWN(node);
}

function resolveObjectAssign(
  node: TSESTree.CallExpression,
  next: (child: TSESTree.Node) => ResolvedValue,
): ResolvedValue {
  const [target, ...sources] = node.arguments;
  if (target === undefined || target.type === AST_NODE_TYPES.SpreadElement) return UNKNOWN(node);
  const first = next(target);
  if (first.kind !== 'object') return UNKNOWN(node);
  const merged: ResolvedObject = {
    kind: 'object',
    node: first.node,
    properties: new Map([...first.properties].map(([key, property]) => [key, { ...property }])),
    hasUnknownKeys: first.hasUnknownKeys,
  };
  for (const source of sources) {
    const value = source.type === AST_NODE_TYPES.SpreadElement ? UNKNOWN(source) : next(source);
    // New keys belong in the last object literal written in the call, where a reader looks for them.
    if (value.kind === 'object' && value.node === source) merged.node = value.node;
    if (value.kind === 'object') {
      for (const [key, property] of value.properties) merged.properties.set(key, { ...property });
      if (value.hasUnknownKeys) {
        merged.hasUnknownKeys = true;
        for (const property of merged.properties.values()) property.mayBeOverridden = true;
      }
    } else if (value.kind !== 'null' && value.kind !== 'undefined') {
      merged.hasUnknownKeys = true;
      for (const property of merged.properties.values()) property.mayBeOverridden = true;
    }
  }
  return merged;
}
