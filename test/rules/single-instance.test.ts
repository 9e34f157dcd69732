import rule from '../../rules/single-instance';
import { cjsRuleTester, esmRuleTester, tsRuleTester } from '../rule-tester';

const REQUIRE = "const { Sequelize } = require('sequelize');\n";

cjsRuleTester.run('single-instance (CommonJS)', rule, {
  valid: [
    // One instance at module level.
    `${REQUIRE}module.exports = new Sequelize(process.env.DATABASE_URL);`,
    // sequelize-cli's models/index.js: two constructions in exclusive branches.
    `${REQUIRE}const config = require('./config.json');
let sequelize;
if (config.use_env_variable) {
  sequelize = new Sequelize(process.env[config.use_env_variable], config);
} else {
  sequelize = new Sequelize(config.database, config.username, config.password, config);
}
module.exports = sequelize;`,
    `${REQUIRE}const db = process.env.URL ? new Sequelize(process.env.URL) : new Sequelize('db', 'u', 'p');`,
    // Lazy singletons.
    `${REQUIRE}let db;
function getDb() {
  if (!db) db = new Sequelize(process.env.DATABASE_URL);
  return db;
}
module.exports = { getDb };`,
    `${REQUIRE}let db;
const getDb = () => (db ??= new Sequelize(process.env.DATABASE_URL));
app.get('/users', async (req, res) => res.json(await getDb().query('SELECT 1')));`,
    `${REQUIRE}let db;
function getDb() {
  if (db) return db;
  db = new Sequelize(process.env.DATABASE_URL);
  return db;
}
app.use((req, res, next) => { req.db = getDb(); next(); });`,
    `${REQUIRE}class Database {
  static instance = null;
  static get() {
    if (!Database.instance) Database.instance = new Sequelize(process.env.DATABASE_URL);
    return Database.instance;
  }
}
app.get('/', (req, res) => Database.get());`,
    // A tenant cache: one instance per tenant, created once.
    `${REQUIRE}const pools = new Map();
app.use((req, res, next) => {
  if (!pools.has(req.tenant)) pools.set(req.tenant, new Sequelize(req.tenantUrl));
  req.db = pools.get(req.tenant);
  next();
});`,
    // Stored in a constructor field of a class instantiated once.
    `${REQUIRE}class Db {
  constructor() { this.sequelize = new Sequelize(process.env.DATABASE_URL); }
}
module.exports = new Db();`,
    // An exported factory that this file does not call per request.
    `${REQUIRE}function createSequelize(url) { return new Sequelize(url); }
module.exports = { createSequelize };
const main = createSequelize(process.env.DATABASE_URL);`,
    // A factory called once at start-up.
    `${REQUIRE}const makeDb = (url) => new Sequelize(url);
const db = makeDb(process.env.DATABASE_URL);
app.get('/', (req, res) => db.query('SELECT 1'));`,
    // The loop's iterated expression runs once.
    `${REQUIRE}for (const row of [new Sequelize(process.env.URL)]) row.close();`,
    // A script's instance closed in `finally` (the shape of a migration runner's `main()`: create, authenticate,
    // migrate, close): short-lived, once per run.
    `${REQUIRE}async function main() {
  const sequelize = new Sequelize(process.env.DATABASE_URL, { dialect: 'postgres', logging: false });
  try {
    await sequelize.authenticate();
    await migrate(sequelize);
  } finally {
    await sequelize.close();
  }
}
main();`,
    // A job library's `define` with no callback, and Sequelize's own `define`: not registrations.
    `${REQUIRE}const db = new Sequelize(process.env.DATABASE_URL);
const makeDb = (url) => new Sequelize(url);
const User = db.define('User', attributes);
agenda.define('report', { priority: 'high' });`,
    // Not Sequelize: other constructors in handlers and loops.
    `const { Pool } = require('pg');
class Sequelize {}
app.get('/', () => { new Sequelize(); new Pool(); });
for (const x of xs) new Sequelize();`,
  ],
  invalid: [
    {
      // Per request: a tenant connection in Express middleware.
      code: `${REQUIRE}app.use(async (req, res, next) => {
  req.db = new Sequelize(req.tenant.url);
  next();
});`,
      // One argument it cannot resolve: a URL or an options object, so `max` is not known.
      errors: [{ messageId: 'perEvent', line: 3, column: 12, data: { max: '`max`', when: 'the `app.use` callback runs' } }],
    },
    {
      code: `${REQUIRE}router.get('/report', async (req, res) => {
  const db = new Sequelize(process.env.REPORTING_URL, { pool: { max: 20 } });
  res.json(await db.query('SELECT 1'));
});
setInterval(() => { new Sequelize(process.env.URL).authenticate(); }, 5000);
process.on('message', () => new Sequelize(process.env.URL));`,
      errors: [
        { messageId: 'perEvent', line: 3, column: 14, data: { max: 'max 20', when: 'the `router.get` callback runs' } },
        { messageId: 'perEvent', line: 6, column: 21, data: { max: "max 5 (Sequelize's default)", when: 'the `setInterval` callback runs' } },
        { messageId: 'perEvent', line: 7, column: 29, data: { max: "max 5 (Sequelize's default)", when: 'the `process.on` callback runs' } },
      ],
    },
    {
      // Per call: a local nothing keeps.
      code: `${REQUIRE}async function countUsers() {
  const db = new Sequelize(process.env.DATABASE_URL);
  const [rows] = await db.query('SELECT count(*) FROM users');
  return rows;
}`,
      errors: [{ messageId: 'perCall', line: 3, column: 14, data: { max: "max 5 (Sequelize's default)" } }],
    },
    {
      // Per iteration: loops and array callbacks.
      code: `${REQUIRE}for (const tenant of tenants) {
  const db = new Sequelize(tenant.url);
  db.sync();
}
tenants.forEach((tenant) => new Sequelize(tenant.url));
let i = 0;
while (i++ < 3) new Sequelize('postgres://db');`,
      errors: [
        { messageId: 'perIteration', line: 3, column: 14, data: { max: '`max`' } },
        { messageId: 'perIteration', line: 6, column: 29, data: { max: '`max`' } },
        { messageId: 'perIteration', line: 8, column: 17, data: { max: "max 5 (Sequelize's default)" } },
      ],
    },
    {
      // A factory called per request and per iteration: reported at the call sites.
      code: `${REQUIRE}function createDb(url) {
  const db = new Sequelize(url, { pool: { max: 10 } });
  return db;
}
app.get('/users', async (req, res) => {
  const db = createDb(req.tenantUrl);
  res.json(await db.query('SELECT 1'));
});
for (const url of urls) createDb(url).authenticate();`,
      errors: [
        { messageId: 'factoryPerEvent', line: 7, column: 14, data: { factory: 'createDb', origin: 'line 3', max: 'max 10', when: 'the `app.get` callback runs' } },
        { messageId: 'factoryPerIteration', line: 10, column: 25, data: { factory: 'createDb', origin: 'line 3', max: 'max 10' } },
      ],
    },
    {
      // Closed in `finally`, but per request and per iteration: still a pool set up and torn down each time.
      code: `${REQUIRE}router.get('/report', async (req, res) => {
  const db = new Sequelize(process.env.REPORTING_URL, { pool: { max: 2 } });
  try {
    res.json(await db.query('SELECT 1'));
  } finally {
    await db.close();
  }
});
async function perTenant(urls) {
  for (const url of urls) {
    const db = new Sequelize(url);
    await db.sync();
    await db.close();
  }
}`,
      errors: [
        { messageId: 'closedPerEvent', line: 3, column: 14, data: { max: 'max 2', when: 'the `router.get` callback runs' } },
        { messageId: 'closedPerIteration', line: 12, column: 16, data: { max: '`max`' } },
      ],
    },
    {
      // Timers, node-cron, cron's CronJob, agenda and bull: callbacks run per tick or per job; a named function
      // registered by reference too.
      code: `${REQUIRE}const cron = require('node-cron');
const { CronJob } = require('cron');
const openDb = (url) => new Sequelize(url, { pool: { max: 3 } });
cron.schedule('*/5 * * * *', async () => { await openDb(process.env.URL).query('SELECT 1'); });
new CronJob('0 * * * *', () => openDb(process.env.URL).authenticate());
agenda.define('cleanup', async (job) => { await openDb(job.attrs.data.url).sync(); });
async function tick() { await openDb(process.env.URL).authenticate(); }
setInterval(tick, 60000);
queue.process('email', 5, async (job) => { const db = openDb(job.data.url); await db.sync(); });`,
      errors: [
        { messageId: 'factoryPerEvent', line: 5, column: 50, data: { factory: 'openDb', origin: 'line 4', max: 'max 3', when: 'the `cron.schedule` callback runs' } },
        { messageId: 'factoryPerEvent', line: 6, column: 32, data: { factory: 'openDb', origin: 'line 4', max: 'max 3', when: 'the `new CronJob` callback runs' } },
        { messageId: 'factoryPerEvent', line: 7, column: 49, data: { factory: 'openDb', origin: 'line 4', max: 'max 3', when: 'the `agenda.define` callback runs' } },
        { messageId: 'factoryPerEvent', line: 8, column: 31, data: { factory: 'openDb', origin: 'line 4', max: 'max 3', when: '`tick` runs (registered with `setInterval` at line 9)' } },
        { messageId: 'factoryPerEvent', line: 10, column: 55, data: { factory: 'openDb', origin: 'line 4', max: 'max 3', when: 'the `queue.process` callback runs' } },
      ],
    },
    {
      // Twice in one module.
      code: `${REQUIRE}const primary = new Sequelize(process.env.DATABASE_URL, { pool: { max: 10 } });
const reporting = new Sequelize(process.env.REPORTING_URL, { pool: { max: 10 } });
if (process.env.AUDIT) {
  module.exports.audit = new Sequelize(process.env.AUDIT_URL);
}`,
      errors: [
        { messageId: 'secondInModule', line: 3, column: 19, data: { firstLine: 2, max: 'max 10' } },
        { messageId: 'secondInModule', line: 5, column: 26, data: { firstLine: 2, max: "max 5 (Sequelize's default)" } },
      ],
    },
    {
      // scope: project reports every construction outside `allow`.
      code: `${REQUIRE}module.exports = new Sequelize(process.env.DATABASE_URL);`,
      options: [{ scope: 'project', allow: ['server/db/sequelize.js'] }],
      errors: [{ messageId: 'notAllowed', line: 2, column: 18, data: { allowed: '`server/db/sequelize.js`' } }],
    },
  ],
});

