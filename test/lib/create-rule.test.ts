import type { TSESLint } from '@typescript-eslint/utils';

import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';

import { createRule } from '../../lib/create-rule';

/** A rule that reports the options it was given, merged with its defaults. */
const echo = createRule<[{ limit?: number; names?: string[] }], 'options'>({
  name: 'echo',
  meta: {
    type: 'problem',
    docs: { description: 'Reports its merged options.' },
    messages: { options: '{{options}}' },
    schema: [{ type: 'object', additionalProperties: false, properties: { limit: { type: 'integer' }, names: { type: 'array', items: { type: 'string' } } } }],
    defaultOptions: [{ limit: 10, names: ['db'] }],
  },
  create(context, [options]) {
    return {
      Program(node) {
        context.report({ node, messageId: 'options', data: { options: JSON.stringify(options) } });
      },
    };
  },
});

describe('createRule: options merged with the defaults', () => {
  it('each file gets the options its configuration gives, files with different options interleaved in one run', () => {
    const linter = new Linter({ configType: 'flat' });
    const config = [
      { files: ['**/*.js'], plugins: { test: { rules: { echo: echo as unknown as TSESLint.RuleModule<string> } } }, rules: { 'test/echo': 'error' } },
      { files: ['big/**/*.js'], rules: { 'test/echo': ['error', { limit: 50 }] } },
      { files: ['named/**/*.js'], rules: { 'test/echo': ['error', { names: ['sequelize', 'db'] }] } },
    ] as Linter.Config[];
    const seen = ['a.js', 'big/b.js', 'c.js', 'named/d.js', 'big/e.js', 'big/f.js', 'g.js', 'named/h.js'].map((file) => [file, linter.verify('x;', config, file)[0]?.message]);
    const defaults = '{"limit":10,"names":["db"]}';
    const big = '{"limit":50,"names":["db"]}';
    const named = '{"limit":10,"names":["sequelize","db"]}';
    expect(seen).toEqual([
      ['a.js', defaults],
      ['big/b.js', big],
      ['c.js', defaults],
      ['named/d.js', named],
      ['big/e.js', big],
      ['big/f.js', big],
      ['g.js', defaults],
      ['named/h.js', named],
    ]);
  });
});
