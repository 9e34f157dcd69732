import type { TSESTree } from '@typescript-eslint/utils';

import tsParser from '@typescript-eslint/parser';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';

import type { ResolvedValue } from '../../lib/file-analysis/resolve-value';
import type { SequelizeConstruction } from '../../lib/file-analysis/sequelize-options';

import { hostFromSourceCode } from '../../lib/file-analysis/ast';
import { availableConnections, describeAvailable, largestFittingMax } from '../../lib/project/pool-budget';
import { resolveValue } from '../../lib/file-analysis/resolve-value';
import { poolKeyState, poolState, sequelizeConstruction, usesReplication } from '../../lib/file-analysis/sequelize-options';

/** Runs `inspect` inside a real ESLint rule over `code`, so lib/ sees exactly what rules see. */
function analyse<T>(code: string, inspect: (node: TSESTree.Node, host: ReturnType<typeof hostFromSourceCode>) => T | undefined): T[] {
  const found: T[] = [];
  const linter = new Linter({ configType: 'flat' });
  const messages = linter.verify(code, {
    files: ['**/*.ts'],
    languageOptions: { parser: tsParser, sourceType: 'module', globals: { process: 'readonly', require: 'readonly' } },
    plugins: {
      probe: {
        rules: {
          probe: {
            create(context) {
              const host = hostFromSourceCode(context.sourceCode as never);
              return {
                '*'(node: TSESTree.Node) {
                  const result = inspect(node, host);
                  if (result !== undefined) found.push(result);
                },
              };
            },
          },
        },
      },
    },
    rules: { 'probe/probe': 'error' },
  }, 'probe.ts');
  expect(messages.filter((message) => message.fatal === true)).toEqual([]);
  return found;
}

/** What `const result = …;` (the last declarator named `result`) resolves to, without its AST nodes. */
function resolveResult(code: string): unknown {
  const [value] = analyse(code, (node, host) =>
    node.type === AST_NODE_TYPES.VariableDeclarator && node.id.type === AST_NODE_TYPES.Identifier && node.id.name === 'result' && node.init
      ? resolveValue(host, node.init)
      : undefined,
  );
  return value === undefined ? undefined : summarise(value);
}

function summarise(value: ResolvedValue): unknown {
  switch (value.kind) {
    case 'number':
      return value.viaFallback ? { fallback: value.value } : value.value;
    case 'string':
    case 'boolean':
      return value.value;
    case 'object':
      return {
        ...Object.fromEntries(
          [...value.properties].map(([key, property]) => [key, property.mayBeOverridden ? '<overridable>' : summarise(property.value)]),
        ),
        ...(value.hasUnknownKeys ? { '...': '<unknown>' } : {}),
      };
    case 'array':
      return value.elements?.map(summarise) ?? '<array>';
    case 'config': {
      const where = value.source === 'node-config' ? 'node-config' : `${value.base}:${value.specifier}`;
      const environment =
        value.source === 'sequelize-cli' && value.environment !== null
          ? value.environment.kind === 'variable'
            ? `[${value.environment.variable}||${value.environment.fallback ?? ''}]`
            : value.environment.kind === 'literal'
              ? `[${value.environment.value}]`
              : '[?]'
          : '';
      const fallback = value.fallback === null ? '' : ` else ${JSON.stringify(summarise(value.fallback))}`;
      return `<config ${where}${environment} ${value.keyPath.join('.')}${fallback}>`;
    }
    default:
      return `<${value.kind}>`;
  }
}

function constructions(code: string): SequelizeConstruction[] {
  return analyse(code, (node, host) => (node.type === AST_NODE_TYPES.NewExpression ? (sequelizeConstruction(host, node) ?? undefined) : undefined));
}

