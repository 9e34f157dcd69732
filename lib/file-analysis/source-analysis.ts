import type { TSESLint, TSESTree } from '@typescript-eslint/utils';

import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { ScopeType } from '../scope-kinds';
import { createRequire } from 'node:module';
import path from 'node:path';

import type { AnalysisHost } from './ast';
import type { SequelizeConstruction } from './sequelize-options';

import { sequelizeConstruction } from './sequelize-options';

/** Extensions parsed with @typescript-eslint/parser; everything else goes through espree, ESLint's default parser. */
const TYPESCRIPT_FILE = /\.(?:cts|mts|ts|tsx)$/u;

/** One file as the rules see it: its AST, scopes and Sequelize constructions, outside an ESLint run. */
export interface AnalysedSource {
  ast: TSESTree.Program;
  host: AnalysisHost;
  sourceCode: ParsedFile;
  constructions: SequelizeConstruction[];
}

/**
 * The innermost scope that contains `node`: the same lookup as ESLint's `SourceCode#getScope`, on any scope manager
 * (eslint-scope's or typescript-eslint's).
 */
export function scopeLookup(scopeManager: TSESLint.Scope.ScopeManager): AnalysisHost['getScope'] {
  return (node) => {
    const inner = node.type !== AST_NODE_TYPES.Program;
    for (let current: TSESTree.Node | undefined = node; current != null; current = current.parent) {
      const scope = scopeManager.acquire(current, inner);
      if (scope !== null) return scope.type === ScopeType.functionExpressionName ? (scope.childScopes[0] ?? scope) : scope;
    }
    return scopeManager.scopes[0] as TSESLint.Scope.Scope;
  };
}

type TokenOrComment = TSESTree.Comment | TSESTree.Token;

/** The index of the first entry of `sorted` (by start offset) that starts at or after `offset`. */
function firstAtOrAfter(sorted: readonly TokenOrComment[], offset: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as TokenOrComment).range[0] < offset) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * A parsed file outside ESLint: its text, lines, AST, scopes and the token lookups the codemod's edits use, with
 * ESLint's `SourceCode` semantics for them, so the CLI and the codemod run without ESLint installed.
 */
export class ParsedFile {
  readonly lines: string[];
  readonly getScope: AnalysisHost['getScope'];
  private readonly tokens: TSESTree.Token[];
  private readonly comments: TSESTree.Comment[];
  private withComments: TokenOrComment[] | null = null;

  constructor(
    readonly text: string,
    readonly ast: TSESTree.Program,
    readonly scopeManager: TSESLint.Scope.ScopeManager,
  ) {
    this.lines = text.split(/\r\n|[\r\n\u2028\u2029]/u);
    this.tokens = ast.tokens ?? [];
    this.comments = ast.comments ?? [];
    this.getScope = scopeLookup(scopeManager);
  }

  getText(node?: TSESTree.Node | TSESTree.Token): string {
    return node === undefined ? this.text : this.text.slice(node.range[0], node.range[1]);
  }

  private list(includeComments: boolean | undefined): readonly TokenOrComment[] {
    if (includeComments !== true) return this.tokens;
    this.withComments ??= [...this.tokens, ...this.comments].sort((a, b) => a.range[0] - b.range[0]);
    return this.withComments;
  }

  /** The last token inside `node`. */
  getLastToken(node: TSESTree.Node | TSESTree.Token): TSESTree.Token | null {
    const index = firstAtOrAfter(this.tokens, node.range[1]) - 1;
    const token = this.tokens[index];
    return token !== undefined && token.range[0] >= node.range[0] ? token : null;
  }

  /** The first token (or comment, with `includeComments`) after `node`. */
  getTokenAfter(node: TSESTree.Node | TokenOrComment, options?: { includeComments?: boolean }): TSESTree.Token | null {
    const list = this.list(options?.includeComments);
    return list[firstAtOrAfter(list, node.range[1])] ?? null;
  }

  /** The last token (or comment, with `includeComments`) before `node`. */
  getTokenBefore(node: TSESTree.Node | TokenOrComment, options?: { includeComments?: boolean }): TSESTree.Token | null {
    const list = this.list(options?.includeComments);
    let index = firstAtOrAfter(list, node.range[0]) - 1;
    while (index >= 0 && (list[index] as TokenOrComment).range[1] > node.range[0]) index -= 1;
    return list[index] ?? null;
  }

