import path from 'node:path';

import rule from '../../rules/require-transaction-option';
import { cjsRuleTester, esmRuleTester, tsRuleTester } from '../rule-tester';
import { missing } from './transaction-expectations';

/** Code linted as if it lived in `fixtures/transactions/services/`, so relative imports reach the fixture modules. */
const SERVICE = path.join(__dirname, '..', 'fixtures', 'transactions', 'services', 'service.js');

const HEADER = `const { Sequelize, Model } = require('sequelize');
const sequelize = new Sequelize('postgres://localhost/app');
class User extends Model {}
`;

/** `code` with the first occurrence of `from` replaced by `to`: the expected suggestion output. */
function edit(code: string, from: string, to: string): string {
  if (!code.includes(from)) throw new Error(`test bug: ${from} not in code`);
  return code.replace(from, to);
}

const MANAGED = `${HEADER}
async function register(data) {
  await sequelize.transaction(async (t) => {
    const user = await User.create(data);
    await user.update({ active: true }, { transaction: t });
    await User.findAll({ where: { active: true } });
  });
}`;

const UNMANAGED = `${HEADER}
async function forward(rows) {
  const t = await sequelize.transaction();
  try {
    await User.update({ forwarded: true }, { where: { id: rows } });
    await sequelize.query('DELETE FROM outbox');
    await t.commit();
  } catch (error) {
    await t.rollback();
    throw error;
  }
  await User.count();
}`;

const INSTANCES = `${HEADER}
async function instances(id) {
  await sequelize.transaction(async (t) => {
    const user = await User.findByPk(id, { transaction: t });
    await user.save();
    const [profile] = await User.findOrCreate({ where: { id }, transaction: t });
    await profile.reload();
    const rows = await User.findAll({ transaction: t });
    await Promise.all(rows.map((row) => row.destroy()));
    for (const row of rows) await row.increment('visits', { by: 1 });
  });
}`;

const OPTIONS = `${HEADER}
async function options(where) {
  await sequelize.transaction(async (t) => {
    const query = { where };
    await User.findAll(query);
    await User.findAll({ ...query, limit: 10 });
    await User.findOne({
      where,
      order: [['id', 'DESC']],
    });
  });
}`;

