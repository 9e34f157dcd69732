/**
 * The project's import graph, as far as one process is concerned: which project modules a file loads
 * (relative imports, `require`, `export … from`, tsconfig `paths` aliases) and which of them create a
 * Sequelize instance when loaded. Built lazily from the file being linted, so linting one file in an editor
 * answers exactly what a whole-project run answers for it; cached per process by lib/project-modules
 * (invalidated by mtime), never reading node_modules.
 */
import type { TSESTree } from '@typescript-eslint/utils';

import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { parse as parseJsonc } from 'jsonc-parser';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

import type { ProjectModule } from './project-modules';

import { childNodes, isFunctionNode, staticString } from '../file-analysis/ast';
import { lexLoadedSpecifiers } from '../file-analysis/import-lexer';
import { isRelativeSpecifier, loadModuleSyntax, loadProjectModule, projectEpoch, readModuleText, resolveRelativeModule } from './project-modules';
import { mayConstructSequelize, requiredModule, sequelizeConstructorModule } from '../file-analysis/sequelize-detection';

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

export interface PathAliases {
  baseUrl: string;
  paths: [pattern: string, targets: string[]][];
}

const tsconfigCache = new Map<string, { mtimeMs: number; aliases: PathAliases | null }>();

/** The nearest tsconfig.json's aliases per importing folder, valid for one epoch (see projectEpoch). */
const aliasesByFolder = new Map<string, { epoch: number; aliases: PathAliases | null }>();

/**
 * `compilerOptions.paths` of the nearest tsconfig.json (following one `extends` level), or null. Asked for every
 * package specifier (`express`, `sequelize`), so the folder walk is made once per folder and epoch.
 */
export function pathAliases(fromFilename: string): PathAliases | null {
  const folder = path.dirname(fromFilename);
  const current = projectEpoch();
  const known = aliasesByFolder.get(folder);
  if (known?.epoch === current) return known.aliases;
  const aliases = nearestPathAliases(folder);
  aliasesByFolder.set(folder, { epoch: current, aliases });
  return aliases;
}

function nearestPathAliases(folder: string): PathAliases | null {
  for (let directory = folder; ; directory = path.dirname(directory)) {
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

/**
 * Per tsconfig `paths` (the object readAliases keeps while the tsconfig is unchanged), for one epoch: what each
 * non-relative specifier resolves to. The answer does not depend on the importing folder (the targets are absolute),
 * so `@server/models` is looked up once per project, not once per folder that imports it.
 */
const aliasResolutions = new WeakMap<PathAliases, { epoch: number; targets: Map<string, string | null> }>();

/** A specifier to a project file: relative, or through a tsconfig `paths` alias (`@server/db`). */
export function resolveProjectSpecifier(fromFilename: string, specifier: string): string | null {
  if (isRelativeSpecifier(specifier)) return resolveRelativeModule(fromFilename, specifier);
  if (!path.isAbsolute(fromFilename)) return null;
  const aliases = pathAliases(fromFilename);
  if (aliases === null) return null;
  const current = projectEpoch();
  let known = aliasResolutions.get(aliases);
  if (known?.epoch !== current) {
    known = { epoch: current, targets: new Map() };
    aliasResolutions.set(aliases, known);
  }
  const cached = known.targets.get(specifier);
  if (cached !== undefined) return cached;
  const target = resolveAlias(aliases, specifier);
  known.targets.set(specifier, target);
  return target;
}

function resolveAlias(aliases: PathAliases, specifier: string): string | null {
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
      // resolveRelativeModule does the extension and index lookups; give it a path from a file in the target's folder.
      const resolved = resolveRelativeModule(path.join(path.dirname(absolute), '_'), `./${path.basename(absolute)}`);
      if (resolved !== null) return resolved;
    }
  }
  return null;
}

/** A module that mentions none of these loads nothing and is never read further. */
const MAY_IMPORT = /\b(?:import|require|export)\b/u;

/** What the graph keeps per module: the project files it loads, and the constructions its loading runs. */
interface GraphNode {
  targets: string[];
  constructions: LoadTimeConstruction[];
}

/** Per module: its node, valid while the module's text is the same string and the epoch has not changed. */
const nodeCache = new Map<string, { text: string; epoch: number; specifiers: string[]; node: GraphNode }>();

