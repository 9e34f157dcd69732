/**
 * Values read from configuration files without running them: what each leaf is (a literal, an environment
 * variable with its fallback, a function, or unknown) and where it is written, so a rule can name the file and
 * line and an editor can splice the value. Shared by the sequelize-cli and node-config readers
 * (./config-files.ts).
 *
 * Nothing here executes a file. JavaScript config files are evaluated statically: object literals, consts,
 * `process.env.X` with `||`/`??` fallbacks, `Number`/`parseInt`/`parseFloat` of those, spreads of known
 * objects; anything else is `unknown` with a reason that describes the code, never its text (a config file
 * holds passwords).
 */
import type { TSESTree } from '@typescript-eslint/utils';
import type { Node as JsonNode, ParseError } from 'jsonc-parser';

import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { DefinitionType } from '../scope-kinds';
import { parseTree, printParseErrorCode } from 'jsonc-parser';

import type { AnalysisHost } from '../file-analysis/ast';

import { findVariable, isProcessObject, isUnshadowedGlobal, memberName, skipTypeWrappers, soleInitializer, staticKeyName } from '../file-analysis/ast';

/** Where a value is written: 1-based line and column, and the value's `[start, end)` in the file. */
export interface ConfigPosition {
  line: number;
  column: number;
  /** Offsets into the file's text as read (UTF-16 code units, what `String#slice` takes). */
  start: number;
  end: number;
  /** The same span in bytes of the UTF-8 file. */
  byteStart: number;
  byteEnd: number;
}

/** Where a value comes from: a file (with a position when the parser gives one) or an environment variable. */
export type ConfigSource =
  | { kind: 'file'; file: string; position: ConfigPosition | null }
  /** A JSON value given in an environment variable (node-config's `NODE_CONFIG`). */
  | { kind: 'env-json'; variable: string };

export interface ConfigObject {
  kind: 'object';
  properties: Map<string, ConfigValue>;
  /** False when keys may exist that the reader cannot see (an unknown spread, a computed key). */
  complete: boolean;
  source: ConfigSource;
}

export interface ConfigArray {
  kind: 'array';
  elements: ConfigValue[];
  source: ConfigSource;
}

export interface ConfigLiteral {
  kind: 'literal';
  value: string | number | boolean | null | undefined;
  source: ConfigSource;
}

/**
 * A value read from the environment when the process starts: `process.env.NAME` in a JS config, or a
 * node-config `custom-environment-variables` entry. Without the variable the fallback applies.
 */
export interface ConfigEnv {
  kind: 'env';
  name: string;
  /**
   * How the string is converted: `Number` (`Number(x)`, `+x`), `parseInt`, `parseFloat`, or a node-config
   * `__format` (`number`, `boolean`, `json`, …); null keeps the string.
   */
  convert: string | null;
  /** The value when the variable does not apply (see `fallbackWhen`); null when there is none (`undefined`). */
  fallback: ConfigValue | null;
  /**
   * When the fallback replaces the variable: `unset` (`??`), `unset-or-empty` (`||` on the string, and
   * node-config's rule), `falsy` (`Number(x) || 10`: also 0 and NaN).
   */
  fallbackWhen: 'falsy' | 'unset' | 'unset-or-empty';
  source: ConfigSource;
}

/** A function (a `logging` callback, `console.log`): known to exist, not data. */
export interface ConfigFunction {
  kind: 'function';
  source: ConfigSource;
}

export interface ConfigUnknown {
  kind: 'unknown';
  /** What the code is (`a function call`, `a condition on process.env.X`); never the file's text. */
  reason: string;
  source: ConfigSource;
}

export type ConfigValue = ConfigArray | ConfigEnv | ConfigFunction | ConfigLiteral | ConfigObject | ConfigUnknown;

/** A config file that does not parse. The message names the file, line and column, never its content. */
export class ConfigFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    reason: string,
  ) {
    super(`${file}:${line}:${column}: ${reason}`);
  }
}

/** Maps offsets of one file's text to positions. */
export class TextPositions {
  private readonly lineStarts: number[] = [0];

  constructor(
    readonly file: string,
    private readonly text: string,
  ) {
    for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) this.lineStarts.push(index + 1);
  }

  lineColumn(offset: number): { line: number; column: number } {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.lineStarts[middle] ?? 0) <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - (this.lineStarts[low] ?? 0) + 1 };
  }

  source(start: number, end: number): ConfigSource {
    const { line, column } = this.lineColumn(start);
    const byteStart = Buffer.byteLength(this.text.slice(0, start));
    const byteEnd = byteStart + Buffer.byteLength(this.text.slice(start, end));
    return { kind: 'file', file: this.file, position: { line, column, start, end, byteStart, byteEnd } };
  }

  error(offset: number, reason: string): ConfigFileError {
    const { line, column } = this.lineColumn(offset);
    return new ConfigFileError(this.file, line, column, reason);
  }
}

