import type { TSESLint, TSESTree } from '@typescript-eslint/utils';

import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import type { AnalysisHost } from '../file-analysis/ast';

import { memberName, skipTypeWrappers, staticKeyName } from '../file-analysis/ast';
import { loadEspreeTools, scopeLookup } from '../file-analysis/source-analysis';

/**
 * Reading the project's own modules (never `node_modules`) so analysis can follow a relative import to the
 * value it names: `require('../db')`, `import { sequelize } from './db.js'`. Used by the instance detection
 * and meant for any rule that needs a project import graph.
 */

/**
 * A parsed project module with the scope analysis the `lib/` helpers need. The scopes are analysed on the first
 * `host.getScope` call, not when the module is read: most modules read for analysis are only asked for their syntax
 * (exports, imports, a name gate's provides, a model summary), and scope analysis is a fifth of a parse's cost.
 */
export interface ProjectModule {
  filename: string;
  text: string;
  ast: TSESTree.Program;
  host: AnalysisHost;
}

/** A module's exports, as the expressions (or declarations) that produce them. */
export interface ModuleExports {
  /** CommonJS `module.exports = value`: the whole module object (also what an ESM default import of it gets). */
  whole: TSESTree.Node | null;
  /** `exports.x = v`, `module.exports.x = v`, `export const x = v`, `export function x`, `export { v as x }`. */
  named: Map<string, TSESTree.Node>;
  /** `export default value`. */
  defaultExport: TSESTree.Node | null;
  /** `export * from './x'`: specifiers to search for names not found here. */
  starFrom: string[];
  /** `export { x } from './y'`: the exported name to the module and name it comes from. */
  reexports: Map<string, { specifier: string; name: string }>;
}

/** Extensions tried after a specifier, in this order (a TypeScript project's `./db.js` also means `./db.ts`). */
export const MODULE_EXTENSIONS = ['.js', '.cjs', '.mjs', '.ts', '.tsx', '.mts', '.cts'] as const;

const JS_TO_TS: Record<string, string[]> = {
  '.js': ['.ts', '.tsx'],
  '.mjs': ['.mts'],
  '.cjs': ['.cts'],
};

/** Files larger than this are not generated-code-free application modules worth parsing for exports. */
const MAX_FILE_BYTES = 1_000_000;

/** True for `./x`, `../x`, `.` and `..`: the only specifiers analysis follows. */
export function isRelativeSpecifier(specifier: string): boolean {
  return specifier === '.' || specifier === '..' || specifier.startsWith('./') || specifier.startsWith('../');
}

/** A folder's files: their names, and the same names lower-cased. */
interface Listing {
  names: Set<string>;
  lowerCased: Set<string>;
}

/** Per folder, for one epoch: its entries that are files (a lookup tries up to 21 names, most of them missing). */
const folderFiles = new Map<string, { epoch: number; files: Listing | null }>();

/**
 * The first of `names` (with `lowerCased`, the same names lower-cased) that is a file in `folder`, as a path, or
 * null. While linting goes on, the folder is listed once per epoch and the names are looked up in the listing;
 * outside a lint (every call its own epoch) one stat per name is cheaper than a listing.
 */
function firstFileIn(folder: string, names: readonly string[], lowerCased: readonly string[]): string | null {
  let listing: Listing | null = null;
  if (!isPause(Date.now())) {
    let listed = folderFiles.get(folder);
    if (listed?.epoch !== epoch.id) {
      listed = { epoch: epoch.id, files: listFiles(folder) };
      folderFiles.set(folder, listed);
    }
    listing = listed.files;
  }
  // `folder` is absolute and normalized: it ends with a separator only when it is a root.
  const prefix = folder.endsWith(path.sep) ? folder : folder + path.sep;
  for (let index = 0; index < names.length; index += 1) {
    const name = names[index] as string;
    if (listing !== null) {
      if (listing.names.has(name)) return prefix + name;
      // Not listed under this exact name: missing, unless a case-insensitive file system (macOS, Windows) finds it
      // under another case, which the stat below decides.
      if (!listing.lowerCased.has(lowerCased[index] as string)) continue;
    }
    if (isFile(prefix + name)) return prefix + name;
  }
  return null;
}

