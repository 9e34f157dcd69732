import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll } from 'vitest';

import rule from '../../rules/max-connections-budget';
import { cjsRuleTester, tsRuleTester } from '../rule-tester';

const LIFECYCLE = 'idle: 10000, acquire: 30000, evict: 10000';
const INCIDENT_BUDGET = {
  processes: '7 processes',
  available: 97,
  arithmetic: '100 − 3 reserved',
  database: 'PostgreSQL',
  failure: 'new connections fail with "remaining connection slots are reserved for …" (SQLSTATE 53300)',
};

/** The one formula's advice: the largest fitting value after the headroom (10% of max_connections, at least 5). */
function fits(key: 'max' | 'min', value: number, headroom = 10): string {
  return `${key} ${value} fits, keeping ${headroom} connections (10% of max_connections, at least 5) free for migrations, psql sessions and monitoring`;
}

/** Full message data for `overBudget`: the incident's budget (7 processes, 97 available), no replication, plus `data`. */
function budgetData(data: { max: string; total: number; advice: string } & Record<string, number | string>) {
  return { ...INCIDENT_BUDGET, replication: '', ...data };
}

cjsRuleTester.run('max-connections-budget (CommonJS)', rule, {
  valid: [
    // The incident review's fix: 7 × 10 = 70 of 97.
    {
      code: `const { Sequelize } = require('sequelize');
             new Sequelize('postgres://db', { pool: { max: 10, min: 2, ${LIFECYCLE} } });`,
      options: [{ processes: 7 }],
    },
    // Exactly at the budget: 7 × 13 = 91, 97 available.
    {
      code: `const { Sequelize } = require('sequelize');
             new Sequelize('postgres://db', { pool: { max: 13 } });`,
      options: [{ processes: 7 }],
    },
    // One process, Sequelize's default max 5.
    `const { Sequelize } = require('sequelize');
     new Sequelize('postgres://db');`,
    // max from config: nothing to check.
    {
      code: `const config = require('config');
             const { Sequelize } = require('sequelize');
             new Sequelize('postgres://db', { pool: { max: config.get('db.pool.max') } });
             new Sequelize('postgres://db', { pool: { max: 100, ...config.get('db.pool') } });
             new Sequelize('postgres://db', config.get('db.options'));
             new Sequelize('postgres://db', { pool: config.get('db.pool') });`,
      options: [{ processes: 7 }],
    },
    // A bigger database.
    {
      code: `const { Sequelize } = require('sequelize');
             new Sequelize('postgres://db', { pool: { max: 100 } });`,
      options: [{ processes: 7, maxConnections: 800 }],
    },
    // Not Sequelize.
    {
      code: `const { Pool } = require('pg');
             new Pool({ max: 100 });
             class Sequelize {}
             new Sequelize({ pool: { max: 100 } });`,
      options: [{ processes: 7 }],
    },
    // min within max and budget.
    {
      code: `const { Sequelize } = require('sequelize');
             new Sequelize('postgres://db', { pool: { max: 10, min: 10 } });`,
      options: [{ processes: 7 }],
    },
  ],
  invalid: [
    {
      // The incident: 7 Supervisor programs × max 100.
      code: `const { Sequelize } = require('sequelize');
const sequelize = new Sequelize('db', 'user', 'pass', {
  dialect: 'postgres',
  pool: { max: 100 },
});`,
      options: [{ processes: 7 }],
      errors: [
        {
          messageId: 'overBudget',
          line: 4,
          column: 11,
          endLine: 4,
          endColumn: 19,
          data: budgetData({ max: 'max 100', total: 700, advice: fits('max', 12) }),
          suggestions: [
            {
              messageId: 'setMax',
              data: { fits: 12 },
              output: `const { Sequelize } = require('sequelize');
const sequelize = new Sequelize('db', 'user', 'pass', {
  dialect: 'postgres',
  pool: { max: 12 },
});`,
            },
          ],
        },
      ],
    },
    {
      // Escapes spell the names the parser reads: the text test that skips files without a construction decodes them.
      code: `const { \\u0053equelize } = require('\\x73equelize');
new \\u{53}equelize('db', 'user', 'pass', { dialect: 'postgres', pool: { max: 100 } });`,
      options: [{ processes: 7 }],
      errors: [
        {
          messageId: 'overBudget',
          line: 2,
          data: budgetData({ max: 'max 100', total: 700, advice: fits('max', 12) }),
          suggestions: [
            {
              messageId: 'setMax',
              data: { fits: 12 },
              output: `const { \\u0053equelize } = require('\\x73equelize');
new \\u{53}equelize('db', 'user', 'pass', { dialect: 'postgres', pool: { max: 12 } });`,
            },
          ],
        },
      ],
    },
    {
      // Default options: one process against PostgreSQL's defaults.
      code: `const { Sequelize } = require('sequelize');
new Sequelize('postgres://db', { pool: { max: 100 } });`,
      errors: [
        {
          messageId: 'overBudget',
          line: 2,
          column: 42,
          data: budgetData({ processes: '1 process', max: 'max 100', total: 100, advice: fits('max', 87) }),
          suggestions: [
            {
              messageId: 'setMax',
              output: `const { Sequelize } = require('sequelize');
new Sequelize('postgres://db', { pool: { max: 87 } });`,
            },
          ],
        },
      ],
    },
    {
      // Sequelize's default max 5 still overflows with enough processes; no literal to edit, no suggestion.
      code: `const { Sequelize } = require('sequelize');
new Sequelize('postgres://db');
new Sequelize('postgres://db', { pool: { idle: 10000 } });`,
      options: [{ processes: 20 }],
      errors: [
        {
          messageId: 'overBudget',
          line: 2,
          column: 1,
          data: budgetData({ processes: '20 processes', max: "max 5 (Sequelize's default)", total: 100, advice: fits('max', 4) }),
          suggestions: [],
        },
        {
          messageId: 'overBudget',
          line: 3,
          column: 34,
          data: budgetData({ processes: '20 processes', max: "max 5 (Sequelize's default)", total: 100, advice: fits('max', 4) }),
          suggestions: [],
        },
      ],
    },
    {
      // Environment fallbacks: what runs when the variable is unset.
      code: `const { Sequelize } = require('sequelize');
new Sequelize('postgres://db', { pool: { max: Number(process.env.DB_POOL_MAX) || 50 } });
new Sequelize('postgres://db', { pool: { max: parseInt(process.env.DB_POOL_MAX, 10) || 50 } });
new Sequelize('postgres://db', { pool: { max: Number(process.env.DB_POOL_MAX ?? 50) } });`,
      options: [{ processes: 7 }],
      errors: [2, 3, 4].map((line) => ({
        messageId: 'overBudget' as const,
        line,
        data: budgetData({
          max: 'max 50 (its fallback when config or the environment does not set it)',
          total: 350,
          advice: fits('max', 12),
        }),
        suggestions: [
          {
            messageId: 'setMax' as const,
            output: `const { Sequelize } = require('sequelize');
new Sequelize('postgres://db', { pool: { max: Number(process.env.DB_POOL_MAX) || 50 } });
new Sequelize('postgres://db', { pool: { max: parseInt(process.env.DB_POOL_MAX, 10) || 50 } });
new Sequelize('postgres://db', { pool: { max: Number(process.env.DB_POOL_MAX ?? 50) } });`
              .split('\n')
              .map((text, index) => (index === line - 1 ? text.replace('50', '12') : text))
              .join('\n'),
          },
        ],
      })),
    },
    {
      // Replication: a read pool and a write pool, each up to max.
      code: `const { Sequelize } = require('sequelize');
new Sequelize({
  replication: { read: [{ host: 'replica' }], write: { host: 'primary' } },
  pool: { max: 10 },
});`,
      options: [{ processes: 7 }],
      errors: [
        {
          messageId: 'overBudget',
          line: 4,
          column: 11,
          data: budgetData({
            max: 'max 10',
            replication: ' × 2 (read and write pools: replication)',
            total: 140,
            advice: fits('max', 6),
          }),
          suggestions: [
            {
              messageId: 'setMax',
              output: `const { Sequelize } = require('sequelize');
new Sequelize({
  replication: { read: [{ host: 'replica' }], write: { host: 'primary' } },
  pool: { max: 6 },
});`,
            },
          ],
        },
      ],
    },
    {
      // Other clients and a bigger server: 200 − 3 − 10 = 187; 7 × 30 = 210.
      code: `const { Sequelize } = require('sequelize');
const POOL = { max: 3_0, min: 2 };
new Sequelize('postgres://db', { pool: POOL });`,
      options: [{ processes: 7, maxConnections: 200, otherConnections: 10 }],
      errors: [
        {
          messageId: 'overBudget',
          line: 2,
          column: 16,
          data: budgetData({
            max: 'max 30',
            total: 210,
            available: 187,
            arithmetic: '200 − 3 reserved − 10 for other clients',
            advice: fits('max', 23, 20),
          }),
          suggestions: [
            {
              messageId: 'setMax',
              output: `const { Sequelize } = require('sequelize');
const POOL = { max: 23, min: 2 };
new Sequelize('postgres://db', { pool: POOL });`,
            },
          ],
        },
      ],
    },
    {
      // Computed values are followed; not even max 1 fits 200 processes.
      code: `const { Sequelize } = require('sequelize');
const PER_WORKER = 2;
new Sequelize('postgres://db', { pool: { max: PER_WORKER * 5 } });`,
      options: [{ processes: 200, reservedConnections: 0 }],
      errors: [
        {
          messageId: 'overBudget',
          line: 3,
          column: 42,
          data: budgetData({
            processes: '200 processes',
            max: 'max 10',
            total: 2000,
            available: 100,
            arithmetic: '100',
            advice: 'not even max 1 fits: run fewer processes, raise max_connections or put PgBouncer in front',
          }),
          suggestions: [],
        },
      ],
    },
    {
      // Setting max below the written min would not start: the message stands, the suggestion is withheld.
      code: `const { Sequelize } = require('sequelize');
new Sequelize('postgres://db', { pool: { max: 20, min: 5 } });`,
      options: [{ processes: 40 }],
      errors: [
        {
          messageId: 'overBudget',
          line: 2,
          column: 42,
          data: budgetData({ processes: '40 processes', max: 'max 20', total: 800, advice: fits('max', 2) }),
          suggestions: [],
        },
        {
          messageId: 'minOverBudget',
          line: 2,
          column: 51,
          data: { ...INCIDENT_BUDGET, processes: '40 processes', min: 5, replication: '', total: 200, advice: fits('min', 2) },
        },
      ],
    },
    {
      // min above max: sequelize-pool refuses to start.
      code: `const { Sequelize } = require('sequelize');
new Sequelize('postgres://db', { pool: { max: 10, min: 20 } });
new Sequelize('postgres://db', { pool: { min: 8 } });`,
      errors: [
        { messageId: 'minAboveMax', line: 2, column: 51, data: { min: 20, max: 'max 10' } },
        { messageId: 'minAboveMax', line: 3, column: 42, data: { min: 8, max: "max 5 (Sequelize's default)" } },
      ],
    },
    {
      // min kept open by every process, with max unknown.
      code: `const config = require('config');
const { Sequelize } = require('sequelize');
new Sequelize('postgres://db', { pool: { max: config.get('db.pool.max'), min: 20 } });`,
      options: [{ processes: 7 }],
      errors: [
        {
          messageId: 'minOverBudget',
          line: 3,
          column: 74,
          data: { ...INCIDENT_BUDGET, min: 20, replication: '', total: 140, advice: fits('min', 12) },
        },
      ],
    },
  ],
});

