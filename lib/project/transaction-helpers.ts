import type { TSESLint, TSESTree } from '@typescript-eslint/utils';

import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { DefinitionType } from '../scope-kinds';

import type { GateQuestion } from './load-gates';
import type { NamesQuestion } from './name-gates';
import type { ProjectModule } from './project-modules';
import type { QueryCall } from './queries';
import type { SequelizeAnalysis, ValueKind } from './sequelize-instances';

import { childNodes, findVariable, isFunctionNode, memberName, patternPath, returnedExpressions, skipTypeWrappers, staticKeyName } from '../file-analysis/ast';
import { requiredModule } from '../file-analysis/sequelize-detection';
import { leadingNames } from './instance-factories';
import { mayProvide } from './name-gates';
import { exportedValue, isRelativeSpecifier, loadProjectModule, moduleExports, resolveRelativeModule } from './project-modules';
import { queryCall } from './queries';
import { classifyValue, isSequelizeInstance } from './sequelize-instances';

/**
 * Transaction helpers: the functions of the project that begin, release or forward a transaction, and those that run
 * queries, followed from a call to the function it names, in the same module or through relative imports
 * (a `require` or `import` of a project file, `SequelizeRepository.createTransaction()`,
 * `orderRepository.createOrder(data, t)`, `this.helper()`).
 *
 * Each function gets a summary computed from its syntax once per parse (the project-module cache keeps a module's
 * parse while its mtime and size are unchanged, so the summaries of an imported module live as long as it does):
 * - `begins`: it returns an unmanaged transaction (`return sequelize.transaction()`), so `await helper()` opens one;
 * - for each parameter, what it does with a transaction passed there: `release` (commits or rolls it back: it takes
 *   the ending over), `forward` (only passes it on as `{ transaction: t }` or to functions that do: the caller still
 *   owns it), or `escape` (stores, returns, or hands it where analysis cannot follow: nothing is claimed);
 * - the queries it runs on its own code path (directly, or in a helper it calls: at most {@link MAX_HELPER_DEPTH}
 *   calls deep), with how they take a transaction.
 *
 * Bounds: a function is followed at most {@link MAX_HELPER_DEPTH} calls deep and through at most
 * {@link MAX_RESOLVE_DEPTH} bindings or re-exports; a module that cannot be read or parsed, a package, a dynamic
 * member, or a function with more than {@link MAX_HELPER_QUERIES} queries gives no summary, and the rules then stay
 * silent about that call (an unknown callee takes ownership; an unknown helper runs no query we know of).
 */

export type FunctionNode = TSESTree.ArrowFunctionExpression | TSESTree.FunctionDeclaration | TSESTree.FunctionExpression;

/** A function and the analysis of the module it lives in. */
export interface FunctionRef {
  fn: FunctionNode;
  analysis: SequelizeAnalysis;
  /** What the call site calls it (`createTransaction`, `orderRepository.createOrder`). */
  name: string;
}

/** Names of wrapper functions analysis cannot see (a package's), from the rules' `transactionHelpers` option. */
export interface TransactionHelperNames {
  /** Return an unmanaged transaction: `const t = await begin()`. */
  begin: readonly string[];
  /** Commit or roll back the transaction passed to them: `commitTransaction(t)`. */
  release: readonly string[];
  /** Only pass the transaction on to queries: the caller keeps owning it. */
  forward: readonly string[];
}

export const NO_HELPER_NAMES: TransactionHelperNames = { begin: [], release: [], forward: [] };

/** What a function does with a transaction passed as one of its arguments. */
export type ArgumentUse = 'escape' | 'forward' | 'release';

/** A query a helper runs without a transaction from its caller. */
export interface HelperQuery {
  /** The query call, in the helper's module. */
  query: QueryCall;
  /** The module the query is in. */
  analysis: SequelizeAnalysis;
  /** Helpers from the call site down to the query (`getDeviceInDb` → `getById`). */
  chain: string[];
}

export const MAX_HELPER_DEPTH = 2;
const MAX_RESOLVE_DEPTH = 8;
const MAX_HELPER_QUERIES = 50;

//------------------------------------------------------------------------------
// Analyses of other modules
//------------------------------------------------------------------------------

const moduleAnalyses = new WeakMap<ProjectModule, Map<string, SequelizeAnalysis>>();

/** The analysis of a project module, shared by every lookup with the same instance pattern. */
export function moduleAnalysis(module: ProjectModule, base: SequelizeAnalysis): SequelizeAnalysis {
  let byPattern = moduleAnalyses.get(module);
  if (byPattern === undefined) {
    byPattern = new Map();
    moduleAnalyses.set(module, byPattern);
  }
  const key = base.instancePattern.source;
  let analysis = byPattern.get(key);
  if (analysis === undefined) {
    analysis = { host: module.host, filename: module.filename, instancePattern: base.instancePattern, types: null, cache: new WeakMap() };
    byPattern.set(key, analysis);
  }
  return analysis;
}

/**
 * The question being answered, while one is: `beginningHelper` (asked of every awaited call whose result is kept)
 * loads only modules through whose names a helper that begins a transaction can be reached (BEGIN_GATE).
 */
let loadGate: NamesQuestion | null = null;

/**
 * A helper that begins a transaction returns an unmanaged `x.transaction(…)` call, in its own module or in one it
 * calls into; only such a module holds the answer (see mayBeginTransaction).
 */
export const BEGINS_TRANSACTIONS: GateQuestion = { name: 'begins-transactions', holds: (filename, text) => mayBeginTransaction(text, filename) };

/**
 * beginningHelper's name gate (lib/project/name-gates): a module holds a helper that begins a transaction only when
 * its text may (mayBeginTransaction), and leads to one only through the names under which its functions, methods,
 * classes and objects that return such a start, or call a name that leads to one, can be selected (leadingNames,
 * following instances as resolveContainer does: `new Repo().begin()`, `this.start()`, `extends`). Without it every
 * module passed the closure test (each reaches one that begins a transaction): opencollective-api's models were
 * parsed for `models.X.findOne()`.
 */
export const BEGIN_GATE: NamesQuestion = {
  name: 'begins',
  holds: (filename, text) => mayBeginTransaction(text, filename),
  provides: (module, imported) => leadingNames(module, imported, { begins: mayStartUnmanaged, instances: true }),
};


/**
 * Can `call` (of a member named `transaction`) be an unmanaged start as beginValue reads one, by its syntax alone: no
 * argument, an object literal, or a name an options parameter may have, last (beginValue also asks that the name be
 * a parameter and the receiver a Sequelize instance).
 */
function mayStartUnmanaged(call: TSESTree.CallExpression): boolean {
  const last = call.arguments.at(-1);
  if (last === undefined) return true;
  const node = skipTypeWrappers(last);
  return node.type === AST_NODE_TYPES.ObjectExpression || (node.type === AST_NODE_TYPES.Identifier && OPTIONS_NAME.test(node.name));
}

