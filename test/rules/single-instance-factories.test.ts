/**
 * single-instance: factories called per request, per middleware call, per loop iteration or per cron tick,
 * across modules. Each project below is written from a public repository (repository, commit and path on
 * each file); only what the rule needs is kept, the lines it reports are kept as written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { clearProjectModuleCache } from '../../lib/project/project-modules';
import { ProjectOnDisk } from '../project-lint';

const lintAll = async (project: ProjectOnDisk, patterns = ['.']) => project.lint(['single-instance'], patterns);

// joshuasingh/manage_employee_Api@a8c189616d6f19f5a4f59041f4866b49b46befac: a factory, Express middleware that
// calls it (src/Middleware/InitializeRouterConfiguration.js), registered with `router.use` in src/routes/Company.js.
const EMPLOYEE_API: Record<string, string> = {
  'package.json': '{ "name": "manage_employee_api", "private": true }',
  // src/configuration/companySqlConnection.js
  'src/configuration/companySqlConnection.js': `require("dotenv").config();
const Sequelize = require("sequelize");

exports.getCompanyDBConnection = (companyId) => {
  return new Sequelize("empr000" + companyId, "postgres", process.env.PASSWORD, {
    host: "localhost",
    dialect: "postgres",
    operatorsAliases: false,
    port: 5433,
    pool: {
      max: 5,
      min: 0,
      acquire: 30000,
      idle: 10000,
    },
  });
};
`,
  // src/Middleware/InitializeRouterConfiguration.js
  'src/Middleware/InitializeRouterConfiguration.js': `const { getSubscription } = require("../DataAccess/DashBoard");

const {
  getCompanyDBConnection,
} = require("../configuration/companySqlConnection");

exports.InitializeCompanyDB = async (req, res, next) => {
  const companyId = req.companyId;

  //setting companyId 1 as constant for now
  req.dbConnection = getCompanyDBConnection(1);
  req.subscription = await getSubscription(req.dbConnection);
  next();
};
`,
  'src/DataAccess/DashBoard.js': `exports.getSubscription = async (db) => db.query("SELECT 1");
`,
  // src/routes/Company.js (the first 16 lines as written)
  'src/routes/Company.js': `const express = require("express");
const router = express.Router();
const db = require("../configuration/sqlConnection");
const Company = require("../models/Company");
const { QueryTypes } = require("sequelize");
const { getHashedPassword } = require("../common/HelperFunction");
const { isUserNameUnique, verifyAccount } = require("../DataAccess/Company");
const { errorMessages } = require("../common/constant");
const { TokenAuthorize } = require("../Middleware/TokenAuthorize");
const {
  InitializeCompanyDB,
} = require("../Middleware/InitializeRouterConfiguration");
const { getMenuItems } = require("../DataAccess/DashBoard");

router.use(TokenAuthorize);
router.use(InitializeCompanyDB);

module.exports = router;
`,
  // A nightly job over every company, shaped after tanisharanjan2/Shopify-Store@bbc22a486e915bfad77c20869fdb21c174b39537 backend/scheduler.js
  // (node-cron's `cron.schedule` with an async callback): per tick and per iteration.
  'src/jobs/scheduler.js': `const cron = require('node-cron');
const { getCompanyDBConnection } = require('../configuration/companySqlConnection');

function startScheduler(companyIds) {
  return cron.schedule('0 3 * * *', async () => {
    for (const companyId of companyIds) {
      const db = getCompanyDBConnection(companyId);
      await db.query('VACUUM');
    }
  });
}

module.exports = { startScheduler };
`,
};

describe('single-instance: a factory in another module, called by middleware registered in a third', () => {
  let project: ProjectOnDisk;
  beforeAll(() => {
    project = new ProjectOnDisk('single-instance-factories-', EMPLOYEE_API);
  });
  afterAll(() => project.remove());

  const expected = [
    {
      file: 'src/jobs/scheduler.js',
      line: 7,
      messageId: 'factoryPerIteration',
      message:
        '`getCompanyDBConnection()` creates a new Sequelize instance (../configuration/companySqlConnection.js:5), with its own pool of up to max 5 connections, and is called on every iteration of this loop: call it once and reuse the instance.',
    },
    {
      file: 'src/Middleware/InitializeRouterConfiguration.js',
      line: 11,
      messageId: 'factoryPerEvent',
      message:
        '`getCompanyDBConnection()` creates a new Sequelize instance (../configuration/companySqlConnection.js:5), with its own pool of up to max 5 connections, and is called every time `InitializeCompanyDB` runs (registered with `router.use` at ../routes/Company.js:16): call it once at start-up and share the instance (or cache one per tenant).',
    },
  ];

  it('reports the call sites, naming the factory and the registration by file and line', async () => {
    expect(await lintAll(project)).toEqual(expected);
  });

  it('gives each file the same answer when it is linted alone, with a cold cache', async () => {
    for (const file of Object.keys(EMPLOYEE_API).filter((name) => name.endsWith('.js'))) {
      clearProjectModuleCache();
      expect(await lintAll(project, [file]), file).toEqual(expected.filter((found) => found.file === file));
    }
  });
});

// Haohan11/Curtain-Server@03282117f2d2fb821c17760fd7ef795063e602b1 (ES modules): model/connectToDatabase.js returns a
// new instance per call; middleware/connectDbMiddleware.js calls it and is registered with `app.use` in app.js,
// whose `/login` handler calls it too.
const CURTAIN_SERVER: Record<string, string> = {
  'package.json': '{ "name": "curtain-server", "type": "module", "private": true }',
  'model/connectToDatabase.js': `import dotenv from "dotenv";
import { Sequelize } from "sequelize";
import { getCurrentTime } from "./helper.js";

const logger = (msg) => console.log(\`\${getCurrentTime()} \${msg}\`);

const connectToDataBase = async () => {
  try {
    dotenv.config();
    const { DB_NAME, DB_USERNAME, DB_PASSWORD, DB_HOST, DB_PORT } = process.env;

    const sequelize = new Sequelize(DB_NAME, DB_USERNAME, DB_PASSWORD, {
      host: DB_HOST,
      port: DB_PORT,
      dialect: "mysql",
      logging: logger,
      pool: {
        max: 5,
        min: 0,
        acquire: 30000,
        idle: 10000,
      }
    });

    await sequelize.authenticate();
    // console.log('Connection has been established successfully.');
    return sequelize;
  } catch (error) {
    console.error("Unable to connect to the database:", error);
    return false;
  }
};

export default connectToDataBase;
`,
  'model/helper.js': 'export const getCurrentTime = () => new Date().toISOString();\n',
  'middleware/connectDbMiddleware.js': `import connectToDataBase from "../model/connectToDatabase.js";

const connectDbMiddleWare = async (req, res, next) => {
  const sequelize = await connectToDataBase();
  if (!sequelize) return res.response(500);

  req.app.sequelize = sequelize;
  next();
};

export default connectDbMiddleWare;
`,
  // app.js, shortened: the imports it needs, the `/login` handler as written, the middleware registration.
  'app.js': `import express from "express";
import bcrypt from "bcrypt";

import connectDbMiddleWare from "./middleware/connectDbMiddleware.js";
import connectToDataBase from "./model/connectToDatabase.js";

const app = express();

app.post("/login", async function (req, res) {
  try {
    const { account, password } = req.body;
    const sequelize = await connectToDataBase();
    await sequelize.sync();
    res.response(200, bcrypt.compareSync(password, account));
  } catch (error) {
    res.response(500, { error });
  }
});

// Add connection to res.app
app.use(connectDbMiddleWare);

app.listen(3005);
`,
};

describe('single-instance: ES modules, default exports, an async factory with a fallback return', () => {
  let project: ProjectOnDisk;
  beforeAll(() => {
    project = new ProjectOnDisk('single-instance-esm-', CURTAIN_SERVER, { jsSourceType: 'module' });
  });
  afterAll(() => project.remove());

  it('reports the handler and the middleware registered in another file', async () => {
    const found = await lintAll(project);
    expect(found.map(({ file, line, messageId }) => ({ file, line, messageId }))).toEqual([
      { file: 'app.js', line: 12, messageId: 'factoryPerEvent' },
      { file: 'middleware/connectDbMiddleware.js', line: 4, messageId: 'factoryPerEvent' },
    ]);
    expect(found[0]?.message).toContain('(./model/connectToDatabase.js:12)');
    expect(found[0]?.message).toContain('the `app.post` callback runs');
    expect(found[1]?.message).toContain('`connectDbMiddleWare` runs (registered with `app.use` at ../app.js:21)');
  });
});

// Caches keyed by tenant, and wrappers: revanth0705/flowpipe_models@3202b06b622d608a56de81aed8c4cc64a9cb854c src/db/tenantManager.js caches each
// tenant's instance (silent); a wrapper that returns the factory's result is a factory too.
const TENANTS: Record<string, string> = {
  'package.json': '{ "name": "tenants", "type": "module", "private": true }',
  'src/db/tenantManager.js': `import { Sequelize } from "sequelize";

const connectionCache = {};

export default async function getTenantConnection(tenantId, dbLink) {
  if (!tenantId) throw new Error("tenantId is required");
  if (!dbLink) throw new Error("dbLink is required");

  if (connectionCache[tenantId]) {
    return connectionCache[tenantId];
  }

  const sequelize = new Sequelize(dbLink, {
    dialect: "postgres",
    logging: false,
    pool: {
      max: 5,
      min: 1,
      idle: 10000,
    },
  });

  await sequelize.authenticate();

  connectionCache[tenantId] = {
    sequelize,
    tenantId,
    dbLink,
  };

  return connectionCache[tenantId];
}
`,
  'src/db/uncached.js': `import { Sequelize } from "sequelize";

export const openTenant = (url) => new Sequelize(url, { pool: { max: 2 } });
export const tenantDb = (req) => openTenant(req.tenant.url);
export class TenantDatabase {
  constructor(url) {
    this.init(url);
  }
  init(url) {
    this.connection = new Sequelize(url);
  }
}
`,
  'src/routes.js': `import { Router } from "express";
import getTenantConnection from "./db/tenantManager.js";
import { tenantDb, TenantDatabase } from "./db/uncached.js";

export const router = Router();

router.get("/flows", async (req, res) => {
  const { sequelize } = await getTenantConnection(req.tenantId, req.dbLink);
  res.json(await sequelize.query("SELECT 1"));
});

router.get("/runs", async (req, res) => {
  const db = tenantDb(req);
  const other = new TenantDatabase(req.tenant.url);
  res.json(await db.query("SELECT 1"), other);
});
`,
};

describe('single-instance: tenant caches stay silent; wrappers and classes are followed', () => {
  let project: ProjectOnDisk;
  beforeAll(() => {
    project = new ProjectOnDisk('single-instance-tenants-', TENANTS, { jsSourceType: 'module' });
  });
  afterAll(() => project.remove());

  it('reports the wrapper and the class, not the cached tenant connection', async () => {
    const found = await lintAll(project);
    expect(found.map(({ file, line, messageId }) => ({ file, line, messageId }))).toEqual([
      { file: 'src/routes.js', line: 13, messageId: 'factoryPerEvent' },
      { file: 'src/routes.js', line: 14, messageId: 'factoryPerEvent' },
    ]);
    expect(found[0]?.message).toMatch(/^`tenantDb\(\)` creates a new Sequelize instance \(\.\/db\/uncached\.js:3\), with its own pool of up to max 2 connections/u);
    expect(found[1]?.message).toMatch(/^`new TenantDatabase\(\)` creates a new Sequelize instance \(\.\/db\/uncached\.js:10\)/u);
  });
});
