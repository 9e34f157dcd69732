/**
 * Transactions carried into a function inside another value, and transactions handed straight to a helper:
 * - `req.transaction` in Express middleware after the one that began it (stock-server), `const { transaction } =
 *   ctx.state` in Koa routes under a transaction middleware (outline), proven by a use that throws without one
 *   (`req.transaction.rollback()`, `transaction.LOCK.UPDATE`);
 * - a model hook's `options.transaction`, dropped by one of its queries (stock-server, opencollective-api);
 * - a begun transaction passed, never bound, to a function that only forwards it (crowd.dev).
 * Each case names the public repository, commit and path it was read from.
 */
import path from 'node:path';

import noUnreleased from '../../rules/no-unreleased-transaction';
import rule from '../../rules/require-transaction-option';
import { cjsRuleTester, esmRuleTester, tsRuleTester } from '../rule-tester';
import { missing } from './transaction-expectations';

const STOCK_MIDDLEWARE = path.join(__dirname, '..', 'fixtures', 'transactions', 'stock-server', 'middlewares', 'order', 'checkBalance.js');
const STOCK_HOOK = path.join(__dirname, '..', 'fixtures', 'transactions', 'stock-server', 'models', 'hooks', 'trader.hook.js');
const SERVICE = path.join(__dirname, '..', 'fixtures', 'transactions', 'services', 'service.js');
const ROUTE_TS = path.join(__dirname, '..', 'fixtures', 'transactions', 'routes', 'comments.ts');

function reported(line: number, column: number, query: string, name: string, scopeLine: number, output?: string, suggestion?: 'addTransactionOption' | 'passOptions') {
  return missing({ query, line, column, scopeLine, name, ...(output === undefined ? {} : { output }), ...(suggestion === undefined ? {} : { suggestion }) });
}

// sclearner/stock_server@b04d3df22910bbc76848082a1461a23ecaf525e6 middlewares/order/checkBalance.js: registered as
// `router.route('/').post(verifyToken, validateOrder, checkBalance, createOrder)`, after `validateOrder` ran
// `req.transaction = await db.sequelize.transaction()`; `checkBalanceAsk` rolls `req.transaction` back, so it runs
// inside it, and reads the balance without it.
const CHECK_BALANCE = `import { db } from "../../models/index.mjs";

async function checkBalanceAsk(req, res, next) {
  const currency = "USD";
  try {
    const { amount: balance } = await db.TraderBalance.findOne({
      raw: true,
      where: {
        id: req.traderId,
        currency,
      },
    });
    const { amount, price } = req.body;
    let finalPrice = price;
    if (price === undefined || price === null) {
      finalPrice = await db.Instrument.findByPk(req.body.currency).lastPrice;
    }
    if (finalPrice * amount > balance) {
      req.transaction.rollback();
      res.status(402).json({ error: "Not enough money!" });
    } else {
      next();
    }
  } catch (err) {
    res.status(500).json({ error: err.message });
  }
}

export async function checkBalance(req, res, next) {
  await checkBalanceAsk(req, res, next);
}`;

// outline/outline@d77dcdf853868c5d5fe125c895c9b71f0eff5c68 server/routes/api/comments/comments.ts
// (`comments.delete`), shortened: the route runs under the `transaction()` middleware; the handler locks the
// comment with `ctx.state.transaction` but reads the document without it.
const COMMENTS_DELETE = `import Router from "koa-router";
import { transaction } from "@server/middlewares/transaction";
import { Document, Comment } from "@server/models";

const router = new Router();

router.post(
  "comments.delete",
  transaction(),
  async (ctx: APIContext<T.CommentsDeleteReq>) => {
    const { id } = ctx.input.body;
    const { user } = ctx.state.auth;
    const { transaction } = ctx.state;

    const comment = await Comment.findByPk(id, {
      transaction,
      rejectOnEmpty: true,
      lock: {
        level: transaction.LOCK.UPDATE,
        of: Comment,
      },
    });
    const document = await Document.findByPk(comment.documentId, {
      userId: user.id,
    });
    authorize(user, "delete", document);
    await comment.destroyWithCtx(ctx);
  }
);`;

