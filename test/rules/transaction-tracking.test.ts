/**
 * The two transaction rules share one tracking per file (sharedTransactionTracking in lib/project/transaction-scopes):
 * the code path timeline, the scopes and the helper summaries are computed once when both rules run with the same
 * options, and each rule still reports exactly what it reports alone. Other options get their own tracking, and a
 * file linted again is tracked again. A function that may receive a transaction is proven to when a call in it could
 * be reported, not before.
 */
import type { Linter as LinterType } from 'eslint';

import { Linter } from 'eslint';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import plugin from '../../index';
import { clearProjectModuleCache, moduleParsed } from '../../lib/project/project-modules';
import { trackingStats } from '../../lib/project/transaction-scopes';
import { ProjectOnDisk } from '../project-lint';

const DB = `const { Sequelize, Model } = require('sequelize');
const sequelize = new Sequelize('sqlite::memory:');
class User extends Model {}
User.init({}, { sequelize });
module.exports = { sequelize, User };
`;
// An unmanaged transaction an exception can leave open (no-unreleased-transaction), with a query inside it that does
// not pass it (require-transaction-option), and a function that receives one.
const SERVICE = `const { sequelize, User } = require('./db');

exports.rename = async (id, name) => {
  const t = await sequelize.transaction();
  const user = await User.findByPk(id);
  await User.update({ name }, { where: { id: user.id }, transaction: t });
  await t.commit();
};

exports.touch = async (id, transaction) => {
  await User.update({ touched: true }, { where: { id }, transaction });
  await User.findAll({ where: { id } });
};
`;
const BOTH = ['no-unreleased-transaction', 'require-transaction-option'];

describe('one transaction tracking per file for both rules', () => {
  const project = new ProjectOnDisk('transaction-tracking-', { 'db.js': DB, 'service.js': SERVICE });
  afterAll(() => project.remove());
  const brief = (found: Awaited<ReturnType<ProjectOnDisk['lint']>>): string[] => found.map(({ line, messageId }) => `${line} ${messageId}`);

  it('reports with both rules what each reports alone, tracking the file once', async () => {
    const unreleased = await project.lint(['no-unreleased-transaction'], ['service.js']);
    const missing = await project.lint(['require-transaction-option'], ['service.js']);
    expect(brief(unreleased)).toEqual(['4 unreleased']);
    expect(brief(missing)).toEqual(['5 missingTransaction', '12 missingTransaction']);
    const before = trackingStats.files;
    const both = await project.lint(BOTH, ['service.js']);
    expect(trackingStats.files - before).toBe(1);
    expect(both.map(({ line, messageId, message }) => ({ line, messageId, message }))).toEqual(
      [...unreleased, ...missing].sort((a, b) => a.line - b.line).map(({ line, messageId, message }) => ({ line, messageId, message })),
    );
  });

  it('reports the same whichever rule ESLint runs first (the first records the file, the other only reads the result)', async () => {
    const before = trackingStats.files;
    const reversed = await project.lint([...BOTH].reverse(), ['service.js']);
    expect(trackingStats.files - before).toBe(1);
    expect(brief(reversed)).toEqual(['4 unreleased', '5 missingTransaction', '12 missingTransaction']);
  });

  it('tracks separately for rules whose options differ', async () => {
    const before = trackingStats.files;
    const found = await project.lint(BOTH, ['service.js'], { 'require-transaction-option': [{ instancePattern: '^(?:sequelize|db)$' }] });
    expect(trackingStats.files - before).toBe(2);
    expect(brief(found)).toEqual(['4 unreleased', '5 missingTransaction', '12 missingTransaction']);
  });

  it('tracks a file linted again (the same SourceCode) again, with the same reports', () => {
    const linter = new Linter({ configType: 'flat', cwd: project.root });
    const config: LinterType.Config[] = [
      { files: ['**/*.js'], languageOptions: { sourceType: 'commonjs' } },
      { plugins: { 'sequelize-pool': plugin as never }, rules: Object.fromEntries(BOTH.map((rule) => [`sequelize-pool/${rule}`, 'error'])) },
    ];
    const filename = path.join(project.root, 'service.js');
    const before = trackingStats.files;
    const first = linter.verify(SERVICE, config, filename);
    const again = linter.verify(linter.getSourceCode(), config, filename);
    expect(trackingStats.files - before).toBe(2);
    expect(again).toEqual(first);
    expect(first.map(({ line, messageId }) => `${line} ${messageId}`)).toEqual(['4 unreleased', '5 missingTransaction', '12 missingTransaction']);
  });
});

// opencollective-api's ledger code names its rows `transaction` (scripts/paypal/mark-double-transactions-as-refunded.ts
// line 55: `transactionsToRefund.map(async transaction => { await createRefundTransaction(transaction, …) })`): a
// function whose parameter is named like a transaction is proven to receive one by what its callee does with it, which
// reads the callee's module. Only a call in it that could be reported needs that proof.
const LEDGER = `const { User } = require('./db');

exports.settle = async (amount, t) => {
  await User.create({ amount }, { transaction: t });
};
`;
const REFUNDS = `const { settle } = require('./ledger');

exports.refundAll = async (rows) => Promise.all(rows.map(async (transaction) => {
  await settle(transaction.amount, transaction);
}));
`;
const SETTLEMENTS = `const { settle } = require('./ledger');
const { User } = require('./db');

exports.settleAll = async (amount, t) => {
  await settle(amount, t);
  await User.findAll({ where: { amount } });
};
`;

describe('a function that may receive a transaction, proven only when a call in it could be reported', () => {
  const project = new ProjectOnDisk('transaction-parameters-', { 'db.js': DB, 'ledger.js': LEDGER, 'refunds.js': REFUNDS, 'settlements.js': SETTLEMENTS });
  afterAll(() => project.remove());

  it('does not read the callee of a function whose calls all pass the value on', async () => {
    clearProjectModuleCache();
    expect(await project.lint(BOTH, ['refunds.js'])).toEqual([]);
    expect(moduleParsed(path.join(project.root, 'ledger.js'))).toBe(false);
  });

  it('reads it, and reports, when a query in the function does not pass the transaction', async () => {
    clearProjectModuleCache();
    const found = await project.lint(BOTH, ['settlements.js']);
    expect(found.map(({ line, messageId }) => `${line} ${messageId}`)).toEqual(['6 missingTransaction']);
    expect(found[0]?.message).toContain('inside transaction `t` (line 4)');
    expect(moduleParsed(path.join(project.root, 'ledger.js'))).toBe(true);
  });
});