describe('resolveValue', () => {
  it.each([
    ['literal numbers, separators and arithmetic', 'const result = { a: 10_000, b: 60 * 1000, c: -1, d: 2 ** 3 };', { a: 10000, b: 60000, c: -1, d: 8 }],
    ['const bindings and member reads', "const base = { pool: { max: 7 } }; const result = base.pool['max'];", 7],
    ['TypeScript wrappers', 'const result = ({ max: 3 } as const satisfies object)!;', { max: 3 }],
    ['env fallback with ||', 'const result = Number(process.env.DB_POOL_MAX) || 50;', { fallback: 50 }],
    ['env fallback with parseInt', 'const result = parseInt(process.env.DB_POOL_MAX, 10) || 50;', { fallback: 50 }],
    ['env fallback with ??', 'const result = process.env.DB_POOL_MAX ?? 50;', { fallback: 50 }],
    ['a known left side wins', 'const result = 20 || 50;', 20],
    ['0 || x is x', 'const result = 0 || 50;', 50],
    ['a raw environment variable is an unknown string', 'const result = process.env.DB_POOL_MAX;', null],
    ['config.get is a node-config reference', "import config from 'config'; const result = config.get('db.pool.max');", '<config node-config db.pool.max>'],
    ['config.a.b is the same reference', "const config = require('config'); const result = config.db.pool.max;", '<config node-config db.pool.max>'],
    ['a sub-object get extends the path', "const config = require('config'); const result = config.get('db').get('pool');", '<config node-config db.pool>'],
    [
      'has ? get : default keeps the default',
      "import config from 'config'; const result = config.has('db.pool') ? config.get('db.pool') : { max: 5 };",
      '<config node-config db.pool else {"max":5}>',
    ],
    ['node-config methods are not keys', "import config from 'config'; const result = config.util;", '<unknown>'],
    [
      'sequelize-cli models/index.js: require(__dirname + …)[env]',
      "const env = process.env.NODE_ENV || 'development'; const config = require(__dirname + '/../config/config.json')[env]; const result = config.pool;",
      '<config module:./../config/config.json[NODE_ENV||development] pool>',
    ],
    [
      'path.join(__dirname, …) and a bare NODE_ENV',
      "const path = require('path'); const result = require(path.join(__dirname, '..', 'config', 'config.js'))[process.env.NODE_ENV];",
      '<config module:./../config/config.js[NODE_ENV||] >',
    ],
    [
      'an ESM default import of config.json, indexed later',
      "import configs from '../config/config.json'; const env = process.env.NODE_ENV ?? 'development'; const result = configs[env].pool.max;",
      '<config module:../config/config.json[NODE_ENV||development] pool.max>',
    ],
    ['a literal environment', "const result = require('../config/config.json').production.pool;", '<config module:../config/config.json[production] pool>'],
    ['path.resolve from the working directory', "import path from 'path'; const result = require(path.resolve('config', 'config.json'))['test'];", '<config cwd:config/config.json[test] >'],
    ['a require of another module is not config', "const result = require('./models').pool;", '<unknown>'],
    ['a call is unknown', 'const result = computeMax();', '<unknown>'],
    ['a parameter is unknown', 'function f(max: number) { const result = max; }', '<unknown>'],
    ['a shadowed Number is not the global', "const Number = (x: unknown) => 5; const result = Number('7');", '<unknown>'],
    ['a reassigned let is unknown', 'let max = 10; max = 20; const result = max;', '<unknown>'],
    ['a let written once is followed', 'let max = 10; const result = max;', 10],
    ['resolvable spreads merge, later keys win', 'const a = { max: 1, min: 0 }; const result = { ...a, max: 2 };', { max: 2, min: 0 }],
    [
      'an unknown spread makes earlier keys overridable and adds unknown keys',
      "import config from 'config'; const result = { max: 10, ...config.get('pool'), min: 2 };",
      { max: '<overridable>', min: 2, '...': '<unknown>' },
    ],
    [
      'the options object of models/index.js, spread under a written key',
      "const env = process.env.NODE_ENV || 'development'; const config = require('../config/config.json')[env]; const result = { ...config, logging: false };",
      { logging: false, '...': '<unknown>' },
    ],
    ['destructuring with defaults', 'const { max = 10, min } = { min: 1 }; const result = [max, min];', [10, 1]],
    ['Object.assign merges', 'const result = Object.assign({}, { max: 1 }, { min: 0 });', { max: 1, min: 0 }],
    ['a conditional with a known test', 'const result = true ? 1 : 2;', 1],
    ['a conditional with an unknown test', 'const result = process.env.X ? 1 : 2;', '<unknown>'],
    ['a template literal without expressions', 'const result = `postgres://db`;', 'postgres://db'],
    ['a cycle stays unknown', 'const a: any = b; const b: any = a; const result = a;', '<unknown>'],
  ])('%s', (_name, code, expected) => {
    expect(resolveResult(code)).toEqual(expected);
  });
});

