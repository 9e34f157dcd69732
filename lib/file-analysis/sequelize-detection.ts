import type { TSESLint, TSESTree } from '@typescript-eslint/utils';

import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { DefinitionType } from '../scope-kinds';

import type { AnalysisHost } from './ast';

import {
  findVariable,
  isUnshadowedGlobal,
  memberName,
  patternPath,
  skipTypeWrappers,
  soleInitializer,
  staticString,
} from './ast';

/** Packages whose `Sequelize` export opens a connection pool. */
export const SEQUELIZE_MODULES = ['sequelize', 'sequelize-typescript', '@sequelize/core'] as const;

export type SequelizeModule = (typeof SEQUELIZE_MODULES)[number];

/** A value reached from a Sequelize package: `module` then the property path (`['Sequelize']`). */
interface ModuleReference {
  module: SequelizeModule;
  path: string[];
}

const MAX_DEPTH = 12;

/** Path marker for an ES module namespace object. */
const NAMESPACE = '*';

function isSequelizeModule(name: string | null): name is SequelizeModule {
  return name !== null && (SEQUELIZE_MODULES as readonly string[]).includes(name);
}

/**
 * Is `reference` the `Sequelize` class? `default` steps are transparent (an ESM default import of a CommonJS
 * module is `module.exports`). `sequelize` v6 exports the class itself as `module.exports` (and
 * `Sequelize.Sequelize === Sequelize`); the other packages only have the named export. A namespace object
 * (`import * as lib`, `await import(...)`, marked `*`) is never constructible itself.
 */
function isConstructorReference(reference: ModuleReference): boolean {
  let path = reference.path;
  const namespace = path[0] === NAMESPACE;
  if (namespace) path = path.slice(1);
  const throughDefault = path.includes('default');
  path = path.filter((key) => key !== 'default');
  if (!path.every((key) => key === 'Sequelize')) return false;
  if (namespace && path.length === 0 && !throughDefault) return false;
  return reference.module === 'sequelize' ? path.length <= 2 : path.length === 1;
}

/**
 * If `callee` (the callee of a `new` expression) is provably the Sequelize constructor, the package it comes
 * from; otherwise null. Proof means an import or `require` of a Sequelize package reaches it through `const`
 * bindings, destructuring or member access, or it is a class that extends one and keeps its constructor.
 */
export function sequelizeConstructorModule(host: AnalysisHost, callee: TSESTree.Node): SequelizeModule | null {
  return constructorModule(host, callee, 0);
}

function constructorModule(host: AnalysisHost, callee: TSESTree.Node, depth: number): SequelizeModule | null {
  if (depth > MAX_DEPTH) return null;
  const reference = moduleReference(host, callee, depth + 1);
  if (reference !== null) return isConstructorReference(reference) ? reference.module : null;
  // `class Db extends Sequelize {}` without its own constructor takes Sequelize's arguments unchanged.
  const node = skipTypeWrappers(callee);
  let classNode: TSESTree.ClassDeclaration | TSESTree.ClassExpression | null = null;
  if (node.type === AST_NODE_TYPES.ClassExpression) classNode = node;
  if (node.type === AST_NODE_TYPES.Identifier) {
    const variable = findVariable(host, node);
    const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
    if (def?.type === DefinitionType.ClassName) classNode = def.node;
    else if (variable !== null && variable !== undefined) {
      const binding = soleInitializer(variable);
      if (binding?.declarator.id.type === AST_NODE_TYPES.Identifier) {
        const init = skipTypeWrappers(binding.init);
        if (init.type === AST_NODE_TYPES.ClassExpression || init.type === AST_NODE_TYPES.Identifier) {
          return constructorModule(host, init, depth + 1);
        }
      }
    }
  }
  if (classNode?.superClass == null) return null;
  const ownConstructor = classNode.body.body.some(
    (member) => member.type === AST_NODE_TYPES.MethodDefinition && member.kind === 'constructor',
  );
  if (ownConstructor) return null;
  return constructorModule(host, classNode.superClass, depth + 1);
}

/**
 * The export of a Sequelize package that `node` provably is, as the package and the property path from it
 * (`['Model']` for `require('sequelize').Model`, `['default', 'Model']` through a default import), or null.
 */
export function sequelizeModuleMember(
  host: AnalysisHost,
  node: TSESTree.Node,
): { module: SequelizeModule; path: string[] } | null {
  const reference = moduleReference(host, node, 0);
  return reference === null ? null : { module: reference.module, path: reference.path.filter((key) => key !== NAMESPACE) };
}

