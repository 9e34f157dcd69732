/**
 * Reading other project modules (lib/project/project-modules): one parse per file and modification, shared by the
 * syntax-only readers and the analysis; scopes analysed only when something asks for a binding; a file that changed
 * on disk read again.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';

import type { TSESTree } from '@typescript-eslint/utils';

import { findVariable, isUnshadowedGlobal } from '../../lib/file-analysis/ast';
import {
  clearProjectModuleCache,
  exportedValue,
  loadModuleSyntax,
  loadProjectModule,
  moduleExports,
  noteLintedFile,
  parseStats,
  resolveRelativeModule,
  wasScopeAnalysed,
} from '../../lib/project/project-modules';

const project = mkdtempSync(path.join(tmpdir(), 'project-modules-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(project, name);
  writeFileSync(file, text);
  return file;
}

/** The counters' change while `run` runs. */
function counted(run: () => void): Record<keyof typeof parseStats, number> {
  const before = { ...parseStats };
  run();
  return {
    modules: parseStats.modules - before.modules,
    syntax: parseStats.syntax - before.syntax,
    parses: parseStats.parses - before.parses,
    scopes: parseStats.scopes - before.scopes,
  };
}

/** The identifiers named `name` in `ast`, in source order. */
function identifiers(ast: TSESTree.Node, name: string): TSESTree.Identifier[] {
  const found: TSESTree.Identifier[] = [];
  const visit = (value: unknown, key: string): void => {
    if (key === 'parent' || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item, '');
      return;
    }
    const node = value as TSESTree.Node;
    if (node.type === AST_NODE_TYPES.Identifier && node.name === name) found.push(node);
    for (const [childKey, child] of Object.entries(node)) visit(child, childKey);
  };
  visit(ast, '');
  return found.sort((a, b) => a.range[0] - b.range[0]);
}

beforeEach(() => clearProjectModuleCache());

describe('a module read for its syntax', () => {
  it('is parsed once, without scope analysis, and the analysis load reuses that parse', () => {
    const db = write('db.js', "const { Sequelize } = require('sequelize');\nmodule.exports = new Sequelize('sqlite::memory:');\n");
    expect(counted(() => expect(loadModuleSyntax(db)?.ast.body).toHaveLength(2))).toEqual({ modules: 0, syntax: 1, parses: 1, scopes: 0 });
    expect(counted(() => expect(loadProjectModule(db)?.ast.body).toHaveLength(2))).toEqual({ modules: 1, syntax: 0, parses: 0, scopes: 0 });
    expect(loadProjectModule(db)?.ast).toBe(loadModuleSyntax(db)?.ast);
    expect(wasScopeAnalysed(db)).toBe(false);
  });

  it('is not scope-analysed when only its exports are read, across a re-export', () => {
    const models = write('models.ts', "export const User = { tableName: 'users' };\nexport default User;\n");
    const index = write('index.ts', "export { User as Account } from './models';\nexport * from './models';\n");
    const counts = counted(() => {
      const module = loadProjectModule(index);
      expect(module).not.toBeNull();
      expect(moduleExports(module!).reexports.get('Account')).toEqual({ specifier: './models', name: 'User' });
      const found = exportedValue(module!, 'Account');
      expect(found?.module.filename).toBe(models);
      expect(found?.node).toMatchObject({ type: AST_NODE_TYPES.Identifier, name: 'User' });
    });
    expect(counts).toEqual({ modules: 2, syntax: 0, parses: 2, scopes: 0 });
    expect(wasScopeAnalysed(index)).toBe(false);
    expect(wasScopeAnalysed(models)).toBe(false);
  });
});

describe('a module asked for a binding', () => {
  it('is scope-analysed once, on the first lookup, and resolves as an eager analysis did (JavaScript, eslint-scope)', () => {
    const file = write(
      'shadow.js',
      "const require = (name) => name;\nfunction load() { return require('sequelize'); }\nconst db = 1;\nfunction inner() { const db = 2; return db; }\nmodule.exports = { load, inner, db };\n",
    );
    const module = loadProjectModule(file)!;
    expect(wasScopeAnalysed(file)).toBe(false);
    const counts = counted(() => {
      const [declared, called] = identifiers(module.ast, 'require');
      expect(isUnshadowedGlobal(module.host, called!, 'require')).toBe(false);
      expect(findVariable(module.host, called!)?.defs[0]?.name).toBe(declared);
      const [outer, innerDb, innerUse, exported] = identifiers(module.ast, 'db');
      expect(findVariable(module.host, innerUse!)?.defs[0]?.name).toBe(innerDb);
      expect(findVariable(module.host, exported!)?.defs[0]?.name).toBe(outer);
    });
    expect(counts).toEqual({ modules: 0, syntax: 0, parses: 0, scopes: 1 });
    expect(wasScopeAnalysed(file)).toBe(true);
    expect(isUnshadowedGlobal(module.host, identifiers(module.ast, 'module')[0]!, 'module')).toBe(true);
  });

  it('gets the TypeScript scope manager for TypeScript, and for JavaScript espree rejects', () => {
    const typed = write('typed.ts', "import type { Options } from 'sequelize';\nconst options: Options = { pool: { max: 5 } };\nexport default options;\n");
    const flowish = write('annotated.js', "const max: number = 5;\nmodule.exports = { max };\n");
    for (const [file, name] of [
      [typed, 'options'],
      [flowish, 'max'],
    ] as const) {
      const module = loadProjectModule(file);
      expect(module, file).not.toBeNull();
      const [declared, used] = identifiers(module!.ast, name);
      expect(findVariable(module!.host, used!)?.defs[0]?.name).toBe(declared);
      expect(wasScopeAnalysed(file)).toBe(true);
    }
  });
});

