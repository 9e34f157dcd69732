import type { TSESTree } from '@typescript-eslint/utils';

import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { DefinitionType, ScopeType } from '../scope-kinds';
import path from 'node:path';

import type { AnalysisHost } from './ast';

import {
  findVariable,
  isProcessObject,
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
  | ResolvedConfig
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

/**
 * A value the application reads from configuration at start-up. The file-analysis layer only records the
 * reference; the project layer (lib/project/effective-pool.ts) reads the files for an environment.
 */
export type ResolvedConfig =
  | {
      kind: 'config';
      /** node-config: `config.get('db.options')`, `config.db.options`, `require('config').get(…)`. */
      source: 'node-config';
      node: TSESTree.Node;
      keyPath: string[];
      /** What applies when the configuration has no value there (`config.has(k) ? config.get(k) : x`, `config.get(k) || x`). */
      fallback: ResolvedValue | null;
    }
  | {
      kind: 'config';
      /**
       * A configuration file the module loads, keyed by environment as sequelize-cli's are:
       * `require(__dirname + '/../config/config.json')[env]`, or an ESM default import of `config/config.json`.
       */
      source: 'sequelize-cli';
      node: TSESTree.Node;
      /** The path as written, relative to the module's directory (`base: 'module'`) or the working directory. */
      specifier: string;
      base: 'cwd' | 'module';
      /** The environment the module selects (`[env]`); null when it reads the file without choosing one. */
      environment: EnvironmentReference | null;
      keyPath: string[];
      fallback: ResolvedValue | null;
    };

/** How a module names its environment: `process.env.NODE_ENV || 'development'`, a literal, or unknown. */
export type EnvironmentReference =
  | { kind: 'literal'; value: string }
  | { kind: 'unknown' }
  | { kind: 'variable'; variable: string; fallback: string | null };

export interface ResolvedProperty {
  key: string;
  /** The `key: value` node, for reporting and fixing. */
  property: TSESTree.Property;
  value: ResolvedValue;
  /** An unresolvable spread or computed key after this property may replace it at run time. */
  mayBeOverridden: boolean;
  /** What may replace it, in order: the spreads (config references, unknowns) written after it. */
  overriddenBy?: ResolvedValue[];
}

export interface ResolvedObject {
  kind: 'object';
  /** The object literal that holds the object's own written properties (where a fix inserts new ones). */
  node: TSESTree.ObjectExpression;
  properties: Map<string, ResolvedProperty>;
  /** Keys may exist that analysis cannot see (an unresolvable spread or computed key). */
  hasUnknownKeys: boolean;
  /**
   * Why keys may be unknown, in source order: each spread (or `Object.assign` source) analysis could not open,
   * a config reference among them, and an `unknown` for a computed key. Empty when `hasUnknownKeys` is false.
   */
  overlays?: ResolvedValue[];
}

const MAX_DEPTH = 12;

const UNKNOWN = (node: TSESTree.Node | null): ResolvedValue => ({ kind: 'unknown', node });

/** Resolves an expression to what is statically known about its value. */
export function resolveValue(host: AnalysisHost, node: TSESTree.Node): ResolvedValue {
  return resolve(host, node, new Set(), 0);
}

/** Reads one property of a resolved value: known, `undefined` when provably absent, else unknown. */
export function readProperty(value: ResolvedValue, key: string): ResolvedValue {
  if (value.kind === 'config') return configMember(value, key, value.node);
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
    case 'config':
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
      const testValue = next(node.test);
      const test = truthiness(testValue);
      if (test !== null) return next(test ? node.consequent : node.alternate);
      return resolveConfigGuard(host, node, next) ?? UNKNOWN(node);
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
  const result: ResolvedObject = { kind: 'object', node, properties: new Map(), hasUnknownKeys: false, overlays: [] };
  for (const member of node.properties) {
    if (member.type === AST_NODE_TYPES.SpreadElement) {
      const spread = next(member.argument);
      if (spread.kind === 'object') {
        for (const [key, property] of spread.properties) result.properties.set(key, copyProperty(property));
        for (const overlay of spread.overlays ?? []) markOverridable(result, overlay);
      } else if (spread.kind !== 'null' && spread.kind !== 'undefined') {
        markOverridable(result, spread);
      }
      continue;
    }
    let key = staticKeyName(member.key, member.computed);
    if (key === null && member.computed) {
      const computedKey = next(member.key);
      if (computedKey.kind === 'string' && computedKey.value !== null) key = computedKey.value;
    }
    if (key === null) {
      markOverridable(result, UNKNOWN(member.key));
      continue;
    }
    const value: ResolvedValue =
      member.kind === 'init' && !member.method ? next(member.value) : { kind: 'other', node: member.value };
    result.properties.set(key, { key, property: member, value, mayBeOverridden: false });
  }
  return result;
}

function copyProperty(property: ResolvedProperty): ResolvedProperty {
  return { ...property, overriddenBy: [...(property.overriddenBy ?? [])] };
}

/** Records a spread (or computed key) analysis cannot open: every key written so far may be replaced by it. */
function markOverridable(object: ResolvedObject, cause: ResolvedValue): void {
  object.hasUnknownKeys = true;
  (object.overlays ??= []).push(cause);
  for (const property of object.properties.values()) {
    property.mayBeOverridden = true;
    (property.overriddenBy ??= []).push(cause);
  }
}

function resolveIdentifier(
  host: AnalysisHost,
  node: TSESTree.Identifier,
  next: (child: TSESTree.Node) => ResolvedValue,
): ResolvedValue {
  const variable = findVariable(host, node);
  if (variable === null || (variable.defs.length === 0 && variable.scope.type === ScopeType.global)) {
    if (node.name === 'undefined') return { kind: 'undefined', node };
    if (node.name === 'NaN' || node.name === 'Infinity') {
      return { kind: 'number', node, value: node.name === 'NaN' ? Number.NaN : Infinity, viaFallback: false };
    }
    return UNKNOWN(node);
  }
  const def = variable.defs[0];
  if (variable.defs.length === 1 && def?.type === DefinitionType.ImportBinding) {
    return importedConfig(def.node, def.parent, node) ?? UNKNOWN(node);
  }
  if (variable.defs.length === 1 && (def?.type === DefinitionType.FunctionName || def?.type === DefinitionType.ClassName)) {
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
    isProcessObject(host, object.object)
  ) {
    return { kind: 'string', node, value: null };
  }
  const base0 = name === null ? null : next(node.object);
  if (name === null || base0?.kind === 'config') {
    const configBase = base0 ?? next(node.object);
    if (configBase.kind === 'config') return configIndex(host, configBase, node, next);
    return UNKNOWN(node);
  }
  const base = base0 ?? next(node.object);
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
  if (left.kind === 'config' && node.operator !== '&&' && left.fallback === null) {
    // `config.get('db.pool') || {}`: the configuration's value, else the fallback.
    return { ...left, node, fallback: next(node.right) };
  }
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
  const config = resolveConfigCall(host, node, next);
  if (config !== null) return config;
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
    properties: new Map([...first.properties].map(([key, property]) => [key, copyProperty(property)])),
    hasUnknownKeys: first.hasUnknownKeys,
    overlays: [...(first.overlays ?? [])],
  };
  for (const source of sources) {
    const value = source.type === AST_NODE_TYPES.SpreadElement ? UNKNOWN(source) : next(source);
    // New keys belong in the last object literal written in the call, where a reader looks for them.
    if (value.kind === 'object' && value.node === source) merged.node = value.node;
    if (value.kind === 'object') {
      for (const [key, property] of value.properties) merged.properties.set(key, copyProperty(property));
      for (const overlay of value.overlays ?? []) markOverridable(merged, overlay);
    } else if (value.kind !== 'null' && value.kind !== 'undefined') {
      markOverridable(merged, value);
    }
  }
  return merged;
}