// sclearner/stock_server@b04d3df22910bbc76848082a1461a23ecaf525e6 models/hooks/trader.hook.js: an `afterCreate` hook
// (a trader is created inside `signUpCorp`'s managed transaction) creates balances with the triggering query's
// transaction but lists the instruments without it.
const TRADER_HOOK = `import { db } from "../index.mjs";

async function initBalance(trader, options) {
    const { transaction } = options;
    const currencies = (
      await db.Instrument.findAll({
        raw: true,
        where: {
          currency: null,
        },
        attributes: ["symbol"],
      })
    ).map((e) => e.symbol);

    for (const c of currencies) {
      await db.TraderBalance.create(
        {
          id: trader.id,
          currency: c,
        },
        { transaction }
      );
    }
  }

export function traderHooks() {
    db.Trader.afterCreate(initBalance);
}`;

esmRuleTester.run('require-transaction-option: transactions carried by the request', rule, {
  valid: [
    // The middleware that begins it (`req.transaction = await db.sequelize.transaction()`) is not a receiver of it.
    {
      code: `import { db } from "../../models/index.mjs";
export async function validateOrder(req, res, next) {
  const count = await db.TraderBalance.count({ where: { id: req.traderId } });
  req.transaction = await db.sequelize.transaction();
  try {
    await db.TraderBalance.findOne({ where: { id: req.traderId }, transaction: req.transaction });
    next();
  } catch (err) {
    req.transaction.rollback();
    res.status(400).json({ error: err.message });
  }
}`,
      filename: STOCK_MIDDLEWARE,
    },
    // Only guarded: `if (req.transaction)` says a transaction may be there, not that it is.
    {
      code: `import { db } from "../../models/index.mjs";
export async function audit(req, res) {
  await db.TraderBalance.findOne({ where: { id: req.traderId } });
  if (req.transaction) await req.transaction.commit();
  res.end();
}`,
      filename: STOCK_MIDDLEWARE,
    },
    // After its rollback the transaction is over: a query there is no longer inside it.
    {
      code: `import { db } from "../../models/index.mjs";
export async function refuse(req, res) {
  await req.transaction.rollback();
  await db.TraderBalance.findOne({ where: { id: req.traderId } });
  res.status(402).end();
}`,
      filename: STOCK_MIDDLEWARE,
    },
    // A helper given the request may take the transaction from it.
    {
      code: `import { db } from "../../models/index.mjs";
import { checkAsk } from "./checkAsk.js";
export async function check(req, res, next) {
  await checkAsk(req, res, next);
  await req.transaction.commit();
}`,
      filename: STOCK_MIDDLEWARE,
    },
    // A plain function (no hook) that passes \`options.transaction\` to one query: the option may be undefined, so the
    // query without it proves nothing.
    {
      code: `import { db } from "../index.mjs";
export async function initBalance(trader, options) {
  const { transaction } = options;
  const currencies = await db.Instrument.findAll({ raw: true });
  await db.TraderBalance.create({ id: trader.id }, { transaction });
  return currencies;
}`,
      filename: STOCK_HOOK,
    },
  ],
  invalid: [
    {
      code: CHECK_BALANCE,
      filename: STOCK_MIDDLEWARE,
      errors: [
        reported(
          6,
          39,
          'db.TraderBalance.findOne()',
          'req.transaction',
          3,
          CHECK_BALANCE.replace('        currency,\n      },\n', '        currency,\n      },\n      transaction: req.transaction,\n'),
        ),
        reported(
          16,
          26,
          'db.Instrument.findByPk()',
          'req.transaction',
          3,
          CHECK_BALANCE.replace('findByPk(req.body.currency)', 'findByPk(req.body.currency, { transaction: req.transaction })'),
          'passOptions',
        ),
      ],
    },
    {
      code: TRADER_HOOK,
      filename: STOCK_HOOK,
      errors: [
        reported(
          6,
          13,
          'db.Instrument.findAll()',
          'transaction',
          4,
          TRADER_HOOK.replace('        attributes: ["symbol"],\n', '        attributes: ["symbol"],\n        transaction,\n'),
        ),
      ],
    },
  ],
});

