/**
 * no-unreleased-transaction across modules: transaction helpers that begin, commit, roll back, forward or keep a
 * transaction (test/fixtures/transactions/helpers/, each shaped after the public repository named in its header),
 * ownership decided from the callee's summary, promise-chain transactions, and the `transactionHelpers` option.
 */
import path from 'node:path';

import rule from '../../rules/no-unreleased-transaction';
import { cjsRuleTester, esmRuleTester } from '../rule-tester';

const SERVICE = path.join(__dirname, '..', 'fixtures', 'transactions', 'services', 'service.js');
const SERVICE_MJS = path.join(__dirname, '..', 'fixtures', 'transactions', 'services', 'service.mjs');

function unreleased(line: number, column: number, paths: string, { name = 't', call = 'sequelize.transaction()' } = {}) {
  return { messageId: 'unreleased' as const, line, column, data: { name, call, paths }, suggestions: [] };
}

// Fabio-Alfredo/Shop-Backend-express@021bef2ad877e91df718805b302fa3c8c1d6300c src/services/order.service.js
// (`createOrder`): the repository begins the transaction; `orderRepository.create(orderData, t)` only forwards it to
// `Order.create(…, { transaction: t })`, so the service still owns it.
const ORDER_SERVICE = `const orderRepository = require('../helpers/order.repository');

const createOrder = async (order, user) => {
  const t = await orderRepository.startTransaction();
  try {
    const { products, ...orderData } = order;
    orderData.userId = user.id;
    const newOrder = await orderRepository.create(orderData, t);
    await t.commit();
    return newOrder;
  } catch (e) {
    await t.rollback();
    throw e;
  }
};`;

// arifdroid/demo-nodejs@6aa87eb830f2f98a2c063cb7ef783e1b9d91c4a2 src/services/Tasks_Test/TasksTestServices.ts
// (`create`), in CommonJS: begin, commit and roll back through SequelizeRepository's static wrappers.
const TASKS_SERVICE = `const SequelizeRepository = require('../helpers/sequelize-repository');
const TasksRepository = { create_repo: async (data, options) => ({ data, options }) };

class TasksService {
  constructor(options) {
    this.options = options;
  }

  async create(data) {
    const transaction = await SequelizeRepository.createTransaction(this.options.database);
    try {
      const record = await TasksRepository.create_repo(data, { ...this.options, transaction });
      await SequelizeRepository.commitTransaction(transaction);
      return record;
    } catch (error) {
      await SequelizeRepository.rollbackTransaction(transaction);
      throw error;
    }
  }
}

module.exports = TasksService;`;