/**
 * Resolved specifiers per importing folder. A resolved file is kept while it exists (its cache entry is checked once
 * per epoch anyway); a specifier that resolved to nothing is tried again in the next epoch. (A file created later
 * that Node would prefer, `db.js` next to an existing `db/index.js`, is seen after a restart.)
 */
const resolutionCache = new Map<string, { epoch: number; target: string | null }>();

function resolveCached(from: string, specifier: string, current: number): string | null {
  const key = `${path.dirname(from)}\0${specifier}`;
  const cached = resolutionCache.get(key);
  if (cached !== undefined && (cached.epoch === current || (cached.target !== null && readModuleText(cached.target) !== null))) {
    return cached.target;
  }
  const target = resolveProjectSpecifier(from, specifier);
  resolutionCache.set(key, { epoch: current, target });
  return target;
}

/**
 * The graph node of a module: its imports read by the import lexer (lib/file-analysis/import-lexer), or by the
 * parser where the lexer is unsure; full scope analysis only for modules that may construct an instance.
 */
/**
 * Can loading this module construct an instance (so it gets scope analysis, every other module's imports being read
 * by the lexer)? Only with a `new` (a keyword no escape can spell) and where the factory gate's text test passes
 * (file-analysis' mayConstructSequelize: a Sequelize package imported and a name it binds to the class used as one).
 * sequelize-cli model files mention `Sequelize` and construct nothing (pt-snb has 110 of them); `extends`, which the
 * factory gate also lets through for a class constructed in another module, constructs nothing while this one loads.
 */
export function mayConstructOnLoad(text: string): boolean {
  return /\bnew\b/u.test(text) && mayConstructSequelize(text);
}

function graphNode(filename: string): GraphNode | null {
  const text = readModuleText(filename);
  if (text === null) return null;
  const current = projectEpoch();
  const cached = nodeCache.get(filename);
  if (cached?.text === text && cached.epoch === current) return cached.node;
  let specifiers: string[];
  let constructions: LoadTimeConstruction[] = [];
  if (cached?.text === text) specifiers = cached.specifiers;
  else if (!MAY_IMPORT.test(text)) specifiers = [];
  else if (mayConstructOnLoad(text)) {
    const module = loadProjectModule(filename);
    specifiers = module === null ? [] : loadedSpecifiers(module);
    if (module !== null) constructions = loadTimeConstructions(module);
  } else {
    const lexed = lexLoadedSpecifiers(text);
    if (lexed !== null) specifiers = lexed;
    else {
      const syntax = loadModuleSyntax(filename);
      specifiers = syntax === null ? [] : loadedSpecifiers({ ast: syntax.ast });
    }
  }
  if (cached?.text === text) constructions = cached.node.constructions;
  const targets: string[] = [];
  for (const specifier of specifiers) {
    const target = resolveCached(filename, specifier, current);
    if (target !== null && !targets.includes(target)) targets.push(target);
  }
  const node = { targets, constructions };
  nodeCache.set(filename, { text, epoch: current, specifiers, node });
  return node;
}

/** A construction reachable from a module, with the number of imports between them. */
interface Label {
  file: string;
  line: number;
  distance: number;
}

/** Per module and epoch: the two nearest distinct files whose loading constructs an instance, in its closure. */
const reachCache = new Map<string, { epoch: number; labels: Label[] }>();

function compareLabels(a: Label, b: Label): number {
  return a.distance - b.distance || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line;
}

/**
 * Computes, for every module reachable from `roots` that has no answer in this epoch yet, the two nearest distinct
 * constructing files in its import closure (itself included): one breadth-first pass over the new part of the
 * graph, labels pushed backwards from the constructing modules, ties broken by file name, so the answer for a
 * module does not depend on which file asked first. Every module is visited once per epoch, however many files
 * construct. Returns false when the graph is larger than `maxModules` (the caller stays silent).
 */