cjsRuleTester.run('require-transaction-option (CommonJS)', rule, {
  valid: [
    // Every query passes the transaction, the shorthand too.
    `${HEADER}
async function ok(data) {
  await sequelize.transaction(async (transaction) => {
    const user = await User.create(data, { transaction });
    await user.save({ transaction });
    await sequelize.query('SELECT 1', { transaction, raw: true });
  });
}`,
    // Options the rule cannot see: an unknown spread, a parameter, a config value.
    `${HEADER}
const config = require('config');
async function unknown(options) {
  await sequelize.transaction(async (t) => {
    await User.findAll({ ...options });
    await User.findAll(options);
    await User.findAll(config.get('query'));
    await User.findAll(...config.get('args'));
  });
}`,
    // transaction: null opts a query out on purpose; another transaction is a choice too.
    `${HEADER}
async function optOut(other) {
  await sequelize.transaction(async (t) => {
    await User.findAll({ transaction: null });
    await User.findAll({ transaction: other });
  });
}`,
    // Outside any scope: before, after commit, in deferred callbacks.
    `${HEADER}
async function outside(logger) {
  await User.findAll();
  const t = await sequelize.transaction();
  t.afterCommit(() => User.count());
  setTimeout(() => User.count(), 10);
  process.nextTick(async () => { await User.count(); });
  User.findAll({ transaction: t }).then(() => User.count());
  await t.commit();
  await User.findAll();
  logger.info(await User.count());
}`,
    // Not queries: built-ins, array and map methods, other libraries.
    `${HEADER}
const knex = require('knex')({ client: 'pg' });
async function notQueries(items, cache) {
  await sequelize.transaction(async (t) => {
    const copy = Object.create(User.prototype);
    copy.save();
    items.find((item) => item.id);
    Array.from(items).map((item) => item.update({}));
    cache.update('key', 1);
    new Map().set('a', 1);
    JSON.parse('{}');
    await Promise.all([]);
    const trx = await knex.transaction();
    await trx('users').update({ a: 1 });
  });
}`,
    // A managed callback without a parameter is how CLS code is written.
    `${HEADER}
async function clsStyle() {
  await sequelize.transaction(async () => {
    await User.findAll();
  });
}`,
    // CLS on in this file: managed transactions reach queries on their own.
    `const cls = require('cls-hooked');
const { Sequelize, Model } = require('sequelize');
Sequelize.useCLS(cls.createNamespace('app'));
const sequelize = new Sequelize('postgres://localhost/app');
class User extends Model {}
async function withCls() {
  await sequelize.transaction(async (t) => {
    await User.findAll();
  });
}`,
    // CLS on in the module the instance comes from.
    {
      code: `const sequelize = require('../cls-db');
const { Invoice } = require('../models');
async function withCls() {
  await sequelize.transaction(async (t) => {
    await Invoice.findAll();
  });
}`,
      filename: SERVICE,
    },
    // CLS declared by configuration.
    {
      code: MANAGED,
      options: [{ cls: true }],
    },
    // A function declared in the callback and called elsewhere does not run in the scope.
    `${HEADER}
async function declaredOnly() {
  await sequelize.transaction(async (t) => {
    return async function later() {
      await User.findAll();
    };
  });
}`,
  ],
  invalid: [
    // The audit-log-forward job: an update outside its transaction.
    {
      code: `${HEADER}
async function auditLogForward(send) {
  const t = await sequelize.transaction();
  const rows = await User.findAll({ where: { forwarded: false }, transaction: t });
  if (rows.length === 0) return 0;
  await send(rows);
  await User.update(
    { forwarded: true },
    { where: { id: rows.map((row) => row.id) } }
  );
  await t.commit();
  return rows.length;
}`,
      errors: [
        missing({
          query: 'User.update()',
          line: 10,
          column: 9,
          scopeLine: 6,
          output: `${HEADER}
async function auditLogForward(send) {
  const t = await sequelize.transaction();
  const rows = await User.findAll({ where: { forwarded: false }, transaction: t });
  if (rows.length === 0) return 0;
  await send(rows);
  await User.update(
    { forwarded: true },
    { where: { id: rows.map((row) => row.id) }, transaction: t }
  );
  await t.commit();
  return rows.length;
}`,
        }),
      ],
    },
    // Managed: a missing options argument is appended where the method takes it.
    {
      code: MANAGED,
      errors: [
        missing({
          query: 'User.create()',
          line: 7,
          column: 24,
          scopeLine: 6,
          suggestion: 'passOptions',
          output: edit(MANAGED, 'User.create(data)', 'User.create(data, { transaction: t })'),
        }),
        missing({
          query: 'User.findAll()',
          line: 9,
          column: 11,
          scopeLine: 6,
          output: edit(MANAGED, '{ where: { active: true } }', '{ where: { active: true }, transaction: t }'),
        }),
      ],
    },
    // Unmanaged: only between creation and commit/rollback, on every path.
    {
      code: UNMANAGED,
      errors: [
        missing({
          query: 'User.update()',
          line: 8,
          column: 11,
          scopeLine: 6,
          output: edit(UNMANAGED, '{ where: { id: rows } }', '{ where: { id: rows }, transaction: t }'),
        }),
        missing({
          query: 'sequelize.query()',
          line: 9,
          column: 11,
          scopeLine: 6,
          suggestion: 'passOptions',
          output: edit(UNMANAGED, "query('DELETE FROM outbox')", "query('DELETE FROM outbox', { transaction: t })"),
        }),
      ],
    },
    // Instance methods on values from model queries, in synchronous callbacks too.
    {
      code: INSTANCES,
      errors: [
        missing({
          query: 'user.save()',
          line: 8,
          column: 11,
          scopeLine: 6,
          suggestion: 'passOptions',
          output: edit(INSTANCES, 'user.save()', 'user.save({ transaction: t })'),
        }),
        missing({
          query: 'profile.reload()',
          line: 10,
          column: 11,
          scopeLine: 6,
          suggestion: 'passOptions',
          output: edit(INSTANCES, 'profile.reload()', 'profile.reload({ transaction: t })'),
        }),
        missing({
          query: 'row.destroy()',
          line: 12,
          column: 41,
          scopeLine: 6,
          suggestion: 'passOptions',
          output: edit(INSTANCES, 'row.destroy()', 'row.destroy({ transaction: t })'),
        }),
        missing({
          query: 'row.increment()',
          line: 13,
          column: 35,
          scopeLine: 6,
          output: edit(INSTANCES, "{ by: 1 }", '{ by: 1, transaction: t }'),
        }),
      ],
    },
    // Known options objects: a variable, a spread of a known object, a multi-line literal.
    {
      code: OPTIONS,
      errors: [
        missing({
          query: 'User.findAll()',
          line: 8,
          column: 11,
          scopeLine: 6,
          output: edit(OPTIONS, 'User.findAll(query)', 'User.findAll({ ...query, transaction: t })'),
        }),
        missing({
          query: 'User.findAll()',
          line: 9,
          column: 11,
          scopeLine: 6,
          output: edit(OPTIONS, '{ ...query, limit: 10 }', '{ ...query, limit: 10, transaction: t }'),
        }),
        missing({
          query: 'User.findOne()',
          line: 10,
          column: 11,
          scopeLine: 6,
          output: edit(OPTIONS, "order: [['id', 'DESC']],\n", "order: [['id', 'DESC']],\n      transaction: t,\n"),
        }),
      ],
    },
    // CLS on, but CLS never carries an unmanaged transaction.
    {
      code: `const cls = require('cls-hooked');
const { Sequelize, Model } = require('sequelize');
Sequelize.useCLS(cls.createNamespace('app'));
const sequelize = new Sequelize('postgres://localhost/app');
class User extends Model {}
async function unmanaged() {
  const t = await sequelize.transaction();
  await User.findAll({});
  await t.commit();
}`,
      errors: [
        missing({
          query: 'User.findAll()',
          line: 8,
          column: 9,
          scopeLine: 7,
          messageId: 'missingTransactionCls',
          output: `const cls = require('cls-hooked');
const { Sequelize, Model } = require('sequelize');
Sequelize.useCLS(cls.createNamespace('app'));
const sequelize = new Sequelize('postgres://localhost/app');
class User extends Model {}
async function unmanaged() {
  const t = await sequelize.transaction();
  await User.findAll({ transaction: t });
  await t.commit();
}`,
        }),
      ],
    },
    // CLS declared off: a managed callback without a parameter cannot pass its transaction.
    {
      code: `${HEADER}
async function noParameter() {
  await sequelize.transaction(async () => {
    await User.findAll();
  });
}`,
      options: [{ cls: false }],
      errors: [
        { messageId: 'missingTransactionParameter', line: 7, column: 11, data: { query: 'User.findAll()', line: '6' } },
      ],
    },
    // The name is shadowed where the query is: reported, but no suggestion would mean the transaction.
    {
      code: `${HEADER}
async function shadowed(items) {
  await sequelize.transaction(async (t) => {
    items.forEach((t) => User.destroy({ where: { id: t } }));
  });
}`,
      errors: [missing({ query: 'User.destroy()', line: 7, column: 26, scopeLine: 6 })],
    },
    // Nested scopes: the innermost transaction is the one to pass.
    {
      code: `${HEADER}
async function nested() {
  await sequelize.transaction(async (outer) => {
    await sequelize.transaction(async (inner) => {
      await User.count({ where: {} });
    });
  });
}`,
      errors: [
        missing({
          query: 'User.count()',
          line: 8,
          column: 13,
          scopeLine: 7,
          name: 'inner',
          output: `${HEADER}
async function nested() {
  await sequelize.transaction(async (outer) => {
    await sequelize.transaction(async (inner) => {
      await User.count({ where: {}, transaction: inner });
    });
  });
}`,
        }),
      ],
    },
    // Models across files: a models module (sequelize-cli \`db\`), its instance's transaction. (A transaction on
    // another module's `new Sequelize` is another instance: see require-transaction-option-helpers.test.ts.)
    {
      code: `const db = require('../models');
const { connection } = require('../db');
const { Invoice } = require('../models');
async function crossFile() {
  await db.sequelize.transaction(async (t) => {
    await db.Invoice.sum('total');
    await Invoice.max('total', {});
    await db.sequelize.models.Payment.destroy({ where: {} });
  });
}`,
      filename: SERVICE,
      errors: [
        missing({
          query: 'db.Invoice.sum()',
          line: 6,
          column: 11,
          scopeLine: 5,
          suggestion: 'passOptions',
          output: `const db = require('../models');
const { connection } = require('../db');
const { Invoice } = require('../models');
async function crossFile() {
  await db.sequelize.transaction(async (t) => {
    await db.Invoice.sum('total', { transaction: t });
    await Invoice.max('total', {});
    await db.sequelize.models.Payment.destroy({ where: {} });
  });
}`,
        }),
        missing({
          query: 'Invoice.max()',
          line: 7,
          column: 11,
          scopeLine: 5,
          output: `const db = require('../models');
const { connection } = require('../db');
const { Invoice } = require('../models');
async function crossFile() {
  await db.sequelize.transaction(async (t) => {
    await db.Invoice.sum('total');
    await Invoice.max('total', { transaction: t });
    await db.sequelize.models.Payment.destroy({ where: {} });
  });
}`,
        }),
        missing({
          query: 'db.sequelize.models.Payment.destroy()',
          line: 8,
          column: 11,
          scopeLine: 5,
          output: `const db = require('../models');
const { connection } = require('../db');
const { Invoice } = require('../models');
async function crossFile() {
  await db.sequelize.transaction(async (t) => {
    await db.Invoice.sum('total');
    await Invoice.max('total', {});
    await db.sequelize.models.Payment.destroy({ where: {}, transaction: t });
  });
}`,
        }),
      ],
    },
  ],
});