cjsRuleTester.run('no-unreleased-transaction: helpers across modules', rule, {
  valid: [
    { code: ORDER_SERVICE, filename: SERVICE },
    { code: TASKS_SERVICE, filename: SERVICE },
    // A callee that commits takes the ending over: the caller's obligation ends at the call.
    {
      code: `const orderRepository = require('../helpers/order.repository');
async function place(order) {
  const t = await orderRepository.startTransaction();
  return orderRepository.createAndCommit(order, t);
}`,
      filename: SERVICE,
    },
    // A callee that keeps the transaction (pushes it on a queue) owns it: nothing is claimed.
    {
      code: `const orderRepository = require('../helpers/order.repository');
async function later(order) {
  const t = await orderRepository.startTransaction();
  orderRepository.enqueue(order, t);
}`,
      filename: SERVICE,
    },
    // A helper the analysis cannot see (a package's) takes ownership, unless the option names it.
    {
      code: `const { Sequelize } = require('sequelize');
const { finish } = require('@acme/sequelize-tx');
const sequelize = new Sequelize('postgres://localhost/app');
async function job() {
  const t = await sequelize.transaction();
  await finish(t);
}`,
      filename: SERVICE,
    },
    // crowd.dev@bc2e323d3c86e9c8a3e5b8297e9cb83e5c4ae41d backend/src/services/segmentService.ts (`update`) and
    // memberAttributeSettingsService.ts (`createPredefined`): a begin helper that may hand back the caller's own
    // transaction, and a commit guarded by the condition that chose to begin one.
    {
      code: `const SequelizeRepository = require('../helpers/nested-repository');
class AttributeService {
  constructor(options) {
    this.options = options;
  }

  async update(id, data, SegmentRepository) {
    const transaction = await SequelizeRepository.createTransaction(this.options);
    try {
      await new SegmentRepository({ ...this.options, transaction }).update(id, data);
      await SequelizeRepository.commitTransaction(transaction);
    } catch (error) {
      await SequelizeRepository.rollbackTransaction(transaction);
      throw error;
    }
  }

  async createPredefined(attributes, carryTransaction = null) {
    let transaction;
    if (carryTransaction) {
      transaction = carryTransaction;
    } else {
      transaction = await SequelizeRepository.createTransaction(this.options);
    }
    try {
      const created = [];
      for (const attribute of attributes) created.push(await this.create(attribute, transaction));
      if (!carryTransaction) {
        await SequelizeRepository.commitTransaction(transaction);
      }
      return created;
    } catch (error) {
      await SequelizeRepository.rollbackTransaction(transaction);
      throw error;
    }
  }

  async transactionalOptions() {
    const transaction = await SequelizeRepository.createTransaction(this.options);
    return { ...this.options, transaction };
  }
}
module.exports = AttributeService;`,
      filename: SERVICE,
    },
    // Promise chain with a rollback in .catch().
    {
      code: `const { Sequelize } = require('sequelize');
const sequelize = new Sequelize('postgres://localhost/app');
class User extends Sequelize.Model {}
function register(data) {
  return sequelize.transaction().then((t) => {
    return User.create(data, { transaction: t })
      .then((user) => t.commit().then(() => user))
      .catch((error) => t.rollback().then(() => { throw error; }));
  });
}`,
      filename: SERVICE,
    },
  ],
  invalid: [
    // The case: the service forgets the commit; the repository only forwards `t`, so it is the service's leak.
    {
      code: `const orderRepository = require('../helpers/order.repository');

const createOrder = async (order, user) => {
  const t = await orderRepository.startTransaction();
  const newOrder = await orderRepository.create({ ...order, userId: user.id }, t);
  return newOrder;
};`,
      filename: SERVICE,
      errors: [
        unreleased(4, 19, 'it returns at line 6 without commit or rollback; an exception at line 5 leaves it open', {
          call: 'orderRepository.startTransaction()',
        }),
      ],
    },
    // The wrappers commit, but the catch never rolls back.
    {
      code: TASKS_SERVICE.replace('      await SequelizeRepository.rollbackTransaction(transaction);\n', ''),
      filename: SERVICE,
      errors: [
        unreleased(10, 31, 'an exception at line 12 leaves it open', {
          name: 'transaction',
          call: 'SequelizeRepository.createTransaction()',
        }),
      ],
    },
    // crowd.dev@bc2e323d3c86e9c8a3e5b8297e9cb83e5c4ae41d backend/src/services/settingsService.ts (`save`): begun through
    // the nesting-aware helper, no try/catch around the write.
    {
      code: `const SequelizeRepository = require('../helpers/nested-repository');
async function save(data, options, SettingsRepository) {
  const transaction = await SequelizeRepository.createTransaction(options);
  const settings = await SettingsRepository.save(data, options);
  await SequelizeRepository.commitTransaction(transaction);
  return settings;
}`,
      filename: SERVICE,
      errors: [
        unreleased(3, 29, 'an exception at line 4 leaves it open', {
          name: 'transaction',
          call: 'SequelizeRepository.createTransaction()',
        }),
      ],
    },
    // `transactionHelpers.forward` names a package's function that only passes the transaction on.
    {
      code: `const { Sequelize } = require('sequelize');
const { finish } = require('@acme/sequelize-tx');
const sequelize = new Sequelize('postgres://localhost/app');
async function job() {
  const t = await sequelize.transaction();
  await finish(t);
}`,
      filename: SERVICE,
      options: [{ transactionHelpers: { forward: ['finish'] } }],
      errors: [unreleased(5, 19, 'the function ends at line 7 without commit or rollback; an exception at line 6 leaves it open')],
    },
    // `transactionHelpers.begin` names a package's function that returns an unmanaged transaction.
    {
      code: `const { begin } = require('@acme/sequelize-tx');
async function job(Model) {
  const t = await begin();
  await Model.destroy({ where: {}, transaction: t });
  await t.commit();
}`,
      filename: SERVICE,
      options: [{ transactionHelpers: { begin: ['begin'] } }],
      errors: [unreleased(3, 19, 'an exception at line 4 leaves it open', { call: 'begin()' })],
    },
    // Promise chain that commits in a later .then() and never rolls back: a rejected create leaves it open.
    {
      code: `const { Sequelize } = require('sequelize');
const sequelize = new Sequelize('postgres://localhost/app');
class User extends Sequelize.Model {}
function register(data) {
  return sequelize.transaction().then((t) => {
    return User.create(data, { transaction: t }).then((user) => {
      return t.commit().then(() => user);
    });
  });
}`,
      filename: SERVICE,
      errors: [
        unreleased(
          5,
          10,
          'its promise chain commits at line 7 but nothing rolls it back when a query in it rejects (no `.catch()` calls `rollback()`)',
        ),
      ],
    },
  ],
});

// Ilhamddy/PT.SNB-FE backendjs/app/controllers/transaksi/registrasi/registrasi.controller.js (`updateStatusPulangRJ`)
// with backendjs/app/utils/dbutils.js: `const [transaction, errorTransaction] = await createTransaction(db, res)`.
const PULANG = `import db from '../models-explicit/index.js';
import { createTransaction } from '../helpers/dbutils.mjs';

export async function updateStatusPulangRJ(req, res) {
  const logger = res.locals.logger;
  const [transaction, errorTransaction] = await createTransaction(db, res);
  if (errorTransaction) return;
  try {
    const daftarpasien = await db.t_daftarpasien.update(
      { objectstatuspulangfk: req.body.statuspulang, tglpulang: new Date() },
      { where: { norec: req.body.norec }, transaction: transaction },
    );
    await transaction.commit();
    res.status(200).send({ data: daftarpasien, success: true });
  } catch (error) {
    logger.error(error);
    transaction && (await transaction.rollback());
    res.status(201).send({ status: error, success: false });
  }
}`;

esmRuleTester.run('no-unreleased-transaction: tuple-returning helper', rule, {
  valid: [{ code: PULANG, filename: SERVICE_MJS }],
  invalid: [
    // Ilhamddy/PT.SNB-FE@c5f9beb7f09ea87e148923640da82ed28ea1e37a backendjs/app/controllers/transaksi/casemix/
    // casemix.controller.js (`saveTarifKlaim`): the async helper called without `await`.
    {
      code: PULANG.replace('await createTransaction(db, res)', 'createTransaction(db, res)'),
      filename: SERVICE_MJS,
      errors: [
        unreleased(
          6,
          43,
          'the async helper is called without `await` at line 6, so the transaction it begins is never committed or rolled back (what is bound here is a promise)',
          { name: 'transaction', call: 'createTransaction()' },
        ),
      ],
    },
    {
      code: PULANG.replace('    transaction && (await transaction.rollback());\n', ''),
      filename: SERVICE_MJS,
      errors: [
        unreleased(6, 49, 'an exception at line 9 leaves it open', { name: 'transaction', call: 'createTransaction()' }),
      ],
    },
  ],
});