/** The value at a key path, `undefined` when provably absent, or an unknown when a parent is not known. */
export function configLookup(root: ConfigValue, keyPath: readonly string[]): ConfigValue | undefined {
  let current: ConfigValue = root;
  for (const key of keyPath) {
    if (current.kind === 'object') {
      const next = current.properties.get(key);
      if (next === undefined) {
        if (current.complete) return undefined;
        return { kind: 'unknown', reason: 'an object whose keys are not all known', source: current.source };
      }
      current = next;
    } else if (current.kind === 'literal' && (current.value === null || current.value === undefined)) {
      return undefined;
    } else if (current.kind === 'unknown' || current.kind === 'env') {
      return { kind: 'unknown', reason: current.kind === 'env' ? `read from ${current.name}` : current.reason, source: current.source };
    } else {
      return undefined;
    }
  }
  return current;
}

/**
 * What a value is for a given environment: `env` maps variable names to values (a missing name is unset).
 * Returns the plain value (objects and arrays as plain data) or `unknown` when it cannot be known.
 */
export function configValueFor(value: ConfigValue, env: Readonly<Record<string, string | undefined>>): { known: true; value: unknown } | { known: false } {
  switch (value.kind) {
    case 'literal':
      return { known: true, value: value.value };
    case 'function':
    case 'unknown':
      return { known: false };
    case 'array': {
      const elements: unknown[] = [];
      for (const element of value.elements) {
        const resolved = configValueFor(element, env);
        if (!resolved.known) return { known: false };
        elements.push(resolved.value);
      }
      return { known: true, value: elements };
    }
    case 'object': {
      if (!value.complete) return { known: false };
      const result: Record<string, unknown> = {};
      for (const [key, property] of value.properties) {
        const resolved = configValueFor(property, env);
        if (!resolved.known) return { known: false };
        result[key] = resolved.value;
      }
      return { known: true, value: result };
    }
    case 'env': {
      const raw = env[value.name];
      const useFallback = (): { known: true; value: unknown } | { known: false } =>
        value.fallback === null ? { known: true, value: undefined } : configValueFor(value.fallback, env);
      if (raw === undefined || (raw === '' && value.fallbackWhen !== 'unset')) return useFallback();
      const converted = convertEnvString(raw, value.convert);
      if (!converted.known) return converted;
      if (value.fallbackWhen === 'falsy' && !converted.value) return useFallback();
      return converted;
    }
  }
}

