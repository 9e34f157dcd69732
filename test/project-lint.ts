/**
 * Small projects written to a temp folder and linted by a real ESLint with this plugin: for rules that read
 * other modules from disk (the project model), as a whole project and file by file.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import tsParser from '@typescript-eslint/parser';
import type { Linter } from 'eslint';

import { ESLint } from 'eslint';

import plugin from '../index';

export interface Found {
  file: string;
  line: number;
  messageId: string | undefined;
  message: string;
}

export class ProjectOnDisk {
  readonly root: string;

  /** How `.js` files are parsed: CommonJS (most Sequelize apps) or ES modules (`"type": "module"`). */
  readonly jsSourceType: 'commonjs' | 'module';

  constructor(prefix: string, files: Record<string, string>, { jsSourceType = 'commonjs' }: { jsSourceType?: 'commonjs' | 'module' } = {}) {
    this.root = mkdtempSync(path.join(tmpdir(), prefix));
    this.jsSourceType = jsSourceType;
    this.write(files);
  }

  /** A temp copy of a fixture folder (every file in it, Markdown aside). */
  static copyOf(prefix: string, folder: string, options: { jsSourceType?: 'commonjs' | 'module' } = {}): ProjectOnDisk {
    const files: Record<string, string> = {};
    for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || entry.name.endsWith('.md')) continue;
      const file = path.join(entry.parentPath, entry.name);
      files[path.relative(folder, file)] = readFileSync(file, 'utf8');
    }
    return new ProjectOnDisk(prefix, files, options);
  }

  write(files: Record<string, string>): void {
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(this.root, file)), { recursive: true });
      writeFileSync(path.join(this.root, file), text);
    }
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }

  /** ESLint over the project with `rules` (plugin rule names without the prefix, all at `error`). */
  eslint(rules: string[], ruleOptions: Record<string, unknown[]> = {}): ESLint {
    const entries = rules.map((rule): [string, unknown[]] => [`sequelize-pool/${rule}`, ['error', ...(ruleOptions[rule] ?? [])]]);
    return new ESLint({
      cwd: this.root,
      overrideConfigFile: true,
      overrideConfig: [
        { files: ['**/*.js'], languageOptions: { sourceType: this.jsSourceType } },
        { files: ['**/*.ts'], languageOptions: { parser: tsParser } },
        { plugins: { 'sequelize-pool': plugin as never }, rules: Object.fromEntries(entries) as Linter.RulesRecord },
      ],
    });
  }

  /** The non-fatal reports of linting `patterns`, sorted by file and line. */
  async lint(rules: string[], patterns: string[], ruleOptions?: Record<string, unknown[]>): Promise<Found[]> {
    const results = await this.eslint(rules, ruleOptions).lintFiles(patterns);
    return results
      .flatMap((result) =>
        result.messages.map((message) => ({
          file: path.relative(this.root, result.filePath).split(path.sep).join('/'),
          line: message.line,
          messageId: message.messageId,
          message: message.message,
          fatal: message.fatal,
        })),
      )
      .filter((found) => found.fatal !== true)
      .map(({ file, line, messageId, message }) => ({ file, line, messageId, message }))
      .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  }
}
