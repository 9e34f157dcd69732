/**
 * Type information (typescript-eslint's project service over test/fixtures/typed/tsconfig.json) finds Sequelize
 * instances, transactions and models whatever they are called, and clears look-alikes that a name would match.
 */
import path from 'node:path';

import { RuleTester } from '@typescript-eslint/rule-tester';

import noUnreleasedTransaction from '../../rules/no-unreleased-transaction';
import requireTransactionOption from '../../rules/require-transaction-option';
// Registers vitest's hooks on RuleTester.
import '../rule-tester';

const TYPED_DIR = path.join(__dirname, '..', 'fixtures', 'typed');
const FILE = path.join(TYPED_DIR, 'file.ts');

const typedRuleTester = new RuleTester({
  languageOptions: {
    parserOptions: {
      projectService: true,
      tsconfigRootDir: TYPED_DIR,
    },
  },
});

const IMPORTS = `import type { Sequelize } from 'sequelize';
import { Account, openStore, type OtherDb, type Registry, type UnitOfWork } from './store';
`;

typedRuleTester.run('no-unreleased-transaction (typed)', noUnreleasedTransaction, {
  valid: [
    // \`db\` matches the name pattern, but its type says it is not Sequelize.
    {
      code: `${IMPORTS}
export async function other(db: OtherDb): Promise<void> {
  const t = await db.transaction();
  await db.query('SELECT 1');
  await t.commit();
}`,
      filename: FILE,
    },
    // Released on every path, under any names.
    {
      code: `${IMPORTS}
export async function ok(conn: Sequelize): Promise<void> {
  const work = await conn.transaction();
  try {
    await Account.findAll({ transaction: work });
    await work.commit();
  } catch (error) {
    await work.rollback();
    throw error;
  }
}`,
      filename: FILE,
    },
  ],
  invalid: [
    // An instance named \`conn\` (no name pattern matches it) and one from an opaque factory.
    {
      code: `${IMPORTS}
export async function leak(conn: Sequelize): Promise<void> {
  const work = await conn.transaction();
  if (!work) return;
  await work.commit();
  const other = await openStore().transaction();
  if (!other) return;
  await other.commit();
}`,
      filename: FILE,
      errors: [
        {
          messageId: 'unreleased',
          line: 5,
          column: 22,
          data: { name: 'work', call: 'conn.transaction()', paths: 'it returns at line 6 without commit or rollback' },
          suggestions: [],
        },
        {
          messageId: 'unreleased',
          line: 8,
          column: 23,
          data: { name: 'other', call: 'openStore().transaction()', paths: 'it returns at line 9 without commit or rollback' },
          suggestions: [],
        },
      ],
    },
    // A wrapper whose transaction() resolves to a Sequelize Transaction.
    {
      code: `${IMPORTS}
export async function wrapped(unit: UnitOfWork): Promise<void> {
  const tx = await unit.transaction();
  await Account.count({ transaction: tx });
  await tx.commit();
}`,
      filename: FILE,
      errors: [
        {
          messageId: 'unreleased',
          line: 5,
          column: 20,
          data: { name: 'tx', call: 'unit.transaction()', paths: 'an exception at line 6 leaves it open' },
          suggestions: [
            {
              messageId: 'useManagedTransaction',
              data: { receiver: 'unit', name: 'tx' },
              output: `${IMPORTS}
export async function wrapped(unit: UnitOfWork): Promise<void> {
  await unit.transaction(async (tx) => {
    await Account.count({ transaction: tx });
  });
}`,
            },
          ],
        },
      ],
    },
  ],
});

typedRuleTester.run('require-transaction-option (typed)', requireTransactionOption, {
  valid: [
    // Look-alikes: not models, not Sequelize, even when named like them.
    {
      code: `${IMPORTS}
export async function lookAlikes(conn: Sequelize, db: OtherDb, models: { User: { findAll(): void } }): Promise<void> {
  await conn.transaction(async (t) => {
    await db.query('SELECT 1');
    models.User.findAll();
  });
}`,
      filename: FILE,
    },
  ],
  invalid: [
    // Models and instances found by type: a registry member, a parameter typed as a model instance.
    {
      code: `${IMPORTS}
export async function typed(conn: Sequelize, registry: Registry, account: Account): Promise<void> {
  await conn.transaction(async (work) => {
    await registry.accounts.findAll({ where: {} });
    await account.save();
    await conn.query('SELECT 1');
  });
}`,
      filename: FILE,
      errors: [
        {
          messageId: 'missingTransaction',
          line: 6,
          column: 11,
          data: { query: 'registry.accounts.findAll()', name: 'work', line: '5' },
          suggestions: [
            {
              messageId: 'addTransactionOption',
              data: { option: 'transaction: work' },
              output: `${IMPORTS}
export async function typed(conn: Sequelize, registry: Registry, account: Account): Promise<void> {
  await conn.transaction(async (work) => {
    await registry.accounts.findAll({ where: {}, transaction: work });
    await account.save();
    await conn.query('SELECT 1');
  });
}`,
            },
          ],
        },
        {
          messageId: 'missingTransaction',
          line: 7,
          column: 11,
          data: { query: 'account.save()', name: 'work', line: '5' },
          suggestions: [
            {
              messageId: 'passOptions',
              data: { option: 'transaction: work' },
              output: `${IMPORTS}
export async function typed(conn: Sequelize, registry: Registry, account: Account): Promise<void> {
  await conn.transaction(async (work) => {
    await registry.accounts.findAll({ where: {} });
    await account.save({ transaction: work });
    await conn.query('SELECT 1');
  });
}`,
            },
          ],
        },
        {
          messageId: 'missingTransaction',
          line: 8,
          column: 11,
          data: { query: 'conn.query()', name: 'work', line: '5' },
          suggestions: [
            {
              messageId: 'passOptions',
              data: { option: 'transaction: work' },
              output: `${IMPORTS}
export async function typed(conn: Sequelize, registry: Registry, account: Account): Promise<void> {
  await conn.transaction(async (work) => {
    await registry.accounts.findAll({ where: {} });
    await account.save();
    await conn.query('SELECT 1', { transaction: work });
  });
}`,
            },
          ],
        },
      ],
    },
  ],
});