  /** The comments between `node` and the token before it, in source order. */
  getCommentsBefore(node: TSESTree.Node | TokenOrComment): TSESTree.Comment[] {
    const after = this.getTokenBefore(node)?.range[1] ?? 0;
    return this.comments.filter((comment) => comment.range[0] >= after && comment.range[1] <= node.range[0]);
  }
}

export class SourceParseError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    reason: string,
  ) {
    super(`${file}:${line}:${column}: ${reason}`);
  }
}

interface ParseResult {
  ast: TSESTree.Program;
  scopeManager: TSESLint.Scope.ScopeManager;
  visitorKeys: Record<string, readonly string[]>;
  parserServices: Record<string, unknown>;
}

interface ParserModule {
  parseForESLint(text: string, options: Record<string, unknown>): Partial<ParseResult> & { ast: TSESTree.Program; services?: Record<string, unknown> };
}

/** A parser's exception: espree and typescript-estree both carry `lineNumber` and `column` (1-based). */
interface ParserError {
  message: string;
  lineNumber?: number;
  column?: number;
}

/** Loads @typescript-eslint/parser only for TypeScript files, so JavaScript users need not install it. */
function typescriptParser(file: string): ParserModule {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose: JavaScript users need not install it
    return require('@typescript-eslint/parser') as ParserModule;
  } catch {
    throw new SourceParseError(file, 1, 1, 'TypeScript files need @typescript-eslint/parser installed');
  }
}

interface EspreeTools {
  parse: (text: string, options: Record<string, unknown>) => TSESTree.Program;
  analyze: (ast: TSESTree.Program, options: Record<string, unknown>) => TSESLint.Scope.ScopeManager;
  keys: Record<string, readonly string[]>;
  getKeys: (node: object) => readonly string[];
}

let espreeTools: EspreeTools | null = null;

/**
 * espree, eslint-scope and the visitor keys of the installed ESLint (the versions its Linter would use), else this
 * package's own espree and eslint-scope (dependencies, so the CLI and the codemod run without ESLint installed).
 */
export function loadEspreeTools(): EspreeTools {
  if (espreeTools !== null) return espreeTools;
  const own = createRequire(__filename);
  let from = own;
  try {
    from = createRequire(own.resolve('eslint'));
  } catch {
    // No ESLint: this package's own dependencies.
  }
  const espree = from('espree') as { parse: EspreeTools['parse'] };
  const eslintScope = from('eslint-scope') as { analyze: EspreeTools['analyze'] };
  // espree's own visitor keys: a dependency of espree wherever it was resolved.
  const visitorKeys = createRequire(from.resolve('espree'))('eslint-visitor-keys') as { KEYS: EspreeTools['keys']; getKeys: EspreeTools['getKeys'] };
  espreeTools = { parse: espree.parse, analyze: eslintScope.analyze, keys: visitorKeys.KEYS, getKeys: visitorKeys.getKeys };
  return espreeTools;
}

/**
 * Parses JavaScript with espree and analyses its scopes with eslint-scope, with the options ESLint's Linter
 * passes them, but without the Linter: directive comments (`/* eslint-env node *\/`, which ESLint 10 rejects as a
 * fatal error, `/* global *\/`, `/* eslint … *\/`) are comments like any other here.
 */
function parseJavaScript(text: string, sourceType: 'module' | 'commonjs' | 'script', jsx: boolean): ParseResult {
  const tools = loadEspreeTools();
  const ast = tools.parse(text, {
    ecmaVersion: 'latest',
    sourceType,
    ecmaFeatures: { jsx },
    loc: true,
    range: true,
    tokens: true,
    comment: true,
  });
  const scopeManager = tools.analyze(ast, {
    ignoreEval: true,
    nodejsScope: sourceType === 'commonjs',
    ecmaVersion: 2026,
    sourceType,
    childVisitorKeys: tools.keys,
    fallback: tools.getKeys,
    jsx,
  });
  return { ast, scopeManager, visitorKeys: tools.keys, parserServices: {} };
}