function isFile(filename: string): boolean {
  try {
    // No exception for a missing file: most candidates of a lookup do not exist, and a thrown ENOENT costs far more
    // than the stat.
    return statSync(filename, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}

/** The files in `folder` (symbolic links followed), or null. */
function listFiles(folder: string): Listing | null {
  try {
    const files: Listing = { names: new Set(), lowerCased: new Set() };
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.isFile() || (entry.isSymbolicLink() && isFile(path.join(folder, entry.name)))) {
        files.names.add(entry.name);
        files.lowerCased.add(entry.name.toLowerCase());
      }
    }
    return files;
  } catch {
    return null;
  }
}

/**
 * The file a relative specifier names from `fromFilename`, with Node's and TypeScript's lookups (exact file,
 * added extension, `.js` written for a `.ts` source, `index` file), or null. Never resolves into `node_modules`.
 */
export function resolveRelativeModule(fromFilename: string, specifier: string): string | null {
  if (!isRelativeSpecifier(specifier) || !path.isAbsolute(fromFilename)) return null;
  // Within one epoch (see projectEpoch) a lookup is made once per importing folder: every file of a folder asks for
  // `../models` and `./db`, each costing up to 21 stat calls. Outside a lint every call is an epoch of its own.
  // Keyed by the importing file, then the specifier: both are usually the same strings again (no key to build).
  let folder = resolutionsByImporter.get(fromFilename);
  if (folder === undefined) {
    const name = path.dirname(fromFilename);
    folder = resolutionsByFolder.get(name);
    if (folder === undefined) {
      folder = new Map();
      resolutionsByFolder.set(name, folder);
    }
    resolutionsByImporter.set(fromFilename, folder);
  }
  const current = projectEpoch();
  const known = folder.get(specifier);
  if (known?.epoch === current) return known.target;
  const target = lookUpRelativeModule(fromFilename, specifier);
  folder.set(specifier, { epoch: current, target });
  return target;
}

/** Resolved relative specifiers per importing folder (each valid for one epoch), and each importing file's folder's. */
const resolutionsByFolder = new Map<string, Map<string, { epoch: number; target: string | null }>>();
const resolutionsByImporter = new Map<string, Map<string, { epoch: number; target: string | null }>>();

/** `index` with each extension, in lookup order. */
const INDEX_NAMES = MODULE_EXTENSIONS.map((added) => `index${added}`);

function lookUpRelativeModule(fromFilename: string, specifier: string): string | null {
  const base = path.resolve(path.dirname(fromFilename), specifier);
  const folder = path.dirname(base);
  // Never into node_modules: the candidates lie next to `base` (a name with an extension) or inside it (`index`).
  if (folder.split(path.sep).includes('node_modules')) return null;
  const name = path.basename(base);
  const lowerCased = name.toLowerCase();
  const names: string[] = [];
  const lowerNames: string[] = [];
  const extension = path.extname(name);
  if ((MODULE_EXTENSIONS as readonly string[]).includes(extension)) {
    names.push(name);
    lowerNames.push(lowerCased);
    for (const tsExtension of JS_TO_TS[extension] ?? []) {
      names.push(name.slice(0, -extension.length) + tsExtension);
      lowerNames.push(lowerCased.slice(0, -extension.length) + tsExtension);
    }
  }
  for (const added of MODULE_EXTENSIONS) {
    names.push(name + added);
    lowerNames.push(lowerCased + added);
  }
  const found = firstFileIn(folder, names, lowerNames);
  if (found !== null || name === 'node_modules') return found;
  return firstFileIn(base, INDEX_NAMES, INDEX_NAMES);
}

interface CacheEntry {
  /** The epoch (see projectEpoch) in which the file's mtime and size were last compared with the disk. */
  checkedEpoch: number;
  mtimeMs: number;
  size: number;
  text: string | null;
  module?: ProjectModule | null;
  /** The one parse of `text` (loadModuleSyntax and loadProjectModule share it), or null when it does not parse. */
  parsed?: Parsed | null;
  exports?: ModuleExports;
}

/** A module's AST and the scope analyser that matches the parser that produced it. */
interface Parsed {
  ast: TSESTree.Program;
  analyser: Analyser;
}

/** Per process, keyed by path; an entry is reused while the file's mtime and size are unchanged. */
const cache = new Map<string, CacheEntry>();

