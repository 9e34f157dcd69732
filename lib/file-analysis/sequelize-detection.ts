import type { TSESLint, TSESTree } from '@typescript-eslint/utils';

import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { DefinitionType } from '@typescript-eslint/scope-manager';

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
