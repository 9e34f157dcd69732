/**
 * The name gate of single-instance's factory question: a module is parsed to follow a call only when the call can
 * reach a factory through it, by the names its text uses. Each skip must be provable: the text test of a module that
 * constructs Sequelize is checked against the parser on real code below, and the gate is checked on projects shaped
 * after the ways real apps reach their factories (re-exports, wrappers, cycles, default exports), with the parses it
 * causes observed through wasParsed.
 */
import type { TSESTree } from '@typescript-eslint/utils';

import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { childNodes } from '../../lib/file-analysis/ast';
import { mayConstructSequelize, sequelizeConstructorModule, sequelizeModuleMember } from '../../lib/file-analysis/sequelize-detection';
import { calledFactory, FACTORY_GATE } from '../../lib/project/instance-factories';
import { resolveReference } from '../../lib/project/module-summary';
import { mayProvide, maySelect, providedNames, textMayProvide } from '../../lib/project/name-gates';
import { clearProjectModuleCache, loadProjectModule, noteLintedFile, wasParsed } from '../../lib/project/project-modules';
import { appCorpusSources, sources, textTestAgainstParser } from '../source-files';

const root = path.resolve(__dirname, '../..');

describe('mayConstructSequelize (the text test of the factory gate)', () => {
  it('keeps the real setup modules and factories', () => {
    // outline/outline@d77dcdf853868c5d5fe125c895c9b71f0eff5c68 server/storage/database.ts (lines 12, 186-188).
    const outline = `import type { SequelizeOptions } from "sequelize-typescript";
import { Sequelize } from "sequelize-typescript";
export function createDatabaseInstance(databaseConfig, input) {
  let instance;
  if (typeof databaseConfig === "string") {
      instance = new Sequelize(databaseConfig, commonOptions);
  } else {
      instance = new Sequelize({ ...databaseConfig, ...commonOptions });
  }
  return instance;
}`;
    expect(mayConstructSequelize(outline)).toBe(true);
    // CrowdDotDev/crowd.dev@bc2e323d3c86e9c8a3e5b8297e9cb83e5c4ae41d backend/src/database/models/index.ts (lines 2, 64).
    expect(mayConstructSequelize("import Sequelize, { DataTypes } from 'sequelize'\nconst sequelize = new (Sequelize as any)(\n")).toBe(true);
    // joshuasingh/manage_employee_Api@a8c189616d6f19f5a4f59041f4866b49b46befac src/configuration/companySqlConnection.js.
    expect(mayConstructSequelize('const Sequelize = require("sequelize");\nexports.getCompanyDBConnection = (companyId) => {\n  return new Sequelize("empr000" + companyId);\n};')).toBe(true);
    // A class that extends Sequelize, constructed in another module (calledFactory follows it there).
    expect(mayConstructSequelize("import { Sequelize as Base } from '@sequelize/core';\nexport class Db extends Base {}\n")).toBe(true);
    // Bound again before `new`: the analysis follows const aliases and `{ Sequelize: S }` destructuring.
    expect(mayConstructSequelize("const lib = require('sequelize');\nconst { Sequelize: S } = lib;\nmodule.exports = () => new S();")).toBe(true);
    expect(mayConstructSequelize("const S = require('sequelize').Sequelize;\nmodule.exports = () => new S();")).toBe(true);
  });

  it('skips modules that import Sequelize for anything but constructing it', () => {
    // CrowdDotDev/crowd.dev@bc2e323d3c86e9c8a3e5b8297e9cb83e5c4ae41d backend/src/database/repositories/integrationRepository.ts
    // (lines 2, 25): the default import only gives up `Op`; `new Error` elsewhere.
    expect(mayConstructSequelize("import Sequelize, { QueryTypes } from 'sequelize'\nconst { Op } = Sequelize\nthrow new Error('x')\n")).toBe(false);
    // outline@d77dcdf server/models/AuthenticationProvider.ts (lines 1-6, 123): types and `Op`, `new` of other classes.
    const model = `import type {
  InferAttributes,
  Transaction,
} from "sequelize";
import { Op } from "sequelize";
import { Column, Table } from "sequelize-typescript";
export function client() { return new GoogleClient(); }`;
    expect(mayConstructSequelize(model)).toBe(false);
    // A member of the class is not the class: `Sequelize.literal(…)`, `= Sequelize.Op`.
    expect(mayConstructSequelize("const { Sequelize } = require('sequelize');\nconst Op = Sequelize.Op;\nconst x = new Date(Sequelize.literal('1'));")).toBe(false);
    // Re-exported, never bound here.
    expect(mayConstructSequelize("export { Sequelize } from 'sequelize';\nexport const x = new Map();")).toBe(false);
    // Ilhamddy/PT.SNB-FE@c5f9beb backendjs/app/models/m_carapulangri.model.js (lines 1-4): the class bound again and
    // never used as one; a model class extends `Model`.
    const sequelizeAuto = "import _sequelize from 'sequelize';\nconst { Model, Sequelize } = _sequelize;\n\nexport default class m_carapulangri extends Model {";
    expect(mayConstructSequelize(sequelizeAuto)).toBe(false);
    expect(mayConstructSequelize(`${sequelizeAuto}\n  static make() { return new Sequelize('sqlite::memory:'); }\n}`)).toBe(true);
    expect(mayConstructSequelize("import lib from 'sequelize';\nconst { Sequelize: Orm } = lib;\nclass Db extends Orm {}")).toBe(true);
    // A type, not a value: lighthouse-ci's migrations and pt-snb's models name the class in JSDoc only.
    // GoogleChrome/lighthouse-ci@de45968 packages/server/src/api/storage/sql/migrations/20191008-initial.js line 14.
    const migration = `  /**
   * @param {{queryInterface: import('sequelize').QueryInterface, options: LHCI.ServerCommand.StorageOptions}} _
   */
  up: async ({queryInterface, options}) => { const at = new Date(); },`;
    expect(mayConstructSequelize(migration)).toBe(false);
    expect(mayConstructSequelize('/** @param {typeof import("sequelize")} lib */\nconst at = new Date();')).toBe(false);
    expect(mayConstructSequelize('/** @param {import("sequelize").Sequelize} sequelize */\nconst at = new Date();')).toBe(false);
    expect(mayConstructSequelize('/** @type {Array<import("sequelize").Model>} */\nconst rows = new Array(2);')).toBe(false);
  });

  it('counts whatever it cannot read for sure as a possible construction', () => {
    expect(mayConstructSequelize("const { Sequelize } = await import('sequelize');\nnew Sequelize();")).toBe(true);
    expect(mayConstructSequelize("const load = createRequire(import.meta.url);\nconst S = load('sequelize');\nnew S();")).toBe(true);
    expect(mayConstructSequelize("module.exports = new (require('sequelize'))('sqlite::memory:');")).toBe(true);
    // `const { Op, ...rest } = S`: the rest holds the class.
    expect(mayConstructSequelize("import S from 'sequelize';\nconst { Op, ...rest } = S;\nnew rest.Sequelize();")).toBe(true);
  });

  it('is true for every module where the parser finds a construction (fixtures, corpus setup modules, the app corpus)', () => {
    const files = [
      ...sources(path.join(root, 'test/fixtures'), 400),
      ...sources(path.join(root, 'test/codemods/corpus'), 400),
      ...sources(path.join(root, 'examples'), 100),
      ...appCorpusSources(300, (text) => text.includes('sequelize') && /\b(?:new|extends)\b/u.test(text)),
    ];
    const { checked, held: constructing, missed } = textTestAgainstParser(files, root, {
      mentions: (text) => text.includes('sequelize'),
      holds: constructs,
      textTest: mayConstructSequelize,
    });
    expect(missed).toEqual([]);
    expect(checked).toBeGreaterThan(50);
    expect(constructing).toBeGreaterThan(40);
  });
});