function parseTypeScript(text: string, file: string): ParseResult {
  const parsed = typescriptParser(file).parseForESLint(text, {
    ecmaVersion: 'latest',
    sourceType: 'module',
    ecmaFeatures: { jsx: /\.tsx$/u.test(file) },
    loc: true,
    range: true,
    tokens: true,
    comment: true,
    eslintVisitorKeys: true,
    eslintScopeManager: true,
    filePath: file,
  });
  if (parsed.scopeManager === undefined || parsed.visitorKeys === undefined) {
    throw new Error('@typescript-eslint/parser returned no scope manager');
  }
  return { ast: parsed.ast, scopeManager: parsed.scopeManager, visitorKeys: parsed.visitorKeys, parserServices: parsed.services ?? {} };
}

/**
 * Sets `parent` on every node (as ESLint's traversal does) and returns the `new` expressions in source order,
 * in one iterative pre-order walk (no recursion: deep ASTs of generated files must not overflow the stack).
 */
function linkParents(ast: TSESTree.Program, visitorKeys: Record<string, readonly string[]>): TSESTree.NewExpression[] {
  const { getKeys } = loadEspreeTools();
  const found: TSESTree.NewExpression[] = [];
  const stack: [TSESTree.Node, TSESTree.Node | undefined][] = [[ast, undefined]];
  while (stack.length > 0) {
    const [node, parent] = stack.pop() as [TSESTree.Node, TSESTree.Node | undefined];
    (node as { parent?: TSESTree.Node }).parent = parent;
    if (node.type === AST_NODE_TYPES.NewExpression) found.push(node);
    const keys = visitorKeys[node.type] ?? getKeys(node);
    const record = node as unknown as Record<string, unknown>;
    for (let k = keys.length - 1; k >= 0; k -= 1) {
      const value = record[keys[k] as string];
      if (Array.isArray(value)) {
        for (let i = value.length - 1; i >= 0; i -= 1) {
          const child: unknown = value[i];
          if (child !== null && typeof child === 'object' && typeof (child as { type?: unknown }).type === 'string') {
            stack.push([child as TSESTree.Node, node]);
          }
        }
      } else if (value !== null && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string') {
        stack.push([value as TSESTree.Node, node]);
      }
    }
  }
  return found;
}

/**
 * Parses `text` as ESLint would (espree for JavaScript in either module system, @typescript-eslint/parser for
 * TypeScript) and runs the shared analysis on it. Throws SourceParseError when the file does not parse.
 *
 * Offsets in the result are offsets in `text`: a leading byte order mark is read as the whitespace it is in
 * JavaScript (ESLint's SourceCode would strip it and shift every range by one), and a `#!` line as a comment.
 */
export function analyseSource(text: string, file: string): AnalysedSource {
  const absolute = path.resolve(file);
  const isTypeScript = TYPESCRIPT_FILE.test(absolute);
  const parseText = text.replace(/^\uFEFF/u, ' ').replace(/^(\s?)#!/u, '$1//');
  let parsed: ParseResult;
  try {
    if (isTypeScript) parsed = parseTypeScript(parseText, absolute);
    else {
      const jsx = /\.[jt]sx$/u.test(absolute);
      const first = /\.(?:cjs|cts)$/u.test(absolute) ? 'commonjs' : 'module';
      try {
        parsed = parseJavaScript(parseText, first, jsx);
      } catch (error) {
        // A CommonJS file written with `with` or octal literals is a script: retry rather than fail it.
        try {
          parsed = parseJavaScript(parseText, 'script', jsx);
        } catch {
          throw error;
        }
      }
    }
  } catch (error) {
    if (error instanceof SourceParseError) throw error;
    const { message, lineNumber, column } = error as ParserError;
    throw new SourceParseError(file, lineNumber ?? 1, column ?? 1, `Parsing error: ${String(message).replace(/^line \d+:/iu, '').trim()}`);
  }
  const newExpressions = linkParents(parsed.ast, parsed.visitorKeys);
  const sourceCode = new ParsedFile(parseText, parsed.ast, parsed.scopeManager);
  const host: AnalysisHost = { getScope: sourceCode.getScope };
  const constructions: SequelizeConstruction[] = [];
  for (const node of newExpressions) {
    const construction = sequelizeConstruction(host, node);
    if (construction !== null) constructions.push(construction);
  }
  return { ast: parsed.ast, host, sourceCode, constructions };
}
