import type { TSESLint, TSESTree } from '@typescript-eslint/utils';

import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { SourceCode } from 'eslint';
import { createRequire } from 'node:module';
import path from 'node:path';

import type { AnalysisHost } from './ast';
import type { SequelizeConstruction } from './sequelize-options';

import { hostFromSourceCode } from './ast';
import { sequelizeConstruction } from './sequelize-options';

/** Extensions parsed with @typescript-eslint/parser; everything else goes through espree, ESLint's default parser. */
const TYPESCRIPT_FILE = /\.(?:cts|mts|ts|tsx)$/u;

/** One file as the rules see it: its AST, scopes and Sequelize constructions, outside an ESLint run. */
export interface AnalysedSource {
  ast: TSESTree.Program;
  host: AnalysisHost;
  sourceCode: TSESLint.SourceCode;
  constructions: SequelizeConstruction[];
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

/** espree, eslint-scope and the visitor keys of the installed ESLint (the versions its Linter would use). */
function loadEspreeTools(): EspreeTools {
  if (espreeTools !== null) return espreeTools;
  const own = createRequire(__filename);
  let fromEslint = own;
  try {
    fromEslint = createRequire(own.resolve('eslint'));
  } catch {
    // Fall back to this package's own resolution.
  }
  const espree = fromEslint('espree') as { parse: EspreeTools['parse'] };
  const eslintScope = fromEslint('eslint-scope') as { analyze: EspreeTools['analyze'] };
  const visitorKeys = fromEslint('eslint-visitor-keys') as { KEYS: EspreeTools['keys']; getKeys: EspreeTools['getKeys'] };
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
  const sourceCode = new SourceCode({
    text: parseText,
    ast: parsed.ast as never,
    parserServices: parsed.parserServices,
    scopeManager: parsed.scopeManager as never,
    visitorKeys: parsed.visitorKeys as never,
  }) as unknown as TSESLint.SourceCode;
  const host = hostFromSourceCode(sourceCode);
  const constructions: SequelizeConstruction[] = [];
  for (const node of newExpressions) {
    const construction = sequelizeConstruction(host, node);
    if (construction !== null) constructions.push(construction);
  }
  return { ast: parsed.ast, host, sourceCode, constructions };
}
