/**
 * A lint loads only what linting needs: linting a JavaScript app with the built plugin loads none of the codemod's
 * machinery (diff, jscodeshift, recast, Babel) and not TypeScript, which typescript-estree would load; a TypeScript
 * file loads TypeScript's parser on demand. Checked in a fresh Node.js process through its module cache.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

const REPO_ROOT = path.resolve(__dirname, '..');

/** Lints `files` in `cwd` with `recommended` in a new process; returns the packages in its module cache. */
function packagesLoadedBy(cwd: string, files: string[], typescript: boolean): { reports: number; packages: string[]; utilsParts: string[] } {
  const script = `
    const path = require('node:path');
    const { ESLint } = require('eslint');
    const plugin = require(${JSON.stringify(path.join(REPO_ROOT, 'dist', 'index.js'))});
    (async () => {
      const eslint = new ESLint({
        cwd: ${JSON.stringify(cwd)},
        overrideConfigFile: true,
        overrideConfig: [
          { files: ['**/*.js'], languageOptions: { sourceType: 'commonjs' } },
          ${typescript ? "{ files: ['**/*.ts'], languageOptions: { parser: require('@typescript-eslint/parser') } }," : ''}
          plugin.configs.recommended,
        ],
      });
      const results = await eslint.lintFiles(${JSON.stringify(files)});
      const packages = new Set(Object.keys(require.cache).map((file) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)/u.exec(file)?.[1]).filter(Boolean));
      // The parts of @typescript-eslint/utils loaded (ast-utils, eslint-utils, ts-eslint, ...).
      const utilsParts = new Set(Object.keys(require.cache).map((file) => /@typescript-eslint\\/utils\\/dist\\/([^/.]+)\\//u.exec(file)?.[1]).filter(Boolean));
      process.stdout.write(JSON.stringify({ reports: results.reduce((sum, result) => sum + result.messages.length, 0), packages: [...packages].sort(), utilsParts: [...utilsParts].sort() }));
    })();
  `;
  const run = spawnSync(process.execPath, ['-e', script], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as { reports: number; packages: string[]; utilsParts: string[] };
}

const CODEMOD_STACK = /^(?:diff|jscodeshift|recast|@babel\/.*|ast-types)$/u;

beforeAll(() => {
  if (!existsSync(path.join(REPO_ROOT, 'dist', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
});

describe('what a lint loads', () => {
  it('a JavaScript app: no codemod machinery, no TypeScript, no TypeScript scope analysis', () => {
    // The app's own config has no TypeScript parser; the plugin must not reach TypeScript either.
    const { reports, packages, utilsParts } = packagesLoadedBy(path.join(REPO_ROOT, 'examples', 'legacy-server'), ['server'], false);
    expect(reports).toBe(6);
    expect(packages).toContain('espree');
    expect(packages.filter((name) => CODEMOD_STACK.test(name))).toEqual([]);
    expect(packages).not.toContain('@typescript-eslint/typescript-estree');
    expect(packages).not.toContain('typescript');
    // ESLint analyses a JavaScript file's scopes with eslint-scope: scope-manager (~130 ms to load, with TypeScript's
    // lib globals) is for TypeScript modules only, and utils' ts-eslint part (~100 ms) holds types the rules only
    // name in type positions (lib/scope-kinds.ts).
    expect(packages).not.toContain('@typescript-eslint/scope-manager');
    expect(utilsParts).not.toContain('ts-eslint');
    expect(utilsParts).toContain('eslint-utils');
  });

  it('a TypeScript file: TypeScript\'s parser, still no codemod machinery', () => {
    const { reports, packages } = packagesLoadedBy(path.join(REPO_ROOT, 'test', 'fixtures', 'configs', 'app'), ['db.ts'], true);
    expect(reports).toBe(3);
    expect(packages).toContain('typescript');
    expect(packages.filter((name) => CODEMOD_STACK.test(name))).toEqual([]);
  });
});