// ---------------------------------------------------------------------------------------------------------------
// Values from configuration: node-config and config files the module loads (sequelize-cli's config.json).

/** node-config's package name: `require('config')`, `import config from 'config'`. */
const NODE_CONFIG_PACKAGE = 'config';

/** A relative specifier of a file that holds configuration: a `.json` file, or a path through a `config` folder or file. */
function isConfigSpecifier(specifier: string): boolean {
  if (!specifier.startsWith('./') && !specifier.startsWith('../') && !specifier.startsWith('/')) return false;
  const normalized = specifier.replaceAll('\\', '/');
  if (normalized.endsWith('.json')) return true;
  return normalized.split('/').some((segment) => /^configs?(?:\.[cm]?[jt]s)?$/iu.test(segment));
}

function nodeConfigRoot(node: TSESTree.Node): ResolvedConfig {
  return { kind: 'config', source: 'node-config', node, keyPath: [], fallback: null };
}

function cliConfigRoot(node: TSESTree.Node, specifier: string, base: 'cwd' | 'module'): ResolvedConfig {
  return { kind: 'config', source: 'sequelize-cli', node, specifier, base, environment: null, keyPath: [], fallback: null };
}

/** `import config from 'config'` / `import * as config from 'config'` / a default import of a config file (`config/config.json`). */
function importedConfig(specifierNode: TSESTree.Node, declaration: TSESTree.Node | null, at: TSESTree.Node): ResolvedConfig | null {
  if (declaration?.type !== AST_NODE_TYPES.ImportDeclaration) return null;
  if (specifierNode.type !== AST_NODE_TYPES.ImportDefaultSpecifier && specifierNode.type !== AST_NODE_TYPES.ImportNamespaceSpecifier) return null;
  const source = declaration.source.value;
  if (source === NODE_CONFIG_PACKAGE) return nodeConfigRoot(at);
  return isConfigSpecifier(source) ? cliConfigRoot(at, source, 'module') : null;
}