/**
 * How long linting may pause before cached files are compared with the disk again. Within one epoch each project
 * file is stat'ed once (a whole-project lint of 20,000 files would otherwise repeat 20,000 stat calls, and the
 * import-graph walk, for every file that asks). An epoch lasts while linting goes on without a pause of this
 * length (a CLI run is one epoch, whatever its size), and ends at once when a file being linted turns out to have
 * changed on disk (an editor lints the file it saves); so an edit made outside the editor is seen by the first lint
 * that starts a second or more after the previous one.
 */
export const FRESHNESS_MS = 1000;

let epochs = 0;
let epoch = { id: 0, lastUsed: Number.NEGATIVE_INFINITY, idleAt: 0 };

/** Milliseconds this thread's event loop has waited (for I/O, timers, the next request) since it started. */
const loopIdle = (): number => performance.eventLoopUtilization().idle;

/**
 * Has linting paused? Not before FRESHNESS_MS since the project model was last used, and not while the thread was
 * busy all along: a CLI run on a loaded machine can take longer than that between two uses (ESLint parsing the next
 * file, a garbage collection, the process waiting for a core) without any pause, and a new epoch there would drop
 * every per-epoch answer in the middle of a run (a lint of one file of a large project paid for the whole import
 * graph again on every call). A pause is time the thread waited: an editor between two lints, a test awaiting a
 * timer. Outside a lint (no file noted yet) every call is a pause.
 */
function isPause(now: number): boolean {
  if (now - epoch.lastUsed <= FRESHNESS_MS) return false;
  if (epoch.lastUsed === Number.NEGATIVE_INFINITY) return true;
  return loopIdle() - epoch.idleAt >= FRESHNESS_MS / 2;
}

/**
 * The current epoch while linting goes on (noteLintedFile keeps it alive, and so does every use of the project
 * model within it); outside a lint (doctor, the codemod, a test that rewrites files) every call is an epoch of its
 * own, so every read compares the file with the disk.
 */
export function projectEpoch(): number {
  const now = Date.now();
  if (!isPause(now)) {
    epoch.lastUsed = now;
    return epoch.id;
  }
  epochs += 1;
  return epochs;
}

function newEpoch(now: number): void {
  epochs += 1;
  epoch = { id: epochs, lastUsed: now, idleAt: loopIdle() };
}

/**
 * Called by the rules for the file being linted: linting goes on, so the epoch continues (a CLI run stays one
 * epoch while it lints file after file). When the file changed on disk since it was cached (the editor just saved
 * it), a new epoch starts, so every other cached module is checked again and graph answers are recomputed.
 * `text`, the text being linted: when it is the cached text, the file is what analysis read, and the stat is
 * skipped (a whole-project run lints every module the graph has read: one stat a file, 2% of a 20,000-file lint).
 */
export function noteLintedFile(filename: string, text?: string): void {
  const now = Date.now();
  if (isPause(now)) newEpoch(now);
  else {
    epoch.lastUsed = now;
    epoch.idleAt = loopIdle();
  }
  const cached = cache.get(filename);
  if (cached === undefined || (text !== undefined && cached.text === text)) return;
  let stats;
  try {
    stats = statSync(filename);
  } catch {
    cache.delete(filename);
    newEpoch(now);
    return;
  }
  if (cached.mtimeMs !== stats.mtimeMs || cached.size !== stats.size) newEpoch(now);
}

function entryFor(filename: string): CacheEntry | null {
  const current = projectEpoch();
  const known = cache.get(filename);
  if (known?.checkedEpoch === current) return known;
  let stats;
  try {
    stats = statSync(filename);
  } catch {
    cache.delete(filename);
    return null;
  }
  const cached = cache.get(filename);
  if (cached !== undefined && cached.mtimeMs === stats.mtimeMs && cached.size === stats.size) {
    cached.checkedEpoch = current;
    return cached;
  }
  let text: string | null = null;
  if (stats.isFile() && stats.size <= MAX_FILE_BYTES) {
    try {
      text = readFileSync(filename, 'utf8');
    } catch {
      text = null;
    }
  }
  const entry: CacheEntry = { checkedEpoch: current, mtimeMs: stats.mtimeMs, size: stats.size, text };
  cache.set(filename, entry);
  return entry;
}

