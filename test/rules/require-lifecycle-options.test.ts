import rule from '../../rules/require-lifecycle-options';
import { cjsRuleTester, esmRuleTester, tsRuleTester } from '../rule-tester';

const FULL_POOL = '{ max: 10, min: 2, idle: 10000, acquire: 30000, evict: 10000 }';
const SUGGESTED_ENTRIES = 'max: 10, min: 2, idle: 10000, acquire: 30000, evict: 10000';
const ALL_DEFAULTS = 'max: 5, min: 0, idle: 10000, acquire: 60000, evict: 1000';
const ALL_KEYS = 'max, min, idle, acquire and evict';
const MISSING_AFTER_MAX = { version: 'Sequelize v6', missing: 'min, idle, acquire and evict', defaults: 'min: 0, idle: 10000, acquire: 60000, evict: 1000' };

/** The expected suggestion output: `code` with the pool `{ max: 10 }` on `line` completed. */
function completedOnLine(code: string, line: number): string {
  return code
    .split('\n')
    .map((text, index) =>
      index === line - 1 ? text.replace('{ max: 10 }', '{ max: 10, min: 2, idle: 10000, acquire: 30000, evict: 10000 }') : text,
    )
    .join('\n');
}

/** One `missingKeys` error per line, each with the suggestion that completes that line's pool. */
function missingAfterMaxOn(code: string, lines: number[]) {
  return lines.map((line) => ({
    messageId: 'missingKeys' as const,
    line,
    data: MISSING_AFTER_MAX,
    suggestions: [{ messageId: 'addMissingKeys' as const, output: completedOnLine(code, line) }],
  }));
}

const REQUIRE_FORMS = `const Sequelize = require('sequelize');
new Sequelize('postgres://db', { pool: { max: 10 } });
new Sequelize.Sequelize('postgres://db', { pool: { max: 10 } });
new (require('sequelize').Sequelize)('postgres://db', { pool: { max: 10 } });
new (require('sequelize'))('postgres://db', { pool: { max: 10 } });
const lib = require('sequelize-typescript');
new lib.Sequelize({ pool: { max: 10 } });
const { Sequelize: Renamed } = require('@sequelize/core');
new Renamed({ pool: { max: 10 } });
const Alias = Renamed;
new Alias({ pool: { max: 10 } });
class Db extends Sequelize {}
new Db('postgres://db', { pool: { max: 10 } });`;

/** Escapes spell the names: the parser reads `Sequelize` and `'sequelize'`, so the file's text test must too. */
const ESCAPED_FORMS = `const { \\u0053equelize } = require('\\x73equelize');
new \\u{53}equelize('postgres://db', { pool: { max: 10 } });`;

/** Comments between the tokens the parser reads as one construction: the file's text test must read them as spaces. */
const COMMENTED_FORMS = `const Sequelize = require(/* the package */ 'sequelize');
new /* one */ Sequelize('postgres://db', { pool: { max: 10 } });
const Alias = // the class again
  Sequelize;
new Alias('postgres://db', { pool: { max: 10 } });
class Db extends /* base */ Sequelize {}
new Db('postgres://db', { pool: { max: 10 } });`;

/** A TypeScript type assertion (`<any>S`) in a binding of the class. */
const ASSERTED_FORMS = `import Sequelize from 'sequelize';
const Alias = <any>Sequelize;
new Alias('postgres://db', { pool: { max: 10 } });`;

