import path from 'node:path';

import rule from '../../rules/no-unreleased-transaction';
import { cjsRuleTester, esmRuleTester, tsRuleTester } from '../rule-tester';

/** Code linted as if it lived in `fixtures/transactions/services/`, so relative imports reach the fixture modules. */
const SERVICE = path.join(__dirname, '..', 'fixtures', 'transactions', 'services', 'service.js');
const SERVICE_TS = path.join(__dirname, '..', 'fixtures', 'transactions', 'services', 'service.ts');

const SEQUELIZE = `const { Sequelize } = require('sequelize');
const sequelize = new Sequelize('postgres://localhost/app');
`;

/** One `unreleased` error on `line`:`column`. */
function unreleased(
  line: number,
  column: number,
  paths: string,
  { name = 't', call = 'sequelize.transaction()', output }: { name?: string; call?: string; output?: string } = {},
) {
  return {
    messageId: 'unreleased' as const,
    line,
    column,
    data: { name, call, paths },
    suggestions:
      output === undefined
        ? []
        : [
            {
              messageId: 'useManagedTransaction' as const,
              data: { receiver: call.replace(/\.transaction\(\)$/u, ''), name },
              output,
            },
          ],
  };
}

cjsRuleTester.run('no-unreleased-transaction (CommonJS)', rule, {
  valid: [
    // Every path commits or rolls back, the exception path included.
    `${SEQUELIZE}
async function transfer(from, to) {
  const t = await sequelize.transaction();
  try {
    await from.decrement('balance', { transaction: t });
    await to.increment('balance', { transaction: t });
    await t.commit();
  } catch (error) {
    await t.rollback();
    throw error;
  }
}`,
    // Nothing can throw between creation and commit.
    `${SEQUELIZE}
async function touch() {
  const t = await sequelize.transaction();
  await t.commit();
}`,
    // finally { if (!t.finished) await t.rollback() } covers every way out.
    `${SEQUELIZE}
async function job(rows) {
  const t = await sequelize.transaction();
  try {
    if (rows.length === 0) return 0;
    await sequelize.query('UPDATE jobs SET done = true', { transaction: t });
    await t.commit();
    return rows.length;
  } finally {
    if (!t.finished) await t.rollback();
  }
}`,
    // let t outside the try, guarded rollback in catch.
    `${SEQUELIZE}
async function job() {
  let t;
  try {
    t = await sequelize.transaction();
    await sequelize.query('SELECT 1', { transaction: t });
    await t.commit();
  } catch (error) {
    if (t) await t.rollback();
    throw error;
  }
}`,
    // Optional chaining in the guard.
    `${SEQUELIZE}
async function job() {
  let t = null;
  try {
    t = await sequelize.transaction();
    await sequelize.query('SELECT 1', { transaction: t });
    await t.commit();
  } catch (error) {
    await t?.rollback();
    throw error;
  }
}`,
    // Both branches end it.
    `${SEQUELIZE}
async function decide(ok) {
  const t = await sequelize.transaction();
  if (ok) {
    await t.commit();
  } else {
    await t.rollback();
  }
}`,
    // Managed transactions commit and roll back themselves.
    `${SEQUELIZE}
async function managed(User) {
  await sequelize.transaction(async (t) => {
    await User.create({}, { transaction: t });
    if (Math.random() > 0.5) return;
    await User.destroy({ where: {}, transaction: t });
  });
}`,
    `${SEQUELIZE}
async function managed(work) {
  return sequelize.transaction({ isolationLevel: 'SERIALIZABLE' }, async function (t) {
    await work(t);
  });
}`,
    // Ownership moves: returned, stored, handed to another function.
    `${SEQUELIZE}
async function begin() {
  const t = await sequelize.transaction();
  await sequelize.query("SET LOCAL statement_timeout = '5s'", { transaction: t });
  return t;
}`,
    `${SEQUELIZE}
class UnitOfWork {
  async start() {
    const t = await sequelize.transaction();
    this.transaction = t;
    await this.audit();
  }
}`,
    `${SEQUELIZE}
async function withTransaction(work) {
  const t = await sequelize.transaction();
  await work(t);
}`,
    `${SEQUELIZE}
async function queue(jobs) {
  const t = await sequelize.transaction();
  jobs.push({ t });
  await jobs.flush();
}`,
    // A closure that commits later: when it runs is unknown, so nothing is claimed.
    `${SEQUELIZE}
async function deferred(emitter) {
  const t = await sequelize.transaction();
  emitter.once('done', () => t.commit());
  await emitter.start();
}`,
    // Other libraries' transaction(): knex, mongoose, a local object.
    `const knex = require('knex')({ client: 'pg' });
const db = knex;
async function insert() {
  const trx = await db.transaction();
  await trx('users').insert({ name: 'a' });
}`,
    `const mongoose = require('mongoose');
async function run() {
  const session = await mongoose.startSession();
  session.startTransaction();
  await mongoose.connection.transaction(async (s) => { await s.commitTransaction(); });
}`,
    `const db = { async transaction() { return { commit() {} }; } };
async function local() {
  const t = await db.transaction();
  await work();
}`,
    `import('knex');
async function unknownReceiver(client) {
  const tx = await client.transaction();
  await tx.query('SELECT 1');
}`,
    // A knex instance from a project module, even though it is called \`db\`.
    {
      code: `const db = require('../knex-db');
async function insert() {
  const trx = await db.transaction();
  await trx('users').insert({ name: 'a' });
}`,
      filename: SERVICE,
    },
    // transaction(work) with work unknown: managed or not, analysis cannot tell.
    `${SEQUELIZE}
async function run(work) {
  const t = await sequelize.transaction(work);
  await other();
}`,
    // A transaction nobody binds is not followed.
    `${SEQUELIZE}
function start() {
  return sequelize.transaction();
}`,
  ],
  invalid: [
    // The audit-log-forward job of examples/legacy-server: early return, and no try at all.
    {
      code: `${SEQUELIZE}
const { AuditLog } = require('./models');
async function auditLogForward() {
  const t = await sequelize.transaction();
  const rows = await AuditLog.findAll({ where: { forwarded: false }, transaction: t });
  if (rows.length === 0) {
    return 0;
  }
  await send(rows);
  await t.commit();
  return rows.length;
}`,
      errors: [unreleased(6, 19, 'it returns at line 9 without commit or rollback; an exception at line 7 or 11 leaves it open')],
    },
    // Straight-line body: rewritten to a managed transaction.
    {
      code: `${SEQUELIZE}
async function transfer(from, to) {
  const t = await sequelize.transaction();
  await from.decrement('balance', { transaction: t });
  await to.increment('balance', { transaction: t });
  await t.commit();
  return true;
}`,
      errors: [
        unreleased(5, 19, 'an exception at line 6 or 7 leaves it open', {
          output: `${SEQUELIZE}
async function transfer(from, to) {
  await sequelize.transaction(async (t) => {
    await from.decrement('balance', { transaction: t });
    await to.increment('balance', { transaction: t });
  });
  return true;
}`,
        }),
      ],
    },
    // A catch that logs but does not roll back.
    {
      code: `${SEQUELIZE}
async function job(logger) {
  const t = await sequelize.transaction({ isolationLevel: 'SERIALIZABLE' });
  try {
    await sequelize.query('UPDATE a SET b = 1', { transaction: t });
    await t.commit();
  } catch (error) {
    logger.error(error);
  }
}`,
      errors: [
        unreleased(5, 19, 'an exception at line 7 leaves it open', {
          output: `${SEQUELIZE}
async function job(logger) {
  try {
    await sequelize.transaction({ isolationLevel: 'SERIALIZABLE' }, async (t) => {
      await sequelize.query('UPDATE a SET b = 1', { transaction: t });
    });
  } catch (error) {
    logger.error(error);
  }
}`,
        }),
      ],
    },
    // The catch awaits something that can fail before its rollback.
    {
      code: `${SEQUELIZE}
async function job(notify) {
  const t = await sequelize.transaction();
  try {
    await sequelize.query('UPDATE a SET b = 1', { transaction: t });
    await t.commit();
  } catch (error) {
    await notify(error);
    await t.rollback();
    throw error;
  }
}`,
      errors: [
        unreleased(5, 19, 'an exception at line 10 leaves it open', {
          output: `${SEQUELIZE}
async function job(notify) {
  try {
    await sequelize.transaction(async (t) => {
      await sequelize.query('UPDATE a SET b = 1', { transaction: t });
    });
  } catch (error) {
    await notify(error);
    throw error;
  }
}`,
        }),
      ],
    },
    // if without else.
    {
      code: `${SEQUELIZE}
async function maybe(ok) {
  const t = await sequelize.transaction();
  if (ok) {
    await t.commit();
  }
}`,
      errors: [unreleased(5, 19, 'the function ends at line 9 without commit or rollback')],
    },
    // A throw that skips the rollback.
    {
      code: `${SEQUELIZE}
async function strict(rows) {
  const t = await sequelize.transaction();
  if (rows.length === 0) throw new Error('nothing to do');
  await t.commit();
}`,
      errors: [
        unreleased(5, 19, 'it throws at line 6 without rollback', {
          // In the managed form the throw rolls back.
          output: `${SEQUELIZE}
async function strict(rows) {
  await sequelize.transaction(async (t) => {
    if (rows.length === 0) throw new Error('nothing to do');
  });
}`,
        }),
      ],
    },
    // The commit is on another transaction: a second \`const t\` shadows the first.
    {
      code: `${SEQUELIZE}
async function shadowed() {
  const t = await sequelize.transaction();
  {
    const t = await sequelize.transaction();
    await t.commit();
  }
}`,
      errors: [unreleased(5, 19, 'the function ends at line 10 without commit or rollback; an exception at line 7 or 8 leaves it open')],
    },
    // A commit on some other object does not end this transaction.
    {
      code: `${SEQUELIZE}
async function wrongObject(other) {
  const t = await sequelize.transaction();
  await other.commit();
}`,
      errors: [unreleased(5, 19, 'the function ends at line 7 without commit or rollback; an exception at line 6 leaves it open')],
    },
    // A loop that starts a transaction per item and skips the commit with continue.
    {
      code: `${SEQUELIZE}
async function each(items) {
  for (const item of items) {
    const t = await sequelize.transaction();
    if (!item.ready) continue;
    await t.commit();
  }
}`,
      errors: [
        // The next iteration's transaction() may also reject while this one is open.
        unreleased(
          6,
          21,
          'it is replaced at line 6 while still open; the function ends at line 10 without commit or rollback; an exception at line 6 leaves it open',
        ),
      ],
    },
    // The promise form.
    {
      code: `${SEQUELIZE}
function promiseForm(User) {
  return sequelize.transaction().then(async (t) => {
    await User.create({}, { transaction: t });
  });
}`,
      errors: [unreleased(5, 10, 'the function ends at line 7 without commit or rollback; an exception at line 6 leaves it open')],
    },
    // this.sequelize, Model.sequelize, db.sequelize are instances by Sequelize's own naming.
    {
      code: `class Service {
  async run() {
    const t = await this.sequelize.transaction();
    if (this.skip) return;
    await t.commit();
  }
}
async function viaModel(User) {
  const t = await User.sequelize.transaction();
  if (!User) return;
  await t.rollback();
}`,
      errors: [
        unreleased(3, 21, 'it returns at line 4 without commit or rollback', { call: 'this.sequelize.transaction()' }),
        unreleased(9, 19, 'it returns at line 10 without commit or rollback', { call: 'User.sequelize.transaction()' }),
      ],
    },
    // Names matching instancePattern, when nothing proves what the receiver is.
    {
      code: `async function named(db, appDb) {
  const t = await db.transaction();
  if (!t) return;
  await t.commit();
  const t2 = await appDb.transaction();
  if (!t2) return;
  await t2.commit();
}`,
      errors: [
        unreleased(2, 19, 'it returns at line 3 without commit or rollback', { call: 'db.transaction()' }),
        unreleased(5, 20, 'it returns at line 6 without commit or rollback', { name: 't2', call: 'appDb.transaction()' }),
      ],
    },
    {
      code: `async function custom(store) {
  const t = await store.transaction();
  if (!t) return;
  await t.commit();
}`,
      options: [{ instancePattern: '^store$' }],
      errors: [unreleased(2, 19, 'it returns at line 3 without commit or rollback', { call: 'store.transaction()' })],
    },
    // Lazy singletons and factories in the same file.
    {
      code: `const { Sequelize } = require('sequelize');
let instance;
function getConnection() {
  if (!instance) instance = new Sequelize(process.env.DATABASE_URL);
  return instance;
}
const makeConnection = () => new Sequelize(process.env.DATABASE_URL);
async function lazy() {
  const t = await getConnection().transaction();
  if (!t) return;
  await t.commit();
}
async function factory() {
  const conn = makeConnection();
  const t = await conn.transaction();
  if (!t) return;
  await t.commit();
}`,
      errors: [
        unreleased(9, 19, 'it returns at line 10 without commit or rollback', { call: 'getConnection().transaction()' }),
        unreleased(15, 19, 'it returns at line 16 without commit or rollback', { call: 'conn.transaction()' }),
      ],
    },
    // Across files: an instance exported under a name no pattern would guess.
    {
      code: `const { connection } = require('../db');
const { getConnection } = require('../lazy');
const db = require('../models');
async function crossFile() {
  const t = await connection.transaction();
  if (!t) return;
  await t.commit();
  const t2 = await getConnection().transaction();
  if (!t2) return;
  await t2.commit();
  const t3 = await db.sequelize.transaction();
  if (!t3) return;
  await t3.commit();
}`,
      filename: SERVICE,
      errors: [
        unreleased(5, 19, 'it returns at line 6 without commit or rollback', { call: 'connection.transaction()' }),
        unreleased(8, 20, 'it returns at line 9 without commit or rollback', { name: 't2', call: 'getConnection().transaction()' }),
        unreleased(11, 20, 'it returns at line 12 without commit or rollback', { name: 't3', call: 'db.sequelize.transaction()' }),
      ],
    },
    // A module that does not parse is skipped: the name still counts.
    {
      code: `const { sequelize } = require('../broken');
async function broken() {
  const t = await sequelize.transaction();
  if (!t) return;
  await t.commit();
}`,
      filename: SERVICE,
      errors: [unreleased(3, 19, 'it returns at line 4 without commit or rollback')],
    },
  ],
});

