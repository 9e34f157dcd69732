// Cost of the transaction rules as a file's transactions grow ×1, ×2, ×4, ×8: `node scripts/bench-transactions.mjs
// [base]` (default 1,000 transactions). Used by `npm run bench`. Each rule's time comes from ESLint's own per-rule
// timing (`stats`), so parsing and traversal are not in it; the cost per transaction must stay flat as the file grows
// (a rule that is quadratic doubles its per-transaction cost at every step).
//
// The generated file mixes the shapes real services have: managed transactions with queries that pass the
// transaction and one that forgets it, unmanaged ones with try/catch, an early return that leaks, and a helper that
// begins one. Half the transactions are managed, half unmanaged.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { Linter } from 'eslint';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const plugin = require(path.join(root, 'dist', 'index.js'));

export const TRANSACTION_RULES = ['require-transaction-option', 'no-unreleased-transaction'];

/** A CommonJS service module with `count` transactions (rounded up to an even number). */
export function transactionFile(count) {
  const lines = [
    "const { Sequelize, Model } = require('sequelize');",
    "const sequelize = new Sequelize('postgres://localhost/app');",
    'class User extends Model {}',
    'class AuditLog extends Model {}',
  ];
  for (let index = 0; index < Math.ceil(count / 2); index += 1) {
    lines.push(
      `async function register${index}(data) {`,
      '  return sequelize.transaction(async (t) => {',
      '    const user = await User.create(data, { transaction: t });',
      `    await user.update({ step: ${index} }, { transaction: t });`,
      '    await AuditLog.create({ userId: user.id });',
      '    return user;',
      '  });',
      '}',
      `async function forward${index}(ids) {`,
      '  const t = await sequelize.transaction();',
      '  try {',
      '    const rows = await AuditLog.findAll({ where: { id: ids }, transaction: t });',
      `    if (rows.length === ${index % 7}) return 0;`,
      '    await AuditLog.update({ forwarded: true }, { where: { id: ids }, transaction: t });',
      '    await t.commit();',
      '    return rows.length;',
      '  } catch (error) {',
      '    await t.rollback();',
      '    throw error;',
      '  }',
      '}',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Milliseconds each rule took on `text` (ESLint `stats`). */
function ruleTimes(text) {
  const linter = new Linter({ configType: 'flat' });
  const rules = Object.fromEntries(TRANSACTION_RULES.map((rule) => [`sequelize-pool/${rule}`, 'error']));
  const config = [
    {
      files: ['**/*.js'],
      languageOptions: { sourceType: 'commonjs', ecmaVersion: 'latest' },
      plugins: { 'sequelize-pool': plugin },
      rules,
    },
  ];
  // verifyAndFix (with nothing to fix) is the entry point that sets up ESLint's per-pass timing.
  const { messages } = linter.verifyAndFix(text, config, { filename: path.join(root, 'bench-transactions.js'), stats: true, fix: false });
  const [pass] = linter.getTimes().passes;
  const times = {};
  for (const rule of TRANSACTION_RULES) times[rule] = pass?.rules?.[`sequelize-pool/${rule}`]?.total ?? Number.NaN;
  return { times, messages: messages.length };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Per-rule median milliseconds and microseconds per transaction at ×1, ×2, ×4, ×8 of `base` transactions. */
export function benchTransactions(base = 1000, trials = 3) {
  ruleTimes(transactionFile(base / 4)); // warm-up
  const rows = [];
  for (const factor of [1, 2, 4, 8]) {
    const count = base * factor;
    const text = transactionFile(count);
    const samples = Object.fromEntries(TRANSACTION_RULES.map((rule) => [rule, []]));
    let messages = 0;
    for (let trial = 0; trial < trials; trial += 1) {
      const result = ruleTimes(text);
      messages = result.messages;
      for (const rule of TRANSACTION_RULES) samples[rule].push(result.times[rule]);
    }
    for (const rule of TRANSACTION_RULES) {
      const ms = median(samples[rule]);
      rows.push({ rule, factor, count, ms, perTransactionUs: (ms * 1000) / count, messages });
    }
  }
  return rows;
}

/** A markdown table: per rule and size, the time and the cost per transaction, with the ratio to ×1. */
export function formatTransactions(rows) {
  const lines = [
    '| rule | transactions | ms (median) | µs per transaction | per-transaction cost vs ×1 |',
    '| :--- | ---: | ---: | ---: | ---: |',
  ];
  for (const rule of TRANSACTION_RULES) {
    const own = rows.filter((row) => row.rule === rule);
    const first = own[0]?.perTransactionUs ?? Number.NaN;
    for (const row of own) {
      lines.push(
        `| ${rule} | ${row.count.toLocaleString('en-US')} | ${row.ms.toFixed(0)} | ${row.perTransactionUs.toFixed(1)} | ${(row.perTransactionUs / first).toFixed(2)} |`,
      );
    }
  }
  return lines.join('\n');
}

/** The section of docs/benchmarks.md (bench.mjs writes the whole file; `--write` replaces only this section). */
export const TRANSACTIONS_SECTION = (table) => `## Transaction rules: cost per transaction as a file grows

\`require-transaction-option\` and \`no-unreleased-transaction\` on one generated service module whose transactions grow
×1, ×2, ×4 and ×8 (the counts are in the table; \`npm run bench\` starts at 1,000, \`--write\` runs may start lower), half managed with a query that forgets the transaction, half unmanaged with try/catch and an
early return that leaks, by ESLint's own per-rule timing (\`stats\`: the rule's listeners, not parsing or traversal),
medians of 3 runs in one process (scripts/bench-transactions.mjs). Absolute times depend on the machine's load
(these were taken on the shared 2-core machine with a load average above 10); the ratios in the last column are
the result. Linear means a flat cost per transaction; a
quadratic step doubles it at every row. Before this was fixed the rules took 3.2 / 12.4 / 41.1 s
(\`require-transaction-option\`) and 1.1 / 2.8 / 8.5 s (\`no-unreleased-transaction\`) at 2,500 / 5,000 / 10,000
transactions: every query was checked against every transaction of the file, and every receiver's scope lookup scanned
every function of the module scope; a third (each read of a model rescanning its class's references for \`init\`)
came with the project-model work and was removed the same way.

${table}
`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const base = Number(process.argv.find((argument) => /^\d+$/u.test(argument)) ?? 1000);
  const table = formatTransactions(benchTransactions(base));
  console.log(table);
  if (process.argv.includes('--write')) {
    const target = path.join(root, 'docs', 'benchmarks.md');
    const text = readFileSync(target, 'utf8');
    const start = text.indexOf('## Transaction rules: cost per transaction');
    const section = TRANSACTIONS_SECTION(table);
    writeFileSync(target, start === -1 ? `${text.trimEnd()}\n\n${section}` : `${text.slice(0, start)}${section}`);
    console.log('wrote the transaction section of docs/benchmarks.md');
  }
}
