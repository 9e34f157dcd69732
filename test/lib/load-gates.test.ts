/**
 * The load gate of the transaction-helper question: a module is parsed to follow an awaited call only when it, or a
 * module it may load, can hold an unmanaged `transaction()` that a function returns. Each skip must be provable: a
 * module whose text fails the test has no such call (checked against the parser on real code below), and a module is
 * only skipped when nothing it may load passes.
 */
import type { TSESTree } from '@typescript-eslint/utils';

import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { childNodes, findVariable, memberName, skipTypeWrappers } from '../../lib/file-analysis/ast';
import { resolveProjectSpecifier } from '../../lib/project/import-graph';
import { mayLeadTo, possibleImports } from '../../lib/project/load-gates';
import { clearProjectModuleCache, loadProjectModule, noteLintedFile } from '../../lib/project/project-modules';
import { BEGINS_TRANSACTIONS, mayBeginTransaction } from '../../lib/project/transaction-helpers';
import { appCorpusSources, sources, textTestAgainstParser } from '../source-files';

const root = path.resolve(__dirname, '../..');
const read = (relative: string): string => readFileSync(path.join(root, relative), 'utf8');

describe('mayBeginTransaction (the text test of the transaction-helper gate)', () => {
  it('keeps the real helpers that return a transaction', () => {
    // Fabio-Alfredo/Shop-Backend-express: `const t = await Order.sequelize.transaction(); return t;`
    expect(mayBeginTransaction(read('test/fixtures/transactions/helpers/order.repository.js'))).toBe(true);
    // scaffold's SequelizeRepository: `return database.sequelize.transaction();`
    expect(mayBeginTransaction(read('test/fixtures/transactions/helpers/sequelize-repository.js'))).toBe(true);
    // Ilhamddy/PT.SNB-FE dbutils: `return [transaction, error]` after `transaction = await db.sequelize.transaction()`.
    expect(mayBeginTransaction(read('test/fixtures/transactions/helpers/dbutils.mjs'))).toBe(true);
  });

  it('skips modules that only use transactions: managed callbacks, forwarded options, in-place unmanaged ones', () => {
    // opencollective-api's mutations: managed transactions whose callback is the only argument, options forwarded.
    const managed = `export async function editExpense(expenseData, req) {
  const expense = await sequelize.transaction(async (transaction: Transaction) => {
    const updated = await models.Expense.update(expenseData, { where: { id: expenseData.id }, transaction });
    await models.Activity.create({ type: 'expense.edited' }, { transaction: transaction });
    return updated;
  });
  return expense;
}
export const markAsPaid = (expense, options) => expense.update({ status: 'PAID' }, { transaction: options.transaction });`;
    expect(mayBeginTransaction(managed)).toBe(false);
    // opencollective-api cron/hourly/97-cleanup-expired-export-requests.ts: begun, committed and rolled back in place.
    const inPlace = `for (const exportRequest of expiredExports) {
    const transaction = await sequelize.transaction();
    try {
      await exportRequest.destroy({ transaction });
      await transaction.commit();
    } catch (e) {
      await transaction.rollback();
    }
  }`;
    expect(mayBeginTransaction(inPlace)).toBe(false);
    // A URL and a word in a comment, a longer member name, a type.
    expect(mayBeginTransaction('// See https://developer.paypal.com/docs/transaction-search/\nx.transactions(); let t: Sequelize.Transaction;')).toBe(false);
  });

  it('counts whatever it cannot read for sure as a possible start', () => {
    const returned = (call: string): string => `async function begin() { const t = await ${call}; return t; }`;
    expect(mayBeginTransaction(returned('db.transaction /* begin */ ()'))).toBe(true);
    expect(mayBeginTransaction(returned("db['transaction']()"))).toBe(true);
    expect(mayBeginTransaction(returned('(db.transaction as any)()'))).toBe(true);
    expect(mayBeginTransaction(returned('db.transaction<Options>()'))).toBe(true);
    // A callback and a second argument: not managed as far as the analysis reads it.
    expect(mayBeginTransaction(returned('db.transaction(async (t) => t, { isolationLevel })'))).toBe(true);
    // A callback the scan cannot read (a JSX tag outside TypeScript), returned through another name.
    const jsx = "const t = db.transaction(async (x) => <p>it's {x}</p>); const u = t;\nmodule.exports = () => u;";
    expect(mayBeginTransaction(jsx, 'view.jsx')).toBe(true);
    expect(mayBeginTransaction(jsx, 'view.tsx')).toBe(true);
    // A regular expression that does not close on its line.
    expect(mayBeginTransaction('const t = db.transaction(async (x) => x.split(/a,\nb/)); const u = t;\nmodule.exports = () => u;')).toBe(true);
    // An optional call is a call.
    expect(mayBeginTransaction(returned('db.transaction?.()'))).toBe(true);
    expect(mayBeginTransaction(returned('(db.transaction satisfies Begin)()'))).toBe(true);
    // A line comment ends at U+2028: the comma after it is the call's second argument.
    expect(mayBeginTransaction(returned('db.transaction(async (x) => x // c\u2028, { a: 1 }\n)'))).toBe(true);
    // A comment between `?.` and the call's `(`.
    expect(mayBeginTransaction(returned('db.transaction?./* begin */()'))).toBe(true);
    // A keyword read as a property (`x.in`) before a `/`: a division, so the comma after it is the call's second argument.
    expect(mayBeginTransaction(returned('db.transaction(async (x) => x.in / 2, { a: 1 } /* / */)'))).toBe(true);
  });

  it('reads regular expressions, divisions and TypeScript type arguments in a managed callback', () => {
    const managed = (body: string, filename?: string): boolean =>
      mayBeginTransaction(`exports.run = async (rows) => {\n  return sequelize.transaction(async (transaction) => {\n${body}\n  });\n};\n`, filename);
    // A regular expression with a comma and a quote, after `=>`, `(`, `return`, and after `if (…)`.
    expect(managed("    const parts = rows.map((r) => /a,b'/.test(r.name));\n    if (parts) /,/.test('x');\n    return /[/,]/u;")).toBe(false);
    // Divisions: after a name, a number, `)`, `]`, a postfix `++`; a comment between.
    expect(managed('    let i = 0;\n    const half = rows.length / 2, ratio = (i + 1) / rows.length, last = rows[0] / 3;\n    return i++ / /* per row */ half;')).toBe(false);
    // opencollective-api server/lib/moderation.ts (line 199): type arguments in TypeScript.
    const typed = '    const result = await sequelize.query<BanResult>(sql, { plain: true, transaction });\n    return result as Array<BanResult>;';
    expect(managed(typed, 'server/lib/moderation.ts')).toBe(false);
    // The same in JavaScript, where `<B` may open a JSX tag: unsure.
    expect(managed(typed, 'server/lib/moderation.js')).toBe(true);
  });

  it('skips `transaction` read as a member that is not called', () => {
    const returned = (expression: string): string => `exports.f = (activity) => { const t = ${expression}; return t; };`;
    // opencollective-api server/lib/notifications/index.ts (line 24), graphql/v2/interface/Transaction.js (line 415).
    expect(mayBeginTransaction(returned('activity.data?.transaction?.kind'))).toBe(false);
    expect(mayBeginTransaction(returned('{ ...transaction.dataValues }'))).toBe(false);
    // opencollective-api server/lib/duplicate-account.ts (line 117): an optional property of a type after a comment.
    expect(mayBeginTransaction('function f(options: {\n  /** a new one if not provided */\n  transaction?: Transaction;\n} = {}) { return options; }', 'x.ts')).toBe(false);
    // A conditional, and prose in a comment.
    expect(mayBeginTransaction(returned('options.transaction ? 1 : 2'))).toBe(false);
    expect(mayBeginTransaction('// We read transaction?.data?.transaction stored on it\nexports.f = () => { return 1; };')).toBe(false);
  });

  it('is true for every module where the parser finds a returned unmanaged transaction() (fixtures and the app corpus)', () => {
    const files = [...sources(path.join(root, 'test/fixtures'), 400), ...sources(path.join(root, 'examples'), 100), ...appCorpusSources(300, (text) => text.includes('transaction'))];
    const { checked, held: begins, missed } = textTestAgainstParser(files, root, {
      mentions: (text) => text.includes('transaction'),
      holds: returnsUnmanagedTransaction,
      textTest: (text, file) => mayBeginTransaction(text, file),
    });
    expect(missed).toEqual([]);
    expect(checked).toBeGreaterThan(20);
    expect(begins).toBeGreaterThanOrEqual(3);
  });
});