describe('the parser a module gets', () => {
  it('is espree with eslint-scope for JavaScript, as CommonJS when it is not a module, typescript-estree only for what espree rejects', () => {
    // eslint-scope declares no globals; the TypeScript scope manager declares the library's (`Promise` among them).
    const legacy = write('legacy.js', "if (!module.parent) return;\nmodule.exports = Promise.resolve(010);\n");
    const typed = write('typed-promise.js', 'const wait: Promise<void> = Promise.resolve();\nmodule.exports = wait;\n');
    const promiseIn = (file: string) => {
      const module = loadProjectModule(file);
      expect(module, file).not.toBeNull();
      return findVariable(module!.host, identifiers(module!.ast, 'Promise').at(-1)!);
    };
    expect(promiseIn(legacy)).toBeNull();
    expect(promiseIn(typed)?.defs).toEqual([]);
  });
});

describe('a module that changed on disk', () => {
  it('is read and parsed again, and its scopes analysed from the new text', () => {
    const file = write('config.js', 'module.exports = { max: 5 };\n');
    const first = loadProjectModule(file)!;
    findVariable(first.host, identifiers(first.ast, 'module')[0]!);
    write('config.js', 'const max = 10;\nmodule.exports = { max, min: 0 };\n');
    const counts = counted(() => {
      const second = loadProjectModule(file)!;
      expect(second).not.toBe(first);
      expect(second.text).toContain('max = 10');
      expect(second.ast.body).toHaveLength(2);
      const [declared, used] = identifiers(second.ast, 'max');
      expect(findVariable(second.host, used!)?.defs[0]?.name).toBe(declared);
    });
    expect(counts).toEqual({ modules: 1, syntax: 0, parses: 1, scopes: 1 });
  });

  it('is null once it no longer parses, and read again when it does', () => {
    const file = write('broken.js', 'module.exports = 1;\n');
    expect(loadModuleSyntax(file)).not.toBeNull();
    write('broken.js', 'module.exports = ((;\n');
    expect(loadModuleSyntax(file)).toBeNull();
    expect(loadProjectModule(file)).toBeNull();
    write('broken.js', 'module.exports = 234;\n');
    expect(loadProjectModule(file)?.text).toBe('module.exports = 234;\n');
  });
});

describe('resolving a relative specifier', () => {
  it("follows Node's and TypeScript's lookups in order, within a lint and outside one, and never into node_modules", () => {
    const app = path.join(project, 'resolve');
    const files = ['src/db.js', 'src/db.ts', 'src/models.ts', 'src/lib/index.mts', 'src/lib/index.cts', 'src/config.cjs', 'src/node_modules/pkg.js', 'src/CamelCase.js'];
    for (const file of files) {
      mkdirSync(path.dirname(path.join(app, file)), { recursive: true });
      writeFileSync(path.join(app, file), 'module.exports = 1;\n');
    }
    const from = path.join(app, 'src/app.js');
    const expected: [string, string | null][] = [
      ['./db', 'src/db.js'],
      ['./db.js', 'src/db.js'],
      ['./models.js', 'src/models.ts'],
      ['./models', 'src/models.ts'],
      ['./lib', 'src/lib/index.mts'],
      ['./lib/index.cjs', 'src/lib/index.cts'],
      ['./config', 'src/config.cjs'],
      ['./node_modules/pkg', null],
      ['./missing', null],
      ['../src/db', 'src/db.js'],
      ['sequelize', null],
    ];
    const resolved = (): [string, string | null][] =>
      expected.map(([specifier]) => {
        const target = resolveRelativeModule(from, specifier);
        return [specifier, target === null ? null : path.relative(app, target)];
      });
    // Outside a lint every call is an epoch of its own (a stat per candidate); within one the folder's listing answers.
    expect(resolved()).toEqual(expected);
    noteLintedFile(from);
    expect(resolved()).toEqual(expected);
    expect(resolveRelativeModule(path.join(app, 'src/other.js'), './db')).toBe(path.join(app, 'src/db.js'));
    // A name the listing holds under another case only: the stat decides (found on a case-insensitive file system).
    expect(resolveRelativeModule(from, './camelcase')).toBe(isCaseInsensitive(app) ? path.join(app, 'src/camelcase.js') : null);
  });
});

/** Whether the file system under `folder` finds a file under another case. */
function isCaseInsensitive(folder: string): boolean {
  return existsSync(path.join(folder, 'src/camelCASE.js'));
}