cjsRuleTester.run('require-lifecycle-options (CommonJS)', rule, {
  valid: [
    // Every lifecycle key set.
    `const { Sequelize } = require('sequelize');
     new Sequelize('postgres://db', { pool: ${FULL_POOL} });`,
    // Defaults in a const, overrides from config: the pool we want people to have.
    `const config = require('config');
     const { Sequelize } = require('sequelize');
     const POOL_DEFAULTS = ${FULL_POOL};
     new Sequelize(config.get('db.database'), 'u', 'p', { pool: { ...POOL_DEFAULTS, ...config.get('db.options.pool') } });`,
    // Env fallbacks count as set.
    `const Sequelize = require('sequelize');
     new Sequelize(process.env.DATABASE_URL, {
       pool: { max: Number(process.env.DB_POOL_MAX) || 10, min: 2, idle: 10_000, acquire: 30_000, evict: 10_000 },
     });`,
    // Options that cannot be resolved: silent by default.
    `const config = require('config');
     const { Sequelize } = require('sequelize');
     new Sequelize(config.get('db.options'));`,
    `const { Sequelize } = require('sequelize');
     module.exports = (options) => new Sequelize('postgres://db', options);`,
    `const config = require('config');
     const { Sequelize } = require('sequelize');
     new Sequelize('postgres://db', { pool: config.get('db.pool') });`,
    `const config = require('config');
     const { Sequelize } = require('sequelize');
     new Sequelize('db', 'u', 'p', { dialect: 'postgres', ...config.get('db.options') });`,
    // An unknown spread may bring the missing keys.
    `const config = require('config');
     const { Sequelize } = require('sequelize');
     new Sequelize('postgres://db', { pool: { max: 10, ...config.pool } });`,
    `const { Sequelize } = require('sequelize');
     new Sequelize(...require('./args'));`,
    // Reassigned options are not followed.
    `const { Sequelize } = require('sequelize');
     let options = { pool: { max: 10 } };
     options = loadOptions();
     new Sequelize('postgres://db', options);`,
    // Not Sequelize: a local class, another library, pg's Pool, a global nobody imported, strings and comments.
    `class Sequelize { constructor(options) { this.options = options; } }
     new Sequelize({ pool: { max: 100 } });`,
    `const { Sequelize } = require('not-sequelize');
     new Sequelize({ pool: { max: 100 } });`,
    `const { Pool } = require('pg');
     new Pool({ max: 100 });`,
    `new Sequelize('postgres://db');`,
    `const s = "new Sequelize('postgres://db', { pool: { max: 100 } })";
     // const sequelize = new Sequelize('postgres://db');`,
    // A shadowed require is not Node's.
    `function load(require) {
       const { Sequelize } = require('sequelize');
       return new Sequelize('postgres://db');
     }`,
    // A subclass with its own constructor may take other arguments.
    `const { Sequelize } = require('sequelize');
     class Db extends Sequelize { constructor() { super(require('./config')); } }
     new Db();`,
    {
      code: `const { Sequelize } = require('sequelize');
             new Sequelize('postgres://db', { pool: { max: 5 } });`,
      options: [{ required: ['max'] }],
    },
  ],
  invalid: [
    {
      // The incident: server/db/sequelize.js.
      code: `const config = require('config');
const { Sequelize } = require('sequelize');
const sequelize = new Sequelize(config.get('db.database'), config.get('db.username'), config.get('db.password'), {
  host: config.get('db.host'),
  dialect: 'postgres',
  pool: { max: 100 },
});`,
      errors: [
        {
          messageId: 'missingKeys',
          line: 6,
          column: 3,
          endLine: 6,
          endColumn: 21,
          data: { version: 'Sequelize v6', missing: 'min, idle, acquire and evict', defaults: 'min: 0, idle: 10000, acquire: 60000, evict: 1000' },
          suggestions: [
            {
              messageId: 'addMissingKeys',
              data: { entries: 'min: 2, idle: 10000, acquire: 30000, evict: 10000' },
              output: `const config = require('config');
const { Sequelize } = require('sequelize');
const sequelize = new Sequelize(config.get('db.database'), config.get('db.username'), config.get('db.password'), {
  host: config.get('db.host'),
  dialect: 'postgres',
  pool: { max: 100, min: 2, idle: 10000, acquire: 30000, evict: 10000 },
});`,
            },
          ],
        },
      ],
      output: null,
    },
    {
      // A multi-line pool keeps one key per line and its trailing comma.
      code: `const Sequelize = require('sequelize');
module.exports = new Sequelize(process.env.DATABASE_URL, {
  pool: {
    max: 10,
    idle: 5000,
  },
});`,
      errors: [
        {
          messageId: 'missingKeys',
          line: 3,
          column: 3,
          data: { version: 'Sequelize v6', missing: 'min, acquire and evict', defaults: 'min: 0, acquire: 60000, evict: 1000' },
          suggestions: [
            {
              messageId: 'addMissingKeys',
              data: { entries: 'min: 2, acquire: 30000, evict: 10000' },
              output: `const Sequelize = require('sequelize');
module.exports = new Sequelize(process.env.DATABASE_URL, {
  pool: {
    max: 10,
    idle: 5000,
    min: 2,
    acquire: 30000,
    evict: 10000,
  },
});`,
            },
          ],
        },
      ],
    },
    {
      // No pool at all: reported on the `new` expression, the suggestion adds a multi-line pool.
      code: `const { Sequelize } = require('sequelize');
const sequelize = new Sequelize('db', 'user', 'pass', {
  dialect: 'postgres'
});`,
      errors: [
        {
          messageId: 'missingPool',
          line: 2,
          column: 19,
          endLine: 4,
          endColumn: 3,
          data: { version: 'Sequelize v6', defaults: ALL_DEFAULTS, missing: ALL_KEYS },
          suggestions: [
            {
              messageId: 'addPool',
              data: { entries: SUGGESTED_ENTRIES },
              output: `const { Sequelize } = require('sequelize');
const sequelize = new Sequelize('db', 'user', 'pass', {
  dialect: 'postgres',
  pool: {
    max: 10,
    min: 2,
    idle: 10000,
    acquire: 30000,
    evict: 10000,
  }
});`,
            },
          ],
        },
      ],
    },
    {
      // A URI from the environment and nothing else: Sequelize's defaults.
      code: `const { Sequelize } = require('sequelize');
new Sequelize(process.env.DATABASE_URL);`,
      errors: [
        {
          messageId: 'missingPool',
          line: 2,
          column: 1,
          suggestions: [
            {
              messageId: 'addPool',
              data: { entries: SUGGESTED_ENTRIES },
              output: `const { Sequelize } = require('sequelize');
new Sequelize(process.env.DATABASE_URL, { pool: { ${SUGGESTED_ENTRIES} } });`,
            },
          ],
        },
      ],
    },
    {
      code: `const { Sequelize } = require('sequelize');
new Sequelize(\`postgres://\${process.env.DB_HOST}/app\`);`,
      errors: [
        {
          messageId: 'missingPool',
          line: 2,
          column: 1,
          suggestions: [
            {
              messageId: 'addPool',
              output: `const { Sequelize } = require('sequelize');
new Sequelize(\`postgres://\${process.env.DB_HOST}/app\`, { pool: { ${SUGGESTED_ENTRIES} } });`,
            },
          ],
        },
      ],
    },
    {
      // Credentials without options get a fourth argument.
      code: `const { Sequelize } = require('sequelize');
new Sequelize('db', 'user', 'pass');`,
      errors: [
        {
          messageId: 'missingPool',
          suggestions: [
            {
              messageId: 'addPool',
              output: `const { Sequelize } = require('sequelize');
new Sequelize('db', 'user', 'pass', { pool: { ${SUGGESTED_ENTRIES} } });`,
            },
          ],
        },
      ],
    },
    {
      code: `const { Sequelize } = require('sequelize');
new Sequelize();`,
      errors: [
        {
          messageId: 'missingPool',
          suggestions: [
            {
              messageId: 'addPool',
              output: `const { Sequelize } = require('sequelize');
new Sequelize({ pool: { ${SUGGESTED_ENTRIES} } });`,
            },
          ],
        },
      ],
    },
    {
      // Every require form.
      code: REQUIRE_FORMS,
      errors: missingAfterMaxOn(REQUIRE_FORMS, [2, 3, 4, 5, 7, 9, 11, 13]),
    },
    {
      // Skipping files that cannot construct (a text test) must not skip these.
      code: ESCAPED_FORMS,
      errors: missingAfterMaxOn(ESCAPED_FORMS, [2]),
    },
    {
      code: COMMENTED_FORMS,
      errors: missingAfterMaxOn(COMMENTED_FORMS, [2, 5, 7]),
    },
    {
      // Options through const bindings, spreads of resolvable objects and Object.assign.
      code: `const { Sequelize } = require('sequelize');
const base = { dialect: 'postgres', pool: { max: 10, min: 2 } };
const options = { ...base, logging: false };
new Sequelize('postgres://db', options);
new Sequelize('postgres://db', Object.assign({}, { dialect: 'postgres' }));`,
      errors: [
        {
          messageId: 'missingKeys',
          line: 2,
          column: 37,
          data: { version: 'Sequelize v6', missing: 'idle, acquire and evict', defaults: 'idle: 10000, acquire: 60000, evict: 1000' },
          suggestions: [
            {
              messageId: 'addMissingKeys',
              output: `const { Sequelize } = require('sequelize');
const base = { dialect: 'postgres', pool: { max: 10, min: 2, idle: 10000, acquire: 30000, evict: 10000 } };
const options = { ...base, logging: false };
new Sequelize('postgres://db', options);
new Sequelize('postgres://db', Object.assign({}, { dialect: 'postgres' }));`,
            },
          ],
        },
        {
          messageId: 'missingPool',
          line: 5,
          column: 1,
          suggestions: [
            {
              messageId: 'addPool',
              output: `const { Sequelize } = require('sequelize');
const base = { dialect: 'postgres', pool: { max: 10, min: 2 } };
const options = { ...base, logging: false };
new Sequelize('postgres://db', options);
new Sequelize('postgres://db', Object.assign({}, { dialect: 'postgres', pool: { ${SUGGESTED_ENTRIES} } }));`,
            },
          ],
        },
      ],
    },
    {
      // `0` is not "off" in sequelize-pool 7.
      code: `const { Sequelize } = require('sequelize');
new Sequelize('postgres://db', { pool: { max: 10, min: 0, idle: 0, acquire: 30000, evict: 10000, maxUses: 0 } });`,
      errors: [
        {
          messageId: 'zeroValue',
          line: 2,
          column: 59,
          data: { key: 'idle', written: '0', fallback: '30000 ms' },
          suggestions: [
            {
              messageId: 'replaceZero',
              data: { written: '0', value: '10000' },
              output: `const { Sequelize } = require('sequelize');
new Sequelize('postgres://db', { pool: { max: 10, min: 0, idle: 10000, acquire: 30000, evict: 10000, maxUses: 0 } });`,
            },
          ],
        },
        {
          messageId: 'zeroMaxUses',
          line: 2,
          column: 98,
          suggestions: [
            {
              messageId: 'removeZeroMaxUses',
              output: `const { Sequelize } = require('sequelize');
new Sequelize('postgres://db', { pool: { max: 10, min: 0, idle: 0, acquire: 30000, evict: 10000 } });`,
            },
          ],
        },
      ],
    },
    {
      code: `const { Sequelize } = require('sequelize');
new Sequelize('postgres://db', { pool: { max: 10, min: 2, idle: 10000, acquire: 0, evict: 0 } });`,
      errors: [
        {
          messageId: 'zeroValue',
          line: 2,
          column: 72,
          data: { key: 'acquire', written: '0', fallback: '30000 ms' },
          suggestions: [
            {
              messageId: 'replaceZero',
              data: { written: '0', value: '30000' },
              output: `const { Sequelize } = require('sequelize');
new Sequelize('postgres://db', { pool: { max: 10, min: 2, idle: 10000, acquire: 30000, evict: 0 } });`,
            },
          ],
        },
        {
          messageId: 'zeroValue',
          line: 2,
          column: 84,
          data: { key: 'evict', written: '0', fallback: '1000 ms' },
          suggestions: [
            {
              messageId: 'replaceZero',
              data: { written: '0', value: '10000' },
              output: `const { Sequelize } = require('sequelize');
new Sequelize('postgres://db', { pool: { max: 10, min: 2, idle: 10000, acquire: 0, evict: 10000 } });`,
            },
          ],
        },
      ],
    },
    {
      // `pool` under replication is ignored by Sequelize.
      code: `const { Sequelize } = require('sequelize');
new Sequelize({
  dialect: 'postgres',
  replication: {
    read: [{ host: 'replica-1', pool: { max: 20 } }],
    write: { host: 'primary', pool: { max: 5 } },
  },
  pool: ${FULL_POOL},
});`,
      errors: [
        { messageId: 'poolInReplication', line: 5, column: 33, data: { where: 'replication.read[0]' } },
        { messageId: 'poolInReplication', line: 6, column: 31, data: { where: 'replication.write' } },
      ],
    },
    {
      // null falls back exactly like 0; max: 0 refuses to start.
      code: `const { Sequelize } = require('sequelize');
new Sequelize('postgres://db', { pool: { max: 0, min: 0, idle: null, acquire: 30000, evict: 10000 } });`,
      errors: [
        {
          messageId: 'zeroMax',
          line: 2,
          column: 42,
          data: { value: '0' },
          suggestions: [
            {
              messageId: 'replaceZero',
              data: { written: '0', value: '10' },
              output: `const { Sequelize } = require('sequelize');
new Sequelize('postgres://db', { pool: { max: 10, min: 0, idle: null, acquire: 30000, evict: 10000 } });`,
            },
          ],
        },
        {
          messageId: 'zeroValue',
          line: 2,
          column: 58,
          data: { key: 'idle', written: 'null', fallback: '30000 ms' },
          suggestions: [
            {
              messageId: 'replaceZero',
              data: { written: 'null', value: '10000' },
              output: `const { Sequelize } = require('sequelize');
new Sequelize('postgres://db', { pool: { max: 0, min: 0, idle: 10000, acquire: 30000, evict: 10000 } });`,
            },
          ],
        },
      ],
    },
    {
      code: `const config = require('config');
const { Sequelize } = require('sequelize');
new Sequelize(config.get('db'));
new Sequelize('postgres://db', { pool: config.get('db.pool') });`,
      options: [{ reportUnresolved: true }],
      errors: [
        { messageId: 'unresolvedOptions', line: 3, column: 1, data: { what: 'options' } },
        { messageId: 'unresolvedOptions', line: 4, column: 34, data: { what: '`pool` option' } },
      ],
    },
    {
      // A required key without a configured default gets no suggestion.
      code: `const { Sequelize } = require('sequelize');
new Sequelize('postgres://db', { pool: { max: 5 } });`,
      options: [{ required: ['max', 'maxUses'] }],
      errors: [{ messageId: 'missingKeys', data: { version: 'Sequelize v6', missing: 'maxUses', defaults: 'maxUses: Infinity' }, suggestions: [] }],
    },
    {
      // Custom suggestion values.
      code: `const { Sequelize } = require('sequelize');
new Sequelize('postgres://db', { pool: { max: 5 } });`,
      options: [{ defaults: { min: 1, idle: 5000 } }],
      errors: [
        {
          messageId: 'missingKeys',
          suggestions: [
            {
              messageId: 'addMissingKeys',
              data: { entries: 'min: 1, idle: 5000, acquire: 30000, evict: 10000' },
              output: `const { Sequelize } = require('sequelize');
new Sequelize('postgres://db', { pool: { max: 5, min: 1, idle: 5000, acquire: 30000, evict: 10000 } });`,
            },
          ],
        },
      ],
    },
    {
      // One options object shared by two instances is reported once.
      code: `const { Sequelize } = require('sequelize');
const options = { pool: { max: 5 } };
const a = new Sequelize('postgres://a', options);
const b = new Sequelize('postgres://b', options);`,
      errors: [
        {
          messageId: 'missingKeys',
          line: 2,
          column: 19,
          suggestions: [
            {
              messageId: 'addMissingKeys',
              output: `const { Sequelize } = require('sequelize');
const options = { pool: { max: 5, min: 2, idle: 10000, acquire: 30000, evict: 10000 } };
const a = new Sequelize('postgres://a', options);
const b = new Sequelize('postgres://b', options);`,
            },
          ],
        },
      ],
    },
    {
      // Node's createRequire is still require.
      code: `const { createRequire } = require('node:module');
const load = createRequire(__filename);
const { Sequelize } = load('sequelize');
new Sequelize('postgres://db');`,
      errors: [
        {
          messageId: 'missingPool',
          line: 4,
          suggestions: [
            {
              messageId: 'addPool',
              output: `const { createRequire } = require('node:module');
const load = createRequire(__filename);
const { Sequelize } = load('sequelize');
new Sequelize('postgres://db', { pool: { ${SUGGESTED_ENTRIES} } });`,
            },
          ],
        },
      ],
    },
  ],
});