esmRuleTester.run('single-instance (ES modules)', rule, {
  valid: [
    {
      // `allow` exempts the setup module, also in project scope.
      code: `import { Sequelize } from 'sequelize';
export const a = new Sequelize(process.env.A);
export const b = new Sequelize(process.env.B);`,
      filename: 'server/db/sequelize.js',
      options: [{ scope: 'project', allow: ['server/db/*.js'] }],
    },
  ],
  invalid: [
    {
      code: `import Sequelize from 'sequelize';
export default async function handler(req, res) {
  const sequelize = new Sequelize(process.env.DATABASE_URL);
  res.json(await sequelize.query('SELECT 1'));
}`,
      errors: [{ messageId: 'perCall', line: 3, column: 21, data: { max: "max 5 (Sequelize's default)" } }],
    },
  ],
});

tsRuleTester.run('single-instance (TypeScript)', rule, {
  valid: [
    `import { Sequelize } from 'sequelize-typescript';
let instance: Sequelize | undefined;
export function sequelize(): Sequelize {
  instance ??= new Sequelize({ dialect: 'postgres' });
  return instance;
}`,
    // A static field behind a null check, and a class instantiated once at module level.
    `import { Sequelize } from 'sequelize';
export class Database {
  private static instance: Sequelize | null = null;
  static get(): Sequelize {
    if (Database.instance === null) Database.instance = new Sequelize(process.env.DATABASE_URL as string);
    return Database.instance;
  }
}
class Repository {
  readonly sequelize: Sequelize;
  constructor() { this.sequelize = new Sequelize(process.env.DATABASE_URL as string); }
}
export const repository = new Repository();`,
    // Exclusive branches, and an exported factory with early returns that this file never calls per request.
    `import { Sequelize, type Options } from 'sequelize';
export const db: Sequelize = process.env.DATABASE_URL
  ? new Sequelize(process.env.DATABASE_URL)
  : new Sequelize({ dialect: 'postgres' } satisfies Options);
export function connect(url?: string): Sequelize {
  if (url) return new Sequelize(url);
  return new Sequelize({ dialect: 'postgres' });
}`,
  ],
  invalid: [
    {
      code: `import { Sequelize } from 'sequelize-typescript';
import type { Request } from 'express';
export const middleware = (req: Request) => {
  (req as any).db = new Sequelize({ dialect: 'postgres', pool: { max: 3 } }) as Sequelize;
};
app.use(middleware);
app.post('/jobs', async () => {
  const db = new Sequelize({ dialect: 'postgres' }) satisfies Sequelize;
  await db.authenticate();
});`,
      // The named middleware registered with `app.use` runs per request too, although it stores the instance on `req`.
      errors: [
        { messageId: 'perEvent', line: 4, column: 21, data: { max: 'max 3', when: '`middleware` runs (registered with `app.use` at line 6)' } },
        { messageId: 'perEvent', line: 8, column: 14, data: { max: "max 5 (Sequelize's default)", when: 'the `app.post` callback runs' } },
      ],
    },
    {
      // A typed factory called per iteration, and two instances in one module.
      code: `import { Sequelize } from 'sequelize';
const make = (url: string): Sequelize => new Sequelize(url, { pool: { max: 4 } });
for (const url of ['postgres://a', 'postgres://b']) await make(url).authenticate();
export const main = new Sequelize(process.env.DATABASE_URL!);
export const replica = new Sequelize(process.env.REPLICA_URL!);`,
      errors: [
        { messageId: 'factoryPerIteration', line: 3, column: 59, data: { factory: 'make', origin: 'line 2', max: 'max 4' } },
        { messageId: 'secondInModule', line: 5, column: 24, data: { firstLine: 4, max: "max 5 (Sequelize's default)" } },
      ],
    },
  ],
});