/** Follows `node` back to an import or `require` of a Sequelize package. */
function moduleReference(host: AnalysisHost, raw: TSESTree.Node, depth: number): ModuleReference | null {
  if (depth > MAX_DEPTH) return null;
  const node = skipTypeWrappers(raw);
  switch (node.type) {
    case AST_NODE_TYPES.CallExpression: {
      const source = requiredModule(host, node);
      return isSequelizeModule(source) ? { module: source, path: [] } : null;
    }
    case AST_NODE_TYPES.AwaitExpression: {
      const argument = skipTypeWrappers(node.argument);
      if (argument.type !== AST_NODE_TYPES.ImportExpression) return null;
      const source = staticString(argument.source);
      return isSequelizeModule(source) ? { module: source, path: [NAMESPACE] } : null;
    }
    case AST_NODE_TYPES.MemberExpression: {
      const name = memberName(node);
      if (name === null) return null;
      const base = moduleReference(host, node.object, depth + 1);
      return base === null ? null : { module: base.module, path: [...base.path, name] };
    }
    case AST_NODE_TYPES.Identifier: {
      const variable = findVariable(host, node);
      return variable === null ? null : variableReference(host, variable, depth + 1);
    }
    default:
      return null;
  }
}

function variableReference(
  host: AnalysisHost,
  variable: TSESLint.Scope.Variable,
  depth: number,
): ModuleReference | null {
  if (variable.defs.length !== 1) return null;
  const def = variable.defs[0];
  if (def === undefined) return null;
  if (def.type === DefinitionType.ImportBinding) return importReference(def.node);
  const binding = soleInitializer(variable);
  const name = variable.identifiers[0];
  if (binding === null || name === undefined) return null;
  const base = moduleReference(host, binding.init, depth + 1);
  if (base === null) return null;
  const located = patternPath(binding.declarator.id, name);
  if (located === null) return null;
  return { module: base.module, path: [...base.path, ...located.path] };
}

function importReference(
  node:
    | TSESTree.ImportDefaultSpecifier
    | TSESTree.ImportNamespaceSpecifier
    | TSESTree.ImportSpecifier
    | TSESTree.TSImportEqualsDeclaration,
): ModuleReference | null {
  if (node.type === AST_NODE_TYPES.TSImportEqualsDeclaration) {
    if (node.importKind === 'type') return null;
    const reference = node.moduleReference;
    if (reference.type !== AST_NODE_TYPES.TSExternalModuleReference) return null;
    const source = staticString(reference.expression);
    return isSequelizeModule(source) ? { module: source, path: [] } : null;
  }
  const declaration = node.parent;
  if (declaration.type !== AST_NODE_TYPES.ImportDeclaration || declaration.importKind === 'type') return null;
  const source = declaration.source.value;
  if (!isSequelizeModule(source)) return null;
  switch (node.type) {
    case AST_NODE_TYPES.ImportDefaultSpecifier:
      return { module: source, path: ['default'] };
    case AST_NODE_TYPES.ImportNamespaceSpecifier:
      return { module: source, path: [NAMESPACE] };
    case AST_NODE_TYPES.ImportSpecifier: {
      if (node.importKind === 'type') return null;
      const imported = node.imported.type === AST_NODE_TYPES.Identifier ? node.imported.name : node.imported.value;
      return { module: source, path: [imported] };
    }
  }
}

/**
 * The module name of `require('x')`, where `require` is Node's (an unshadowed global, or a binding of
 * `createRequire(...)`), else null.
 */
export function requiredModule(host: AnalysisHost, call: TSESTree.CallExpression): string | null {
  const callee = skipTypeWrappers(call.callee);
  const [argument] = call.arguments;
  if (call.arguments.length !== 1 || argument === undefined || callee.type !== AST_NODE_TYPES.Identifier) return null;
  if (!isNodeRequire(host, callee)) return null;
  return staticString(argument);
}

function isNodeRequire(host: AnalysisHost, callee: TSESTree.Identifier): boolean {
  if (isUnshadowedGlobal(host, callee, 'require')) return true;
  const variable = findVariable(host, callee);
  const binding = variable === null ? null : soleInitializer(variable);
  if (binding?.declarator.id.type !== AST_NODE_TYPES.Identifier) return false;
  const init = skipTypeWrappers(binding.init);
  if (init.type !== AST_NODE_TYPES.CallExpression) return false;
  const factory = skipTypeWrappers(init.callee);
  return (
    (factory.type === AST_NODE_TYPES.Identifier && factory.name === 'createRequire') ||
    (factory.type === AST_NODE_TYPES.MemberExpression && memberName(factory) === 'createRequire')
  );
}

