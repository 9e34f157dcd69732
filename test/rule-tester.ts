import { RuleTester } from '@typescript-eslint/rule-tester';
import * as espree from 'espree';
import { afterAll, describe, it } from 'vitest';

RuleTester.afterAll = afterAll;
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

/** TypeScript files, parsed by @typescript-eslint/parser as ES modules. */
export const tsRuleTester = new RuleTester({
  languageOptions: { parserOptions: { ecmaVersion: 'latest', sourceType: 'module' } },
});

/** JavaScript files as most Sequelize apps have them: CommonJS, parsed by ESLint's default parser. */
export const cjsRuleTester = new RuleTester({
  languageOptions: {
    parser: espree as never,
    parserOptions: { ecmaVersion: 'latest' },
    sourceType: 'commonjs',
    globals: { require: 'readonly', module: 'writable', exports: 'writable', process: 'readonly' },
  },
});

/** JavaScript ES modules, parsed by ESLint's default parser. */
export const esmRuleTester = new RuleTester({
  languageOptions: { parser: espree as never, parserOptions: { ecmaVersion: 'latest' }, sourceType: 'module' },
});