// opencollective/opencollective-api@e3f35f58970e39eeaa678a8990dfd72d0e71a9ce server/graphql/common/expenses.ts
// (`editExpense`), shortened: removed attached files, typed by their model class, destroyed without the transaction.
const EDIT_EXPENSE = `import { Model } from 'sequelize';
import { sequelize } from '../db';

class ExpenseAttachedFile extends Model {}

export async function editExpense(removedAttachedFiles, keptFiles) {
  return sequelize.transaction(async (transaction) => {
    await Promise.all(removedAttachedFiles.map((file: ExpenseAttachedFile) => file.destroy()));
    await Promise.all(keptFiles.map((file: Record<string, unknown>) => file.destroy()));
    await Promise.all(keptFiles.map((file: Partial<ExpenseAttachedFile>) => file.save()));
  });
}`;

tsRuleTester.run('require-transaction-option: parameters annotated with a model class', rule, {
  valid: [],
  invalid: [
    {
      code: EDIT_EXPENSE,
      filename: ROUTE_TS,
      errors: [
        reported(8, 79, 'file.destroy()', 'transaction', 7, EDIT_EXPENSE.replace('=> file.destroy()));\n    await Promise.all(keptFiles', '=> file.destroy({ transaction })));\n    await Promise.all(keptFiles'), 'passOptions'),
      ],
    },
  ],
});

tsRuleTester.run('require-transaction-option: Koa routes under a transaction middleware', rule, {
  valid: [
    // outline/outline@d77dcdf853868c5d5fe125c895c9b71f0eff5c68 server/routes/api/subscriptions/subscriptions.ts
    // (`subscriptions.list`): no `transaction()` middleware on this route, so `ctx.state.transaction` is undefined
    // and the query next to the one that passes it is outside no transaction.
    {
      code: `import { Collection, Document } from "@server/models";
router.post("subscriptions.list", auth(), async (ctx: APIContext<T.SubscriptionsListReq>) => {
  const { user } = ctx.state.auth;
  const collection = await Collection.findByPk(ctx.input.body.collectionId, {
    userId: user.id,
    transaction: ctx.state.transaction,
  });
  const document = await Document.findByPk(ctx.input.body.documentId!, { userId: user.id });
  ctx.body = { collection, document };
});`,
      filename: ROUTE_TS,
    },
  ],
  invalid: [
    {
      code: COMMENTS_DELETE,
      filename: ROUTE_TS,
      errors: [
        reported(
          23,
          28,
          'Document.findByPk()',
          'transaction',
          13,
          COMMENTS_DELETE.replace('      userId: user.id,\n    });', '      userId: user.id,\n      transaction,\n    });'),
        ),
      ],
    },
  ],
});

// opencollective/opencollective-api@e3f35f58970e39eeaa678a8990dfd72d0e71a9ce server/models/Comment.ts, shortened:
// a `beforeDestroy` hook in the model's `hooks` finds the conversation with the triggering query's transaction and
// destroys it without.
const COMMENT_HOOKS = `const { Model, Op } = require('sequelize');
const { sequelize } = require('../db');
class Conversation extends Model {}
Conversation.init({}, { sequelize });
class Comment extends Model {}
Comment.init(
  {},
  {
    sequelize,
    hooks: {
      beforeDestroy: async (comment, options) => {
        if (comment.ConversationId) {
          const transaction = options.transaction;
          const conversation = await Conversation.findOne({ where: { RootCommentId: comment.id }, transaction });
          if (conversation) {
            await conversation.destroy();
            await Comment.destroy({
              where: { id: { [Op.not]: comment.id }, ConversationId: conversation.id },
              transaction,
            });
          }
        }
      },
    },
  },
);`;