const IMPORT_FORMS = `import Sequelize from 'sequelize';
import { Sequelize as Db } from 'sequelize';
import * as lib from 'sequelize';
import * as core from '@sequelize/core';
import { Sequelize as TsSequelize } from 'sequelize-typescript';
new Sequelize('postgres://db', { pool: { max: 10 } });
new Db('postgres://db', { pool: { max: 10 } });
new lib.Sequelize('postgres://db', { pool: { max: 10 } });
new lib.default('postgres://db', { pool: { max: 10 } });
new core.Sequelize({ pool: { max: 10 } });
new TsSequelize({ pool: { max: 10 } });
const { Sequelize: Dynamic } = await import('sequelize');
new Dynamic('postgres://db', { pool: { max: 10 } });`;

esmRuleTester.run('require-lifecycle-options (ES modules)', rule, {
  valid: [
    // Sequelize v7 (@sequelize/core) uses sequelize-pool 8, which takes 0 literally.
    `import { Sequelize } from '@sequelize/core';
     new Sequelize({ pool: { max: 10, min: 0, idle: 0, acquire: 30000, evict: 0 } });`,
    `import { Sequelize } from 'sequelize';
     export const sequelize = new Sequelize(process.env.DATABASE_URL, { pool: ${FULL_POOL} });`,
    // A namespace object is not constructible, a default import of sequelize-typescript is undefined.
    `import * as lib from 'sequelize';
     new lib('postgres://db');`,
    `import S from 'sequelize-typescript';
     new S({});`,
    `import { Sequelize } from './sequelize.js';
     new Sequelize({});`,
  ],
  invalid: [
    {
      code: IMPORT_FORMS,
      errors: missingAfterMaxOn(IMPORT_FORMS, [6, 7, 8, 9, 10, 11, 13]),
    },
  ],
});