/** What `convert` makes of an environment string (JSON/YAML formats are not parsed: unknown). */
export function convertEnvString(raw: string, convert: string | null): { known: true; value: unknown } | { known: false } {
  switch (convert) {
    case null:
      return { known: true, value: raw };
    case 'Number':
      return { known: true, value: Number(raw) };
    case 'parseInt':
      return { known: true, value: Number.parseInt(raw, 10) };
    case 'parseFloat':
      return { known: true, value: Number.parseFloat(raw) };
    // node-config's __format parsers (parser.js): `number` gives undefined for NaN, `boolean` is `=== 'true'`.
    case 'number': {
      const number = Number(raw);
      return { known: true, value: Number.isNaN(number) ? undefined : number };
    }
    case 'boolean':
      return { known: true, value: raw === 'true' };
    case 'json':
    case 'json5':
    case 'jsonc':
      try {
        return { known: true, value: JSON.parse(raw) as unknown };
      } catch {
        return { known: false };
      }
    default:
      return { known: false };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// JSON (strict, JSONC) through jsonc-parser, with positions.

/**
 * Reads a JSON document. `dialect: 'json'` is what `require()` and `JSON.parse` accept (sequelize-cli's
 * `config.json` is loaded with `require`); `'jsonc'` also takes comments and trailing commas. Throws
 * ConfigFileError (file, line, column and the kind of error, never the content).
 */
export function readJsonValue(text: string, file: string, dialect: 'json' | 'jsonc'): ConfigValue {
  const positions = new TextPositions(file, text);
  const errors: ParseError[] = [];
  // A BOM is skipped by node-config and by Node's require of a .json file.
  const offset = text.startsWith('\uFEFF') ? 1 : 0;
  const tree = parseTree(text.slice(offset), errors, {
    allowTrailingComma: dialect === 'jsonc',
    disallowComments: dialect === 'json',
    allowEmptyContent: false,
  });
  const [first] = errors;
  if (first !== undefined) throw positions.error(first.offset + offset, `invalid JSON (${printParseErrorCode(first.error)})`);
  if (tree === undefined) throw positions.error(0, 'invalid JSON (empty file)');
  return fromJsonNode(tree, positions, offset);
}

function fromJsonNode(node: JsonNode, positions: TextPositions, shift: number): ConfigValue {
  const source = positions.source(node.offset + shift, node.offset + shift + node.length);
  switch (node.type) {
    case 'object': {
      const properties = new Map<string, ConfigValue>();
      for (const property of node.children ?? []) {
        const [key, value] = property.children ?? [];
        if (key === undefined || value === undefined || typeof key.value !== 'string') continue;
        // JSON.parse keeps the last of duplicate keys.
        properties.set(key.value, fromJsonNode(value, positions, shift));
      }
      return { kind: 'object', properties, complete: true, source };
    }
    case 'array':
      return { kind: 'array', elements: (node.children ?? []).map((child) => fromJsonNode(child, positions, shift)), source };
    case 'string':
    case 'number':
    case 'boolean':
    case 'null':
      return { kind: 'literal', value: node.value as string | number | boolean | null, source };
    default:
      return { kind: 'unknown', reason: 'a JSON value the reader does not know', source };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// JavaScript (config.js, JSON5 documents parsed as one expression), statically.

export interface JsEvaluationContext {
  positions: TextPositions;
  /** Scopes, for following a const to its initializer; null for data-only documents (JSON5). */
  host: AnalysisHost | null;
}

const MAX_DEPTH = 20;

const NUMBER_PARSERS = new Set(['Number', 'parseInt', 'parseFloat']);

const CONSOLE_METHODS = new Set(['log', 'info', 'debug', 'warn', 'error', 'trace']);

/** Evaluates an expression of a config file statically. */
export function evaluateConfigExpression(node: TSESTree.Node, context: JsEvaluationContext): ConfigValue {
  return evaluate(node, context, 0);
}

function evaluate(raw: TSESTree.Node, context: JsEvaluationContext, depth: number): ConfigValue {
  const node = skipTypeWrappers(raw);
  const source = context.positions.source(node.range[0], node.range[1]);
  const unknown = (reason: string): ConfigUnknown => ({ kind: 'unknown', reason, source });
  if (depth > MAX_DEPTH) return unknown('a value nested too deeply to follow');
  const next = (child: TSESTree.Node): ConfigValue => evaluate(child, context, depth + 1);
  switch (node.type) {
    case AST_NODE_TYPES.Literal: {
      const { value } = node;
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return { kind: 'literal', value, source };
      if (value === null && !('regex' in node) && !('bigint' in node)) return { kind: 'literal', value: null, source };
      return unknown('a regular expression or bigint');
    }
    case AST_NODE_TYPES.TemplateLiteral:
      if (node.expressions.length === 0) return { kind: 'literal', value: node.quasis[0]?.value.cooked ?? '', source };
      return unknown('a template with expressions');
    case AST_NODE_TYPES.ObjectExpression:
      return evaluateObject(node, context, depth, source);
    case AST_NODE_TYPES.ArrayExpression: {
      if (node.elements.some((element) => element === null || element.type === AST_NODE_TYPES.SpreadElement)) {
        return unknown('an array with holes or spreads');
      }
      return { kind: 'array', elements: node.elements.map((element) => next(element as TSESTree.Node)), source };
    }
    case AST_NODE_TYPES.ArrowFunctionExpression:
    case AST_NODE_TYPES.FunctionExpression:
      return { kind: 'function', source };
    case AST_NODE_TYPES.Identifier:
      return evaluateIdentifier(node, context, next, source);
    case AST_NODE_TYPES.MemberExpression:
      return evaluateMember(node, context, next, source);
    case AST_NODE_TYPES.LogicalExpression:
      return evaluateLogical(node, next, source);
    case AST_NODE_TYPES.CallExpression:
      return evaluateCall(node, context, next, source);
    case AST_NODE_TYPES.UnaryExpression: {
      if (node.operator === 'void') return { kind: 'literal', value: undefined, source };
      const argument = next(node.argument);
      if (node.operator === '+' && argument.kind === 'env' && argument.convert === null && argument.fallback === null) {
        return { ...argument, convert: 'Number', source };
      }
      if (argument.kind === 'literal') {
        if (node.operator === '-' && typeof argument.value === 'number') return { kind: 'literal', value: -argument.value, source };
        if (node.operator === '+') return { kind: 'literal', value: Number(argument.value), source };
        if (node.operator === '!') return { kind: 'literal', value: !argument.value, source };
      }
      return unknown(`an expression computed from ${describe(argument)}`);
    }
    case AST_NODE_TYPES.ConditionalExpression: {
      const test = next(node.test);
      if (test.kind === 'literal') return next(test.value ? node.consequent : node.alternate);
      return unknown(`a condition on ${describe(test)}`);
    }
    default:
      return unknown(describeNode(node));
  }
}

function describe(value: ConfigValue): string {
  if (value.kind === 'env') return `process.env.${value.name}`;
  if (value.kind === 'unknown') return 'a value known only at run time';
  return 'a value';
}

function describeNode(node: TSESTree.Node): string {
  switch (node.type) {
    case AST_NODE_TYPES.BinaryExpression:
      return 'a computed expression';
    case AST_NODE_TYPES.NewExpression:
      return 'a constructed object';
    case AST_NODE_TYPES.AwaitExpression:
      return 'an awaited value';
    case AST_NODE_TYPES.ClassExpression:
      return 'a class';
    default:
      return 'an expression known only at run time';
  }
}

function evaluateObject(node: TSESTree.ObjectExpression, context: JsEvaluationContext, depth: number, source: ConfigSource): ConfigObject {
  const result: ConfigObject = { kind: 'object', properties: new Map(), complete: true, source };
  for (const member of node.properties) {
    if (member.type === AST_NODE_TYPES.SpreadElement) {
      const spread = evaluate(member.argument, context, depth + 1);
      if (spread.kind === 'object') {
        for (const [key, value] of spread.properties) result.properties.set(key, value);
        if (!spread.complete) result.complete = false;
      } else if (!(spread.kind === 'literal' && (spread.value === null || spread.value === undefined))) {
        // An unknown spread may set any key, the ones written before it included.
        result.complete = false;
        for (const [key, value] of result.properties) {
          result.properties.set(key, { kind: 'unknown', reason: 'may be replaced by a spread written after it', source: value.source });
        }
      }
      continue;
    }
    let key = staticKeyName(member.key, member.computed);
    if (key === null && member.computed) {
      const computed = evaluate(member.key, context, depth + 1);
      if (computed.kind === 'literal' && (typeof computed.value === 'string' || typeof computed.value === 'number')) key = String(computed.value);
    }
    if (key === null) {
      result.complete = false;
      continue;
    }
    const value: ConfigValue =
      member.kind === 'init' && !member.method
        ? evaluate(member.value, context, depth + 1)
        : member.kind === 'get'
          ? { kind: 'unknown', reason: 'a getter', source: context.positions.source(member.range[0], member.range[1]) }
          : { kind: 'function', source: context.positions.source(member.value.range[0], member.value.range[1]) };
    result.properties.set(key, value);
  }
  return result;
}

function evaluateIdentifier(
  node: TSESTree.Identifier,
  context: JsEvaluationContext,
  next: (child: TSESTree.Node) => ConfigValue,
  source: ConfigSource,
): ConfigValue {
  if (node.name === 'undefined') return { kind: 'literal', value: undefined, source };
  if (node.name === 'Infinity') return { kind: 'literal', value: Infinity, source };
  if (node.name === 'NaN') return { kind: 'literal', value: Number.NaN, source };
  const { host } = context;
  if (host === null) return { kind: 'unknown', reason: 'a name', source };
  const variable = findVariable(host, node);
  if (variable === null) return { kind: 'unknown', reason: 'a global', source };
  const def = variable.defs[0];
  if (variable.defs.length === 1 && def?.type === DefinitionType.FunctionName) return { kind: 'function', source };
  const binding = soleInitializer(variable);
  if (binding === null || binding.declarator.id.type !== AST_NODE_TYPES.Identifier) {
    return { kind: 'unknown', reason: 'a variable without a single known value', source };
  }
  return next(binding.init);
}

/** `process.env.X` / `process.env['X']` → the variable name. */
function environmentVariableName(node: TSESTree.MemberExpression, host: AnalysisHost | null): string | null {
  const object = skipTypeWrappers(node.object);
  if (
    object.type !== AST_NODE_TYPES.MemberExpression ||
    memberName(object) !== 'env' ||
    object.object.type !== AST_NODE_TYPES.Identifier ||
    (host === null ? object.object.name !== 'process' : !isProcessObject(host, object.object))
  ) {
    return null;
  }
  return memberName(node);
}

function evaluateMember(
  node: TSESTree.MemberExpression,
  context: JsEvaluationContext,
  next: (child: TSESTree.Node) => ConfigValue,
  source: ConfigSource,
): ConfigValue {
  const variable = environmentVariableName(node, context.host);
  if (variable !== null) return { kind: 'env', name: variable, convert: null, fallback: null, fallbackWhen: 'unset', source };
  const name = memberName(node);
  const object = skipTypeWrappers(node.object);
  if (
    name !== null &&
    CONSOLE_METHODS.has(name) &&
    object.type === AST_NODE_TYPES.Identifier &&
    context.host !== null &&
    isUnshadowedGlobal(context.host, object, 'console')
  ) {
    return { kind: 'function', source };
  }
  if (name === null) return { kind: 'unknown', reason: 'a computed member', source };
  const base = next(node.object);
  if (base.kind === 'object') {
    const value = base.properties.get(name);
    if (value !== undefined) return value;
    return base.complete ? { kind: 'literal', value: undefined, source } : { kind: 'unknown', reason: 'a key of an object not fully known', source };
  }
  return { kind: 'unknown', reason: base.kind === 'env' ? `computed from process.env.${base.name}` : 'a member of a value known only at run time', source };
}

function evaluateLogical(node: TSESTree.LogicalExpression, next: (child: TSESTree.Node) => ConfigValue, source: ConfigSource): ConfigValue {
  const left = next(node.left);
  if (left.kind === 'literal') {
    const value = left.value;
    if (node.operator === '??') return value === null || value === undefined ? next(node.right) : left;
    if (node.operator === '||') return value ? left : next(node.right);
    return value ? next(node.right) : left;
  }
  if (left.kind === 'env' && left.fallback === null && node.operator !== '&&') {
    const fallbackWhen = node.operator === '??' ? 'unset' : left.convert === null ? 'unset-or-empty' : 'falsy';
    return { ...left, fallback: next(node.right), fallbackWhen, source };
  }
  if ((left.kind === 'object' || left.kind === 'array' || left.kind === 'function') && node.operator !== '&&') return left;
  return { kind: 'unknown', reason: `a choice computed from ${describe(left)}`, source };
}

function evaluateCall(
  node: TSESTree.CallExpression,
  context: JsEvaluationContext,
  next: (child: TSESTree.Node) => ConfigValue,
  source: ConfigSource,
): ConfigValue {
  const callee = skipTypeWrappers(node.callee);
  let parser: string | null = null;
  const isGlobal = (identifier: TSESTree.Identifier, name: string): boolean =>
    context.host === null ? identifier.name === name : isUnshadowedGlobal(context.host, identifier, name);
  if (callee.type === AST_NODE_TYPES.Identifier && NUMBER_PARSERS.has(callee.name) && isGlobal(callee, callee.name)) {
    parser = callee.name;
  } else if (callee.type === AST_NODE_TYPES.MemberExpression && callee.object.type === AST_NODE_TYPES.Identifier && isGlobal(callee.object, 'Number')) {
    const name = memberName(callee);
    if (name === 'parseInt' || name === 'parseFloat') parser = name;
  }
  const [argument, radix] = node.arguments;
  if (parser === null || argument === undefined || argument.type === AST_NODE_TYPES.SpreadElement) {
    return { kind: 'unknown', reason: 'the result of a function call', source };
  }
  if (parser === 'parseInt' && radix !== undefined) {
    const base = next(radix);
    if (!(base.kind === 'literal' && base.value === 10)) return { kind: 'unknown', reason: 'parseInt with a radix other than 10', source };
  }
  const value = next(argument);
  if (value.kind === 'literal') {
    const text = String(value.value);
    const number = parser === 'parseInt' ? Number.parseInt(text, 10) : parser === 'parseFloat' ? Number.parseFloat(text) : Number(value.value);
    return { kind: 'literal', value: number, source };
  }
  if (value.kind === 'env' && value.convert === null) {
    // `parseInt(process.env.X || '10', 10)`: the fallback is converted too.
    const fallback = value.fallback === null ? null : convertFallback(value.fallback, parser);
    return { ...value, convert: parser, fallback, source };
  }
  return { kind: 'unknown', reason: `a number parsed from ${describe(value)}`, source };
}

function convertFallback(fallback: ConfigValue, parser: string): ConfigValue {
  if (fallback.kind !== 'literal') return fallback;
  const text = String(fallback.value);
  const number = parser === 'parseInt' ? Number.parseInt(text, 10) : parser === 'parseFloat' ? Number.parseFloat(text) : Number(fallback.value);
  return { ...fallback, value: number };
}