/** The text of a project file (cached), or null when it cannot be read. */
export function readModuleText(filename: string): string | null {
  return entryFor(filename)?.text ?? null;
}

/**
 * The parsed module at `filename`, or null when it cannot be read or parsed (a syntax error, or TypeScript
 * syntax without the `typescript` package). `mustContain` is a cheap text test run before parsing: a module
 * that cannot contain what the caller looks for is never parsed. Its scopes are analysed on the first
 * `host.getScope` call (see ProjectModule); a module first read with loadModuleSyntax is not parsed again.
 */
export function loadProjectModule(filename: string, mustContain?: RegExp): ProjectModule | null {
  const entry = entryFor(filename);
  if (entry?.text == null) return null;
  if (mustContain !== undefined && !mustContain.test(entry.text)) return null;
  if (entry.module === undefined) {
    const parsed = parsedEntry(filename, entry, entry.text, false);
    if (parsed === null) entry.module = null;
    else {
      parseStats.modules += 1;
      entry.module = { filename, text: entry.text, ast: parsed.ast, host: lazyHost(parsed) };
    }
  }
  return entry.module;
}

/** Whether `filename` has been loaded as a module (loadProjectModule) and is still cached: what a lint read, for tests and measurements. */
export function moduleParsed(filename: string): boolean {
  return cache.get(filename)?.module !== undefined;
}

/**
 * Has `filename` been loaded for analysis (loadProjectModule, successfully or not) since it was last read? For tests
 * of the load gates: a module a gate skips is never loaded.
 */
export function wasParsed(filename: string): boolean {
  return cache.get(filename)?.module !== undefined;
}

/** Have the scopes of `filename`, as last read, been analysed (something asked for one of its bindings)? For tests. */
export function wasScopeAnalysed(filename: string): boolean {
  const module = cache.get(filename)?.module;
  return module != null && analysedHosts.has(module.host);
}

/**
 * The parsed AST of `filename` without scope analysis, or null. Parents are set. For walking a module's imports
 * when nothing in it needs a binding resolved; a later loadProjectModule of the same file reuses this parse.
 */
export function loadModuleSyntax(filename: string, mustContain?: RegExp): { filename: string; text: string; ast: TSESTree.Program } | null {
  const entry = entryFor(filename);
  if (entry?.text == null) return null;
  if (mustContain !== undefined && !mustContain.test(entry.text)) return null;
  const parsed = parsedEntry(filename, entry, entry.text, true);
  return parsed === null ? null : { filename, text: entry.text, ast: parsed.ast };
}

/**
 * Counts of this process's work on other project modules, for tests and measurements: `modules` loaded for
 * analysis (loadProjectModule), `syntax` parses made for loadModuleSyntax, `parses` in all (each file once per
 * modification, whoever asks first), `scopes` analysed (on a binding's first lookup).
 */
export const parseStats = { modules: 0, syntax: 0, parses: 0, scopes: 0 };

function parsedEntry(filename: string, entry: CacheEntry, text: string, syntaxOnly: boolean): Parsed | null {
  if (entry.parsed === undefined) {
    if (syntaxOnly) parseStats.syntax += 1;
    entry.parsed = parseText(filename, text);
  }
  return entry.parsed;
}

/** Forgets every cached module (tests that rewrite fixtures use it). */
export function clearProjectModuleCache(): void {
  cache.clear();
  resolutionsByFolder.clear();
  resolutionsByImporter.clear();
  folderFiles.clear();
  epoch = { id: 0, lastUsed: Number.NEGATIVE_INFINITY, idleAt: 0 };
}

type Parse = (text: string, filename: string) => TSESTree.Program;

let parsers: { typescript: Parse | null; espree: Parse | null } | null = null;

/**
 * typescript-estree needs the `typescript` package, which a JavaScript project may not have; espree comes with
 * every ESLint. Both are loaded lazily and either may be missing.
 */
function loadParsers(): { typescript: Parse | null; espree: Parse | null } {
  parsers ??= { typescript: loadTypeScriptParser(), espree: loadEspree() };
  return parsers;
}

/**
 * typescript-estree, loaded on the first TypeScript module (or JavaScript espree cannot parse): loading it loads the
 * `typescript` package, several hundred milliseconds that a JavaScript project's lint should not pay.
 */