cjsRuleTester.run('require-transaction-option: model hooks', rule, {
  valid: [],
  invalid: [
    {
      code: COMMENT_HOOKS,
      filename: SERVICE,
      errors: [reported(16, 19, 'conversation.destroy()', 'transaction', 13, COMMENT_HOOKS.replace('conversation.destroy()', 'conversation.destroy({ transaction })'), 'passOptions')],
    },
  ],
});

// CrowdDotDev/crowd.dev@bc2e323d3c86e9c8a3e5b8297e9cb83e5c4ae41d backend/src/services/integrationService.ts
// (`connectGithub`), shortened: a begun transaction passed straight into `this.createOrUpdate(data, transaction)`,
// which only forwards it to queries; nothing ever commits or rolls it back.
const CONNECT_GITHUB = `const SequelizeRepository = require('../helpers/sequelize-repository');
const db = require('../models');

class IntegrationService {
  constructor(options) {
    this.options = options;
  }

  async createOrUpdate(data, transaction) {
    const record = await db.Integration.findOne({ where: { platform: data.platform }, transaction });
    return record.update(data, { transaction });
  }

  async finish(data, transaction) {
    await db.Integration.create(data, { transaction });
    await SequelizeRepository.commitTransaction(transaction);
  }

  async connectGithub(code, installId, setupAction = 'install') {
    if (setupAction === 'request') {
      return this.createOrUpdate(
        { platform: 'github', status: 'waiting-approval' },
        await SequelizeRepository.createTransaction(this.options.database),
      );
    }
    if (setupAction === 'finish') {
      return this.finish({ platform: 'github' }, await SequelizeRepository.createTransaction(this.options.database));
    }
    return keep(await db.sequelize.transaction());
  }
}

module.exports = IntegrationService;`;

function inHelper(line: number, column: number, helper: string, query: string, where: string, scopeLine: number) {
  return { messageId: 'missingTransactionInHelper' as const, line, column, data: { helper, query, where, name: 't', line: String(scopeLine) } };
}

cjsRuleTester.run('require-transaction-option: transaction parameters proven by association methods and forwarding', rule, {
  valid: [
    // `t` passed on to a function that never uses it as a transaction: no proof that it is one.
    {
      code: `const db = require('../models');
const { getById } = require('../helpers/device');
const repository = { bulkUpdate: async (rows, t) => rows.length };
const updateStock = async (items, operation, t) => {
  const devices = await getById(items[0].id);
  await repository.bulkUpdate(devices, t);
};
module.exports = { updateStock };`,
      filename: SERVICE,
    },
  ],
  invalid: [
    // Fabio-Alfredo/Shop-Backend-express@5662087dc2ef8dc6fda5d4e873a90e3366d1f56b src/services/product.service.js
    // (`assingCategory`), the category service swapped for the device fixture: `t` is proven only by an association
    // method's options (`product.setCategories([id], { transaction: t })`).
    {
      code: `const { getById } = require('../helpers/device');
const assingCategory = async (product, categoryId, t) => {
  try {
    const category = await getById(categoryId);
    if (category) {
      await product.setCategories([categoryId], { transaction: t });
    }
    return product;
  } catch (e) {
    throw new Error(e.message);
  }
};
module.exports = { assingCategory };`,
      filename: SERVICE,
      errors: [inHelper(4, 28, 'getById', 'db.Device.findOne()', 'device.js:6', 2)],
    },
    // The same repository's `updateStock(items, operation, t)` (src/services/product_variants.service.js), shortened:
    // `t` is only passed on, to a repository function whose `bulkCreate(rows, { transaction: t })` proves it.
    {
      code: `const db = require('../models');
const { getById } = require('../helpers/device');
const variantsRepository = {
  bulkUpdateStock: async (products, t) => db.Device.bulkCreate(products, { updateOnDuplicate: ['stock'], transaction: t }),
};
const updateStock = async (items, operation, t) => {
  const products = await getById(items[0].id);
  await variantsRepository.bulkUpdateStock([products], t);
  return true;
};
module.exports = { updateStock };`,
      filename: SERVICE,
      errors: [inHelper(7, 26, 'getById', 'db.Device.findOne()', 'device.js:6', 6)],
    },
    // The app's own file (Shop-Backend-express src/services/product_variants.service.js, `reservationProducts`) never
    // says "transaction": `t` is proven only by the repository function it is passed to, in another module
    // (order.repository.js's `create(order, t)` queries with `{ transaction: t }`). The rule still runs on the file.
    {
      code: `const { getById } = require('../helpers/device');
const orderRepository = require('../helpers/order.repository');
const reservationProducts = async (items, t) => {
  await orderRepository.create(items[0], t);
  const products = await getById(items[0].id);
  return products;
};
module.exports = { reservationProducts };`,
      filename: SERVICE,
      errors: [inHelper(5, 26, 'getById', 'db.Device.findOne()', 'device.js:6', 3)],
    },
  ],
});