tsRuleTester.run('require-lifecycle-options (TypeScript)', rule, {
  valid: [
    `import type { Options } from 'sequelize';
     import { Sequelize } from 'sequelize-typescript';
     const options: Options = { dialect: 'postgres', pool: ${FULL_POOL} };
     export const sequelize = new Sequelize(options);`,
    `import type { Sequelize } from 'sequelize';
     declare const Db: typeof Sequelize;
     new Db('postgres://db');`,
    `import { type Sequelize } from 'sequelize';
     new (Sequelize as any)('postgres://db');`,
  ],
  invalid: [
    {
      code: ASSERTED_FORMS,
      errors: missingAfterMaxOn(ASSERTED_FORMS, [3]),
    },
    {
      // Environment variables are strings: sequelize-pool's integer checks reject them at start-up.
      code: `const { Sequelize } = require('sequelize');
new Sequelize('postgres://db', { pool: { max: process.env.DB_POOL_MAX ?? 10, min: process.env.DB_POOL_MIN as any, idle: 10000, acquire: 30000, evict: 10000 } });`,
      errors: [
        {
          messageId: 'stringFromEnvironment',
          line: 2,
          column: 42,
          data: { key: 'max', variable: 'process.env.DB_POOL_MAX', requirement: 'an integer > 0' },
          suggestions: [
            {
              messageId: 'wrapInNumber',
              data: { written: 'process.env.DB_POOL_MAX ?? 10' },
              output: `const { Sequelize } = require('sequelize');
new Sequelize('postgres://db', { pool: { max: Number(process.env.DB_POOL_MAX ?? 10), min: process.env.DB_POOL_MIN as any, idle: 10000, acquire: 30000, evict: 10000 } });`,
            },
          ],
        },
        {
          messageId: 'stringFromEnvironment',
          line: 2,
          column: 78,
          data: { key: 'min', variable: 'process.env.DB_POOL_MIN', requirement: 'an integer >= 0' },
          suggestions: [
            {
              messageId: 'wrapInNumber',
              data: { written: 'process.env.DB_POOL_MIN as any' },
              output: `const { Sequelize } = require('sequelize');
new Sequelize('postgres://db', { pool: { max: process.env.DB_POOL_MAX ?? 10, min: Number(process.env.DB_POOL_MIN as any), idle: 10000, acquire: 30000, evict: 10000 } });`,
            },
          ],
        },
      ],
    },
    {
      code: `import { Sequelize, type Options } from 'sequelize';
const pool = { max: 10, min: 2 } as const;
const options = { dialect: 'postgres', pool } satisfies Options;
export const sequelize = new Sequelize(process.env.DATABASE_URL!, options as Options);`,
      errors: [
        {
          messageId: 'missingKeys',
          line: 3,
          column: 40,
          data: { version: 'Sequelize v6', missing: 'idle, acquire and evict', defaults: 'idle: 10000, acquire: 60000, evict: 1000' },
          suggestions: [
            {
              messageId: 'addMissingKeys',
              output: `import { Sequelize, type Options } from 'sequelize';
const pool = { max: 10, min: 2, idle: 10000, acquire: 30000, evict: 10000 } as const;
const options = { dialect: 'postgres', pool } satisfies Options;
export const sequelize = new Sequelize(process.env.DATABASE_URL!, options as Options);`,
            },
          ],
        },
      ],
    },
    {
      code: `import Sequelize = require('sequelize');
const db = new Sequelize('postgres://db', <Sequelize.Options>{ pool: { max: 1_0 } });`,
      errors: [
        {
          messageId: 'missingKeys',
          line: 2,
          column: 64,
          suggestions: [
            {
              messageId: 'addMissingKeys',
              output: `import Sequelize = require('sequelize');
const db = new Sequelize('postgres://db', <Sequelize.Options>{ pool: { max: 1_0, min: 2, idle: 10000, acquire: 30000, evict: 10000 } });`,
            },
          ],
        },
      ],
    },
    {
      // The sequelize-typescript shape.
      code: `import { Sequelize } from 'sequelize-typescript';
import { User } from './models/user';
export const sequelize = new Sequelize({
  dialect: 'postgres',
  models: [User],
});`,
      errors: [
        {
          messageId: 'missingPool',
          line: 3,
          column: 26,
          suggestions: [
            {
              messageId: 'addPool',
              output: `import { Sequelize } from 'sequelize-typescript';
import { User } from './models/user';
export const sequelize = new Sequelize({
  dialect: 'postgres',
  models: [User],
  pool: {
    max: 10,
    min: 2,
    idle: 10000,
    acquire: 30000,
    evict: 10000,
  },
});`,
            },
          ],
        },
      ],
    },
  ],
});