function loadTypeScriptParser(): Parse | null {
  const load = createRequire(__filename);
  try {
    load.resolve('typescript');
    load.resolve('@typescript-eslint/typescript-estree');
  } catch {
    return null;
  }
  let estree: typeof import('@typescript-eslint/typescript-estree') | undefined;
  return (text, filename) => {
    estree ??= load('@typescript-eslint/typescript-estree') as typeof import('@typescript-eslint/typescript-estree');
    return estree.parse(text, { range: true, loc: true, comment: false, jsx: /\.[jt]sx$/u.test(filename), filePath: filename });
  };
}

function loadEspree(): Parse | null {
  let parser: { parse(text: string, options: Record<string, unknown>): TSESTree.Program };
  try {
    parser = loadEspreeTools();
  } catch {
    return null;
  }
  return (text, filename) => {
    const options = { ecmaVersion: 'latest', range: true, loc: true };
    if (filename.endsWith('.mjs')) return parser.parse(text, { ...options, sourceType: 'module' });
    if (filename.endsWith('.cjs')) return parser.parse(text, { ...options, sourceType: 'commonjs' });
    try {
      return parser.parse(text, { ...options, sourceType: 'module' });
    } catch {
      return parser.parse(text, { ...options, sourceType: 'commonjs' });
    }
  };
}

type Analyser = 'eslint-scope' | 'typescript';

/**
 * One parse: espree first for JavaScript (several times faster than typescript-estree, which only JavaScript
 * espree rejects needs), typescript-estree for TypeScript. Parents are set; scopes are not analysed.
 */
function parseText(filename: string, text: string): Parsed | null {
  parseStats.parses += 1;
  const { typescript, espree } = loadParsers();
  const attempts: [Parse | null, Analyser][] = /\.[cm]?tsx?$/u.test(filename)
    ? [[typescript, 'typescript']]
    : [
        [espree, 'eslint-scope'],
        [typescript, 'typescript'],
      ];
  for (const [parse, analyser] of attempts) {
    if (parse === null) continue;
    try {
      const ast = parse(text, filename);
      setParents(ast);
      return { ast, analyser };
    } catch {
      // Not parsable with this parser: try the next, else skip the module.
    }
  }
  return null;
}

/** Hosts whose scopes have been analysed (wasScopeAnalysed). */
const analysedHosts = new WeakSet<AnalysisHost>();

/**
 * A host that analyses the module's scopes on its first lookup. Should the analysis fail (never seen on the
 * 11,700 modules of the 16 real apps: these are the parser/analyser pairs ESLint itself lints with), the module
 * answers as syntax alone does: no binding is known, so an identifier resolves to nothing and a global name such as
 * `require` is taken by its name, as the import graph reads a module without scopes.
 */
function lazyHost(parsed: Parsed): AnalysisHost {
  let lookup: AnalysisHost['getScope'] | null = null;
  const host: AnalysisHost = {
    getScope: (node) => {
      if (lookup === null) {
        parseStats.scopes += 1;
        analysedHosts.add(host);
        lookup = scopeLookupFor(parsed) ?? emptyScopeLookup(parsed.ast);
      }
      return lookup(node);
    },
  };
  return host;
}

function adopt(parent: TSESTree.Node, child: unknown, stack: TSESTree.Node[]): void {
  if (child !== null && typeof child === 'object' && typeof (child as { type?: unknown }).type === 'string') {
    (child as { parent: TSESTree.Node }).parent = parent;
    stack.push(child as TSESTree.Node);
  }
}

/** ESLint sets `parent` while traversing; a module parsed here gets it once, up front. */
function setParents(root: TSESTree.Node): void {
  const stack: TSESTree.Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as TSESTree.Node;
    const record = node as unknown as Record<string, unknown>;
    // Object.keys, no wrapper array per key: this runs on every node of every module parsed here.
    for (const key of Object.keys(record)) {
      if (key === 'parent' || key === 'loc' || key === 'range' || key === 'tokens' || key === 'comments') continue;
      const value = record[key];
      if (Array.isArray(value)) {
        for (const child of value as unknown[]) adopt(node, child, stack);
      } else adopt(node, value, stack);
    }
  }
}

/**
 * Scope analysis with the analyser that matches the parser, as ESLint pairs them: eslint-scope for espree's
 * ESTree (typescript-eslint's scope manager expects TSESTree-only fields and throws on espree functions), and
 * @typescript-eslint/scope-manager for typescript-estree.
 */
