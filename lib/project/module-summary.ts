/**
 * The project model's per-module summaries: facts about one module computed from its own syntax and scopes
 * (never from another module), cached once per process per module and modification time, and a bounded
 * resolver that follows a name across modules at query time.
 *
 * Why two halves: a fact that mixed several modules would depend on which file was linted first (a cycle cut
 * short, a depth budget spent), so linting one file in an editor could answer differently from a whole-project
 * run. A fact here only ever looks at its own module; whatever crosses a module boundary is written down as a
 * symbolic reference (`{ specifier: './db', path: ['getDb'] }`) and resolved by the query, from the file being
 * linted, with a fixed depth limit. Both halves are deterministic for a given state of the disk.
 *
 * Adding a fact (the extension point, see docs/architecture.md):
 *
 *     export const TRANSACTION_HELPERS = defineModuleFact({
 *       name: 'transaction-helpers',
 *       mustContain: /transaction/u,        // modules whose text fails this are never parsed for the fact
 *       empty: new Map(),                   // the answer for such modules (and for unreadable ones)
 *       compute: (module) => …,             // syntax and scopes of `module` only
 *     });
 *     moduleFact(filename, TRANSACTION_HELPERS);   // a module on disk, cached per mtime
 *     factOf(lintedModule(context.sourceCode, filename), TRANSACTION_HELPERS); // the file being linted
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';

import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { DefinitionType } from '../scope-kinds';

import type { NamesQuestion } from './name-gates';
import type { ProjectModule } from './project-modules';

import { findVariable, hostFromSourceCode, patternPath, skipTypeWrappers, staticKeyName } from '../file-analysis/ast';
import { requiredModule } from '../file-analysis/sequelize-detection';
import { resolveProjectSpecifier } from './import-graph';
import { mayProvide, maySelect } from './name-gates';
import { loadProjectModule, moduleExports } from './project-modules';

/** One kind of fact about a module. */
export interface ModuleFact<T> {
  /** Unique among facts; used in messages and for debugging only. */
  readonly name: string;
  /** A cheap text test: a module whose text fails it gets `empty` without being parsed. */
  readonly mustContain?: RegExp;
  /** The fact for modules that fail `mustContain`, cannot be read, or do not parse. */
  readonly empty: T;
  /** Computes the fact from `module` alone (its syntax and scopes). */
  compute(module: ProjectModule): T;
}

export function defineModuleFact<T>(fact: ModuleFact<T>): ModuleFact<T> {
  return fact;
}

/** Facts per parsed module; a module object lives as long as its cache entry, i.e. until its mtime changes. */
const facts = new WeakMap<object, Map<string, unknown>>();

/** The fact for an already parsed module (the file being linted, or one read from disk). */
export function factOf<T>(module: ProjectModule, fact: ModuleFact<T>): T {
  let known = facts.get(module);
  if (known === undefined) {
    known = new Map();
    facts.set(module, known);
  }
  if (known.has(fact.name)) return known.get(fact.name) as T;
  let value: T;
  if (fact.mustContain !== undefined && !fact.mustContain.test(module.text)) value = fact.empty;
  else {
    try {
      value = fact.compute(module);
    } catch {
      // A fact that cannot be computed (unexpected syntax) says nothing: rules stay silent.
      value = fact.empty;
    }
  }
  known.set(fact.name, value);
  return value;
}

/** The fact for the project module at `filename`, read from disk (cached per mtime), or `empty`. */
export function moduleFact<T>(filename: string, fact: ModuleFact<T>): T {
  const module = loadProjectModule(filename, fact.mustContain);
  return module === null ? fact.empty : factOf(module, fact);
}

/** The file being linted as a project module: ESLint's (possibly unsaved) text, AST and scopes. */
export function lintedModule(sourceCode: Readonly<TSESLint.SourceCode>, filename: string): ProjectModule {
  const cached = lintedModules.get(sourceCode.ast);
  if (cached !== undefined) return cached;
  const module: ProjectModule = {
    filename,
    text: sourceCode.text,
    ast: sourceCode.ast,
    host: hostFromSourceCode(sourceCode),
  };
  lintedModules.set(sourceCode.ast, module);
  return module;
}

const lintedModules = new WeakMap<object, ProjectModule>();

//------------------------------------------------------------------------------
// Following names across modules
//------------------------------------------------------------------------------

/**
 * A value another module provides: `specifier` as written in the importing module, and the path read from what
 * the module gives (`[]` the whole `module.exports` / namespace, `['default']`, `['getDb']`, `['controller',
 * 'list']`).
 */
export interface ImportReference {
  specifier: string;
  path: string[];
}

/** How many module boundaries a query follows before it gives up (and the rule stays silent). */
export const MAX_MODULE_HOPS = 6;

/** A node found in some module, with the module whose scopes resolve it. */
export interface Located {
  module: ProjectModule;
  node: TSESTree.Node;
}

