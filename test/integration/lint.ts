/** Lints files of an app copy with the built plugin's transaction rules, the way a user's ESLint would load it. */
import { createRequire } from 'node:module';
import path from 'node:path';

import { ESLint } from 'eslint';

import type { App } from './harness.mjs';

const require = createRequire(import.meta.url);
const DIST_ENTRY = path.resolve(import.meta.dirname, '..', '..', 'dist', 'index.js');

export const TRANSACTION_RULES = ['sequelize-pool/no-unreleased-transaction', 'sequelize-pool/require-transaction-option'];

/** `ruleId` of every finding of the transaction rules in `file` (relative to the app), in ESLint's order. */
export async function transactionFindings(app: App, file: string): Promise<(string | null)[]> {
  const plugin = require(DIST_ENTRY) as ESLint.Plugin;
  const eslint = new ESLint({
    cwd: app.dir,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.js'],
        languageOptions: { sourceType: 'commonjs', ecmaVersion: 'latest' },
        plugins: { 'sequelize-pool': plugin },
        rules: Object.fromEntries(TRANSACTION_RULES.map((rule) => [rule, 'error'])),
      },
    ],
  });
  const [result] = await eslint.lintFiles([file]);
  if (!result) throw new Error(`ESLint did not lint ${file}`);
  const fatal = result.messages.find((message) => message.fatal);
  if (fatal) throw new Error(`${file}: ${fatal.message}`);
  return result.messages.map((message) => message.ruleId);
}