function scopeLookupFor({ ast, analyser }: Parsed): AnalysisHost['getScope'] | null {
  let scopeManager: TSESLint.Scope.ScopeManager;
  const isModule = ast.body.some(
    (statement) =>
      statement.type === AST_NODE_TYPES.ImportDeclaration ||
      statement.type === AST_NODE_TYPES.ExportAllDeclaration ||
      statement.type === AST_NODE_TYPES.ExportDefaultDeclaration ||
      statement.type === AST_NODE_TYPES.ExportNamedDeclaration,
  );
  try {
    if (analyser === 'eslint-scope') {
      // espree's visitor keys, and its key reader for a node type they lack, as ESLint passes them: eslint-scope's own
      // fallback iterates every key of such a node, `parent` included, which leads back up the tree set above.
      const tools = loadEspreeTools();
      scopeManager = tools.analyze(ast, { ecmaVersion: 2022, sourceType: isModule ? 'module' : 'script', childVisitorKeys: tools.keys, fallback: tools.getKeys });
    } else {
      const { analyze } = createRequire(__filename)('@typescript-eslint/scope-manager') as typeof import('@typescript-eslint/scope-manager');
      scopeManager = analyze(ast, { sourceType: isModule ? 'module' : 'script' });
    }
  } catch {
    return null;
  }
  if (scopeManager.scopes[0] === undefined) return null;
  return scopeLookup(scopeManager);
}

/** The lookup of a module whose scopes could not be analysed: one global scope declaring nothing. */
function emptyScopeLookup(ast: TSESTree.Program): AnalysisHost['getScope'] {
  const { analyze } = createRequire(__filename)('@typescript-eslint/scope-manager') as typeof import('@typescript-eslint/scope-manager');
  const empty = analyze({ ...ast, body: [] }, { sourceType: 'script' }).scopes[0] as TSESLint.Scope.Scope;
  return () => empty;
}

/** The exports of a parsed module (computed once per cached parse). */
export function moduleExports(module: ProjectModule): ModuleExports {
  const entry = cache.get(module.filename);
  if (entry?.module === module && entry.exports !== undefined) return entry.exports;
  const exports = collectExports(module.ast);
  if (entry?.module === module) entry.exports = exports;
  return exports;
}

/** `module.exports` or `exports` (the CommonJS export object), as a member chain root. */
function commonJsExportTarget(node: TSESTree.Node): 'exports' | 'module.exports' | null {
  const target = skipTypeWrappers(node);
  if (target.type === AST_NODE_TYPES.Identifier && target.name === 'exports') return 'exports';
  if (
    target.type === AST_NODE_TYPES.MemberExpression &&
    memberName(target) === 'exports' &&
    target.object.type === AST_NODE_TYPES.Identifier &&
    target.object.name === 'module'
  ) {
    return 'module.exports';
  }
  return null;
}

function collectExports(program: TSESTree.Program): ModuleExports {
  const result: ModuleExports = {
    whole: null,
    named: new Map(),
    defaultExport: null,
    starFrom: [],
    reexports: new Map(),
  };
  for (const statement of program.body) {
    switch (statement.type) {
      case AST_NODE_TYPES.ExpressionStatement:
        collectCommonJsExport(statement.expression, result);
        break;
      case AST_NODE_TYPES.ExportDefaultDeclaration:
        result.defaultExport = statement.declaration;
        break;
      case AST_NODE_TYPES.ExportAllDeclaration:
        if (statement.exported === null && statement.exportKind !== 'type') result.starFrom.push(statement.source.value);
        break;
      case AST_NODE_TYPES.ExportNamedDeclaration:
        collectNamedExport(statement, result);
        break;
      default:
        break;
    }
  }
  return result;
}

function collectCommonJsExport(expression: TSESTree.Expression, result: ModuleExports): void {
  if (expression.type !== AST_NODE_TYPES.AssignmentExpression || expression.operator !== '=') return;
  const { left, right } = expression;
  if (commonJsExportTarget(left) === 'module.exports') {
    result.whole = right;
    return;
  }
  if (left.type !== AST_NODE_TYPES.MemberExpression) return;
  const name = memberName(left);
  if (name !== null && commonJsExportTarget(left.object) !== null) result.named.set(name, right);
}

