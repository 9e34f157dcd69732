/**
 * The begin question's name gate (BEGIN_GATE in lib/project/transaction-helpers): `beginningHelper` loads a module
 * only when the names the path to it uses can lead to a helper that returns an unmanaged `x.transaction()`. Both
 * ways: a helper reached through a re-export, a class's static member and a wrapper in a third module is still found
 * (and its report made); a model module whose methods begin no transaction is not parsed, though it reaches the
 * module that does (observed with moduleParsed).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { mayLeadTo } from '../../lib/project/load-gates';
import { mayProvide, providedNames } from '../../lib/project/name-gates';
import { moduleParsed } from '../../lib/project/project-modules';
import { BEGIN_GATE, BEGINS_TRANSACTIONS, mayBeginTransaction } from '../../lib/project/transaction-helpers';
import { ProjectOnDisk } from '../project-lint';

const RULES = ['no-unreleased-transaction'];

// Shape of CrowdDotDev/crowd.dev@bc2e323d3c86e9c8a3e5b8297e9cb83e5c4ae41d backend/src/database/repositories/
// sequelizeRepository.ts (static createTransaction returns options.database.sequelize.transaction()).
const CROWD_REPOSITORY = readFileSync(path.join(__dirname, '..', 'fixtures', 'transactions', 'helpers', 'nested-repository.js'), 'utf8');

// A re-export and a wrapper between the service and the repository (the layering crowd.dev's services use through
// `SequelizeRepository`, written out as two modules so the gate must follow names across both).
const REPOSITORIES_INDEX = "exports.SequelizeRepository = require('./sequelizeRepository');\nexports.label = 'repositories';\n";
const TX_WRAPPER = `const { SequelizeRepository } = require('../database/repositories');

exports.begin = async (options) => {
  const transaction = await SequelizeRepository.createTransaction(options);
  return transaction;
};
`;
// crowd.dev backend/src/services/memberAttributeSettingsService.ts (`createPredefined`), through the wrapper and
// without the commit: the transaction is left open.
const SERVICE = `const { begin } = require('./txWrapper');

exports.createPredefined = async (options, attributes) => {
  const transaction = await begin(options);
  const created = [];
  for (const attribute of attributes) created.push(await options.database.memberAttributeSettings.create(attribute, { transaction }));
  return created;
};
`;

// opencollective/opencollective-api@(apps.json commit) server/models/Collective.ts, reduced: instance methods that
// run their work in a managed transaction (`sequelize.transaction(runInTransaction)`, lines 663-760) and read
// others; none returns an unmanaged start. server/models/index.ts re-exports it; a lib function reads a model.
const OC_SEQUELIZE = "const { Sequelize } = require('sequelize');\nconst sequelize = new Sequelize(process.env.PG_URL);\nmodule.exports = { sequelize };\n";
const OC_COLLECTIVE = `const { Model } = require('sequelize');
const { sequelize } = require('../lib/sequelize');
const { slugify } = require('../lib/utils');

class Collective extends Model {
  updateSocialLinks = async function (socialLinksInput, dbTransaction = null) {
    const runInTransaction = async (transaction) => this.update({ socialLinks: socialLinksInput }, { transaction });
    return dbTransaction ? runInTransaction(dbTransaction) : sequelize.transaction(runInTransaction);
  };

  async setSlug(name) {
    return this.update({ slug: slugify(name) });
  }

  async getHostCollective() {
    return Collective.findByPk(this.HostCollectiveId);
  }
}

module.exports = Collective;
`;
const OC_MODELS = "const Collective = require('./Collective');\nmodule.exports = { Collective };\n";
// A helper that does begin one, in the same project: the closure gate opened for every model because of it.
const OC_HELPER = "const { sequelize } = require('./sequelize');\n\nexports.startTransaction = async () => {\n  const transaction = await sequelize.transaction();\n  return transaction;\n};\n";
// A lib module that uses the helper and is used by the model for something else: the model reaches the helper.
const OC_UTILS = "const { startTransaction } = require('./transactions');\n\nexports.slugify = (name) => name.toLowerCase();\nexports.reset = async () => {\n  const t = await startTransaction();\n  await t.rollback();\n};\n";
const OC_LIB = `const models = require('../models');
const { startTransaction } = require('./transactions');

exports.hostOf = async (id) => {
  const collective = await models.Collective.findOne({ where: { id } });
  const host = await collective.getHostCollective();
  return host;
};

exports.run = async () => {
  const transaction = await startTransaction();
  await transaction.commit();
};
`;

describe('the begin gate (mayProvide with BEGIN_GATE)', () => {
  const crowd = new ProjectOnDisk('begin-gate-crowd-', {
    'backend/src/database/repositories/sequelizeRepository.js': CROWD_REPOSITORY,
    'backend/src/database/repositories/index.js': REPOSITORIES_INDEX,
    'backend/src/services/txWrapper.js': TX_WRAPPER,
    'backend/src/services/memberAttributeSettingsService.js': SERVICE,
  });
  const oc = new ProjectOnDisk('begin-gate-oc-', {
    'server/lib/sequelize.js': OC_SEQUELIZE,
    'server/lib/transactions.js': OC_HELPER,
    'server/lib/hosts.js': OC_LIB,
    'server/lib/utils.js': OC_UTILS,
    'server/models/Collective.js': OC_COLLECTIVE,
    'server/models/index.js': OC_MODELS,
  });
  afterAll(() => {
    crowd.remove();
    oc.remove();
  });

  it('follows a class static member re-exported by an index, through a wrapper in a third module', async () => {
    const found = await crowd.lint(RULES, ['backend/src/services/memberAttributeSettingsService.js']);
    expect(found.map(({ line, messageId }) => ({ line, messageId }))).toEqual([{ line: 4, messageId: 'unreleased' }]);
    expect(found[0]?.message).toContain('from `begin()`');
    const file = (relative: string): string => path.join(crowd.root, 'backend/src', relative);
    expect(moduleParsed(file('database/repositories/sequelizeRepository.js'))).toBe(true);
    expect(mayProvide(file('database/repositories/index.js'), BEGIN_GATE)).toBe(true);
    expect(mayProvide(file('services/txWrapper.js'), BEGIN_GATE)).toBe(true);
    // The index provides the class by its members only; `label` leads nowhere.
    expect([...providedNames(file('database/repositories/index.js'), BEGIN_GATE)]).toEqual(expect.arrayContaining(['.SequelizeRepository', 'createTransaction']));
    expect([...providedNames(file('database/repositories/index.js'), BEGIN_GATE)]).not.toContain('label');
    expect([...providedNames(file('services/txWrapper.js'), BEGIN_GATE)]).toContain('begin');
  });

  it('does not parse a model whose methods begin no transaction, nor the index that re-exports it (opencollective-api)', async () => {
    expect(mayBeginTransaction(OC_COLLECTIVE)).toBe(false);
    expect(await oc.lint(RULES, ['server/lib/hosts.js'])).toEqual([]);
    const file = (relative: string): string => path.join(oc.root, 'server', relative);
    // The helper that begins one is read (its transaction is committed: no report) ...
    expect(moduleParsed(file('lib/transactions.js'))).toBe(true);
    // ... the models are not, though each reaches a module that begins a transaction (the closure gate opened for them).
    expect(mayLeadTo(file('models/index.js'), BEGINS_TRANSACTIONS)).toBe(true);
    expect(moduleParsed(file('models/index.js'))).toBe(false);
    expect(moduleParsed(file('models/Collective.js'))).toBe(false);
    expect(mayProvide(file('models/index.js'), BEGIN_GATE)).toBe(false);
  });
});