/** A parameter passed through as a transaction's options (`createTransaction(options)`), by its name. */
const OPTIONS_NAME = /options|opts|config/iu;

/** Read right before `transaction`: a member access (`.`, `?.`, a comment) or a computed key's quote. */
const BEFORE_MEMBER = /(?:\.|\*\/|\[\s*(['"`]))\s*$/u;
/**
 * Read right after `transaction`: no call of it. An operator or punctuator (`.x` selects from its value), `=`, or a
 * `?` that is a conditional, an optional property's mark (`transaction?: Transaction`) or an optional member
 * (`transaction?.kind`), anything but an optional call `?.(` (or `?.` then a comment, which may precede its `(`); a
 * word (a new statement, `in`, a comment's prose), except `as` and `satisfies`, after which a parenthesized call may follow (`(db.transaction as any)()`).
 */
const AFTER_MEMBER_NO_CALL = /^\s*(?:[,;:}\].+\-*%&|^>]|=(?!>)|\?(?!\.\s*[(/])|(?!(?:as|satisfies)(?![\w$]))[\w$])/u;
/** A TypeScript module without JSX: a `<` there is an operator or a type's bracket. */
const TYPESCRIPT_NO_JSX = /\.[cm]?ts$/u;
const AFTER_CLOSING_PARENS = /^(?:\s*\))+\s*(.)/su;
const FUNCTION_START = /^\s*(?:async\b|function\b|[\w$]+\s*=>|\([^()]*\)\s*(?::[^=;{}()]+)?=>)/u;

/**
 * Can `text` hold an unmanaged transaction's start, a call of a member named `transaction` whose last argument is
 * not a function? What is skipped, provably not one: `transaction` not read as a member (`{ transaction: t }`, a
 * parameter, `createTransaction`, `x.transactions`), a member not called (`options.transaction,`,
 * `t = x.transaction;`, `f(options.transaction)`), and a managed call whose only argument is a callback
 * (`sequelize.transaction(async (t) => { … })`, read to its closing parenthesis) or a name that is not an options
 * parameter's (`sequelize.transaction(runInTransaction)`), or `transaction` read as a member not called
 * (`.transaction?.kind`, `transaction?: Transaction` in a type, `...transaction`). Whatever the scan cannot read for
 * sure (a regular expression left open on its line, a `<` that may open a JSX tag outside TypeScript, an unclosed
 * string) counts as a start. `filename` tells TypeScript without JSX (`.ts`, `.mts`, `.cts`) from the rest.
 */
export function mayBeginTransaction(text: string, filename = ''): boolean {
  const typeScript = TYPESCRIPT_NO_JSX.test(filename);
  for (let at = text.indexOf('transaction'); at !== -1; at = text.indexOf('transaction', at + 1)) {
    const window = text.slice(Math.max(0, at - 200), at);
    const before = BEFORE_MEMBER.exec(window);
    // `...transaction`: a spread of a name, no member.
    if (before === null || /(?:^|[^.])\.\.\.\s*$/u.test(window)) continue;
    let end = at + 'transaction'.length;
    if (before[1] !== undefined) {
      // `x['transaction']`: the key must end there, then the bracket.
      if (text[end] !== before[1]) continue;
      const bracket = /^\s*\]/u.exec(text.slice(end + 1, end + 200));
      if (bracket === null) continue;
      end += 1 + bracket[0].length;
    } else if (/^[\w$]/u.test(text.slice(end, end + 1))) continue;
    const after = text.slice(end, end + 400);
    if (AFTER_MEMBER_NO_CALL.test(after)) continue;
    const closed = AFTER_CLOSING_PARENS.exec(after);
    if (closed !== null && !['(', '`', '?', '!', '<'].includes(closed[1] ?? '')) continue;
    const open = /^\s*\(/u.exec(after);
    if (open !== null && FUNCTION_START.test(text.slice(end + open[0].length, end + open[0].length + 400)) && onlyArgument(text, end + open[0].length, typeScript)) continue;
    // `sequelize.transaction(runInTransaction)`: one name, not an options parameter's (beginValue reads it as managed).
    const named = open === null ? null : /^\s*([\w$]+)\s*\)/u.exec(text.slice(end + open[0].length, end + open[0].length + 200));
    if (named != null && !OPTIONS_NAME.test(named[1] as string)) continue;
    if (mayBeReturned(text, at)) return true;
  }
  return false;
}

/**
 * Can the call whose member name starts at `at` be what a function returns, as beginsIn reads one: written after
 * `return` or `=>` in its statement (also inside `[…]` or parentheses), or assigned with `=` to a name that is
 * returned, directly or through other names assigned from it (`const t = await db.transaction(); … return t`)?
 * Unsure (a comment or a string between the statement's start and the call) counts as yes.
 */
function mayBeReturned(text: string, at: number): boolean {
  let from = at - 1;
  const limit = Math.max(0, at - 2000);
  while (from >= limit && !';{}'.includes(text[from] ?? ';')) from -= 1;
  if (from < limit) return true;
  const statement = text.slice(from + 1, at);
  if (/['"`]|\/[/*]|\*\//u.test(statement) || /\breturn\b|=>/u.test(statement)) return true;
  const assigned = /([\w$]+)\s*(?::[^=]*)?=(?![=>])[^=]*$/u.exec(statement);
  if (assigned === null) return false;
  const names = new Set([assigned[1] as string]);
  for (const name of names) {
    if (names.size > 20) return true;
    const escaped = name.replaceAll('$', '\\$');
    if (new RegExp(`(?:\\breturn\\b[^;{}]*|=>\\s*[[(]?\\s*)(?<![\\w$])${escaped}(?![\\w$])`, 'u').test(text)) return true;
    for (const match of text.matchAll(new RegExp(`([\\w$]+)\\s*(?::[^=;]*)?=\\s*(?:await\\s+)?(?<![\\w$])${escaped}(?![\\w$])`, 'gu'))) names.add(match[1] as string);
  }
  return false;
}

const LINE_TERMINATOR = /[\n\r\u2028\u2029]/gu;

/** After these words a `/` starts a regular expression, not a division. */
const REGEX_AFTER_WORDS = new Set(['await', 'case', 'delete', 'do', 'else', 'in', 'instanceof', 'new', 'of', 'return', 'throw', 'typeof', 'void', 'yield']);
/** A `(` after these words opens a statement's head: a `/` after its `)` starts a regular expression (`if (x) /a/.test(y)`). */
const HEAD_WORDS = new Set(['if', 'while', 'for', 'with']);

/**
 * Whether the call's argument list starting at `from` (after its `(`) closes with no top-level comma: a single
 * argument. False when a comma follows, or when the scan cannot be sure (a string or template left open, a regular
 * expression not closed on its line, a `<` that may open a JSX tag outside TypeScript).
 *
 * A `/` is a division after a name, a number, a string, `)` (unless it closes `if (…)`, `while (…)`, `for (…)`),
 * `]` or a postfix `++` / `--`, and starts a regular expression elsewhere (after an operator, `(`, `,`, `{`, `}`, or
 * a keyword such as `return`), as the language's grammar decides; import-lexer reads it the same way, and a test
 * checks the result against the parser on real code. In TypeScript (`.ts`, `.mts`, `.cts`: no JSX) a `<` is an
 * operator or a type's bracket and hides nothing.
 */
function onlyArgument(text: string, from: number, typeScript: boolean): boolean {
  let depth = 0;
  /** Depths at which a template's `${` opened: its `}` resumes the template. */
  const templates: number[] = [];
  /** For each open `(`, whether it opens a statement's head (`if (`). */
  const heads: boolean[] = [];
  let inTemplate = false;
  /** The last significant character read, and for a word, the word; `)` of a head reads as `{` (a regular expression may follow). */
  let previous = '(';
  let word = '';
  for (let index = from; index < text.length; index += 1) {
    const char = text[index] as string;
    if (inTemplate) {
      if (char === '\\') index += 1;
      else if (char === '`') {
        inTemplate = false;
        previous = '`';
      } else if (char === '$' && text[index + 1] === '{') {
        templates.push(depth);
        depth += 1;
        index += 1;
        inTemplate = false;
        previous = '{';
      }
      continue;
    }
    if (/\s/u.test(char)) continue;
    if (/[\w$]/u.test(char)) {
      let end = index + 1;
      while (end < text.length && /[\w$]/u.test(text[end] as string)) end += 1;
      // A keyword after `.` or `?.` is a property's name (`row.in / 2` divides), not the keyword.
      word = isPropertyName(text, index) ? '' : text.slice(index, end);
      previous = 'a';
      index = end - 1;
      continue;
    }
    const last = previous;
    const lastWord = word;
    previous = char;
    word = '';
    switch (char) {
      case "'":
      case '"': {
        let close = index + 1;
        while (close < text.length && text[close] !== char && text[close] !== '\n') close += text[close] === '\\' ? 2 : 1;
        if (text[close] !== char) return false;
        index = close;
        break;
      }
      case '`':
        inTemplate = true;
        break;
      case '/':
        if (text[index + 1] === '/') {
          // A line comment ends at any line terminator (`\r`, U+2028 and U+2029 too): what follows is code.
          LINE_TERMINATOR.lastIndex = index;
          const line = LINE_TERMINATOR.exec(text)?.index ?? -1;
          if (line === -1) return false;
          index = line;
          previous = last;
          word = lastWord;
        } else if (text[index + 1] === '*') {
          const close = text.indexOf('*/', index + 2);
          if (close === -1) return false;
          index = close + 1;
          previous = last;
          word = lastWord;
        } else {
          const divides = last === ')' || last === ']' || last === '`' || last === "'" || last === '"' || last === '++' || (last === 'a' && !REGEX_AFTER_WORDS.has(lastWord));
          if (divides) break;
          const close = regexEnd(text, index);
          if (close === -1) return false;
          index = close - 1;
          previous = 'a';
        }
        break;
      case '+':
      case '-':
        // A postfix `++` / `--` ends an operand: a `/` after it divides.
        if (text[index + 1] === char && (last === 'a' || last === ')' || last === ']')) {
          index += 1;
          previous = '++';
        }
        break;
      case '<':
        // A JSX tag (`<p>it's</p>`) outside TypeScript: text the scan does not read.
        if (!typeScript && /[\w$/>]/u.test(text[index + 1] ?? '')) return false;
        break;
      case '(':
        heads.push(last === 'a' && HEAD_WORDS.has(lastWord));
        depth += 1;
        break;
      case '[':
      case '{':
        depth += 1;
        break;
      case '}':
        if (templates.at(-1) === depth - 1) {
          templates.pop();
          depth -= 1;
          inTemplate = true;
          break;
        }
        if (depth === 0) return false;
        depth -= 1;
        break;
      case ')':
        if (depth === 0) return true;
        depth -= 1;
        if (heads.pop() === true) previous = '{';
        break;
      case ']':
        if (depth === 0) return false;
        depth -= 1;
        break;
      case ',':
        if (depth === 0) return false;
        break;
      default:
        break;
    }
  }
  return false;
}

/** The word at `at` follows a member's `.` (not a spread's `...`), spaces aside. */
function isPropertyName(text: string, at: number): boolean {
  let dot = at - 1;
  while (dot >= 0 && /\s/u.test(text[dot] as string)) dot -= 1;
  return text[dot] === '.' && text[dot - 1] !== '.';
}

/** The index after the regular expression literal starting at `from` (its `/`), flags included, or -1 when it does not close on its line. */
function regexEnd(text: string, from: number): number {
  let inClass = false;
  for (let at = from + 1; at < text.length; at += 1) {
    const char = text[at];
    if (char === '\\') at += 1;
    else if (char === '\n' || char === '\r') return -1;
    else if (char === '[') inClass = true;
    else if (char === ']') inClass = false;
    else if (char === '/' && !inClass) {
      let end = at + 1;
      while (end < text.length && /[\w$]/u.test(text[end] as string)) end += 1;
      return end;
    }
  }
  return -1;
}

function loadRelative(analysis: SequelizeAnalysis, specifier: string): SequelizeAnalysis | null {
  if (!isRelativeSpecifier(specifier)) return null;
  const filename = resolveRelativeModule(analysis.filename, specifier);
  if (filename !== null && loadGate !== null && !mayProvide(filename, loadGate)) return null;
  const module = filename === null ? null : loadProjectModule(filename);
  return module === null ? null : moduleAnalysis(module, analysis);
}

function moduleOf(analysis: SequelizeAnalysis): ProjectModule | null {
  return loadProjectModule(analysis.filename);
}

//------------------------------------------------------------------------------
// From a callee to the function it names
//------------------------------------------------------------------------------

/** What a callee's object resolves to, for a member lookup. */
type Container =
  | { kind: 'class'; node: TSESTree.ClassDeclaration | TSESTree.ClassExpression; analysis: SequelizeAnalysis; instance: boolean }
  | { kind: 'object'; node: TSESTree.ObjectExpression; analysis: SequelizeAnalysis }
  | { kind: 'module'; analysis: SequelizeAnalysis };

/** The function a call's callee names, or null when analysis cannot tell. */
export function calleeFunction(analysis: SequelizeAnalysis, call: TSESTree.CallExpression): FunctionRef | null {
  const callee = skipTypeWrappers(call.callee);
  const fn = resolveFunction(analysis, callee, 0);
  return fn === null ? null : { ...fn, name: calleeName(callee) ?? 'helper' };
}

/** `createTransaction`, `SequelizeRepository.createTransaction`, `this.save`: how a call names its callee. */
export function calleeName(raw: TSESTree.Node): string | null {
  const node = skipTypeWrappers(raw);
  if (node.type === AST_NODE_TYPES.Identifier) return node.name;
  if (node.type === AST_NODE_TYPES.ThisExpression) return 'this';
  if (node.type !== AST_NODE_TYPES.MemberExpression) return null;
  const name = memberName(node);
  if (name === null) return null;
  const object = calleeName(node.object);
  return object === null ? name : `${object}.${name}`;
}

function resolveFunction(analysis: SequelizeAnalysis, raw: TSESTree.Node, depth: number): Omit<FunctionRef, 'name'> | null {
  if (depth > MAX_RESOLVE_DEPTH) return null;
  const node = skipTypeWrappers(raw);
  if (isFunctionNode(node)) return { fn: node, analysis };
  if (node.type === AST_NODE_TYPES.Identifier) return resolveIdentifierFunction(analysis, node, depth);
  if (node.type === AST_NODE_TYPES.MemberExpression) {
    const name = memberName(node);
    if (name === null) return null;
    const container = resolveContainer(analysis, node.object, depth + 1);
    return container === null ? null : memberFunction(container, name, depth + 1);
  }
  return null;
}

function resolveIdentifierFunction(
  analysis: SequelizeAnalysis,
  node: TSESTree.Identifier,
  depth: number,
): Omit<FunctionRef, 'name'> | null {
  const variable = findVariable(analysis.host, node);
  const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
  if (variable == null || def === undefined) return null;
  switch (def.type) {
    case DefinitionType.FunctionName:
      return def.node.type === AST_NODE_TYPES.FunctionDeclaration ? { fn: def.node, analysis } : null;
    case DefinitionType.Variable: {
      const declarator = def.node;
      if (declarator.init === null || variable.references.some((reference) => reference.isWrite() && reference.init !== true)) return null;
      const located = patternPath(declarator.id, variable.identifiers[0] as TSESTree.Identifier);
      if (located === null) return null;
      if (located.path.length === 0) return resolveFunction(analysis, declarator.init, depth + 1);
      // `const { createOrder } = require('./orders')`
      let container = resolveContainer(analysis, declarator.init, depth + 1);
      for (const key of located.path.slice(0, -1)) {
        container = container === null ? null : memberContainer(container, key, depth + 1);
      }
      const last = located.path.at(-1) as string;
      return container === null ? null : memberFunction(container, last, depth + 1);
    }
    case DefinitionType.ImportBinding: {
      const specifier = def.node;
      const declaration = specifier.parent;
      if (declaration.type !== AST_NODE_TYPES.ImportDeclaration) return null;
      const target = loadRelative(analysis, declaration.source.value);
      if (target === null) return null;
      if (specifier.type === AST_NODE_TYPES.ImportSpecifier) {
        const imported = specifier.imported.type === AST_NODE_TYPES.Identifier ? specifier.imported.name : specifier.imported.value;
        return exportFunction(target, imported, depth + 1);
      }
      if (specifier.type === AST_NODE_TYPES.ImportDefaultSpecifier) return exportFunction(target, 'default', depth + 1);
      return null;
    }
    default:
      return null;
  }
}

function exportFunction(analysis: SequelizeAnalysis, name: string, depth: number): Omit<FunctionRef, 'name'> | null {
  const module = moduleOf(analysis);
  if (module === null) return null;
  const found = exportedValue(module, name);
  if (found === null) {
    if (name === 'default') return null;
    const whole = moduleExports(module).whole;
    const container = whole === null ? null : resolveContainer(analysis, whole, depth + 1);
    return container === null ? null : memberFunction(container, name, depth + 1);
  }
  const target = found.module === module ? analysis : moduleAnalysis(found.module, analysis);
  return resolveFunction(target, found.node, depth + 1);
}

/** What an object expression names, for member lookups: a class, an instance of one, an object literal, a module. */
function resolveContainer(analysis: SequelizeAnalysis, raw: TSESTree.Node, depth: number): Container | null {
  if (depth > MAX_RESOLVE_DEPTH) return null;
  const node = skipTypeWrappers(raw);
  switch (node.type) {
    case AST_NODE_TYPES.ClassDeclaration:
    case AST_NODE_TYPES.ClassExpression:
      return { kind: 'class', node, analysis, instance: false };
    case AST_NODE_TYPES.ObjectExpression:
      return { kind: 'object', node, analysis };
    case AST_NODE_TYPES.NewExpression: {
      const target = resolveContainer(analysis, node.callee, depth + 1);
      return target?.kind === 'class' && !target.instance ? { ...target, instance: true } : null;
    }
    case AST_NODE_TYPES.ThisExpression: {
      const method = enclosingMethod(node);
      if (method === null) return null;
      return { kind: 'class', node: method.parent.parent, analysis, instance: !method.static };
    }
    case AST_NODE_TYPES.CallExpression: {
      const specifier = requiredModule(analysis.host, node);
      if (specifier === null) return null;
      const target = loadRelative(analysis, specifier);
      // Members are looked up as exports: `exports.x = …` / `module.exports.x = …` first, then `module.exports`.
      return target === null ? null : { kind: 'module', analysis: target };
    }
    case AST_NODE_TYPES.MemberExpression: {
      const name = memberName(node);
      const object = name === null ? null : resolveContainer(analysis, node.object, depth + 1);
      return object === null || name === null ? null : memberContainer(object, name, depth + 1);
    }
    case AST_NODE_TYPES.Identifier: {
      const variable = findVariable(analysis.host, node);
      const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
      if (variable == null || def === undefined) return null;
      if (def.type === DefinitionType.ClassName) return { kind: 'class', node: def.node, analysis, instance: false };
      if (def.type === DefinitionType.Variable) {
        const declarator = def.node;
        if (declarator.init === null || variable.references.some((reference) => reference.isWrite() && reference.init !== true)) return null;
        const located = patternPath(declarator.id, variable.identifiers[0] as TSESTree.Identifier);
        if (located === null) return null;
        let container = resolveContainer(analysis, declarator.init, depth + 1);
        for (const key of located.path) container = container === null ? null : memberContainer(container, key, depth + 1);
        return container;
      }
      if (def.type === DefinitionType.ImportBinding) {
        const specifier = def.node;
        const declaration = specifier.parent;
        if (declaration.type !== AST_NODE_TYPES.ImportDeclaration) return null;
        const target = loadRelative(analysis, declaration.source.value);
        if (target === null) return null;
        if (specifier.type === AST_NODE_TYPES.ImportNamespaceSpecifier) return { kind: 'module', analysis: target };
        const name =
          specifier.type === AST_NODE_TYPES.ImportSpecifier
            ? specifier.imported.type === AST_NODE_TYPES.Identifier
              ? specifier.imported.name
              : specifier.imported.value
            : 'default';
        return exportContainer(target, name, depth + 1);
      }
      return null;
    }
    default:
      return null;
  }
}

function exportContainer(analysis: SequelizeAnalysis, name: string, depth: number): Container | null {
  const module = moduleOf(analysis);
  if (module === null) return null;
  const found = exportedValue(module, name);
  if (found === null) return name === 'default' ? { kind: 'module', analysis } : null;
  const target = found.module === module ? analysis : moduleAnalysis(found.module, analysis);
  return resolveContainer(target, found.node, depth + 1);
}

function memberContainer(container: Container, name: string, depth: number): Container | null {
  if (container.kind === 'module') return exportContainer(container.analysis, name, depth);
  if (container.kind === 'object') {
    const value = objectProperty(container.node, name);
    return value === null ? null : resolveContainer(container.analysis, value, depth + 1);
  }
  return null;
}

function memberFunction(container: Container, name: string, depth: number): Omit<FunctionRef, 'name'> | null {
  switch (container.kind) {
    case 'module':
      return exportFunction(container.analysis, name, depth);
    case 'object': {
      const value = objectProperty(container.node, name);
      return value === null ? null : resolveFunction(container.analysis, value, depth + 1);
    }
    case 'class': {
      for (const member of container.node.body.body) {
        if (member.type !== AST_NODE_TYPES.MethodDefinition || member.kind !== 'method') continue;
        if (member.static === container.instance) continue;
        if (staticKeyName(member.key, member.computed) !== name) continue;
        // An overload signature or an abstract method has no body: nothing to summarise.
        return member.value.type === AST_NODE_TYPES.FunctionExpression ? { fn: member.value, analysis: container.analysis } : null;
      }
      for (const member of container.node.body.body) {
        if (member.type !== AST_NODE_TYPES.PropertyDefinition || member.static === container.instance || member.value === null) continue;
        if (staticKeyName(member.key, member.computed) !== name) continue;
        return resolveFunction(container.analysis, member.value, depth + 1);
      }
      // Inherited from a project class (`class OrderRepository extends BaseRepository`).
      const superClass = container.node.superClass;
      if (superClass === null) return null;
      const parent = resolveContainer(container.analysis, superClass, depth + 1);
      return parent?.kind === 'class' ? memberFunction({ ...parent, instance: container.instance }, name, depth + 1) : null;
    }
  }
}

function objectProperty(node: TSESTree.ObjectExpression, name: string): TSESTree.Node | null {
  let found: TSESTree.Node | null = null;
  for (const property of node.properties) {
    if (property.type === AST_NODE_TYPES.SpreadElement) {
      found = null;
      continue;
    }
    if (staticKeyName(property.key, property.computed) !== name || property.kind !== 'init') continue;
    found = property.value;
  }
  return found;
}

/** The class method whose own `this` a node reads (arrow functions are transparent). */
function enclosingMethod(node: TSESTree.Node): (TSESTree.MethodDefinition & { parent: TSESTree.ClassBody & { parent: TSESTree.ClassDeclaration | TSESTree.ClassExpression } }) | null {
  for (let current = node.parent; current != null; current = current.parent) {
    if (current.type === AST_NODE_TYPES.ArrowFunctionExpression) continue;
    if (current.type === AST_NODE_TYPES.FunctionExpression) {
      return current.parent.type === AST_NODE_TYPES.MethodDefinition ? (current.parent) : null;
    }
    if (current.type === AST_NODE_TYPES.FunctionDeclaration || current.type === AST_NODE_TYPES.Program) return null;
  }
  return null;
}

//------------------------------------------------------------------------------
// Summaries
//------------------------------------------------------------------------------

/** Where a helper's transaction comes from: the `transaction()` receiver, and its index when it returns a tuple. */
interface Begins {
  receiver: TSESTree.Node;
  analysis: SequelizeAnalysis;
  /** `return [transaction, error]` → 0. */
  tupleIndex?: number;
}

/** A function's answers, by the depth they were asked at (a deeper question has less budget left). */
interface Summary {
  /** The receiver of the `transaction()` the function returns, in its own module; null when it begins none. */
  begins: Map<number, Begins | null>;
  /** `${parameter index}:${depth}` → what it does with a transaction passed there. */
  uses: Map<string, ArgumentUse>;
  queries: Map<string, HelperQuery[] | null>;
  /** `${parameter index}:${depth}` → does it use the value passed there as a transaction? */
  transactionParams: Map<string, boolean>;
}

/**
 * Summaries per file being linted (its analysis), per function. A summary crosses modules, so it is computed from
 * the linted file's point of view and kept for that lint only: linting one file in an editor gives the same answers
 * as a whole-project run, whatever was linted before. The modules' parses themselves are shared (cached per path and
 * mtime by the project-module cache), so a function is re-read per linted file that calls it, never re-parsed.
 */
const sessions = new WeakMap<SequelizeAnalysis, WeakMap<FunctionNode, Summary>>();
let active: WeakMap<FunctionNode, Summary> = new WeakMap();

function inSession<T>(analysis: SequelizeAnalysis, run: () => T): T {
  let session = sessions.get(analysis);
  if (session === undefined) {
    session = new WeakMap();
    sessions.set(analysis, session);
  }
  const previous = active;
  active = session;
  try {
    return run();
  } finally {
    active = previous;
  }
}

function summaryOf(fn: FunctionNode): Summary {
  let summary = active.get(fn);
  if (summary === undefined) {
    summary = { begins: new Map(), uses: new Map(), queries: new Map(), transactionParams: new Map() };
    active.set(fn, summary);
  }
  return summary;
}

/** Is `name` (a call's callee, `SequelizeRepository.commitTransaction`) one of `names` (whole, or its last part)? */
export function namedHelper(names: readonly string[], callee: TSESTree.Node): boolean {
  if (names.length === 0) return false;
  const name = calleeName(callee);
  if (name === null) return false;
  const last = name.slice(name.lastIndexOf('.') + 1);
  return names.includes(name) || names.includes(last);
}

/**
 * When `call` runs a helper that returns an unmanaged transaction (`createTransaction(options)`), the `transaction()`
 * call's receiver inside it (with the helper's analysis), or `{ receiver: null }` for a helper named in the options.
 */
export function beginningHelper(
  analysis: SequelizeAnalysis,
  call: TSESTree.CallExpression,
  names: TransactionHelperNames,
): { receiver: TSESTree.Node | null; analysis: SequelizeAnalysis; name: string; tupleIndex?: number; async: boolean } | null {
  if (namedHelper(names.begin, call.callee)) return { receiver: null, analysis, name: calleeName(call.callee) ?? 'helper', async: false };
  return inSession(analysis, () => {
    const previous = loadGate;
    loadGate = BEGIN_GATE;
    try {
      const ref = calleeFunction(analysis, call);
      if (ref === null) return null;
      const begins = beginsIn(ref, 0);
      return begins === null ? null : { ...begins, name: ref.name, async: ref.fn.async };
    } finally {
      loadGate = previous;
    }
  });
}

function beginsIn(ref: Omit<FunctionRef, 'name'>, depth: number): Begins | null {
  const summary = summaryOf(ref.fn);
  const known = summary.begins.get(depth);
  if (known !== undefined) return known;
  summary.begins.set(depth, null); // cycles
  let found: Begins | null = null;
  let other = false;
  for (const raw of returnedExpressions(ref.fn)) {
    const value = skipTypeWrappers(raw);
    // `return [transaction, error]`: the helper reports failures beside the transaction.
    if (value.type === AST_NODE_TYPES.ArrayExpression) {
      const index = value.elements.findIndex((element) => element !== null && element.type !== AST_NODE_TYPES.SpreadElement && beginValue(ref.analysis, element, depth) !== null);
      const element = index === -1 ? null : value.elements[index];
      const result = element == null || element.type === AST_NODE_TYPES.SpreadElement ? null : beginValue(ref.analysis, element, depth);
      if (result === null || (found !== null && found.tupleIndex !== index)) other = true;
      else found ??= { ...result, tupleIndex: index };
      continue;
    }
    // `if (options.transaction) { …; return options.transaction }`: the caller's own transaction handed back (crowd.dev
    // counts nesting and its commit helper only decrements), which the caller ends the same way: not another value.
    if (isPassedTransaction(ref.fn, value)) continue;
    const result = beginValue(ref.analysis, value, depth);
    if (result === null || (found !== null && found.tupleIndex !== undefined)) other = true;
    else found ??= result;
  }
  const begins = other ? null : found;
  summary.begins.set(depth, begins);
  return begins;
}

/** `options.transaction` or `transaction` read from the function's own parameters. */
function isPassedTransaction(fn: FunctionNode, raw: TSESTree.Node): boolean {
  const node = skipTypeWrappers(raw);
  const root = node.type === AST_NODE_TYPES.MemberExpression && memberName(node) === 'transaction' ? skipTypeWrappers(node.object) : node;
  if (root.type !== AST_NODE_TYPES.Identifier) return false;
  if (root === node && !/^(?:t|tx|trx|transaction)$/u.test(root.name)) return false;
  return fn.params.some((param) => param.type === AST_NODE_TYPES.Identifier && param.name === root.name);
}

/** `sequelize.transaction()`, `await db.sequelize.transaction(options)`, `t` bound to one, or another begin helper. */
function beginValue(analysis: SequelizeAnalysis, raw: TSESTree.Node, depth: number): Begins | null {
  let node = skipTypeWrappers(raw);
  if (node.type === AST_NODE_TYPES.AwaitExpression) node = skipTypeWrappers(node.argument);
  if (node.type === AST_NODE_TYPES.Identifier) {
    // `const t = await sequelize.transaction(); return t`, or `let transaction = null; try { transaction = await … }`.
    const variable = findVariable(analysis.host, node);
    const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
    if (variable == null || def?.type !== DefinitionType.Variable || def.node.id.type !== AST_NODE_TYPES.Identifier) return null;
    const values: TSESTree.Node[] = [];
    if (def.node.init !== null && !isNullLiteral(def.node.init)) values.push(def.node.init);
    for (const reference of variable.references) {
      if (!reference.isWrite() || reference.init === true) continue;
      const assignment = reference.identifier.parent;
      if (assignment?.type !== AST_NODE_TYPES.AssignmentExpression || assignment.operator !== '=') return null;
      if (!isNullLiteral(assignment.right)) values.push(assignment.right);
    }
    if (values.length !== 1) return null;
    return beginValue(analysis, values[0] as TSESTree.Node, depth);
  }
  if (node.type !== AST_NODE_TYPES.CallExpression) return null;
  const callee = skipTypeWrappers(node.callee);
  if (callee.type === AST_NODE_TYPES.MemberExpression && memberName(callee) === 'transaction') {
    const last = node.arguments.at(-1);
    const unmanaged = last === undefined || skipTypeWrappers(last).type === AST_NODE_TYPES.ObjectExpression || isOptionsParameter(analysis, last);
    return unmanaged && isSequelizeInstance(analysis, callee.object) ? { receiver: callee.object, analysis } : null;
  }
  if (depth >= MAX_HELPER_DEPTH) return null;
  const ref = calleeFunction(analysis, node);
  return ref === null ? null : beginsIn(ref, depth + 1);
}

function isNullLiteral(raw: TSESTree.Node): boolean {
  const node = skipTypeWrappers(raw);
  return (node.type === AST_NODE_TYPES.Literal && node.value === null && !('regex' in node)) || (node.type === AST_NODE_TYPES.Identifier && node.name === 'undefined');
}

/** `transaction(options)` in `createTransaction(options)`: a parameter passed through as options. */
function isOptionsParameter(analysis: SequelizeAnalysis, raw: TSESTree.Node): boolean {
  const node = skipTypeWrappers(raw);
  if (node.type !== AST_NODE_TYPES.Identifier || !OPTIONS_NAME.test(node.name)) return false;
  const def = findVariable(analysis.host, node)?.defs[0];
  return def?.type === DefinitionType.Parameter;
}

/**
 * What `call` does with a transaction passed as argument `index`: commits or rolls it back (`release`), passes it on
 * to queries only (`forward`), or anything else, including an unknown callee (`escape`).
 */
export function argumentUse(
  analysis: SequelizeAnalysis,
  call: TSESTree.CallExpression,
  index: number,
  names: TransactionHelperNames,
): ArgumentUse {
  if (namedHelper(names.release, call.callee)) return 'release';
  if (namedHelper(names.forward, call.callee)) return 'forward';
  // A query's own arguments: `Model.findAll(t)` is not how queries take transactions, but it is no hand-over either.
  if (queryCall(analysis, call) !== null) return 'forward';
  return inSession(analysis, () => {
    const ref = calleeFunction(analysis, call);
    return ref === null ? 'escape' : parameterUse(ref, index, names, 0);
  });
}

/**
 * Does `call`'s callee use its argument `index` as a transaction: as the `transaction` option of a proven query in its
 * own body (`Product_variants.bulkCreate(rows, { transaction: t })`), or by passing it on to a function that does, at
 * most two calls deep? Proof that a caller's `t` is a transaction although the caller only forwards it
 * (`updateStock(items, operation, t)` → `variantsRepository.bulkUpdateStock(rows, t)`).
 */
export function usesArgumentAsTransaction(analysis: SequelizeAnalysis, call: TSESTree.CallExpression, index: number): boolean {
  if (queryCall(analysis, call) !== null) return false;
  return inSession(analysis, () => {
    const ref = calleeFunction(analysis, call);
    return ref !== null && parameterIsTransaction(ref, index, 0);
  });
}

function parameterIsTransaction(ref: Omit<FunctionRef, 'name'>, index: number, depth: number): boolean {
  const summary = summaryOf(ref.fn);
  const key = `${index}:${depth}`;
  const known = summary.transactionParams.get(key);
  if (known !== undefined) return known;
  summary.transactionParams.set(key, false); // cycles
  const raw = ref.fn.params[index];
  const param = raw?.type === AST_NODE_TYPES.AssignmentPattern ? raw.left : raw;
  const variable = param?.type === AST_NODE_TYPES.Identifier ? findVariable(ref.analysis.host, param) : null;
  let result = false;
  for (const reference of variable?.references ?? []) {
    if (reference.isWrite()) {
      if (reference.init === true) continue;
      result = false;
      break;
    }
    const node = reference.identifier;
    const parent = node.parent;
    if (parent?.type === AST_NODE_TYPES.Property && parent.value === node && !parent.computed && staticKeyName(parent.key, false) === 'transaction') {
      const call = parent.parent.parent;
      const query = call?.type === AST_NODE_TYPES.CallExpression ? queryCall(ref.analysis, call) : null;
      if (query !== null && call?.type === AST_NODE_TYPES.CallExpression && call.arguments[query.optionsIndex] === parent.parent) result = true;
    } else if (parent?.type === AST_NODE_TYPES.CallExpression) {
      const argument = parent.arguments.indexOf(node as TSESTree.CallExpressionArgument);
      if (argument === -1 || depth >= MAX_HELPER_DEPTH) continue;
      const next = queryCall(ref.analysis, parent) === null ? calleeFunction(ref.analysis, parent) : null;
      if (next !== null && parameterIsTransaction(next, argument, depth + 1)) result = true;
    }
  }
  summary.transactionParams.set(key, result);
  return result;
}

function parameterUse(ref: Omit<FunctionRef, 'name'>, index: number, names: TransactionHelperNames, depth: number): ArgumentUse {
  const summary = summaryOf(ref.fn);
  const key = `${index}:${depth}`;
  const known = summary.uses.get(key);
  if (known !== undefined) return known;
  summary.uses.set(key, 'escape'); // cycles
  const param = ref.fn.params[index];
  let use: ArgumentUse = 'escape';
  if (param?.type === AST_NODE_TYPES.Identifier) {
    const variable = findVariable(ref.analysis.host, param);
    if (variable !== null) use = variableUse(ref.analysis, variable, names, depth);
  } else if (param?.type === AST_NODE_TYPES.AssignmentPattern && param.left.type === AST_NODE_TYPES.Identifier) {
    const variable = findVariable(ref.analysis.host, param.left);
    if (variable !== null) use = variableUse(ref.analysis, variable, names, depth);
  }
  summary.uses.set(key, use);
  return use;
}

function variableUse(analysis: SequelizeAnalysis, variable: TSESLint.Scope.Variable, names: TransactionHelperNames, depth: number): ArgumentUse {
  let released = false;
  for (const reference of variable.references) {
    if (reference.isWrite()) {
      if (reference.init === true) continue;
      return 'escape';
    }
    let node: TSESTree.Node = reference.identifier;
    while (node.parent?.type === AST_NODE_TYPES.TSAsExpression || node.parent?.type === AST_NODE_TYPES.TSNonNullExpression || node.parent?.type === AST_NODE_TYPES.ChainExpression) {
      node = node.parent;
    }
    const parent = node.parent;
    if (parent === undefined) return 'escape';
    switch (parent.type) {
      case AST_NODE_TYPES.MemberExpression: {
        if (parent.object !== node) return 'escape';
        const name = memberName(parent);
        if (name === 'commit' || name === 'rollback') {
          if (parent.parent.type !== AST_NODE_TYPES.CallExpression || parent.parent.callee !== parent) return 'escape';
          released = true;
        }
        // `t.afterCommit(…)`, `t.LOCK`, `t.id`: reads, no hand-over.
        break;
      }
      case AST_NODE_TYPES.Property:
        if (parent.value !== node || parent.computed || staticKeyName(parent.key, false) !== 'transaction') return 'escape';
        if (parent.parent.type !== AST_NODE_TYPES.ObjectExpression || objectEscapes(parent.parent)) return 'escape';
        break;
      case AST_NODE_TYPES.CallExpression: {
        const index = parent.arguments.indexOf(node as TSESTree.CallExpressionArgument);
        if (index === -1) return 'escape';
        if (depth >= MAX_HELPER_DEPTH) return 'escape';
        if (namedHelper(names.release, parent.callee)) {
          released = true;
          break;
        }
        if (namedHelper(names.forward, parent.callee) || queryCall(analysis, parent) !== null) break;
        const ref = calleeFunction(analysis, parent);
        const use = ref === null ? 'escape' : parameterUse(ref, index, names, depth + 1);
        if (use === 'escape') return 'escape';
        if (use === 'release') released = true;
        break;
      }
      case AST_NODE_TYPES.IfStatement:
      case AST_NODE_TYPES.ConditionalExpression:
      case AST_NODE_TYPES.LogicalExpression:
      case AST_NODE_TYPES.UnaryExpression:
      case AST_NODE_TYPES.BinaryExpression:
      case AST_NODE_TYPES.ExpressionStatement:
        if (parent.type === AST_NODE_TYPES.LogicalExpression && parent.left !== node) return 'escape';
        if (parent.type === AST_NODE_TYPES.ConditionalExpression && parent.test !== node) return 'escape';
        break;
      case AST_NODE_TYPES.AwaitExpression:
        if (parent.parent.type !== AST_NODE_TYPES.ExpressionStatement) return 'escape';
        break;
      default:
        return 'escape';
    }
  }
  return released ? 'release' : 'forward';
}

/**
 * `{ where, transaction: t }`: options handed to a call (a query, a helper, a model instance's method) use the
 * transaction, as the rule treats them in the caller's own code; an object returned or stored keeps it.
 */
function objectEscapes(object: TSESTree.ObjectExpression): boolean {
  let node: TSESTree.Node = object;
  while (node.parent?.type === AST_NODE_TYPES.ObjectExpression || node.parent?.type === AST_NODE_TYPES.Property || node.parent?.type === AST_NODE_TYPES.SpreadElement) {
    node = node.parent;
  }
  const parent = node.parent;
  if (parent?.type === AST_NODE_TYPES.CallExpression || parent?.type === AST_NODE_TYPES.NewExpression) return !parent.arguments.includes(node as TSESTree.CallExpressionArgument);
  // `const options = { transaction: t }` is read later, usually as options: a local binding, not a hand-over.
  return parent?.type !== AST_NODE_TYPES.VariableDeclarator;
}

//------------------------------------------------------------------------------
// Queries run by a helper
//------------------------------------------------------------------------------

/**
 * The queries `call`'s callee runs that take no transaction from the call (nothing passed to it mentions one), one or
 * two helpers deep. Empty when the callee is unknown, opens its own transaction, or runs too many queries to be a
 * helper. `takesTransaction(query, analysis)` says whether a query passes one (its options name `transaction`, or are
 * unknown).
 */
export function helperQueries(
  analysis: SequelizeAnalysis,
  call: TSESTree.CallExpression,
  takesTransaction: TakesTransaction,
): HelperQuery[] {
  return inSession(analysis, () => {
    const ref = calleeFunction(analysis, call);
    // Summaries are shared by every call of the helper: the chain starts with this call's name for it.
    return ref === null
      ? []
      : queriesIn(ref, takesTransaction, 1, call.arguments.length, new Set()).map((found) => ({ ...found, chain: [ref.name, ...found.chain.slice(1)] }));
  });
}

/**
 * Does a query take a transaction? `absent`: the helper's parameters the call site passes nothing for, so a query
 * whose options are (or name as `transaction`) one of them runs without one: `orderFindById(id)` calling
 * `orderRepository.findById(id, t)`, whose `findByPk(id, { transaction: t })` gets `t` undefined.
 */
export type TakesTransaction = (query: QueryCall, analysis: SequelizeAnalysis, absent: ReadonlySet<TSESLint.Scope.Variable>) => boolean;

function queriesIn(
  ref: FunctionRef,
  takesTransaction: TakesTransaction,
  depth: number,
  argCount: number,
  absentIndices: ReadonlySet<number>,
): HelperQuery[] {
  const summary = summaryOf(ref.fn);
  const key = `${depth}:${argCount}:${[...absentIndices].join(',')}`;
  const known = summary.queries.get(key);
  if (known !== undefined) return known ?? [];
  summary.queries.set(key, null); // cycles
  const absent = new Set<TSESLint.Scope.Variable>();
  ref.fn.params.forEach((param, index) => {
    if (index < argCount && !absentIndices.has(index)) return;
    const id = param.type === AST_NODE_TYPES.AssignmentPattern ? param.left : param;
    if (id.type !== AST_NODE_TYPES.Identifier) return;
    const variable = findVariable(ref.analysis.host, id);
    if (variable !== null) absent.add(variable);
  });
  const isAbsent = (node: TSESTree.Node): boolean => {
    const value = skipTypeWrappers(node);
    if (value.type !== AST_NODE_TYPES.Identifier) return false;
    const variable = findVariable(ref.analysis.host, value);
    return variable !== null && absent.has(variable);
  };
  const found: HelperQuery[] = [];
  let opensTransaction = false;
  const calls: TSESTree.CallExpression[] = [];
  const visit = (node: TSESTree.Node): void => {
    // Code in nested functions runs when they are called, which may be never or later: only the helper's own path.
    if (node !== ref.fn && isFunctionNode(node) && !runsInline(node)) return;
    if (node.type === AST_NODE_TYPES.ClassBody) return;
    if (node.type === AST_NODE_TYPES.CallExpression) calls.push(node);
    for (const child of childNodes(node)) visit(child);
  };
  if ((ref.fn.body as TSESTree.Node | null | undefined) == null) return [];
  visit(ref.fn.body);
  for (const call of calls) {
    const callee = skipTypeWrappers(call.callee);
    if (callee.type === AST_NODE_TYPES.MemberExpression && memberName(callee) === 'transaction') {
      opensTransaction = true;
      break;
    }
    const query = queryCall(ref.analysis, call);
    if (query !== null) {
      if (!takesTransaction(query, ref.analysis, absent)) found.push({ query, analysis: ref.analysis, chain: [ref.name] });
      continue;
    }
    if (depth >= MAX_HELPER_DEPTH || mentionsTransaction(call, isAbsent)) continue;
    const inner = calleeFunction(ref.analysis, call);
    if (inner === null || inner.fn === ref.fn) continue;
    const innerAbsent = new Set<number>();
    call.arguments.forEach((argument, index) => {
      if (isAbsent(argument)) innerAbsent.add(index);
    });
    for (const deeper of queriesIn(inner, takesTransaction, depth + 1, call.arguments.length, innerAbsent)) {
      found.push({ ...deeper, chain: [ref.name, ...deeper.chain] });
    }
  }
  const queries = opensTransaction || found.length > MAX_HELPER_QUERIES ? [] : found;
  summary.queries.set(key, queries);
  return queries;
}

/** A callback run before its call returns (`rows.map(fn)`, `Promise.map(rows, fn)`, an IIFE). */
function runsInline(fn: FunctionNode): boolean {
  const parent = fn.parent;
  return parent.type === AST_NODE_TYPES.CallExpression && (parent.callee === fn || parent.arguments.includes(fn as TSESTree.CallExpressionArgument));
}

/**
 * Does any argument of the call name a transaction (`t`, `transaction`, `{ transaction }`, `options`)? `ignore`: names
 * known to hold nothing (a helper's parameters its caller left out).
 */
export function mentionsTransaction(call: TSESTree.CallExpression, ignore: (node: TSESTree.Node) => boolean = () => false): boolean {
  const visit = (node: TSESTree.Node): boolean => {
    if (ignore(node)) return false;
    if (node.type === AST_NODE_TYPES.Identifier && /^(?:t|tx|trx|transaction\w*|\w*Transaction|options|opts)$/u.test(node.name)) return true;
    if (node.type === AST_NODE_TYPES.Property && staticKeyName(node.key, node.computed) === 'transaction') return true;
    if (node.type === AST_NODE_TYPES.SpreadElement) return true;
    return childNodes(node).some(visit);
  };
  return call.arguments.some(visit);
}

/** The instance a query runs on, when provable: its Sequelize receiver, or the instance its model is defined on. */
export function queryInstance(query: QueryCall, analysis: SequelizeAnalysis): ValueKind | null {
  if (query.receiver === 'instance') return null;
  return classifyValue(analysis, query.callee.object);
}

/** The JSON schema of the rules' `transactionHelpers` option. */
export const TRANSACTION_HELPERS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  description:
    'Wrapper functions analysis cannot see (from a package, or beyond the depth limit), by name: the callee as written (`SequelizeRepository.commitTransaction`) or its last part (`commitTransaction`). Project functions need no entry: their summaries are computed.',
  properties: {
    begin: {
      type: 'array',
      items: { type: 'string' },
      uniqueItems: true,
      description: 'Functions that return an unmanaged transaction: `const t = await begin()` must then be committed or rolled back.',
    },
    release: {
      type: 'array',
      items: { type: 'string' },
      uniqueItems: true,
      description: 'Functions that commit or roll back the transaction passed to them: `commitTransaction(t)` ends it.',
    },
    forward: {
      type: 'array',
      items: { type: 'string' },
      uniqueItems: true,
      description: 'Functions that only pass the transaction on to queries: the caller still has to commit or roll back.',
    },
  },
} as const;

/** The option's value with every list present. */
export function helperNames(option: Partial<TransactionHelperNames> | undefined): TransactionHelperNames {
  return { begin: option?.begin ?? [], release: option?.release ?? [], forward: option?.forward ?? [] };
}