/**
 * A path expression as written in `require(…)`, relative to the module (`__dirname + '/../config/config.json'`,
 * `path.join(__dirname, '..', 'config', 'config.js')`) or to the working directory (`path.resolve('config', …)`).
 */
function requiredPath(host: AnalysisHost, raw: TSESTree.Node): { specifier: string; base: 'cwd' | 'module' } | null {
  const parts = pathParts(host, raw, 0);
  if (parts === null) return null;
  if (parts.startsWith('\0')) {
    const rest = parts.slice(1).replace(/^\/+/u, '');
    return { specifier: `./${rest}`.replace(/\/\.\//gu, '/'), base: 'module' };
  }
  if (parts.startsWith('\u0001')) return { specifier: path.posix.normalize(parts.slice(1)), base: 'cwd' };
  return { specifier: parts, base: parts.startsWith('.') ? 'module' : 'cwd' };
}

/** The string a path expression builds, with `__dirname` as a leading NUL; null when it is not static. */
function pathParts(host: AnalysisHost, raw: TSESTree.Node, depth: number): string | null {
  if (depth > 8) return null;
  const node = skipTypeWrappers(raw);
  if (node.type === AST_NODE_TYPES.Literal && typeof node.value === 'string') return node.value;
  if (node.type === AST_NODE_TYPES.Identifier) {
    if (node.name === '__dirname' && isUnshadowedGlobal(host, node, '__dirname')) return '\0';
    const variable = findVariable(host, node);
    const binding = variable === null ? null : soleInitializer(variable);
    return binding !== null && binding.declarator.id.type === AST_NODE_TYPES.Identifier ? pathParts(host, binding.init, depth + 1) : null;
  }
  if (node.type === AST_NODE_TYPES.TemplateLiteral) {
    let result = '';
    for (const [index, quasi] of node.quasis.entries()) {
      result += quasi.value.cooked ?? '';
      const expression = node.expressions[index];
      if (expression !== undefined) {
        const part = pathParts(host, expression, depth + 1);
        if (part === null) return null;
        result += part;
      }
    }
    return result;
  }
  if (node.type === AST_NODE_TYPES.BinaryExpression && node.operator === '+') {
    const left = pathParts(host, node.left, depth + 1);
    const right = pathParts(host, node.right, depth + 1);
    return left === null || right === null ? null : left + right;
  }
  if (node.type === AST_NODE_TYPES.CallExpression && node.callee.type === AST_NODE_TYPES.MemberExpression) {
    const method = memberName(node.callee);
    if (method !== 'join' && method !== 'resolve') return null;
    const object = skipTypeWrappers(node.callee.object);
    if (object.type !== AST_NODE_TYPES.Identifier || !isPathModule(host, object)) return null;
    const parts: string[] = [];
    for (const argument of node.arguments) {
      if (argument.type === AST_NODE_TYPES.SpreadElement) return null;
      const part = pathParts(host, argument, depth + 1);
      if (part === null) return null;
      parts.push(part);
    }
    const [first, ...rest] = parts;
    if (first === undefined) return null;
    // Only forms whose meaning does not depend on the platform: a base, then relative segments.
    if (rest.some((part) => part.startsWith('/') || part.startsWith('\0'))) return null;
    const joined = [first, ...rest].join('/').replace(/\/{2,}/gu, '/');
    // `path.resolve('config', …)` is relative to the working directory, not the module.
    if (method === 'resolve' && !first.startsWith('\0') && !first.startsWith('/') && !first.startsWith('\u0001')) return `\u0001${joined}`;
    return joined;
  }
  return null;
}

/** `path` from `require('path')` / `import path from 'node:path'`. */
function isPathModule(host: AnalysisHost, identifier: TSESTree.Identifier): boolean {
  const def = findVariable(host, identifier)?.defs[0];
  if (def === undefined) return false;
  if (def.type === DefinitionType.ImportBinding) {
    return def.parent.type === AST_NODE_TYPES.ImportDeclaration && ['path', 'node:path'].includes(def.parent.source.value);
  }
  if (def.type !== DefinitionType.Variable || def.node.init === null) return false;
  const init = skipTypeWrappers(def.node.init);
  return (
    init.type === AST_NODE_TYPES.CallExpression &&
    init.callee.type === AST_NODE_TYPES.Identifier &&
    init.callee.name === 'require' &&
    init.arguments[0] !== undefined &&
    ['path', 'node:path'].includes(staticStringOf(init.arguments[0]) ?? '')
  );
}

function staticStringOf(node: TSESTree.Node): string | null {
  const value = skipTypeWrappers(node);
  if (value.type === AST_NODE_TYPES.Literal && typeof value.value === 'string') return value.value;
  if (value.type === AST_NODE_TYPES.TemplateLiteral && value.expressions.length === 0) return value.quasis[0]?.value.cooked ?? null;
  return null;
}

/** `require('config')`, `require(<config file>)`, `config.get('a.b')` / `.get('a').get('b')`; else null. */
function resolveConfigCall(
  host: AnalysisHost,
  node: TSESTree.CallExpression,
  next: (child: TSESTree.Node) => ResolvedValue,
): ResolvedValue | null {
  const callee = skipTypeWrappers(node.callee);
  const [argument] = node.arguments;
  if (callee.type === AST_NODE_TYPES.Identifier && callee.name === 'require' && isUnshadowedGlobal(host, callee, 'require')) {
    if (node.arguments.length !== 1 || argument === undefined || argument.type === AST_NODE_TYPES.SpreadElement) return null;
    if (staticStringOf(argument) === NODE_CONFIG_PACKAGE) return nodeConfigRoot(node);
    const required = requiredPath(host, argument);
    if (required === null || !isConfigSpecifier(required.base === 'cwd' ? `./${required.specifier}` : required.specifier)) return null;
    return cliConfigRoot(node, required.specifier, required.base);
  }
  if (callee.type !== AST_NODE_TYPES.MemberExpression || memberName(callee) !== 'get') return null;
  const base = next(callee.object);
  if (base.kind !== 'config' || base.source !== 'node-config') return null;
  if (node.arguments.length !== 1 || argument === undefined || argument.type === AST_NODE_TYPES.SpreadElement) return UNKNOWN(node);
  const key = next(argument);
  if (key.kind !== 'string' || key.value === null) return UNKNOWN(node);
  return { ...base, node, keyPath: [...base.keyPath, ...key.value.split('.')], fallback: null };
}

/** `config.has('k') ? config.get('k') : fallback`: the configuration's value where it has one, else the fallback. */
function resolveConfigGuard(
  host: AnalysisHost,
  node: TSESTree.ConditionalExpression,
  next: (child: TSESTree.Node) => ResolvedValue,
): ResolvedValue | null {
  const test = skipTypeWrappers(node.test);
  if (test.type !== AST_NODE_TYPES.CallExpression) return null;
  const callee = skipTypeWrappers(test.callee);
  if (callee.type !== AST_NODE_TYPES.MemberExpression || memberName(callee) !== 'has') return null;
  const [argument] = test.arguments;
  if (argument === undefined || argument.type === AST_NODE_TYPES.SpreadElement) return null;
  const base = next(callee.object);
  const key = next(argument);
  if (base.kind !== 'config' || base.source !== 'node-config' || key.kind !== 'string' || key.value === null) return null;
  const consequent = next(node.consequent);
  const keyPath = [...base.keyPath, ...key.value.split('.')];
  if (consequent.kind !== 'config' || consequent.source !== 'node-config' || consequent.keyPath.join('.') !== keyPath.join('.')) return null;
  void host;
  return { ...consequent, node, fallback: next(node.alternate) };
}

/** `configs[env]`, `config.db`, `config['db']` on a configuration reference. */
function configIndex(
  host: AnalysisHost,
  base: ResolvedConfig,
  node: TSESTree.MemberExpression,
  next: (child: TSESTree.Node) => ResolvedValue,
): ResolvedValue {
  const name = memberName(node);
  if (base.source === 'sequelize-cli' && base.environment === null) {
    const environment = name === null ? environmentReference(host, node.property, 0) : { kind: 'literal' as const, value: name };
    return { ...base, node, environment };
  }
  if (name !== null) return configMember(base, name, node);
  const key = next(node.property);
  if (key.kind === 'string' && key.value !== null) return configMember(base, key.value, node);
  return UNKNOWN(node);
}

function configMember(base: ResolvedConfig, key: string, node: TSESTree.Node): ResolvedValue {
  // node-config's own methods and helpers are not configuration keys.
  if (base.source === 'node-config' && base.keyPath.length === 0 && ['get', 'has', 'util'].includes(key)) return UNKNOWN(node);
  if (base.source === 'sequelize-cli' && base.environment === null) return { ...base, node, environment: { kind: 'literal', value: key } };
  return { ...base, node, keyPath: [...base.keyPath, key], fallback: base.fallback === null ? null : readProperty(base.fallback, key) };
}

/** `process.env.NODE_ENV || 'development'` (through consts), `'production'`, else unknown. */
function environmentReference(host: AnalysisHost, raw: TSESTree.Node, depth: number): EnvironmentReference {
  const node = skipTypeWrappers(raw);
  if (depth > 6) return { kind: 'unknown' };
  const literal = staticStringOf(node);
  if (literal !== null) return { kind: 'literal', value: literal };
  if (node.type === AST_NODE_TYPES.Identifier) {
    const variable = findVariable(host, node);
    const binding = variable === null ? null : soleInitializer(variable);
    if (binding === null || binding.declarator.id.type !== AST_NODE_TYPES.Identifier) return { kind: 'unknown' };
    return environmentReference(host, binding.init, depth + 1);
  }
  if (node.type === AST_NODE_TYPES.LogicalExpression && (node.operator === '||' || node.operator === '??')) {
    const left = environmentReference(host, node.left, depth + 1);
    const fallback = staticStringOf(node.right);
    if (left.kind === 'variable' && left.fallback === null && fallback !== null) return { ...left, fallback };
    return { kind: 'unknown' };
  }
  if (
    node.type === AST_NODE_TYPES.MemberExpression &&
    node.object.type === AST_NODE_TYPES.MemberExpression &&
    memberName(node.object) === 'env' &&
    node.object.object.type === AST_NODE_TYPES.Identifier &&
    isProcessObject(host, node.object.object)
  ) {
    const variable = memberName(node);
    return variable === null ? { kind: 'unknown' } : { kind: 'variable', variable, fallback: null };
  }
  return { kind: 'unknown' };
}