//------------------------------------------------------------------------------
// The text test: can a module hold a construction at all?
//------------------------------------------------------------------------------

/** A quoted Sequelize package name, the way an import or a `require` writes it. */
const PACKAGE_STRING = /(['"`])(?:sequelize|sequelize-typescript|@sequelize\/core)\1/gu;
/** Read right before the string: the end of an import clause (`import … from`), of a re-export, a `require(`. */
const IMPORT_CLAUSE_BEFORE = /\bimport\s+(type\s+)?([^;'"`]*?)\s*from\s*$/u;
const REEXPORT_BEFORE = /\bexport\s+[^;'"`]*?from\s*$/u;
const REQUIRE_BEFORE = /\brequire\s*\(\s*$/u;
/** `const S =`, `let S =`, `var S =`, TypeScript's `import S =`, right before `require(`. */
const BOUND_REQUIRE = /(?:\b(?:const|let|var)|\bimport)\s+([\w$]+)\s*=\s*$/u;
/** `const { Sequelize: S, Op } =` right before `require(` (one level of destructuring). */
const DESTRUCTURED_REQUIRE = /\b(?:const|let|var)\s*\{([^{}'"`;]*)\}\s*=\s*$/u;
/** After `require('sequelize'`: the call closes, then a member (`.Sequelize`), or the statement goes on. */
const AFTER_REQUIRE = /^\s*\)\s*(?:(?:\?\.|\.)\s*([\w$]+))?/u;
/** `const { … }` right before ` = S`: a one-level destructuring. */
const DESTRUCTURING_BEFORE = /\b(?:const|let|var)\s*\{([^{}]*)\}\s*$/u;
/** Any other call of the string (`createRequire`'s function, `jest.mock`, `import(`): not read here. */
const CALLED_BEFORE = /(?:[\w$)\]]|\bimport)\s*\(\s*$/u;
/**
 * `import('sequelize')` as a type, not a value the analysis follows: a JSDoc or TypeScript type
 * (`{import("sequelize").Sequelize}`, `{queryInterface: import('sequelize').QueryInterface}`, `Array<import(…)>`,
 * `{string|import(…)}`, `typeof import(…)`). Written as a value there (an object's property, an argument), it is a
 * promise nobody awaits in place, which sequelizeConstructorModule does not follow either (only `await import(…)`).
 */
const TYPE_IMPORT_BEFORE = /(?:[{<|:,]|\btypeof)\s*import\s*\(\s*$/u;

/**
 * The local names a destructuring pattern's text binds to the class (its `Sequelize` and `default` keys:
 * `{ Model, Sequelize }` → Sequelize, `{ Sequelize: S }` → S), or null when an entry is not read here (nested,
 * computed, quoted).
 */
function classKeys(pattern: string): string[] | null {
  const locals: string[] = [];
  for (const part of pattern.split(',')) {
    if (part.trim() === '') continue;
    const entry = /^\s*([\w$]+)\s*(?::\s*([\w$]+))?\s*(?:=[^,]*)?$/u.exec(part);
    if (entry === null) return null;
    if (entry[1] === 'Sequelize' || entry[1] === 'default') locals.push(entry[2] ?? entry[1]);
  }
  return locals;
}

/** A TypeScript type assertion before a name (`<any>S`, `<typeof Sequelize>S`), one level of type arguments in it. */
const TYPE_ASSERTION = '<(?:[^<>]|<[^<>]*>)*>';

/** `[\w$]` boundaries, since `\b` does not see `$` as a word character. */
function nameUse(name: string): string {
  return `(?<![\\w$])${name.replaceAll('$', '\\$')}(?![\\w$])`;
}

/**
 * The local names an import clause (`S`, `S, { … }`, `* as lib`, `{ Sequelize as S, Op }`) binds to what can be the
 * Sequelize class (the default or whole module, a namespace whose `.Sequelize` is it, the `Sequelize` export), or
 * null when the clause is not one this test reads.
 */
function importClauseNames(clause: string): string[] | null {
  const names: string[] = [];
  const match = /^(?:([\w$]+)\s*(?:,\s*|$))?(?:\*\s*as\s+([\w$]+)|\{([^{}]*)\})?$/u.exec(clause.trim());
  if (match === null) return null;
  const [, defaultName, namespace, named] = match;
  if (defaultName !== undefined) names.push(defaultName);
  if (namespace !== undefined) names.push(namespace);
  for (const part of named?.split(',') ?? []) {
    const entry = /^\s*(type\s+)?(?:(['"])([^'"]*)\2|([\w$]+))(?:\s+as\s+([\w$]+))?\s*$/u.exec(part);
    if (entry === null) {
      if (part.trim() === '') continue;
      return null;
    }
    const [, type, , quoted, imported, local] = entry;
    if (type !== undefined) continue;
    const name = quoted ?? imported;
    if (name === 'Sequelize' || name === 'default') names.push(local ?? (name));
  }
  return names;
}

/**
 * Can `text` (a module's source) hold a Sequelize construction that `sequelizeConstructorModule` recognises, or a
 * class that extends the Sequelize class? A cheap test for load gates: false only when provably not. That function
 * only follows bindings inside the module back to an import or `require` of a Sequelize package, `const` aliases,
 * and classes that extend such a binding; so the module must import one, and one of the local names it binds to
 * what can be the class must be used as `new S`, `new S.Sequelize`, `extends S`, or bound again (`= S`, `= S.default`,
 * `= { Sequelize } = S`). Any import of a Sequelize package in a shape this test does not read (a dynamic
 * `import()`, a `require` through another function, destructuring it cannot follow) counts as "may construct".
 * Escapes that spell a name are the caller's to decode (see load-gates' text tests).
 */
export function mayConstructSequelize(text: string): boolean {
  if (!/\b(?:new|extends)\b/u.test(text)) return false;
  const names = new Set<string>();
  for (const match of text.matchAll(PACKAGE_STRING)) {
    const at = match.index;
    const before = text.slice(Math.max(0, at - 500), at);
    const clause = IMPORT_CLAUSE_BEFORE.exec(before);
    if (clause !== null) {
      if (clause[1] !== undefined) continue;
      const bound = importClauseNames(clause[2] as string);
      if (bound === null) return true;
      for (const name of bound) names.add(name);
      continue;
    }
    if (REEXPORT_BEFORE.test(before)) continue;
    const required = REQUIRE_BEFORE.exec(before);
    if (required !== null) {
      const head = before.slice(0, required.index);
      const member = AFTER_REQUIRE.exec(text.slice(at + match[0].length))?.[1];
      const bound = BOUND_REQUIRE.exec(head);
      if (bound !== null) {
        if (member === undefined || member === 'Sequelize' || member === 'default') names.add(bound[1] as string);
        continue;
      }
      const destructured = DESTRUCTURED_REQUIRE.exec(head);
      if (destructured !== null && member === undefined) {
        const rebound = classKeys(destructured[1] as string);
        if (rebound === null) return true;
        for (const local of rebound) names.add(local);
        continue;
      }
      // `new (require('sequelize'))()`, `module.exports = require('sequelize')`, `f(require('sequelize'))`.
      return true;
    }
    if (TYPE_IMPORT_BEFORE.test(before)) continue;
    if (CALLED_BEFORE.test(before) || /\bfrom\s*$/u.test(before)) return true;
    // Anywhere else (an object key, a message, `dialectModule` options): not an import.
  }
  for (const name of names) {
    const use = nameUse(name);
    // `new S(`, `new (S as any)(`, `new (<any>S)(`, `new S.Sequelize(`, `extends S`; `= S`, `= <any>S`, `= S.default`, `{ Sequelize: X } = S`,
    // but not `==`, `=>`, and not `= S.literal(…)`, `= S.Op` (a member other than the class).
    const constructs = new RegExp(`\\b(?:new|extends)\\s*(?:\\(\\s*|${TYPE_ASSERTION}\\s*)*${use}`, 'u');
    if (constructs.test(text)) return true;
    const bound = new RegExp(`(?<![=!<>])=\\s*(?:\\(\\s*|${TYPE_ASSERTION}\\s*)*${use}(?!\\s*(?:\\(|(?:\\?\\.|\\.)\\s*(?!(?:Sequelize|default)(?![\\w$]))[\\w$]))`, 'gu');
    for (const binding of text.matchAll(bound)) {
      // `const { Op, DataTypes } = S` takes members, not the class (a rest element or a `Sequelize` key may).
      const pattern = DESTRUCTURING_BEFORE.exec(text.slice(Math.max(0, binding.index - 500), binding.index));
      if (pattern === null || /\.\.\./u.test(pattern[1] as string)) return true;
      // `const { Model, Sequelize } = lib` (pt-snb's models): the class is bound again, under the names its `Sequelize`
      // (or `default`) key gives; those names are checked in turn (a Set's iteration visits what is added to it).
      const rebound = classKeys(pattern[1] as string);
      if (rebound === null) return true;
      for (const local of rebound) names.add(local);
    }
  }
  return false;
}
