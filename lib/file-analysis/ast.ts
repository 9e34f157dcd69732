import type { TSESLint, TSESTree } from '@typescript-eslint/utils';

import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { DefinitionType, ScopeType } from '../scope-kinds';

/** What the analysis needs from its host (an ESLint rule, the codemod, the CLI): lexical scopes. */
export interface AnalysisHost {
  /** The innermost scope that contains `node`. */
  getScope(node: TSESTree.Node): TSESLint.Scope.Scope;
}

/** Wraps an ESLint `SourceCode` as an analysis host. */
export function hostFromSourceCode(sourceCode: Readonly<TSESLint.SourceCode>): AnalysisHost {
  return { getScope: (node) => sourceCode.getScope(node) };
}

/** Strips the TypeScript-only wrappers (`as`, `satisfies`, `!`, `<T>x`) and optional chains that do not change a value. */
export function skipTypeWrappers(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  for (;;) {
    switch (current.type) {
      case AST_NODE_TYPES.TSAsExpression:
      case AST_NODE_TYPES.TSSatisfiesExpression:
      case AST_NODE_TYPES.TSNonNullExpression:
      case AST_NODE_TYPES.TSTypeAssertion:
      case AST_NODE_TYPES.TSInstantiationExpression:
        current = current.expression;
        break;
      case AST_NODE_TYPES.ChainExpression:
        current = current.expression;
        break;
      default:
        return current;
    }
  }
}

/** The static name of a property or member key (`a`, `'a'`, `['a']`, `` [`a`] ``), or null when computed from data. */
export function staticKeyName(key: TSESTree.Node, computed: boolean): string | null {
  if (!computed && key.type === AST_NODE_TYPES.Identifier) return key.name;
  if (key.type === AST_NODE_TYPES.Literal && (typeof key.value === 'string' || typeof key.value === 'number')) {
    return String(key.value);
  }
  if (key.type === AST_NODE_TYPES.TemplateLiteral && key.expressions.length === 0) {
    return key.quasis[0]?.value.cooked ?? null;
  }
  return null;
}

/** The static property name read by a member expression (`a.b`, `a['b']`), or null. */
export function memberName(node: TSESTree.MemberExpression): string | null {
  if (node.property.type === AST_NODE_TYPES.PrivateIdentifier) return null;
  return staticKeyName(node.property, node.computed);
}

/**
 * The variable an identifier refers to, looked up from the identifier's own scope outwards. By name: given the node,
 * eslint-utils first searches the scope's children for the innermost one holding it, which `getScope` already is,
 * and that search scans every function of a module scope (quadratic over a file of many functions).
 */
export function findVariable(host: AnalysisHost, identifier: TSESTree.Identifier): TSESLint.Scope.Variable | null {
  return variableNamed(host.getScope(identifier), identifier.name);
}

/** The variable `name` names in `scope` or the nearest scope around it (eslint-utils' `findVariable` by name). */
export function variableNamed(scope: TSESLint.Scope.Scope, name: string): TSESLint.Scope.Variable | null {
  for (let current: TSESLint.Scope.Scope | null = scope; current !== null; current = current.upper) {
    const variable = current.set.get(name);
    if (variable !== undefined) return variable;
  }
  return null;
}

/** True when `identifier` names a global that the file does not redeclare (e.g. `require`, `Number`, `process`). */
export function isUnshadowedGlobal(host: AnalysisHost, identifier: TSESTree.Identifier, name: string): boolean {
  if (identifier.name !== name) return false;
  const variable = findVariable(host, identifier);
  // Either no variable at all (an implicit global) or an entry of the global scope without a declaration.
  return variable === null || (variable.defs.length === 0 && variable.scope.type === ScopeType.global);
}

/**
 * True when `identifier` is Node's `process`: the global, or a binding of `require('process')` /
 * `import process from 'node:process'` (sequelize-cli's generated models/index.js has `const process = require('process')`).
 */
export function isProcessObject(host: AnalysisHost, identifier: TSESTree.Identifier): boolean {
  if (isUnshadowedGlobal(host, identifier, 'process')) return identifier.name === 'process';
  const def = findVariable(host, identifier)?.defs[0];
  if (def === undefined) return false;
  if (def.type === DefinitionType.ImportBinding) {
    return def.parent.type === AST_NODE_TYPES.ImportDeclaration && ['process', 'node:process'].includes(def.parent.source.value) && def.node.type !== AST_NODE_TYPES.ImportSpecifier;
  }
  if (def.type !== DefinitionType.Variable || def.node.id.type !== AST_NODE_TYPES.Identifier || def.node.init === null) return false;
  const init = skipTypeWrappers(def.node.init);
  return (
    init.type === AST_NODE_TYPES.CallExpression &&
    init.callee.type === AST_NODE_TYPES.Identifier &&
    init.callee.name === 'require' &&
    init.arguments.length === 1 &&
    init.arguments[0] !== undefined &&
    ['process', 'node:process'].includes(staticString(init.arguments[0]) ?? '')
  );
}

/**
 * The single expression a variable is bound to for its whole life, or null.
 * A `const`, or a `let`/`var` written exactly once (by its initializer), qualifies.
 */