function collectNamedExport(statement: TSESTree.ExportNamedDeclaration, result: ModuleExports): void {
  if (statement.exportKind === 'type') return;
  const { declaration } = statement;
  if (declaration !== null) {
    if (declaration.type === AST_NODE_TYPES.VariableDeclaration) {
      for (const declarator of declaration.declarations) {
        if (declarator.id.type === AST_NODE_TYPES.Identifier) result.named.set(declarator.id.name, declarator.id);
      }
    } else if (
      (declaration.type === AST_NODE_TYPES.FunctionDeclaration || declaration.type === AST_NODE_TYPES.ClassDeclaration) &&
      declaration.id !== null
    ) {
      result.named.set(declaration.id.name, declaration);
    }
    return;
  }
  for (const specifier of statement.specifiers) {
    if (specifier.exportKind === 'type') continue;
    const exported = staticKeyName(specifier.exported, false) ?? (specifier.exported as { value?: string }).value;
    const local = staticKeyName(specifier.local, false) ?? (specifier.local as { value?: string }).value;
    if (exported === undefined || local === undefined) continue;
    if (statement.source !== null) {
      result.reexports.set(exported, { specifier: statement.source.value, name: local });
    } else if (specifier.local.type === AST_NODE_TYPES.Identifier) {
      if (exported === 'default') result.defaultExport = specifier.local;
      else result.named.set(exported, specifier.local);
    }
  }
}

/** A value found in some module: the expression and the module whose scopes resolve it. */
export interface ModuleValue {
  module: ProjectModule;
  node: TSESTree.Node;
}

/**
 * The expression a module exports under `name` (`'default'` for a default import, which for a CommonJS module is
 * `module.exports`), following `export … from` re-exports. `mustContain` is passed to every module read.
 */
export function exportedValue(
  module: ProjectModule,
  name: string,
  mustContain?: RegExp,
  depth = 0,
): ModuleValue | null {
  if (depth > 8) return null;
  const exports = moduleExports(module);
  if (name === 'default') {
    const node = exports.defaultExport ?? exports.whole;
    return node === null ? null : { module, node };
  }
  const named = exports.named.get(name);
  if (named !== undefined) return { module, node: named };
  const reexport = exports.reexports.get(name);
  const follow = (specifier: string, exportName: string): ModuleValue | null => {
    const filename = resolveRelativeModule(module.filename, specifier);
    const next = filename === null ? null : loadProjectModule(filename, mustContain);
    return next === null ? null : exportedValue(next, exportName, mustContain, depth + 1);
  };
  if (reexport !== undefined) return follow(reexport.specifier, reexport.name);
  for (const specifier of exports.starFrom) {
    const found = follow(specifier, name);
    if (found !== null) return found;
  }
  return null;
}

/**
 * Parses `text` as one JavaScript expression (a JSON5 document is one), with ranges into `text` itself, or
 * null when it is not one. For data files read statically (node-config's `.json5`); nothing is evaluated.
 */
export function parseExpressionText(text: string): TSESTree.Expression | null {
  const { espree, typescript } = loadParsers();
  // Wrapped in parentheses so `{ … }` is an object, not a block; ranges are shifted back below.
  const wrapped = `(${text}\n)`;
  for (const parse of [espree, typescript]) {
    if (parse === null) continue;
    let ast: TSESTree.Program;
    try {
      ast = parse(wrapped, 'data.cjs');
    } catch {
      continue;
    }
    const [statement] = ast.body;
    if (ast.body.length !== 1 || statement?.type !== AST_NODE_TYPES.ExpressionStatement) return null;
    shiftRanges(statement.expression, -1);
    setParents(statement.expression);
    return statement.expression;
  }
  return null;
}

function shiftRanges(root: TSESTree.Node, by: number): void {
  const stack: TSESTree.Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as TSESTree.Node;
    node.range = [node.range[0] + by, node.range[1] + by];
    for (const [key, value] of Object.entries(node)) {
      if (key === 'parent') continue;
      for (const child of (Array.isArray(value) ? value : [value]) as unknown[]) {
        if (child !== null && typeof child === 'object' && typeof (child as { type?: unknown }).type === 'string') stack.push(child as TSESTree.Node);
      }
    }
  }
}
