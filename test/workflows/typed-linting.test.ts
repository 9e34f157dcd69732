/**
 * `recommended-type-checked` through real ESLint 9 and 10 runs with typescript-eslint's parser and project service, on
 * test/fixtures/typed-project, against `recommended` on the same files: only the types tell the transaction rules
 * that `warehouse`, `ledger` and `catalog.invoices` are Sequelize, and that `db` is not.
 */
import path from 'node:path';

import { ESLint } from 'eslint';
import { ESLint as ESLintV9 } from 'eslint-v9';
import { createRequire } from 'node:module';

import { describe, expect, it } from 'vitest';

const PROJECT = path.join(__dirname, '..', 'fixtures', 'typed-project');
const UNRELEASED = 'sequelize-pool/no-unreleased-transaction';
const OPTION = 'sequelize-pool/require-transaction-option';

interface Reported {
  ruleId: string | null;
  line: number;
  column: number;
  message: string;
}

/** The end of every no-unreleased-transaction message, after what is wrong with this transaction. */
const UNRELEASED_TAIL =
  ' An unfinished transaction keeps its pool connection checked out for good (nothing times it out) and `sequelize.close()` never resolves. Commit or roll back on every path (roll back in `catch` or `finally`), or use a managed transaction.';
/** The end of every require-transaction-option message. */
const OPTION_TAIL =
  ': it takes a second pool connection and runs outside the transaction. When the pool is saturated the transaction waits on itself until `acquire` expires (SequelizeConnectionAcquireTimeoutError).';

/** jobs.ts with type information. */
const TYPED: Reported[] = [
  // archive(): `warehouse: Sequelize`.
  {
    ruleId: UNRELEASED,
    line: 7,
    column: 22,
    message: `Transaction \`unit\` from \`warehouse.transaction()\` can be left open: it returns at line 8 without commit or rollback.${UNRELEASED_TAIL}`,
  },
  // settle(): `ledger.transaction()` resolves to a Transaction; `catalog.invoices` is a ModelStatic.
  {
    ruleId: UNRELEASED,
    line: 14,
    column: 24,
    message: `Transaction \`ticket\` from \`ledger.transaction()\` can be left open: an exception at line 15 leaves it open.${UNRELEASED_TAIL}`,
  },
  {
    ruleId: OPTION,
    line: 15,
    column: 9,
    message: `\`catalog.invoices.update()\` runs inside transaction \`ticket\` (line 14) but does not pass \`{ transaction: ticket }\`${OPTION_TAIL}`,
  },
  // reconcile(): a managed transaction on `openWarehouse()`, which returns a Sequelize.
  {
    ruleId: OPTION,
    line: 23,
    column: 12,
    message: `\`catalog.invoices.count()\` runs inside transaction \`unit\` (line 21) but does not pass \`{ transaction: unit }\`${OPTION_TAIL}`,
  },
  // enqueue(): `db: QueueClient` is cleared by its type.
];

/** jobs.ts without type information: none of the above, and `db` taken for Sequelize by its name. */
const UNTYPED: Reported[] = [
  {
    ruleId: UNRELEASED,
    line: 29,
    column: 23,
    message: `Transaction \`batch\` from \`db.transaction()\` can be left open: it returns at line 30 without commit or rollback.${UNRELEASED_TAIL}`,
  },
];

/** Reports per file name relative to the fixture (store.ts too, to show it is linted and clean). */
async function reports(eslint: ESLint): Promise<Record<string, Reported[]>> {
  const results = await eslint.lintFiles(['jobs.ts', 'store.ts']);
  return Object.fromEntries(
    results.map((result) => [
      path.relative(PROJECT, result.filePath),
      result.messages.map(({ ruleId, line, column, message }) => ({ ruleId, line, column, message })),
    ]),
  );
}

describe.each([
  // ESLint 9's class has the same API for what these tests use; its own types are ESLint 9's.
  ['ESLint 10', ESLint, ESLint.version, /^10\./u],
  ['ESLint 9', ESLintV9 as unknown as typeof ESLint, ESLintV9.version, /^9\./u],
])('%s, flat config', (_name, ESLintClass, version, expectedVersion) => {
  it('is the ESLint under test', () => {
    expect(version).toMatch(expectedVersion);
  });

  it('recommended-type-checked (eslint.config.mjs) turns on the project service', async () => {
    const config = (await new ESLintClass({ cwd: PROJECT }).calculateConfigForFile('jobs.ts')) as {
      languageOptions: { parserOptions: Record<string, unknown> };
    };
    expect(config.languageOptions.parserOptions).toMatchObject({ projectService: true, tsconfigRootDir: PROJECT });
  });

  it('finds instances, transactions and models by their types, whatever they are called', async () => {
    expect(await reports(new ESLintClass({ cwd: PROJECT }))).toEqual({ 'jobs.ts': TYPED, 'store.ts': [] });
  });

  it('recommended without types finds none of them and judges `db` by its name', async () => {
    const eslint = new ESLintClass({ cwd: PROJECT, overrideConfigFile: 'untyped.config.mjs' });
    expect(await reports(eslint)).toEqual({ 'jobs.ts': UNTYPED, 'store.ts': [] });
  });
});

describe('ESLint 8.57, eslintrc', () => {
  // eslint-v8 ships no types: the little of its API used here.
  interface LegacyResult {
    filePath: string;
    messages: { ruleId: string | null; line: number; column: number; message: string }[];
  }
  const { ESLint: LegacyESLint } = createRequire(__filename)('eslint-v8') as {
    ESLint: new (options: Record<string, unknown>) => { lintFiles(patterns: string[]): Promise<LegacyResult[]> };
  };

  async function legacyReports(extend: string): Promise<Record<string, Reported[]>> {
    // The whole eslintrc a user writes: `extends` and nothing else. The config names typescript-eslint's parser for
    // .ts files itself; the plugin and the parser resolve from this repository, as from a project that installed them.
    const eslint = new LegacyESLint({
      cwd: PROJECT,
      useEslintrc: false,
      resolvePluginsRelativeTo: path.join(__dirname, '..', '..'),
      overrideConfig: { root: true, extends: [extend], parserOptions: { tsconfigRootDir: PROJECT } },
    });
    const results = await eslint.lintFiles(['jobs.ts', 'store.ts']);
    return Object.fromEntries(
      results.map((result) => [
        path.relative(PROJECT, result.filePath),
        result.messages.map(({ ruleId, line, column, message }) => ({ ruleId, line, column, message })),
      ]),
    );
  }

  it('legacy-recommended-type-checked finds them by their types too', async () => {
    expect(await legacyReports('plugin:sequelize-pool/legacy-recommended-type-checked')).toEqual({ 'jobs.ts': TYPED, 'store.ts': [] });
  });

  it('legacy-recommended parses the same TypeScript without types and judges `db` by its name', async () => {
    expect(await legacyReports('plugin:sequelize-pool/legacy-recommended')).toEqual({ 'jobs.ts': UNTYPED, 'store.ts': [] });
  });
});