/** A temporary project folder (removed after the describe block) and a writer of files in it. */
function tempProject(prefix: string): { project: string; write: (relative: string, text: string) => string } {
  const project = mkdtempSync(path.join(tmpdir(), prefix));
  afterAll(() => rmSync(project, { recursive: true, force: true }));
  const write = (relative: string, text: string): string => {
    const file = path.join(project, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    return file;
  };
  return { project, write };
}

describe('mayLeadTo (the gate over what a module may load)', () => {
  const { project, write } = tempProject('load-gates-');
  writeFileSync(path.join(project, 'package.json'), '{ "name": "gates" }\n');
  // Shaped after Fabio-Alfredo/Shop-Backend-express: controllers call services, services call repositories.
  const format = write('utils/format.js', "const { pick } = require('./pick');\nexports.money = (value) => pick(value).toFixed(2);\n");
  write('utils/pick.js', 'exports.pick = (value) => Number(value);\n');
  const catalog = write(
    'services/catalog.service.js',
    "const { money } = require('../utils/format');\nconst { Product } = require('../models');\nexports.list = async (options) => (await Product.findAll({ transaction: options.transaction })).map((p) => money(p.price));\n",
  );
  write('models/index.js', "const { Sequelize } = require('sequelize');\nmodule.exports = { sequelize: new Sequelize('sqlite::memory:') };\n");
  write('repositories/order.repository.js', "const { sequelize } = require('../models');\nexports.startTransaction = async () => {\n  const t = await sequelize.transaction();\n  return t;\n};\n");
  write('services/a.js', '');
  write('services/index.js', '');
  write('b.js', '');
  const orders = write('services/order.service.js', "const orderRepository = require('../repositories/order.repository');\nexports.place = async () => orderRepository.startTransaction();\n");

  it('skips a module when nothing it may load can begin a transaction, keeps one that leads to a repository that does', () => {
    clearProjectModuleCache();
    noteLintedFile(path.join(project, 'controllers/order.controller.js'));
    expect(mayLeadTo(format, BEGINS_TRANSACTIONS)).toBe(false);
    expect(mayLeadTo(catalog, BEGINS_TRANSACTIONS)).toBe(false);
    expect(mayLeadTo(orders, BEGINS_TRANSACTIONS)).toBe(true);
  });

  it('reads specifiers anywhere in the text, and stays open where an escape may spell one or the name', () => {
    clearProjectModuleCache();
    noteLintedFile(path.join(project, 'controllers/order.controller.js'));
    // A require inside a function, and a specifier in a template literal: both are edges.
    const lazy = write('services/lazy.js', 'exports.begin = () => require(`../repositories/order.repository`).startTransaction();\n');
    expect(possibleImports(lazy, readFileSync(lazy, 'utf8'))).toEqual([path.join(project, 'repositories/order.repository.js')]);
    expect(mayLeadTo(lazy, BEGINS_TRANSACTIONS)).toBe(true);
    // `'../repositories/order\x2erepository'` is the same module for Node: the text cannot say which, so the gate opens.
    const escaped = write('services/escaped.js', "exports.begin = () => require('../repositories/order\\x2erepository').startTransaction();\n");
    expect(possibleImports(escaped, readFileSync(escaped, 'utf8'))).toBeNull();
    expect(mayLeadTo(escaped, BEGINS_TRANSACTIONS)).toBe(true);
    // Every quote opens a string on its own: `'./x'`, `"./x"`, `` `./x` ``, `.` and `..` alone; a dot in code is no
    // string, and a quote in a comment cannot pair up with another to hide one.
    const quotes = write('services/quotes.js', "// it's `here`: \"./a\" and '../b'\nconst x = a.b.c + require('.') + require(\"..\") + `./a`;\n");
    expect(possibleImports(quotes, readFileSync(quotes, 'utf8'))?.sort()).toEqual(['b.js', 'services/a.js', 'services/index.js'].map((file) => path.join(project, file)));
    // `trans\u0061ction` is `transaction` to the parser: the text test also reads the escapes written out.
    const spelled = write('repositories/spelled.js', 'exports.begin = async (db) => { const t = await db.trans\\u0061ction(); return t; };\n');
    expect(mayLeadTo(spelled, BEGINS_TRANSACTIONS)).toBe(true);
  });
});

/** Does some function of `module` return (directly, or through names assigned with `=`) an unmanaged `x.transaction(…)`, as beginValue reads one? */
function returnsUnmanagedTransaction(module: NonNullable<ReturnType<typeof loadProjectModule>>): boolean {
  const isBegin = (raw: TSESTree.Node | null | undefined, seen: Set<TSESTree.Node>): boolean => {
    if (raw == null || seen.has(raw)) return false;
    seen.add(raw);
    let node = skipTypeWrappers(raw);
    if (node.type === AST_NODE_TYPES.AwaitExpression) node = skipTypeWrappers(node.argument);
    if (node.type === AST_NODE_TYPES.ArrayExpression) return node.elements.some((element) => element !== null && element.type !== AST_NODE_TYPES.SpreadElement && isBegin(element, seen));
    if (node.type === AST_NODE_TYPES.Identifier) {
      const variable = findVariable(module.host, node);
      if (variable === null) return false;
      const values = variable.defs.flatMap((def) => (def.node.type === AST_NODE_TYPES.VariableDeclarator && def.node.init !== null ? [def.node.init] : []));
      for (const reference of variable.references) {
        const parent = reference.identifier.parent;
        if (parent?.type === AST_NODE_TYPES.AssignmentExpression && parent.left === reference.identifier && parent.operator === '=') values.push(parent.right);
      }
      return values.some((value) => isBegin(value, seen));
    }
    if (node.type !== AST_NODE_TYPES.CallExpression) return false;
    const callee = skipTypeWrappers(node.callee);
    if (callee.type !== AST_NODE_TYPES.MemberExpression || memberName(callee) !== 'transaction') return false;
    // As beginValue reads a start: no argument, an object literal, or a name an options parameter has (by its name
    // alone here, a superset); a callback or another name makes it managed.
    const last = node.arguments.at(-1);
    if (last === undefined) return true;
    const value = skipTypeWrappers(last);
    return value.type === AST_NODE_TYPES.ObjectExpression || (value.type === AST_NODE_TYPES.Identifier && /options|opts|config/iu.test(value.name));
  };
  let found = false;
  const visit = (node: TSESTree.Node): void => {
    if (found) return;
    if (node.type === AST_NODE_TYPES.ReturnStatement && isBegin(node.argument, new Set())) found = true;
    if (node.type === AST_NODE_TYPES.ArrowFunctionExpression && node.body.type !== AST_NODE_TYPES.BlockStatement && isBegin(node.body, new Set())) found = true;
    for (const child of childNodes(node)) visit(child);
  };
  visit(module.ast);
  return found;
}

describe('resolveProjectSpecifier through tsconfig `paths`', () => {
  const { project, write } = tempProject('aliases-');
  write('package.json', '{ "name": "aliases" }\n');
  write('tsconfig.json', '{ "compilerOptions": { "baseUrl": ".", "paths": { "@server/*": ["server/*"], "db": ["server/storage/database.ts"] } } }\n');
  const database = write('server/storage/database.ts', 'export const x = 1;\n');
  const deep = write('server/routes/api/users.ts', '');
  const top = write('server/index.ts', '');

  it('gives one answer from every folder (the targets are absolute), and sees a file created in a later lint', () => {
    clearProjectModuleCache();
    noteLintedFile(top);
    for (const from of [deep, top, path.join(project, 'other.ts')]) {
      expect(resolveProjectSpecifier(from, '@server/storage/database')).toBe(database);
      expect(resolveProjectSpecifier(from, 'db')).toBe(database);
      expect(resolveProjectSpecifier(from, '@server/storage')).toBeNull();
      expect(resolveProjectSpecifier(from, 'express')).toBeNull();
    }
    expect(resolveProjectSpecifier('relative.ts', '@server/storage/database')).toBeNull();
    // A new epoch (outside a lint every call is one): `@server/storage` now names the folder's index.
    clearProjectModuleCache();
    const index = write('server/storage/index.ts', 'export * from "./database";\n');
    expect(resolveProjectSpecifier(deep, '@server/storage')).toBe(index);
  });
});
