/**
 * require-transaction-option across modules: callbacks of Bluebird / async / p-map run inside the transaction, query
 * helpers called inside one (same file or imported, one or two calls deep), models from the project model (lower-case
 * sequelize-cli members, `define`, `Model.init`), and instance matching (a query on another Sequelize instance is
 * never reported). Fixtures: test/fixtures/transactions/{helpers,models-explicit}/, each with its provenance.
 */
import path from 'node:path';

import rule from '../../rules/require-transaction-option';
import { cjsRuleTester, esmRuleTester } from '../rule-tester';

const SERVICE = path.join(__dirname, '..', 'fixtures', 'transactions', 'services', 'service.js');
const SERVICE_MJS = path.join(__dirname, '..', 'fixtures', 'transactions', 'services', 'service.mjs');

function missing(line: number, column: number, query: string, scopeLine: number, name = 'transaction', output?: string) {
  const option = name === 'transaction' ? 'transaction' : `transaction: ${name}`;
  return {
    messageId: 'missingTransaction' as const,
    line,
    column,
    data: { query, name, line: String(scopeLine) },
    suggestions: output === undefined ? [] : [{ messageId: 'addTransactionOption' as const, data: { option }, output }],
  };
}

function inHelper(line: number, column: number, helper: string, query: string, where: string, scopeLine: number, name = 'transaction') {
  return {
    messageId: 'missingTransactionInHelper' as const,
    line,
    column,
    data: { helper, query, where, name, line: String(scopeLine) },
  };
}

// GladysAssistant/Gladys@7e6ca8e70853ca96a9119fa1d7b29306717b4c56 server/lib/device/device.create.js (`create`),
// shortened: a managed transaction whose Bluebird `Promise.map` callbacks query, one of them without the transaction,
// and `getDeviceInDb(device)`, a helper two calls deep from `db.Device.findOne` without it.
const GLADYS = `const Promise = require('bluebird');
const db = require('../models');
const { getDeviceInDb } = require('../helpers/device');

async function create(device, features) {
  await db.sequelize.transaction(async (transaction) => {
    let deviceInDb = await getDeviceInDb(device);
    if (deviceInDb === null) {
      deviceInDb = await db.Device.create(device, { transaction });
    }
    await Promise.map(deviceInDb.features, async (existingFeature) => {
      await existingFeature.destroy({ transaction });
    });
    const newFeatures = await Promise.map(features, async (feature) => {
      const deviceFeature = await db.DeviceFeature.findOne({ where: { id: feature.id } });
      await deviceFeature.update(feature, { transaction });
      return deviceFeature;
    });
    return newFeatures;
  });
}`;

