/**
 * The project's import graph, as far as one process is concerned: which project modules a file loads
 * (relative imports, `require`, `export … from`, tsconfig `paths` aliases) and which of them create a
 * Sequelize instance when loaded. Built lazily from the file being linted, so linting one file in an editor
 * answers exactly what a whole-project run answers for it; cached per process by lib/project-modules
 * (invalidated by mtime), never reading node_modules.
 */
import type { TSESTree } from '@typescript-eslint/utils';

import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { parse as parseJsonc } from 'jsonc-parser';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

import type { ProjectModule } from './project-modules';

import { childNodes, isFunctionNode, staticString } from '../file-analysis/ast';
import { isRelativeSpecifier, loadModuleSyntax, loadProjectModule, resolveRelativeModule } from './project-modules';
import { requiredModule, sequelizeConstructorModule } from '../file-analysis/sequelize-detection';

/** A construction that runs when its module is loaded. */
export interface LoadTimeConstruction {
  file: string;
  line: number;
}

/** Per parsed module (so per mtime): its specifiers and load-time constructions, computed once. */
const specifierCache = new WeakMap<object, string[]>();
const constructionCache = new WeakMap<object, LoadTimeConstruction[]>();

/**
 * The static module specifiers a module loads when it is loaded (type-only imports excluded). Without a scope
 * `host`, a call of an identifier named `require` counts as Node's: used for modules that cannot construct
 * an instance, where a shadowed `require` costs at most an extra edge in the graph.
 */
export function loadedSpecifiers(module: Pick<ProjectModule, 'ast'> & { host?: ProjectModule['host'] }): string[] {
  const cached = specifierCache.get(module);
  if (cached !== undefined) return cached;
  const specifiers = collectSpecifiers(module);
  specifierCache.set(module, specifiers);
  return specifiers;
}

function collectSpecifiers(module: Pick<ProjectModule, 'ast'> & { host?: ProjectModule['host'] }): string[] {
  const specifiers: string[] = [];
  const visit = (node: TSESTree.Node): void => {
    switch (node.type) {
      case AST_NODE_TYPES.ImportDeclaration:
        if (node.importKind !== 'type') specifiers.push(node.source.value);
        return;
      case AST_NODE_TYPES.ExportAllDeclaration:
      case AST_NODE_TYPES.ExportNamedDeclaration:
        if (node.source != null && node.exportKind !== 'type') specifiers.push(node.source.value);
        break;
      case AST_NODE_TYPES.TSImportEqualsDeclaration:
        if (node.importKind !== 'type' && node.moduleReference.type === AST_NODE_TYPES.TSExternalModuleReference) {
          const source = staticString(node.moduleReference.expression);
          if (source !== null) specifiers.push(source);
        }
        return;
      case AST_NODE_TYPES.CallExpression: {
        const source =
          module.host === undefined
            ? node.callee.type === AST_NODE_TYPES.Identifier && node.callee.name === 'require' && node.arguments.length === 1
              ? staticString(node.arguments[0] as TSESTree.Node)
              : null
            : requiredModule(module.host, node);
        if (source !== null) specifiers.push(source);
        break;
      }
      default:
        break;
    }
    // A require() inside a function runs when the function does, not at load time: only top-level code counts.
    if (isFunctionNode(node)) return;
    for (const child of childNodes(node)) visit(child);
  };
  for (const statement of module.ast.body) visit(statement);
  return specifiers;
}

/** Constructions that run when the module loads: at top level, outside functions (classes' static blocks aside). */
export function loadTimeConstructions(module: Pick<ProjectModule, 'ast' | 'filename' | 'host'>): LoadTimeConstruction[] {
  const cached = constructionCache.get(module);
  if (cached !== undefined) return cached;
  const found: LoadTimeConstruction[] = [];
  const visit = (node: TSESTree.Node): void => {
    if (isFunctionNode(node) || node.type === AST_NODE_TYPES.ClassBody) return;
    if (node.type === AST_NODE_TYPES.NewExpression && sequelizeConstructorModule(module.host, node.callee) !== null) {
      found.push({ file: module.filename, line: node.loc.start.line });
    }
    for (const child of childNodes(node)) visit(child);
  };
  for (const statement of module.ast.body) visit(statement);
  constructionCache.set(module, found);
  return found;
}

interface PathAliases {
  baseUrl: string;
  paths: [pattern: string, targets: string[]][];
}

const tsconfigCache = new Map<string, { mtimeMs: number; aliases: PathAliases | null }>();

/** `compilerOptions.paths` of the nearest tsconfig.json (following one `extends` level), or null. */
function pathAliases(fromFilename: string): PathAliases | null {
  for (let directory = path.dirname(fromFilename); ; directory = path.dirname(directory)) {
    if (path.basename(directory) === 'node_modules') return null;
    const tsconfig = path.join(directory, 'tsconfig.json');
    if (existsSync(tsconfig)) return readAliases(tsconfig);
    if (existsSync(path.join(directory, 'package.json')) || path.dirname(directory) === directory) return null;
  }
}