esmRuleTester.run('no-unreleased-transaction (ES modules)', rule, {
  valid: [
    {
      code: `import store from '../db-default.mjs';
export async function ok() {
  await store.transaction(async (t) => {
    await store.query('SELECT 1', { transaction: t });
  });
}`,
      filename: SERVICE,
    },
  ],
  invalid: [
    {
      code: `import store from '../db-default.mjs';
export async function leak() {
  const t = await store.transaction();
  if (!t) return;
  await t.commit();
}`,
      filename: SERVICE,
      errors: [unreleased(3, 19, 'it returns at line 4 without commit or rollback', { call: 'store.transaction()' })],
    },
    {
      // Top-level await in a module: the program is the function.
      code: `import { Sequelize } from 'sequelize';
const sequelize = new Sequelize('postgres://localhost/app');
const t = await sequelize.transaction();
await sequelize.query('SELECT 1', { transaction: t });
await t.commit();`,
      errors: [
        unreleased(3, 17, 'an exception at line 4 leaves it open', {
          output: `import { Sequelize } from 'sequelize';
const sequelize = new Sequelize('postgres://localhost/app');
await sequelize.transaction(async (t) => {
  await sequelize.query('SELECT 1', { transaction: t });
});`,
        }),
      ],
    },
  ],
});

tsRuleTester.run('no-unreleased-transaction (TypeScript)', rule, {
  valid: [
    `import { Sequelize, Transaction } from 'sequelize';
const sequelize = new Sequelize('postgres://localhost/app');
export async function begin(): Promise<Transaction> {
  const t = await sequelize.transaction();
  return t;
}`,
  ],
  invalid: [
    {
      code: `import { store } from '../db-named';
export async function leak(): Promise<void> {
  const t = (await store.transaction()) as unknown as { commit(): Promise<void> };
  await store.query('SELECT 1');
  await t.commit();
}`,
      filename: SERVICE_TS,
      errors: [unreleased(3, 20, 'an exception at line 4 leaves it open', { call: 'store.transaction()' })],
    },
    {
      code: `import { Sequelize } from 'sequelize';
const sequelize = new Sequelize('postgres://localhost/app');
export async function leak(ok: boolean): Promise<number> {
  const t = await sequelize.transaction();
  try {
    if (!ok) return 0;
    await t.commit();
    return 1;
  } catch (error: unknown) {
    await t.rollback();
    throw error;
  }
}`,
      errors: [unreleased(4, 19, 'it returns at line 6 without commit or rollback')],
    },
  ],
});