tsRuleTester.run('max-connections-budget (TypeScript)', rule, {
  valid: [
    {
      code: `import { Sequelize } from 'sequelize-typescript';
             import type { PoolOptions } from 'sequelize';
             const pool: PoolOptions = { max: 10, min: 2 };
             export const sequelize = new Sequelize({ dialect: 'postgres', pool });`,
      options: [{ processes: 7 }],
    },
  ],
  invalid: [
    {
      code: `import { Sequelize } from '@sequelize/core';
import type { PoolOptions } from 'sequelize';
const pool = { max: 100 } as const satisfies PoolOptions;
export const sequelize = new Sequelize({ dialect: 'postgres', pool });`,
      options: [{ processes: 7 }],
      errors: [
        {
          messageId: 'overBudget',
          line: 3,
          column: 16,
          data: budgetData({ max: 'max 100', total: 700, advice: fits('max', 12) }),
          suggestions: [
            {
              messageId: 'setMax',
              output: `import { Sequelize } from '@sequelize/core';
import type { PoolOptions } from 'sequelize';
const pool = { max: 12 } as const satisfies PoolOptions;
export const sequelize = new Sequelize({ dialect: 'postgres', pool });`,
            },
          ],
        },
      ],
    },
  ],
});

cjsRuleTester.run('max-connections-budget (other dialects, PgBouncer)', rule, {
  valid: [
    // MySQL allows 151 by default: 4 × 37 = 148 fits.
    {
      code: `const { Sequelize } = require('sequelize');
new Sequelize('app', 'app', 'pw', { dialect: 'mysql', pool: { max: 37 } });`,
      options: [{ processes: 4 }],
    },
    // Through PgBouncer the clients count against max_client_conn: 7 × 100 = 700 ≤ 1000.
    {
      code: `const { Sequelize } = require('sequelize');
new Sequelize('postgres://bouncer/app', { pool: { max: 100 } });`,
      options: [{ processes: 7, pgbouncer: { maxClientConn: 1000 } }],
    },
    // A startup parameter PgBouncer is told to ignore.
    {
      code: `const { Sequelize } = require('sequelize');
new Sequelize('postgres://bouncer/app', { dialectOptions: { statement_timeout: 5000 }, pool: { max: 10 } });`,
      options: [{ processes: 7, pgbouncer: { ignoreStartupParameters: ['statement_timeout'] } }],
    },
  ],
  invalid: [
    {
      code: `const { Sequelize } = require('sequelize');
new Sequelize('app', 'app', 'pw', { dialect: 'mysql', pool: { max: 40 } });`,
      options: [{ processes: 4 }],
      errors: [
        {
          messageId: 'overBudget',
          data: {
            processes: '4 processes',
            max: 'max 40',
            replication: '',
            total: 160,
            database: 'MySQL',
            available: 151,
            arithmetic: '151',
            advice: fits('max', 34, 15),
            failure: 'new connections fail with "Too many connections" (ER_CON_COUNT_ERROR, 1040)',
          },
          suggestions: [
            {
              messageId: 'setMax',
              output: `const { Sequelize } = require('sequelize');
new Sequelize('app', 'app', 'pw', { dialect: 'mysql', pool: { max: 34 } });`,
            },
          ],
        },
      ],
    },
    {
      code: `const { Sequelize } = require('sequelize');
new Sequelize('postgres://bouncer/app', { dialectOptions: { statement_timeout: 5000 }, pool: { max: 100 } });`,
      options: [{ processes: 7, pgbouncer: { maxClientConn: 500 } }],
      errors: [
        {
          messageId: 'startupParameterRejected',
          line: 2,
          data: { name: 'statement_timeout', source: "the rule's pgbouncer option" },
        },
        {
          messageId: 'clientsOverPgBouncer',
          line: 2,
          data: {
            processes: '7 processes',
            max: 'max 100',
            replication: '',
            total: 700,
            maxClientConn: 500,
            source: "the rule's pgbouncer option",
            advice: 'max 71 fits (or raise max_client_conn)',
          },
          suggestions: [
            {
              messageId: 'setMax',
              output: `const { Sequelize } = require('sequelize');
new Sequelize('postgres://bouncer/app', { dialectOptions: { statement_timeout: 5000 }, pool: { max: 71 } });`,
            },
          ],
        },
      ],
    },
  ],
});