function readAliases(tsconfig: string): PathAliases | null {
  let mtimeMs: number;
  try {
    mtimeMs = statSync(tsconfig).mtimeMs;
  } catch {
    return null;
  }
  const cached = tsconfigCache.get(tsconfig);
  if (cached?.mtimeMs === mtimeMs) return cached.aliases;
  let aliases: PathAliases | null = null;
  try {
    const parsed = parseJsonc(readFileSync(tsconfig, 'utf8')) as {
      extends?: unknown;
      compilerOptions?: { baseUrl?: string; paths?: Record<string, string[]> };
    };
    let options = parsed.compilerOptions ?? {};
    let optionsDirectory = path.dirname(tsconfig);
    if (options.paths === undefined && typeof parsed.extends === 'string' && isRelativeSpecifier(parsed.extends)) {
      const base = path.resolve(path.dirname(tsconfig), parsed.extends.endsWith('.json') ? parsed.extends : `${parsed.extends}.json`);
      const extended = parseJsonc(readFileSync(base, 'utf8')) as typeof parsed;
      options = { ...extended.compilerOptions, ...options };
      optionsDirectory = path.dirname(base);
    }
    if (options.paths !== undefined) {
      aliases = {
        baseUrl: path.resolve(optionsDirectory, options.baseUrl ?? '.'),
        paths: Object.entries(options.paths),
      };
    }
  } catch {
    aliases = null;
  }
  tsconfigCache.set(tsconfig, { mtimeMs, aliases });
  return aliases;
}

/** A specifier to a project file: relative, or through a tsconfig `paths` alias (`@server/db`). */
export function resolveProjectSpecifier(fromFilename: string, specifier: string): string | null {
  if (isRelativeSpecifier(specifier)) return resolveRelativeModule(fromFilename, specifier);
  const aliases = pathAliases(fromFilename);
  if (aliases === null) return null;
  for (const [pattern, targets] of aliases.paths) {
    const star = pattern.indexOf('*');
    let captured: string | null = null;
    if (star === -1) captured = pattern === specifier ? '' : null;
    else if (specifier.startsWith(pattern.slice(0, star)) && specifier.endsWith(pattern.slice(star + 1))) {
      captured = specifier.slice(star, specifier.length - (pattern.length - star - 1));
    }
    if (captured === null) continue;
    for (const target of targets) {
      const absolute = path.resolve(aliases.baseUrl, target.replace('*', captured));
      // resolveRelativeModule does the extension and index lookups; give it a path relative to a sibling file.
      const relative = `./${path.relative(path.dirname(fromFilename), absolute).split(path.sep).join('/')}`;
      const resolved = resolveRelativeModule(fromFilename, relative.startsWith('./..') ? relative.slice(2) : relative);
      if (resolved !== null) return resolved;
    }
  }
  return null;
}

/** A module that mentions none of these loads nothing and is never parsed. */
const MAY_IMPORT = /\b(?:import|require|export)\b/u;

/**
 * A module as the graph needs it: with scope analysis when it may construct an instance (its text mentions
 * `Sequelize`), else its syntax alone, which is all that reading its imports takes.
 */
function moduleForGraph(filename: string): ProjectModule | { ast: TSESTree.Program } | null {
  const syntax = loadModuleSyntax(filename, MAY_IMPORT);
  if (syntax === null) return null;
  if (!syntax.text.includes('Sequelize')) return { ast: syntax.ast };
  return loadProjectModule(filename);
}

/**
 * `maxModules` only guards against pathological trees: a graph is walked whole, each module parsed once per
 * process (its mtime unchanged), so the cost grows with the project, not with the number of files linted.
 *
 * The first construction that loading `specifiers` (imported by `filename`, whose own text may be unsaved editor
 * text) runs transitively in another file: breadth-first, so the nearest one is named. Cycles and unparsable
 * modules are skipped.
 */
export function importedConstruction(
  filename: string,
  specifiers: readonly string[],
  maxModules = 100_000,
): LoadTimeConstruction | null {
  const seen = new Set<string>([filename]);
  const queue: [from: string, specifier: string][] = specifiers.map((specifier) => [filename, specifier]);
  while (queue.length > 0 && seen.size <= maxModules) {
    const [from, specifier] = queue.shift() as [string, string];
    const target = resolveProjectSpecifier(from, specifier);
    if (target === null || seen.has(target)) continue;
    seen.add(target);
    const imported = moduleForGraph(target);
    if (imported === null) continue;
    if ('host' in imported) {
      const [construction] = loadTimeConstructions(imported);
      if (construction !== undefined) return construction;
    }
    for (const next of loadedSpecifiers(imported)) queue.push([target, next]);
  }
  return null;
}

/**
 * Every construction that runs when `entry` starts: its own load-time constructions and those of every project
 * module it loads, transitively (what one process of a program opens at start-up).
 */
export function constructionsLoadedBy(entry: string, maxModules = 100_000): LoadTimeConstruction[] {
  const found: LoadTimeConstruction[] = [];
  const seen = new Set<string>([entry]);
  const queue: string[] = [entry];
  while (queue.length > 0 && seen.size <= maxModules) {
    const current = queue.shift() as string;
    const module = moduleForGraph(current);
    if (module === null) continue;
    if ('host' in module) found.push(...loadTimeConstructions(module));
    for (const specifier of loadedSpecifiers(module)) {
      const target = resolveProjectSpecifier(current, specifier);
      if (target === null || seen.has(target)) continue;
      seen.add(target);
      queue.push(target);
    }
  }
  return found;
}