/** stock-server's middleware with its `catch` replaced: the request's transaction handled on every way out. */
function checkBalanceWith(catchBody: string): string {
  return CHECK_BALANCE.replace('    res.status(500).json({ error: err.message });', catchBody);
}

esmRuleTester.run('no-unreleased-transaction: a request transaction left open by Express middleware', noUnreleased, {
  valid: [
    // The catch rolls back, or hands the error (and the request) on to the next middleware, or rethrows to the error
    // handler: each way out ends it or passes it on.
    { code: checkBalanceWith('    await req.transaction.rollback();\n    res.status(500).json({ error: err.message });'), filename: STOCK_MIDDLEWARE },
    { code: checkBalanceWith('    next(err);'), filename: STOCK_MIDDLEWARE },
    { code: checkBalanceWith('    throw err;'), filename: STOCK_MIDDLEWARE },
    // Not middleware-shaped (no `next`): who else ends the transaction is not this function's to say.
    { code: CHECK_BALANCE.replace('async function checkBalanceAsk(req, res, next) {', 'async function checkBalanceAsk(req, res) {').replace('      next();\n', ''), filename: STOCK_MIDDLEWARE },
    // It ends the transaction only in a callback, which may run at any time: nothing claimed.
    {
      code: `import { db } from "../../models/index.mjs";
export async function createOrder(req, res, next) {
  try {
    const balance = await db.TraderBalance.findOne({ where: { id: req.traderId }, transaction: req.transaction });
    if (!balance) return next();
    req.transaction.commit();
    res.on("close", () => req.transaction.rollback());
  } catch (err) {
    res.status(500).end();
  }
}`,
      filename: STOCK_MIDDLEWARE,
    },
  ],
  invalid: [
    {
      code: CHECK_BALANCE,
      filename: STOCK_MIDDLEWARE,
      errors: [
        {
          messageId: 'carriedUnreleased',
          line: 24,
          column: 5,
          data: { name: 'req.transaction', line: '19', where: 'when an exception at line 6 ends in the catch at line 24' },
        },
      ],
    },
    // An early return that answers without ending it, next to the path that rolls it back.
    {
      code: `import { db } from "../../models/index.mjs";
export async function checkBalanceBid(req, res, next) {
  if (!req.body.amount) {
    return res.status(400).json({ err: "No amount" });
  }
  if (req.body.amount > 100) {
    await req.transaction.rollback();
    return res.status(402).json({ err: "Not enough stock!" });
  }
  next();
}`,
      filename: STOCK_MIDDLEWARE,
      errors: [{ messageId: 'carriedUnreleased', line: 4, column: 5, data: { name: 'req.transaction', line: '7', where: 'when it returns at line 4' } }],
    },
  ],
});

cjsRuleTester.run('no-unreleased-transaction: a transaction handed straight to a helper', noUnreleased, {
  valid: [],
  invalid: [
    {
      code: CONNECT_GITHUB,
      filename: SERVICE,
      errors: [
        {
          messageId: 'handedOff',
          line: 23,
          column: 15,
          data: { call: 'SequelizeRepository.createTransaction', helper: 'this.createOrUpdate', line: '21' },
        },
      ],
    },
  ],
});