describe('textMayProvide (the factory gate asked of the file being linted)', () => {
  it('is true for every file of the app corpus in which calledFactory finds a factory for some call', () => {
    // Per app, files that import something (a sample in walk order): where the text test says no factory can be
    // reached, every call and `new` of the file is resolved in full and must find none.
    const corpus = '/work/corpus/apps';
    const apps = existsSync(corpus) ? readdirSync(corpus, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => path.join(corpus, entry.name)) : [];
    let skipped = 0;
    let callsInSkipped = 0;
    let candidates = 0;
    const wrong: string[] = [];
    for (const app of apps) {
      clearProjectModuleCache();
      const files = sources(app, 2000).filter((file) => /\b(?:require|import)\b/u.test(readFileSync(file, 'utf8'))).slice(0, 15);
      for (const file of files) {
        noteLintedFile(file);
        const module = loadProjectModule(file);
        if (module === null) continue;
        if (textMayProvide(file, module.text, FACTORY_GATE)) {
          candidates += 1;
          continue;
        }
        skipped += 1;
        const visit = (node: TSESTree.Node): void => {
          if (node.type === AST_NODE_TYPES.CallExpression || node.type === AST_NODE_TYPES.NewExpression) {
            callsInSkipped += 1;
            if (calledFactory(module, node) !== null) wrong.push(`${file}:${node.loc.start.line}`);
          }
          for (const child of childNodes(node)) visit(child);
        };
        visit(module.ast);
      }
    }
    expect(wrong).toEqual([]);
    if (apps.length === 0) return;
    expect(skipped).toBeGreaterThan(100);
    expect(callsInSkipped).toBeGreaterThan(5000);
    expect(candidates).toBeGreaterThan(0);
  });

  it('judges the text it is given (unsaved editor text), not the file on disk', () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'text-gate-'));
    try {
      writeFileSync(path.join(directory, 'package.json'), '{ "name": "gates" }\n');
      writeFileSync(path.join(directory, 'db.js'), "const { Sequelize } = require('sequelize');\nexports.connect = () => new Sequelize(process.env.URL);\nexports.ping = () => 1;\n");
      const routes = path.join(directory, 'routes.js');
      const onDisk = "const { ping } = require('./db');\nexports.handler = () => ping();\n";
      writeFileSync(routes, onDisk);
      clearProjectModuleCache();
      noteLintedFile(routes);
      expect(textMayProvide(routes, onDisk, FACTORY_GATE)).toBe(false);
      expect(textMayProvide(routes, "const db = require('./db');\nexports.handler = () => db.connect();\n", FACTORY_GATE)).toBe(true);
      expect(textMayProvide(routes, "const { connect } = require('./d\\x62');\n", FACTORY_GATE)).toBe(true);
      expect(textMayProvide(routes, "const { Sequelize } = require('sequelize');\nexports.make = () => new Sequelize();\n", FACTORY_GATE)).toBe(true);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('the factory gate (mayProvide with FACTORY_GATE) on projects', () => {
  const projects: string[] = [];
  afterAll(() => {
    for (const project of projects) rmSync(project, { recursive: true, force: true });
  });
  const project = (files: Record<string, string>): string => {
    const directory = mkdtempSync(path.join(tmpdir(), 'name-gates-'));
    projects.push(directory);
    writeFileSync(path.join(directory, 'package.json'), '{ "name": "gates" }\n');
    for (const [relative, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(directory, relative)), { recursive: true });
      writeFileSync(path.join(directory, relative), text);
    }
    return directory;
  };
  /** calledFactory for the last call in `handler` of the linted file, and the files parsed meanwhile. */
  const factoryOf = (directory: string, linted: string): { origin: string | null; line: number | null; parsed: string[] } => {
    clearProjectModuleCache();
    const filename = path.join(directory, linted);
    noteLintedFile(filename);
    const module = loadProjectModule(filename);
    if (module === null) throw new Error(`${linted} does not parse`);
    const calls: (TSESTree.CallExpression | TSESTree.NewExpression)[] = [];
    const visit = (node: TSESTree.Node): void => {
      if (node.type === AST_NODE_TYPES.CallExpression || node.type === AST_NODE_TYPES.NewExpression) calls.push(node);
      for (const child of childNodes(node)) visit(child);
    };
    visit(module.ast);
    const origin = calledFactory(module, calls.at(-1) as TSESTree.CallExpression);
    const parsed = parsedBesides(directory, filename);
    return { origin: origin === null ? null : path.relative(directory, origin.module.filename), line: origin?.construction.loc.start.line ?? null, parsed };
  };
  const gate = (directory: string, relative: string): boolean => mayProvide(path.join(directory, relative), FACTORY_GATE);

  it('follows a re-export chain: export * of a module.exports = require, renamed by export { as }', () => {
    const directory = project({
      'db/factory.js': "const { Sequelize } = require('sequelize');\nexports.createDb = () => new Sequelize('sqlite::memory:');\n",
      'db/index.js': "module.exports = require('./factory');\n",
      'lib/index.mjs': "export * from './db.mjs';\n",
      'lib/db.mjs': "export { createDb as makeDb } from '../db/index.js';\n",
      'routes.mjs': "import { makeDb } from './lib/index.mjs';\nexport function handler() { return makeDb(); }\n",
    });
    const found = factoryOf(directory, 'routes.mjs');
    expect(found).toMatchObject({ origin: 'db/factory.js', line: 2 });
    expect(found.parsed).toEqual(['db/factory.js', 'db/index.js', 'lib/db.mjs', 'lib/index.mjs']);
    expect([...providedNames(path.join(directory, 'lib/db.mjs'), FACTORY_GATE)]).toEqual(['makeDb']);
  });

  it('follows a wrapper of a wrapper in other modules, through an awaited local', () => {
    const directory = project({
      'config/db.js': "const Sequelize = require('sequelize');\nexports.connect = (url) => { const db = new Sequelize(url); return db; };\n",
      'lib/tenant.js': "const { connect } = require('../config/db');\nexports.tenantDb = (id) => connect(`postgres://db/${id}`);\n",
      'lib/request.js': "const tenant = require('./tenant');\nexports.dbFor = async (req) => {\n  const db = await tenant.tenantDb(req.tenantId);\n  return db;\n};\n",
      'routes.js': "const { dbFor } = require('./lib/request');\nexports.handler = async (req) => dbFor(req);\n",
    });
    expect(factoryOf(directory, 'routes.js')).toMatchObject({ origin: 'config/db.js', line: 2 });
    expect(gate(directory, 'lib/request.js')).toBe(true);
  });

  it('finds a factory reached only through a cycle between modules (the least fixed point, not a memoised miss)', () => {
    // api.get -> store.build -> api.open -> pool.raw: `get` leads to a factory only once `build` does, which needs `open`.
    const directory = project({
      'pool.js': "const { Sequelize } = require('sequelize');\nexports.raw = () => new Sequelize('sqlite::memory:');\n",
      'api.js': "const store = require('./store');\nconst pool = require('./pool');\nexports.get = () => store.build();\nexports.open = () => pool.raw();\nexports.name = 'api';\n",
      'store.js': "const api = require('./api');\nexports.build = () => api.open();\nexports.label = () => api.name;\n",
      'routes.js': "const { get } = require('./api');\nexports.handler = () => get();\n",
    });
    expect(factoryOf(directory, 'routes.js')).toMatchObject({ origin: 'pool.js', line: 2 });
    // `get` and `open` lead (names of the requires that pass modules on whole may come along: a superset).
    expect([...providedNames(path.join(directory, 'api.js'), FACTORY_GATE)]).toEqual(expect.arrayContaining(['get', 'open']));
    expect([...providedNames(path.join(directory, 'api.js'), FACTORY_GATE)]).not.toContain('name');
    expect([...providedNames(path.join(directory, 'store.js'), FACTORY_GATE)]).toEqual(expect.arrayContaining(['build']));
    expect([...providedNames(path.join(directory, 'store.js'), FACTORY_GATE)]).not.toContain('label');
  });

  it('follows a default export factory and `module.exports = () => new Sequelize()`', () => {
    const directory = project({
      'db.mjs': "import { Sequelize } from 'sequelize';\nexport default function connect(url) {\n  return new Sequelize(url);\n}\n",
      'pool.js': "const { Sequelize } = require('sequelize');\nmodule.exports = () => new Sequelize('sqlite::memory:');\n",
      'esm-routes.mjs': "import open from './db.mjs';\nexport function handler() { return open(process.env.URL); }\n",
      'cjs-routes.js': "const make = require('./pool');\nexports.handler = () => make();\n",
    });
    expect(factoryOf(directory, 'esm-routes.mjs')).toMatchObject({ origin: 'db.mjs', line: 3 });
    expect(factoryOf(directory, 'cjs-routes.js')).toMatchObject({ origin: 'pool.js', line: 2 });
    expect(providedNames(path.join(directory, 'pool.js'), FACTORY_GATE).has('*')).toBe(true);
  });

  it('does not parse an imported model class with many methods, nor the index that re-exports it (outline: Document.findByPk)', () => {
    // outline's shape: every model reaches the module that constructs the one instance, but no model makes one.
    const methods = Array.from({ length: 40 }, (_, index) => `  static find${index}(id) { return this.findOne({ where: { id } }); }`).join('\n');
    const directory = project({
      'storage/database.js': "const { Sequelize } = require('sequelize');\nfunction createDatabaseInstance(url) { return new Sequelize(url); }\nconst sequelize = createDatabaseInstance(process.env.DATABASE_URL);\nmodule.exports = { sequelize, createDatabaseInstance };\n",
      'models/Document.js': `const { Model } = require('sequelize');\nconst { sequelize } = require('../storage/database');\nclass Document extends Model {\n${methods}\n}\nDocument.init({}, { sequelize });\nmodule.exports = Document;\n`,
      'models/index.js': "exports.Document = require('./Document');\n",
      'routes.js': "const { Document } = require('./models');\nexports.handler = async (id) => Document.findByPk(id);\n",
    });
    const found = factoryOf(directory, 'routes.js');
    expect(found.origin).toBeNull();
    // Only the module that constructs is read (to learn which of its names lead to a factory): none of the chain.
    expect(found.parsed).toEqual(['storage/database.js']);
    expect(gate(directory, 'models/index.js')).toBe(false);
    expect(gate(directory, 'models/Document.js')).toBe(false);
    expect([...providedNames(path.join(directory, 'storage/database.js'), FACTORY_GATE)]).toEqual(['createDatabaseInstance']);
    // Without the gate the resolver parses both to find no static `findByPk`.
    clearProjectModuleCache();
    const routes = loadProjectModule(path.join(directory, 'routes.js'));
    const call = routes?.ast.body.at(-1);
    if (call?.type === AST_NODE_TYPES.ExpressionStatement && call.expression.type === AST_NODE_TYPES.AssignmentExpression && routes !== null) {
      const arrow = call.expression.right as TSESTree.ArrowFunctionExpression;
      resolveReference(routes, (arrow.body as TSESTree.CallExpression).callee);
    }
    expect(parsedBesides(directory, path.join(directory, 'routes.js'))).toEqual(['models/Document.js', 'models/index.js']);
  });

  it('selects from a module that constructs only the names that lead to a factory (sequelize-cli models/index.js: db.User)', () => {
    // gladys' and sequelize-cli's shape: the index constructs the instance at load and exports models, no factory.
    const directory = project({
      'models/index.js': "const { Sequelize } = require('sequelize');\nconst sequelize = new Sequelize(process.env.DATABASE_URL);\nconst User = sequelize.define('User', {});\nconst db = { User, sequelize };\nconst reconnect = () => new Sequelize(process.env.DATABASE_URL);\nmodule.exports = { ...db, reconnect, sequelize };\n",
      'routes.js': "const db = require('./models');\nexports.handler = async (id) => db.User.findAll({ where: { id } });\n",
      'reconnect.js': "const db = require('./models');\nexports.handler = async () => db.reconnect();\n",
      'esm.mjs': "import db from './models/index.js';\nexport const handler = () => db.reconnect();\n",
    });
    const models = path.join(directory, 'models/index.js');
    expect(gate(directory, 'models/index.js')).toBe(true);
    expect([...providedNames(models, FACTORY_GATE)]).toEqual(['reconnect']);
    expect([maySelect(models, 'User', FACTORY_GATE), maySelect(models, 'sequelize', FACTORY_GATE)]).toEqual([false, false]);
    expect([maySelect(models, 'reconnect', FACTORY_GATE), maySelect(models, 'default', FACTORY_GATE)]).toEqual([true, true]);
    expect(factoryOf(directory, 'routes.js').origin).toBeNull();
    expect(factoryOf(directory, 'reconnect.js')).toMatchObject({ origin: 'models/index.js', line: 5 });
    expect(factoryOf(directory, 'esm.mjs')).toMatchObject({ origin: 'models/index.js', line: 5 });
  });

  it('opens for a module that uses a factory through a class, or passes its module on whole', () => {
    const directory = project({
      'db.js': "const { Sequelize } = require('sequelize');\nclass Repo {\n  static connect(url) { return new Sequelize(url); }\n  static find(id) { return id; }\n}\nmodule.exports = Repo;\n",
      // Uses a member that does not lead: closed.
      'finder.js': "const Repo = require('./db');\nexports.find = (id) => Repo.find(id);\n",
      // Uses one that does: open.
      'connector.js': "const Repo = require('./db');\nexports.open = () => Repo.connect(process.env.URL);\n",
      // Passes the class on: open (whoever imports it may call `connect`).
      'facade.js': "const Repo = require('./db');\nmodule.exports = { Repo };\n",
      'routes.js': "const { Repo } = require('./facade');\nexports.handler = () => Repo.connect(process.env.URL);\n",
    });
    expect(gate(directory, 'finder.js')).toBe(false);
    expect(gate(directory, 'connector.js')).toBe(true);
    expect(gate(directory, 'facade.js')).toBe(true);
    expect(factoryOf(directory, 'routes.js')).toMatchObject({ origin: 'db.js', line: 3 });
  });
});

/** The modules of `directory` parsed since the cache was cleared, but for `linted`, relative and sorted. */
function parsedBesides(directory: string, linted: string): string[] {
  return sources(directory, 100)
    .filter((file) => file !== linted && wasParsed(file))
    .map((file) => path.relative(directory, file))
    .sort();
}

/** Does `module` construct Sequelize (as sequelizeConstructorModule reads it) or declare a class that extends it? */
function constructs(module: NonNullable<ReturnType<typeof loadProjectModule>>): boolean {
  let found = false;
  const visit = (node: TSESTree.Node): void => {
    if (found) return;
    if (node.type === AST_NODE_TYPES.NewExpression && sequelizeConstructorModule(module.host, node.callee) !== null) found = true;
    if ((node.type === AST_NODE_TYPES.ClassDeclaration || node.type === AST_NODE_TYPES.ClassExpression) && node.superClass != null) {
      const member = sequelizeModuleMember(module.host, node.superClass);
      if (member !== null && member.path.filter((key) => key !== 'default').join('.') === 'Sequelize') found = true;
    }
    for (const child of childNodes(node)) visit(child);
  };
  visit(module.ast);
  return found;
}
