/**
 * What a call's result is used for decides whether the transaction rules read its callee, which may live in another
 * module (a parse of that module). A result the rules can track as a transaction (bound to a name, assigned, chained
 * with `.then((t) => …)`, handed straight to a call) still leads to the helper across modules and its reports; one
 * they cannot track (dropped, returned, destructured as an object) or one the file uses as something a transaction is
 * not (iterated, `orders.map(…)`) does not, and the reports stay what they were. Each project is written to a temp
 * folder from excerpts of the public repository named beside it; `moduleParsed` tells whether the lint read the
 * helper's module.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { moduleParsed } from '../../lib/project/project-modules';
import rule from '../../rules/no-unreleased-transaction';
import { ProjectOnDisk } from '../project-lint';
import { cjsRuleTester } from '../rule-tester';

const RULES = ['no-unreleased-transaction', 'require-transaction-option'];

// opencollective/opencollective-api@e3f35f58970e39eeaa678a8990dfd72d0e71a9ce: cron/10mn/10-sync-gocardless-accounts.ts
// (as in the app), server/lib/gocardless/sync.ts (`syncGoCardlessAccount`'s signature), server/models/index.ts (the
// registry, shortened) and server/models/TransactionsImport.ts (`createWithActivity`, shortened), whose
// `sequelize.transaction(runWithTransaction)` the text gate cannot tell from an unmanaged start: every module here
// may lead to a helper that begins a transaction. The cron job drops `syncGoCardlessAccount`'s result and iterates
// `getGoCardlessImportsToSync()`'s rows: neither can be a transaction the rules track, so neither is followed.
const OC_CRON = `import '../../server/env';

import { isAxiosError } from 'axios';
import debug from 'debug';
import { pick } from 'lodash';

import { syncGoCardlessAccount } from '../../server/lib/gocardless/sync';
import { reportErrorToSentry } from '../../server/lib/sentry';
import models, { Op } from '../../server/models';
import { TransactionsImportLockedError } from '../../server/models/TransactionsImport';
import { runCronJob } from '../utils';

// Every 60 minutes
const refreshIntervalMs = 60 * 60 * 1000;

export const getGoCardlessImportsToSync = async (now = new Date()) => {
  return models.TransactionsImport.findAll({
    where: {
      type: 'GOCARDLESS',
      data: { lockedAt: null },
      lastSyncAt: {
        [Op.or]: [{ [Op.eq]: null }, { [Op.lt]: new Date(now.getTime() - refreshIntervalMs) }],
      },
    },
    include: [
      {
        association: 'connectedAccount',
        required: true,
        where: {
          [Op.or]: [{ authorizationExpiresAt: { [Op.eq]: null } }, { authorizationExpiresAt: { [Op.gte]: now } }],
        },
      },
    ],
  });
};

const run = async () => {
  const importsToUpdate = await getGoCardlessImportsToSync();

  for (const importInstance of importsToUpdate) {
    try {
      await syncGoCardlessAccount(importInstance.connectedAccount, importInstance, {
        log: debug.enabled('gocardless'),
      });
    } catch (err) {
      if (isAxiosError(err) && err.response?.status === 429) {
        // Ignore rate limit errors
        continue;
      }

      reportErrorToSentry(err, {
        severity: err instanceof TransactionsImportLockedError ? 'warning' : 'error',
        extra: { importInstance: pick(importInstance, ['id', 'CollectiveId', 'ConnectedAccountId']) },
      });
    }
  }
};

if (require.main === module) {
  runCronJob('sync-gocardless-accounts', run, 10 * 60);
}
`;

const OC_SYNC = `import { ConnectedAccount, TransactionsImport } from '../../models';

export const syncGoCardlessAccount = async (
  connectedAccount: ConnectedAccount,
  transactionsImport: TransactionsImport,
  options: { full?: boolean; log?: boolean } = {},
): Promise<void> => {
  await transactionsImport.update({ lastSyncAt: new Date() });
};
`;

const OC_MODELS = `import sequelize, { Op } from '../lib/sequelize';
import TransactionsImport from './TransactionsImport';

const models = {
  TransactionsImport,
};

export default models;

export { sequelize, Op };

export { TransactionsImport };
`;

const OC_TRANSACTIONS_IMPORT = `import sequelize from '../lib/sequelize';
import { ModelWithPublicId } from './ModelWithPublicId';

// A custom error type for when a transaction import is locked
export class TransactionsImportLockedError extends Error {
  constructor() {
    super('This import is already locked');
    this.name = 'TransactionsImportLockedError';
  }
}

class TransactionsImport extends ModelWithPublicId {
  static async createWithActivity(remoteUser, collective, attributes, { UserTokenId, transaction } = {}) {
    const runWithTransaction = async transaction => {
      const importInstance = await TransactionsImport.create({ ...attributes, CollectiveId: collective.id }, { transaction });
      return importInstance;
    };

    if (transaction) {
      return runWithTransaction(transaction);
    } else {
      return sequelize.transaction(runWithTransaction);
    }
  }
}

export default TransactionsImport;
`;

// CrowdDotDev/crowd.dev@bc2e323d3c86e9c8a3e5b8297e9cb83e5c4ae41d backend/src/database/repositories/sequelizeRepository.ts
// in CommonJS (test/fixtures/transactions/helpers/nested-repository.js): `createTransaction` begins one.
const CROWD_REPOSITORY = readFileSync(path.join(__dirname, '..', 'fixtures', 'transactions', 'helpers', 'nested-repository.js'), 'utf8');

// crowd.dev backend/src/services/memberAttributeSettingsService.ts (`createPredefined`): the transaction assigned
// (`transaction = await SequelizeRepository.createTransaction(this.options)`); here without the catch's rollback.
const CROWD_ATTRIBUTES = `const SequelizeRepository = require('../database/repositories/sequelizeRepository');
const MemberAttributeSettingsRepository = require('../database/repositories/memberAttributeSettingsRepository');

class MemberAttributeSettingsService {
  constructor(options) {
    this.options = options;
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
      for (const attribute of attributes) {
        created.push(await MemberAttributeSettingsRepository.create(attribute, { ...this.options, transaction }));
      }
      if (!carryTransaction) {
        await SequelizeRepository.commitTransaction(transaction);
      }
      return created;
    } catch (error) {
      throw error;
    }
  }
}
module.exports = MemberAttributeSettingsService;
`;

// Fabio-Alfredo/Shop-Backend-express@5662087dc2ef8dc6fda5d4e873a90e3366d1f56b src/repositories/category.repository.js.
const SHOP_CATEGORIES = `const {Category} = require("../domain/models");

const startTransaction = async () => {
  const t = await Category.sequelize.transaction();
  return t;
};

const create = async (category, t) => {
  const newCategory = await Category.create(category, { transaction: t });
  return newCategory;
};

const findById = async (category) => {
  const eCategory = await Category.findOne({ where: { id:category } });
  return eCategory
};

module.exports = { create, findById, startTransaction };
`;

// Shop-Backend-express src/services/category.service.js (`createCategory`, two of the 16 apps' reports): the
// transaction is never committed or rolled back, and the repository's `findById` queries outside it.
const SHOP_CATEGORY_SERVICE = `const categoryRepository = require("../repositories/category.repository");
const ServiceError = require("../utils/errors/service.error");

const createCategory = async (category) => {
  const t = await categoryRepository.startTransaction();
  try {
    const existCategory = await categoryRepository.findById(category.id);
    if (existCategory)
      throw new ServiceError("Category already exist", 409);
    const newCategory = await categoryRepository.create(category, t);
    return newCategory;
  } catch (e) {
    throw new ServiceError(e.message || "Internal server error while create category", e.code);
  }
};

module.exports = { createCategory };
`;

describe('transaction rules: a helper call is read only where its result can matter', () => {
  const oc = new ProjectOnDisk('tx-results-oc-', {
    'cron/10mn/10-sync-gocardless-accounts.ts': OC_CRON,
    'server/lib/gocardless/sync.ts': OC_SYNC,
    'server/models/index.ts': OC_MODELS,
    'server/models/TransactionsImport.ts': OC_TRANSACTIONS_IMPORT,
  });
  const crowd = new ProjectOnDisk('tx-results-crowd-', {
    'backend/src/database/repositories/sequelizeRepository.js': CROWD_REPOSITORY,
    'backend/src/services/memberAttributeSettingsService.js': CROWD_ATTRIBUTES,
  });
  const shop = new ProjectOnDisk('tx-results-shop-', {
    'src/repositories/category.repository.js': SHOP_CATEGORIES,
    'src/services/category.service.js': SHOP_CATEGORY_SERVICE,
  });
  afterAll(() => {
    oc.remove();
    crowd.remove();
    shop.remove();
  });
  const crowdRepository = path.join(crowd.root, 'backend/src/database/repositories/sequelizeRepository.js');

  it('does not read the helpers of a dropped result or of iterated rows (opencollective-api gocardless cron)', async () => {
    expect(await oc.lint(RULES, ['cron/10mn/10-sync-gocardless-accounts.ts'])).toEqual([]);
    for (const module of ['server/lib/gocardless/sync.ts', 'server/models/index.ts', 'server/models/TransactionsImport.ts']) {
      expect(moduleParsed(path.join(oc.root, module)), module).toBe(false);
    }
  });

  it('follows an assigned result into the repository and reports the transaction it begins (crowd.dev `createPredefined`)', async () => {
    const found = await crowd.lint(RULES, ['backend/src/services/memberAttributeSettingsService.js']);
    expect(found.map(({ line, messageId }) => ({ line, messageId }))).toEqual([{ line: 14, messageId: 'unreleased' }]);
    expect(found[0]?.message).toContain('Transaction `transaction` from `SequelizeRepository.createTransaction()` can be left open: an exception at line 19 leaves it open');
    expect(moduleParsed(crowdRepository)).toBe(true);
  });

  it('follows a bound result into the repository: its transaction and the helper query outside it (Shop-Backend `createCategory`)', async () => {
    const found = await shop.lint(RULES, ['src/services/category.service.js']);
    expect(found.map(({ line, messageId }) => ({ line, messageId }))).toEqual([
      { line: 5, messageId: 'unreleased' },
      { line: 7, messageId: 'missingTransactionInHelper' },
    ]);
    expect(found[0]?.message).toContain('Transaction `t` from `categoryRepository.startTransaction()` can be left open: it returns at line 11 without commit or rollback');
    expect(moduleParsed(path.join(shop.root, 'src/repositories/category.repository.js'))).toBe(true);
  });
});

const SERVICE = path.join(__dirname, '..', 'fixtures', 'transactions', 'services', 'service.js');

function unreleased(line: number, column: number, paths: string, { name = 't', call = 'orderRepository.startTransaction()' } = {}) {
  return { messageId: 'unreleased' as const, line, column, data: { name, call, paths }, suggestions: [] };
}

cjsRuleTester.run('no-unreleased-transaction: how a begin helper\'s result is held', rule, {
  valid: [
    // What the rules cannot track, even from a helper that begins one: returned (the caller owns it), destructured
    // as an object, dropped.
    {
      code: `const orderRepository = require('../helpers/order.repository');
const begin = async () => await orderRepository.startTransaction();
async function options() {
  const { id } = await orderRepository.startTransaction();
  await orderRepository.startTransaction();
  return id;
}`,
      filename: SERVICE,
    },
    // A name used through a member a transaction lacks, or iterated: no transaction, whatever the callee returns.
    {
      code: `const orderRepository = require('../helpers/order.repository');
async function rows() {
  const orders = await orderRepository.startTransaction();
  for (const order of orders) await order.reload();
  const ids = await orderRepository.startTransaction();
  return ids.map((id) => String(id));
}`,
      filename: SERVICE,
    },
  ],
  invalid: [
    // Shop-Backend-express@021bef2ad877e91df718805b302fa3c8c1d6300c src/services/order.service.js (`createOrder`)
    // written as a promise chain: committed in a later `.then()`, never rolled back.
    {
      code: `const orderRepository = require('../helpers/order.repository');
function createOrder(order) {
  return orderRepository.startTransaction().then((t) => {
    return orderRepository.create(order, t).then((newOrder) => t.commit().then(() => newOrder));
  });
}`,
      filename: SERVICE,
      errors: [
        unreleased(3, 10, 'its promise chain commits at line 4 but nothing rolls it back when a query in it rejects (no `.catch()` calls `rollback()`)'),
      ],
    },
    // Used only through members a transaction has (`t.LOCK`, `t.id`): still a transaction, still reported.
    {
      code: `const orderRepository = require('../helpers/order.repository');
async function lock(Order, id) {
  const t = await orderRepository.startTransaction();
  const order = await Order.findByPk(id, { lock: t.LOCK.UPDATE, transaction: t });
  return { order, id: t.id };
}`,
      filename: SERVICE,
      errors: [unreleased(3, 19, 'it returns at line 5 without commit or rollback; an exception at line 4 leaves it open')],
    },
  ],
});