/**
 * What `node` (an expression of `module`) refers to, as far as syntax proves: a local definition (function,
 * class, object literal, other expression) in this or another project module, or null. Follows `const`
 * bindings, destructuring, `require`/`import` of project modules, re-exports and object-literal members, at
 * most `MAX_MODULE_HOPS` module boundaries. With `gate`, a module the question's name gate closes is not loaded:
 * the answer is what the question could use (see lib/project/name-gates), not every definition. With
 * `admitsImport`, an import of `module` itself whose module it rejects is not followed (the answer through it is
 * null): for a caller that only wants answers in some modules, and knows which imports cannot lead there.
 */
export function resolveReference(
  module: ProjectModule,
  node: TSESTree.Node,
  hops = 0,
  gate?: NamesQuestion,
  admitsImport?: (filename: string) => boolean,
): Located | null {
  return resolvePath(module, node, [], hops, { seen: new Set(), gate, first: admitsImport === undefined ? undefined : { hops, admits: admitsImport } });
}

/** The value `reference` names from `module` (the importing module), or null. */
export function resolveImport(module: ProjectModule, reference: ImportReference, hops = 0, gate?: NamesQuestion): Located | null {
  return importedValue(module, reference.specifier, reference.path, hops, { seen: new Set(), gate, first: undefined });
}

/** One resolution: the nodes it went through, and the question whose name gate decides which modules it may load. */
interface Resolution {
  seen: Set<TSESTree.Node>;
  gate: NamesQuestion | undefined;
  /**
   * A filter on the modules the starting module's own imports load (the first hop, whose result is the answer as
   * is): a caller that only wants answers in some modules cuts the imports that cannot lead to them.
   */
  first: { hops: number; admits: (filename: string) => boolean } | undefined;
}

/** A symbolic reference for `node` when it is (a member of) an imported project module, else null. */
export function importReferenceOf(module: ProjectModule, raw: TSESTree.Node): ImportReference | null {
  const node = skipTypeWrappers(raw);
  if (node.type === AST_NODE_TYPES.MemberExpression) {
    const key = node.property.type === AST_NODE_TYPES.PrivateIdentifier ? null : staticKeyName(node.property, node.computed);
    if (key === null) return null;
    const base = importReferenceOf(module, node.object);
    return base === null ? null : { specifier: base.specifier, path: [...base.path, key] };
  }
  if (node.type === AST_NODE_TYPES.CallExpression) {
    const source = requiredModule(module.host, node);
    return source === null ? null : { specifier: source, path: [] };
  }
  if (node.type !== AST_NODE_TYPES.Identifier) return null;
  const variable = findVariable(module.host, node);
  const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
  if (def === undefined) return null;
  if (def.type === DefinitionType.ImportBinding) {
    const specifierNode = def.node;
    if (specifierNode.type === AST_NODE_TYPES.TSImportEqualsDeclaration) return null;
    const declaration = specifierNode.parent;
    if (declaration?.type !== AST_NODE_TYPES.ImportDeclaration || declaration.importKind === 'type') return null;
    const specifier = declaration.source.value;
    if (specifierNode.type === AST_NODE_TYPES.ImportNamespaceSpecifier) return { specifier, path: [] };
    if (specifierNode.type === AST_NODE_TYPES.ImportDefaultSpecifier) return { specifier, path: ['default'] };
    const imported = specifierNode.imported.type === AST_NODE_TYPES.Identifier ? specifierNode.imported.name : specifierNode.imported.value;
    return { specifier, path: [imported] };
  }
  if (def.type !== DefinitionType.Variable || def.parent.kind !== 'const') return null;
  const declarator = def.node;
  if (declarator.init === null) return null;
  const located = patternPath(declarator.id, def.name);
  if (located === null || located.defaultValue !== null) return null;
  const base = importReferenceOf(module, declarator.init);
  return base === null ? null : { specifier: base.specifier, path: [...base.path, ...located.path] };
}