describe('sequelizeConstruction', () => {
  it('tells the constructor forms apart the way Sequelize v6 does', () => {
    const found = constructions(`
      import { Sequelize } from 'sequelize';
      new Sequelize({ dialect: 'postgres' });
      new Sequelize('postgres://db');
      new Sequelize('postgres://db', { logging: false });
      new Sequelize('db', 'user');
      new Sequelize('db', 'user', 'pass');
      new Sequelize('db', 'user', 'pass', { dialect: 'postgres' });
      new Sequelize('db', 'user', 'pass', undefined);
      new Sequelize(loadOptions());
      new Sequelize(...args);
    `);
    expect(found.map((construction) => [construction.form, construction.options.kind])).toEqual([
      ['options', 'object'],
      ['uri', 'undefined'],
      ['uri', 'object'],
      ['credentials', 'undefined'],
      ['credentials', 'undefined'],
      ['credentials', 'object'],
      ['credentials', 'undefined'],
      ['unknown', 'unknown'],
      ['unknown', 'unknown'],
    ]);
    expect(found.every((construction) => construction.module === 'sequelize')).toBe(true);
  });

  it('names the package each constructor comes from and ignores look-alikes', () => {
    const found = constructions(`
      import { Sequelize as A } from 'sequelize-typescript';
      import * as core from '@sequelize/core';
      import { Sequelize as NotIt } from 'sequelize-mock';
      const { Sequelize: C } = require('sequelize');
      new A({});
      new core.Sequelize({});
      new NotIt({});
      new C({});
      new Map();
    `);
    expect(found.map((construction) => construction.module)).toEqual(['sequelize-typescript', '@sequelize/core', 'sequelize']);
  });

  it('reads pool keys and replication', () => {
    const [construction] = constructions(`
      import { Sequelize } from 'sequelize';
      import config from 'config';
      new Sequelize({ replication: { read: [], write: {} }, pool: { max: 10, idle: undefined, ...config.extra, min: 2 } });
    `);
    expect(construction).toBeDefined();
    if (construction === undefined) return;
    const pool = poolState(construction);
    expect(pool.state).toBe('known');
    expect(poolKeyState(pool, 'max').state).toBe('unknown');
    expect(poolKeyState(pool, 'min').state).toBe('set');
    expect(poolKeyState(pool, 'evict').state).toBe('unknown');
    expect(usesReplication(construction)).toBe(true);
  });

  it('knows when replication is off or unknown', () => {
    const found = constructions(`
      import { Sequelize } from 'sequelize';
      new Sequelize({ replication: false });
      new Sequelize('postgres://db');
      new Sequelize({ ...loadOptions() });
    `);
    expect(found.map(usesReplication)).toEqual([false, false, null]);
  });
});

describe('pool budget', () => {
  const incident = { maxConnections: 100, reservedConnections: 3, otherConnections: 0 };

  it('computes the incident budget: (100 − 3 − 10 headroom) / 7 → 12 per process', () => {
    expect(availableConnections(incident)).toBe(97);
    expect(largestFittingMax(incident, 7, false)).toBe(12);
    // Without headroom, the arithmetic of docs/why.md: 97 / 7 → 13.
    expect(largestFittingMax({ ...incident, headroom: 0 }, 7, false)).toBe(13);
    expect(describeAvailable(incident)).toBe('100 − 3 reserved');
  });

  it('halves the per-process share with replication and never goes negative', () => {
    expect(largestFittingMax(incident, 7, true)).toBe(6);
    expect(largestFittingMax(incident, 200, false)).toBe(0);
    expect(largestFittingMax({ ...incident, otherConnections: 200 }, 1, false)).toBe(0);
  });

  it('describes other clients in the arithmetic', () => {
    expect(describeAvailable({ maxConnections: 200, reservedConnections: 3, otherConnections: 10 })).toBe(
      '200 − 3 reserved − 10 for other clients',
    );
  });
});
