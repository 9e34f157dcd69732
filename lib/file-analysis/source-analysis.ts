import type { TSESLint, TSESTree } from '@typescript-eslint/utils';

import { Linter } from 'eslint';
import path from 'node:path';

import type { AnalysisHost } from './ast';
import type { SequelizeConstruction } from './sequelize-options';

import { hostFromSourceCode } from './ast';
import { sequelizeConstruction } from './sequelize-options';

/** Extensions parsed with @typescript-eslint/parser; everything else goes through ESLint's default parser. */
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

/** Loads @typescript-eslint/parser only for TypeScript files, so JavaScript users need not install it. */
function typescriptParser(file: string): Linter.Parser {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose: JavaScript users need not install it
    return require('@typescript-eslint/parser') as Linter.Parser;
  } catch {
    throw new SourceParseError(file, 1, 1, 'TypeScript files need @typescript-eslint/parser installed');
  }
}

/**
 * Parses `text` the way ESLint does (espree for JavaScript in either module system, @typescript-eslint/parser
 * for TypeScript) and runs the shared analysis on it. Throws SourceParseError when the file does not parse.
 */
export function analyseSource(text: string, file: string): AnalysedSource {
  const constructions: SequelizeConstruction[] = [];
  let host: AnalysisHost | null = null;
  // Flat config `files` patterns match relative to the Linter's cwd: anchor it at the file, wherever it lives.
  const absolute = path.resolve(file);
  const linter = new Linter({ configType: 'flat', cwd: path.dirname(absolute) });
  const isTypeScript = TYPESCRIPT_FILE.test(file);
  const config: Linter.Config[] = [
    {
      // An explicit list: ESLint does not lint a file matched only by a catch-all like `**/*`.
      files: ['**/*.{js,cjs,mjs,jsx,ts,cts,mts,tsx}'],
      languageOptions: {
        ecmaVersion: 'latest',
        // Scope analysis treats `import`/`export` and top-level await as module code; `require` resolves either way.
        sourceType: /\.(?:cjs|cts)$/u.test(file) ? 'commonjs' : 'module',
        ...(isTypeScript ? { parser: typescriptParser(file) } : {}),
        parserOptions: { ecmaFeatures: { jsx: /\.[jt]sx$/u.test(file) } },
      },
      plugins: {
        analysis: {
          rules: {
            constructions: {
              create(context) {
                const sourceHost = hostFromSourceCode(context.sourceCode as unknown as TSESLint.SourceCode);
                host = sourceHost;
                return {
                  NewExpression(node: TSESTree.NewExpression) {
                    const construction = sequelizeConstruction(sourceHost, node);
                    if (construction !== null) constructions.push(construction);
                  },
                };
              },
            },
          },
        },
      },
      rules: { 'analysis/constructions': 'error' },
    },
  ];
  const filename = /\.(?:c|m)?[jt]sx?$/u.test(absolute) ? absolute : `${absolute}.js`;
  let messages = linter.verify(text, config, { filename });
  // A CommonJS file written with `import` is really a module: retry rather than fail it.
  if (messages.some((message) => message.fatal === true) && !isTypeScript) {
    const retried = linter.verify(text, [{ ...config[0], languageOptions: { ...config[0]?.languageOptions, sourceType: 'script' } }], {
      filename,
    });
    if (!retried.some((message) => message.fatal === true)) messages = retried;
  }
  const fatal = messages.find((message) => message.fatal === true);
  if (fatal !== undefined) throw new SourceParseError(file, fatal.line, fatal.column, fatal.message);
  const sourceCode = linter.getSourceCode() as unknown as TSESLint.SourceCode;
  if (host === null) throw new SourceParseError(file, 1, 1, 'the file could not be analysed');
  return { ast: sourceCode.ast, host, sourceCode, constructions };
}