// "auto" (the default): the project states its deployment once in package.json, and the rule reads it.
const STATED = mkdtempSync(path.join(tmpdir(), 'budget-auto-'));
writeFileSync(path.join(STATED, 'package.json'), JSON.stringify({ name: 'app', sequelizePool: { processes: 7, maxConnections: 100 } }));
afterAll(() => rmSync(STATED, { recursive: true, force: true }));

cjsRuleTester.run('max-connections-budget ("auto": package.json "sequelizePool")', rule, {
  valid: [
    {
      code: `const { Sequelize } = require('sequelize');
new Sequelize('postgres://db', { pool: { max: 12 } });`,
      filename: path.join(STATED, 'db.js'),
    },
  ],
  invalid: [
    {
      code: `const { Sequelize } = require('sequelize');
new Sequelize('postgres://db', { pool: { max: 100 } });`,
      filename: path.join(STATED, 'db.js'),
      errors: [
        {
          messageId: 'overBudget',
          data: budgetData({ processes: '7 processes (package.json "sequelizePool" processes)', max: 'max 100', total: 700, advice: fits('max', 12) }),
          suggestions: [{ messageId: 'setMax', output: `const { Sequelize } = require('sequelize');
new Sequelize('postgres://db', { pool: { max: 12 } });` }],
        },
      ],
    },
  ],
});