esmRuleTester.run('require-transaction-option (ES modules)', rule, {
  valid: [],
  invalid: [
    {
      code: `import { Sequelize, DataTypes } from 'sequelize';
const sequelize = new Sequelize('postgres://localhost/app');
const Order = sequelize.define('order', { total: DataTypes.INTEGER });
export async function place(total) {
  await sequelize.transaction(async (t) => {
    await Order.bulkCreate([{ total }]);
  });
}`,
      errors: [
        missing({
          query: 'Order.bulkCreate()',
          line: 6,
          column: 11,
          scopeLine: 5,
          suggestion: 'passOptions',
          output: `import { Sequelize, DataTypes } from 'sequelize';
const sequelize = new Sequelize('postgres://localhost/app');
const Order = sequelize.define('order', { total: DataTypes.INTEGER });
export async function place(total) {
  await sequelize.transaction(async (t) => {
    await Order.bulkCreate([{ total }], { transaction: t });
  });
}`,
        }),
      ],
    },
  ],
});

tsRuleTester.run('require-transaction-option (TypeScript)', rule, {
  valid: [
    `import { Model, Sequelize } from 'sequelize';
const sequelize = new Sequelize('postgres://localhost/app');
class Account extends Model {}
export async function ok(): Promise<void> {
  await sequelize.transaction(async (t) => {
    await Account.findAll({ transaction: t } as const);
  });
}`,
  ],
  invalid: [
    {
      code: `import { Model, Sequelize } from 'sequelize';
const sequelize = new Sequelize('postgres://localhost/app');
class Account extends Model {
  static async rename(id: number, name: string): Promise<void> {
    await sequelize.transaction(async (t) => {
      await this.update({ name }, { where: { id } });
    });
  }
}`,
      errors: [
        missing({
          query: 'this.update()',
          line: 6,
          column: 13,
          scopeLine: 5,
          output: `import { Model, Sequelize } from 'sequelize';
const sequelize = new Sequelize('postgres://localhost/app');
class Account extends Model {
  static async rename(id: number, name: string): Promise<void> {
    await sequelize.transaction(async (t) => {
      await this.update({ name }, { where: { id }, transaction: t });
    });
  }
}`,
        }),
      ],
    },
  ],
});