cjsRuleTester.run('require-transaction-option: helpers, callbacks, models, instances', rule, {
  valid: [
    // Helpers given the transaction (or options that may carry it) are the caller's choice.
    {
      code: `const db = require('../models');
const { getByIdWith } = require('../helpers/device');
async function touch(id) {
  await db.sequelize.transaction(async (transaction) => {
    const device = await getByIdWith(id, { transaction });
    await device.update({ touched: true }, { transaction });
  });
}`,
      filename: SERVICE,
    },
    // Callbacks the scope does not wait for run later: not inside.
    {
      code: `const Promise = require('bluebird');
const db = require('../models');
async function fireAndForget(ids) {
  await db.sequelize.transaction(async (transaction) => {
    Promise.map(ids, (id) => db.Device.findOne({ where: { id } }));
    await db.Device.destroy({ where: { id: ids }, transaction });
  });
}`,
      filename: SERVICE,
    },
    // A snapshot database next to production: its instance and its model are another database, never reported.
    {
      code: `const db = require('../models');
const { snapshotDb, SnapshotEvent } = require('../helpers/snapshot');
async function archive(id) {
  await db.sequelize.transaction(async (transaction) => {
    const rows = await snapshotDb.query('SELECT * FROM events WHERE device_id = :id', { replacements: { id } });
    await SnapshotEvent.create({ payload: rows });
    await db.Device.destroy({ where: { id }, transaction });
  });
}`,
      filename: SERVICE,
    },
    // A helper the scope does not wait for may run its queries after the commit: not claimed.
    {
      code: `const db = require('../models');
const { getDeviceInDb } = require('../helpers/device');
async function touch(device) {
  await db.sequelize.transaction(async (transaction) => {
    getDeviceInDb(device).then((found) => found && found.destroy());
    await db.Device.update({ seen: true }, { where: { id: device.id }, transaction });
  });
}`,
      filename: SERVICE,
    },
    // crowd.dev@bc2e323d3c86e9c8a3e5b8297e9cb83e5c4ae41d backend/src/bin/scripts/fix-auto-merged-orgs.ts: a
    // placeholder `const snapshotDb = null` for the snapshot database is never this transaction's instance.
    {
      code: `const db = require('../models');
async function restore(id) {
  const snapshotDb = null;
  const tx = await db.sequelize.transaction();
  try {
    await snapshotDb.sequelize.query('SELECT * FROM organizations WHERE id = :id', { replacements: { id } });
    await db.sequelize.query('INSERT INTO organizations SELECT 1', { transaction: tx });
    await tx.commit();
  } catch (error) {
    await tx.rollback();
  }
}`,
      filename: SERVICE,
    },
    // Two instances in one file, each model defined on its own: only the transaction's instance counts.
    {
      code: `const { Sequelize, Model, DataTypes } = require('sequelize');
const main = new Sequelize(process.env.DATABASE_URL);
const reporting = new Sequelize(process.env.REPORTING_URL);
class Order extends Model {}
Order.init({ total: DataTypes.INTEGER }, { sequelize: main });
class DailyTotal extends Model {}
DailyTotal.init({ total: DataTypes.INTEGER }, { sequelize: reporting });
async function close(order) {
  await main.transaction(async (t) => {
    await Order.update({ closed: true }, { where: { id: order.id }, transaction: t });
    await DailyTotal.increment('total', { by: order.total, where: { day: order.day } });
    await reporting.query('REFRESH MATERIALIZED VIEW totals');
  });
}`,
      filename: SERVICE,
    },
  ],
  invalid: [
    {
      code: GLADYS,
      filename: SERVICE,
      errors: [
        inHelper(7, 28, 'getDeviceInDb', 'db.Device.findOne()', 'device.js:6', 6),
        missing(15, 35, 'db.DeviceFeature.findOne()', 6, 'transaction', GLADYS.replace("{ where: { id: feature.id } }", '{ where: { id: feature.id }, transaction }')),
      ],
    },
    // Fabio-Alfredo/Shop-Backend-express@5662087dc2ef8dc6fda5d4e873a90e3366d1f56b src/services/order.service.js
    // (`cancelOrder`): `orderFindById(id)` leaves out the optional `t` it forwards to `findById` and its query.
    {
      code: `const orderRepository = require('../helpers/order.repository');
const cancelOrder = async (id) => {
  const t = await orderRepository.startTransaction();
  try {
    const order = await orderRepository.orderFindById(id);
    await orderRepository.save(Object.assign(order, { status: 'CANCELLED' }), t);
    await t.commit();
  } catch (e) {
    await t.rollback();
    throw e;
  }
};`,
      filename: SERVICE,
      errors: [inHelper(5, 25, 'orderRepository.orderFindById', 'Order.findOne()', 'order.repository.js:37', 3, 't')],
    },
    // Fabio-Alfredo/Shop-Backend-express@5662087dc2ef8dc6fda5d4e873a90e3366d1f56b src/services/product.service.js
    // (`assingCategory(product, categoryId, t)`): a function that receives the transaction (a query of its own takes
    // `{ transaction: t }`, which proves what `t` is) runs a query helper without it.
    {
      code: `const db = require('../models');
const { getById } = require('../helpers/device');
const assignDevice = async (product, deviceId, t) => {
  const device = await getById(deviceId);
  if (device) await db.Device.update({ productId: product.id }, { where: { id: deviceId }, transaction: t });
  return product;
};
module.exports = { assignDevice };`,
      filename: SERVICE,
      errors: [inHelper(4, 24, 'getById', 'db.Device.findOne()', 'device.js:6', 3, 't')],
    },
    // Ilhamddy/PT.SNB-FE@c5f9beb7f09ea87e148923640da82ed28ea1e37a backendjs/app/controllers/transaksi/payment/
    // payment.controller.js (`cancelBayar`): an instance bound by a later assignment, updated without the transaction.
    {
      code: `const db = require('../models');
async function cancel(id) {
  await db.sequelize.transaction(async (transaction) => {
    let payment = null;
    if (id) payment = await db.Payment.findOne({ where: { id }, transaction });
    await payment?.update({ status: 'cancelled' });
  });
}`,
      filename: SERVICE,
      errors: [
        {
          messageId: 'missingTransaction' as const,
          line: 6,
          column: 11,
          data: { query: 'payment.update()', name: 'transaction', line: '3' },
          suggestions: [
            {
              messageId: 'passOptions' as const,
              data: { option: 'transaction' },
              output: `const db = require('../models');
async function cancel(id) {
  await db.sequelize.transaction(async (transaction) => {
    let payment = null;
    if (id) payment = await db.Payment.findOne({ where: { id }, transaction });
    await payment?.update({ status: 'cancelled' }, { transaction });
  });
}`,
            },
          ],
        },
      ],
    },
    // async.eachSeries and p-map callbacks awaited in the scope run inside it.
    {
      code: `const async = require('async');
const pMap = require('p-map');
const db = require('../models');
async function sync(rows) {
  await db.sequelize.transaction(async (t) => {
    await async.eachSeries(rows, async (row) => {
      await db.Device.upsert(row);
    });
    await pMap(rows, (row) => db.Device.count({ where: { id: row.id } }), { concurrency: 2 });
  });
}`,
      filename: SERVICE,
      errors: [
        {
          messageId: 'missingTransaction' as const,
          line: 7,
          column: 13,
          data: { query: 'db.Device.upsert()', name: 't', line: '5' },
          suggestions: [
            {
              messageId: 'passOptions' as const,
              data: { option: 'transaction: t' },
              output: `const async = require('async');
const pMap = require('p-map');
const db = require('../models');
async function sync(rows) {
  await db.sequelize.transaction(async (t) => {
    await async.eachSeries(rows, async (row) => {
      await db.Device.upsert(row, { transaction: t });
    });
    await pMap(rows, (row) => db.Device.count({ where: { id: row.id } }), { concurrency: 2 });
  });
}`,
            },
          ],
        },
        {
          messageId: 'missingTransaction' as const,
          line: 9,
          column: 31,
          data: { query: 'db.Device.count()', name: 't', line: '5' },
          suggestions: [
            {
              messageId: 'addTransactionOption' as const,
              data: { option: 'transaction: t' },
              output: `const async = require('async');
const pMap = require('p-map');
const db = require('../models');
async function sync(rows) {
  await db.sequelize.transaction(async (t) => {
    await async.eachSeries(rows, async (row) => {
      await db.Device.upsert(row);
    });
    await pMap(rows, (row) => db.Device.count({ where: { id: row.id }, transaction: t }), { concurrency: 2 });
  });
}`,
            },
          ],
        },
      ],
    },
    // A query helper in the same file, one call deep; a model's static helper (`User.createWithCtx`).
    {
      code: `const { Sequelize, Model } = require('sequelize');
const sequelize = new Sequelize(process.env.DATABASE_URL);
class User extends Model {
  static async createWithCtx(ctx, values) {
    return this.create({ ...values, createdBy: ctx.userId });
  }
}
const findOwner = (id) => User.findByPk(id);
async function transfer(ctx, id, values) {
  const t = await sequelize.transaction();
  try {
    const owner = await findOwner(id);
    await User.createWithCtx(ctx, values);
    await owner.update({ transferred: true }, { transaction: t });
    await t.commit();
  } catch (error) {
    await t.rollback();
    throw error;
  }
}`,
      filename: SERVICE,
      errors: [
        inHelper(12, 25, 'findOwner', 'User.findByPk()', 'service.js:8', 10, 't'),
        inHelper(13, 11, 'User.createWithCtx', 'this.create()', 'service.js:5', 10, 't'),
      ],
    },
  ],
});

// Ilhamddy/PT.SNB-FE backendjs/app/controllers/transaksi/registrasi/registrasi.controller.js: lower-case models
// of the models module (`db.t_daftarpasien`, `const m_pasien = db.m_pasien`), one query forgetting the transaction.
const REGISTRASI = `import db from '../models-explicit/index.js';

const m_pasien = db.m_pasien;

export async function savePasien(req, res) {
  const { pasien } = await db.sequelize.transaction(async (transaction) => {
    const pasien = await m_pasien.create(req.body, { transaction });
    await db.t_daftarpasien.update({ nocmfk: pasien.id }, { where: { norec: req.body.norec } });
    return { pasien };
  });
  res.status(200).send({ data: pasien, success: true });
}`;

esmRuleTester.run('require-transaction-option: lower-case sequelize-cli models', rule, {
  valid: [],
  invalid: [
    {
      code: REGISTRASI,
      filename: SERVICE_MJS,
      errors: [
        missing(
          8,
          11,
          'db.t_daftarpasien.update()',
          6,
          'transaction',
          REGISTRASI.replace('{ where: { norec: req.body.norec } }', '{ where: { norec: req.body.norec }, transaction }'),
        ),
      ],
    },
  ],
});