function resolvePath(module: ProjectModule, raw: TSESTree.Node, path: string[], hops: number, walk: Resolution): Located | null {
  const node = skipTypeWrappers(raw);
  if (walk.seen.has(node) || walk.seen.size > 64) return null;
  walk.seen.add(node);
  switch (node.type) {
    case AST_NODE_TYPES.Identifier:
      return resolveIdentifier(module, node, path, hops, walk);
    case AST_NODE_TYPES.MemberExpression: {
      const key = node.property.type === AST_NODE_TYPES.PrivateIdentifier ? null : staticKeyName(node.property, node.computed);
      return key === null ? null : resolvePath(module, node.object, [key, ...path], hops, walk);
    }
    case AST_NODE_TYPES.CallExpression: {
      const source = requiredModule(module.host, node);
      return source === null ? (path.length === 0 ? { module, node } : null) : importedValue(module, source, path, hops, walk);
    }
    case AST_NODE_TYPES.ObjectExpression: {
      if (path.length === 0) return { module, node };
      const [key, ...rest] = path;
      let found: TSESTree.Node | null = null;
      for (const property of node.properties) {
        if (property.type === AST_NODE_TYPES.SpreadElement) {
          found = null;
          continue;
        }
        if (staticKeyName(property.key, property.computed) === key) found = property.value;
      }
      return found === null ? null : resolvePath(module, found, rest, hops, walk);
    }
    case AST_NODE_TYPES.ClassDeclaration:
    case AST_NODE_TYPES.ClassExpression: {
      if (path.length === 0) return { module, node };
      // A static method: `class Db { static connect() {} }`, called as `Db.connect()`.
      if (path.length !== 1) return null;
      const method = node.body.body.find(
        (member) =>
          member.type === AST_NODE_TYPES.MethodDefinition && member.static && staticKeyName(member.key, member.computed) === path[0],
      );
      return method === undefined ? null : { module, node: (method as TSESTree.MethodDefinition).value };
    }
    default:
      return path.length === 0 ? { module, node } : null;
  }
}

function resolveIdentifier(
  module: ProjectModule,
  node: TSESTree.Identifier,
  path: string[],
  hops: number,
  walk: Resolution,
): Located | null {
  const variable = findVariable(module.host, node);
  const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
  if (def === undefined || variable === null || variable === undefined) return null;
  switch (def.type) {
    case DefinitionType.FunctionName:
    case DefinitionType.ClassName:
      return resolvePath(module, def.node, path, hops, walk);
    case DefinitionType.ImportBinding: {
      const reference = importReferenceOf(module, node);
      return reference === null ? null : importedValue(module, reference.specifier, [...reference.path, ...path], hops, walk);
    }
    case DefinitionType.Variable: {
      const declarator = def.node;
      if (declarator.init === null) return null;
      // Written once: a `const`, or a `let`/`var` that nothing assigns again.
      if (def.parent.kind !== 'const' && variable.references.some((reference) => reference.isWrite() && reference.init !== true)) return null;
      const located = patternPath(declarator.id, def.name);
      if (located === null || located.defaultValue !== null) return null;
      return resolvePath(module, declarator.init, [...located.path, ...path], hops, walk);
    }
    default:
      return null;
  }
}

/** Anything that could name or define a value worth following. */
const WORTH_PARSING = /\b(?:module|exports|export|function|class|=>)\b|=>/u;

function importedValue(
  module: ProjectModule,
  specifier: string,
  path: string[],
  hops: number,
  walk: Resolution,
): Located | null {
  if (hops >= MAX_MODULE_HOPS) return null;
  const filename = resolveProjectSpecifier(module.filename, specifier);
  if (filename === null) return null;
  // A module that cannot lead to what the question looks for is not parsed for it (see lib/project/name-gates).
  if (walk.first !== undefined && hops === walk.first.hops && !walk.first.admits(filename)) return null;
  if (walk.gate !== undefined && !(path.length === 0 ? mayProvide(filename, walk.gate) : maySelect(filename, path[0] as string, walk.gate))) return null;
  const target = loadProjectModule(filename, WORTH_PARSING);
  if (target === null) return null;
  return exportPath(target, path, hops + 1, walk);
}

/** `path` read from what `module` exports (`[]`: the whole module). */
function exportPath(module: ProjectModule, path: string[], hops: number, walk: Resolution): Located | null {
  const exports = moduleExports(module);
  const [first, ...rest] = path;
  if (first === undefined) {
    return exports.whole === null ? { module, node: module.ast } : resolvePath(module, exports.whole, [], hops, walk);
  }
  if (first === 'default') {
    const node = exports.defaultExport ?? exports.whole;
    if (node === null) return null;
    return declarationValue(module, node, rest, hops, walk);
  }
  const named = exports.named.get(first);
  if (named !== undefined) return declarationValue(module, named, rest, hops, walk);
  const reexport = exports.reexports.get(first);
  if (reexport !== undefined) return importedValue(module, reexport.specifier, [reexport.name, ...rest], hops, walk);
  for (const from of exports.starFrom) {
    const found = importedValue(module, from, path, hops, walk);
    if (found !== null) return found;
  }
  // `module.exports = { getDb }` / `module.exports = db` with members assigned later.
  if (exports.whole !== null) return resolvePath(module, exports.whole, path, hops, walk);
  return null;
}

/** An exported node: a declaration (`export function f`), an identifier, or an expression. */
function declarationValue(module: ProjectModule, node: TSESTree.Node, path: string[], hops: number, walk: Resolution): Located | null {
  if (node.type === AST_NODE_TYPES.FunctionDeclaration || node.type === AST_NODE_TYPES.ClassDeclaration) {
    return resolvePath(module, node, path, hops, walk);
  }
  return resolvePath(module, node, path, hops, walk);
}