export function soleInitializer(variable: TSESLint.Scope.Variable): {
  declarator: TSESTree.VariableDeclarator;
  init: TSESTree.Expression;
} | null {
  if (variable.defs.length !== 1) return null;
  const def = variable.defs[0];
  if (def?.type !== DefinitionType.Variable) return null;
  const declarator = def.node;
  if (declarator.init === null) return null;
  const declaration = def.parent;
  if (declaration.kind !== 'const') {
    const writes = variable.references.filter((reference) => reference.isWrite());
    if (writes.length !== 1 || writes[0]?.writeExpr !== declarator.init) return null;
  }
  return { declarator, init: declarator.init };
}

/**
 * For an identifier bound inside a destructuring pattern, the chain of keys from the pattern's root
 * (`const { a: { b } } = x` gives `['a', 'b']` for `b`), or null when a key is computed or an array is involved.
 * `defaultValue` is the pattern default (`{ b = 5 }`), when there is one.
 */
export function patternPath(
  pattern: TSESTree.Node,
  identifier: TSESTree.Identifier,
): { path: string[]; defaultValue: TSESTree.Expression | null } | null {
  if (pattern === identifier) return { path: [], defaultValue: null };
  if (pattern.type === AST_NODE_TYPES.AssignmentPattern) {
    const inner = patternPath(pattern.left, identifier);
    if (inner === null) return null;
    return inner.path.length === 0 ? { path: [], defaultValue: pattern.right } : inner;
  }
  if (pattern.type !== AST_NODE_TYPES.ObjectPattern) return null;
  for (const property of pattern.properties) {
    if (property.type !== AST_NODE_TYPES.Property) continue;
    const key = staticKeyName(property.key, property.computed);
    const inner = patternPath(property.value, identifier);
    if (inner === null) continue;
    if (key === null) return null;
    return { path: [key, ...inner.path], defaultValue: inner.defaultValue };
  }
  return null;
}

/** The string value of a string literal or a template literal without expressions. */
export function staticString(node: TSESTree.Node): string | null {
  if (node.type === AST_NODE_TYPES.Literal && typeof node.value === 'string') return node.value;
  if (node.type === AST_NODE_TYPES.TemplateLiteral && node.expressions.length === 0) {
    return node.quasis[0]?.value.cooked ?? null;
  }
  return null;
}

/**
 * `process.env.X`, or `process.env.X ?? 10` / `|| 10`, written where a number is needed: the name of the
 * variable whose string value reaches the pool when it is set, else null.
 */
export function environmentStringSource(value: TSESTree.Node): string | null {
  const node = skipTypeWrappers(value);
  if (node.type === AST_NODE_TYPES.LogicalExpression && (node.operator === '??' || node.operator === '||')) {
    return environmentStringSource(node.left);
  }
  if (
    node.type === AST_NODE_TYPES.MemberExpression &&
    node.object.type === AST_NODE_TYPES.MemberExpression &&
    memberName(node.object) === 'env' &&
    node.object.object.type === AST_NODE_TYPES.Identifier &&
    node.object.object.name === 'process'
  ) {
    const name = memberName(node);
    return name === null ? 'the environment variable' : `process.env.${name}`;
  }
  return null;
}

/** True for the nodes that own a code path (and a scope) of their own: function declarations and expressions. */
export function isFunctionNode(
  node: TSESTree.Node,
): node is TSESTree.ArrowFunctionExpression | TSESTree.FunctionDeclaration | TSESTree.FunctionExpression {
  return (
    node.type === AST_NODE_TYPES.ArrowFunctionExpression ||
    node.type === AST_NODE_TYPES.FunctionDeclaration ||
    node.type === AST_NODE_TYPES.FunctionExpression
  );
}

/**
 * The expressions a function returns: its expression body, or the argument of every `return x` of its own code (not
 * of nested functions or classes). None for a function without a body (a declaration).
 */
export function returnedExpressions(fn: TSESTree.FunctionLike): TSESTree.Node[] {
  if ((fn.body as TSESTree.Node | null | undefined) == null) return [];
  const body = fn.body as TSESTree.Node;
  if (body.type !== AST_NODE_TYPES.BlockStatement) return [body];
  const found: TSESTree.Node[] = [];
  const visit = (node: TSESTree.Node): void => {
    if (node.type === AST_NODE_TYPES.ReturnStatement) {
      if (node.argument !== null) found.push(node.argument);
      return;
    }
    if (isFunctionNode(node) || node.type === AST_NODE_TYPES.ClassBody) return;
    for (const child of childNodes(node)) visit(child);
  };
  visit(body);
  return found;
}

/** The direct child nodes of `node`, in source order of its keys (for walks outside ESLint's traversal). */
function isNodeLike(value: unknown): value is TSESTree.Node {
  return value !== null && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string';
}

export function childNodes(node: TSESTree.Node): TSESTree.Node[] {
  // Object.keys and index loops, not Object.entries and a wrapper array per key: this runs for every node of every
  // module the project model walks, and the allocations showed in profiles. Same children, same order.
  const children: TSESTree.Node[] = [];
  const record = node as unknown as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (key === 'parent' || key === 'loc' || key === 'range') continue;
    const value = record[key];
    if (Array.isArray(value)) {
      for (const child of value as unknown[]) if (isNodeLike(child)) children.push(child);
    } else if (isNodeLike(value)) children.push(value);
  }
  return children;
}