function computeReach(roots: readonly string[], current: number, maxModules: number): boolean {
  const fresh = (file: string): boolean => reachCache.get(file)?.epoch === current;
  const nodes = new Map<string, GraphNode>();
  const queue = roots.filter((root) => !fresh(root));
  for (let head = 0; head < queue.length; head += 1) {
    const file = queue[head] as string;
    if (nodes.has(file)) continue;
    const node = graphNode(file) ?? { targets: [], constructions: [] };
    nodes.set(file, node);
    if (nodes.size > maxModules) return false;
    for (const target of node.targets) if (!fresh(target) && !nodes.has(target)) queue.push(target);
  }
  const importers = new Map<string, string[]>();
  const buckets = new Map<number, [string, Label][]>();
  let lowest = Number.POSITIVE_INFINITY;
  let highest = Number.NEGATIVE_INFINITY;
  const add = (file: string, label: Label): void => {
    let bucket = buckets.get(label.distance);
    if (bucket === undefined) {
      bucket = [];
      buckets.set(label.distance, bucket);
    }
    bucket.push([file, label]);
    lowest = Math.min(lowest, label.distance);
    highest = Math.max(highest, label.distance);
  };
  for (const [file, node] of nodes) {
    const [own] = node.constructions;
    if (own !== undefined) add(file, { file, line: own.line, distance: 0 });
    for (const target of node.targets) {
      if (nodes.has(target)) {
        let list = importers.get(target);
        if (list === undefined) {
          list = [];
          importers.set(target, list);
        }
        list.push(file);
      } else {
        for (const label of reachCache.get(target)?.labels ?? []) add(file, { ...label, distance: label.distance + 1 });
      }
    }
  }
  const labels = new Map<string, Label[]>();
  for (const file of nodes.keys()) labels.set(file, []);
  // Distances only grow while labels spread (each step adds one), so the buckets are taken in increasing order.
  for (let distance = lowest; distance <= highest; distance += 1) {
    const bucket = buckets.get(distance);
    if (bucket === undefined) continue;
    buckets.delete(distance);
    bucket.sort((a, b) => compareLabels(a[1], b[1]));
    for (const [file, label] of bucket) {
      const own = labels.get(file) as Label[];
      if (own.length >= 2 || own.some((known) => known.file === label.file)) continue;
      own.push(label);
      for (const importer of importers.get(file) ?? []) add(importer, { ...label, distance: distance + 1 });
    }
  }
  for (const [file, found] of labels) reachCache.set(file, { epoch: current, labels: found });
  return true;
}

/**
 * `maxModules` only guards against pathological trees: the graph is walked once per epoch (see projectEpoch), each
 * module read once per process while its mtime is unchanged, so the cost grows with the project, not with the
 * number of files linted or of files that construct.
 *
 * The nearest construction that loading `specifiers` (imported by `filename`, whose own text may be unsaved editor
 * text) runs in another file, by number of imports, ties by file name. Cycles and unparsable modules are skipped.
 */
export function importedConstruction(
  filename: string,
  specifiers: readonly string[],
  maxModules = 100_000,
): LoadTimeConstruction | null {
  const current = projectEpoch();
  const targets: string[] = [];
  for (const specifier of specifiers) {
    const target = resolveCached(filename, specifier, current);
    if (target !== null && target !== filename && !targets.includes(target)) targets.push(target);
  }
  if (!computeReach(targets, current, maxModules)) return null;
  let best: Label | null = null;
  for (const target of targets) {
    for (const label of reachCache.get(target)?.labels ?? []) {
      if (label.file === filename) continue;
      const shifted = { ...label, distance: label.distance + 1 };
      if (best === null || compareLabels(shifted, best) < 0) best = shifted;
    }
  }
  return best === null ? null : { file: best.file, line: best.line };
}

/**
 * Every construction that runs when `entry` starts: its own load-time constructions and those of every project
 * module it loads, transitively (what one process of a program opens at start-up).
 */
export function constructionsLoadedBy(entry: string, maxModules = 100_000): LoadTimeConstruction[] {
  const found: LoadTimeConstruction[] = [];
  const seen = new Set<string>([entry]);
  const queue: string[] = [entry];
  for (let head = 0; head < queue.length && seen.size <= maxModules; head += 1) {
    const node = graphNode(queue[head] as string);
    if (node === null) continue;
    found.push(...node.constructions);
    for (const target of node.targets) {
      if (seen.has(target)) continue;
      seen.add(target);
      queue.push(target);
    }
  }
  return found;
}
