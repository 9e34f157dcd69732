'use strict';

const fs = require('fs');
const path = require('path');
const Sequelize = require('sequelize');
const process = require('process');
const basename = path.basename(__filename);
const env = process.env.NODE_ENV || 'development';
const config = require(__dirname + '/../config/config.json')[env];
const db = {};

let sequelize;
// Connection pool, made explicit and config-driven by eslint-plugin-sequelize-pool's codemod.
// Without these keys Sequelize v6 uses max 5, min 0, idle 10000, acquire 60000, evict 1000.
// 1 process × max 10 = 10 connections of the 97 PostgreSQL allows (100 − 3 reserved).
// max 10 is the default; pass --processes and --max-connections to size it to your deployment.
// Override any key with pool in the options (config.pool); config.logging, .benchmark and
//   .slowQueryMs switch query logging.
const POOL_DEFAULTS = { max: 10, min: 2, idle: 10000, acquire: 30000, evict: 10000 };

// Query logging is off unless settings.logging or settings.slowQueryMs is set. With slowQueryMs, only queries
// at least that slow are logged, at warn level, to find the slow queries that hold connections. With
// benchmark on, Sequelize passes the elapsed time (ms) as the second argument.
function queryLogging(settings, log, warn) {
  const slowQueryMs = settings.slowQueryMs;
  if (!settings.logging && slowQueryMs == null) return false;
  return (message, elapsedOrOptions) => {
    const elapsedMs = typeof elapsedOrOptions === 'number' ? elapsedOrOptions : undefined;
    if (slowQueryMs != null) {
      if (elapsedMs !== undefined && elapsedMs >= slowQueryMs) warn(`${message} (${elapsedMs} ms)`);
      return;
    }
    log(elapsedMs === undefined ? message : `${message} (${elapsedMs} ms)`);
  };
}

// Elapsed times need benchmark: on when settings.benchmark is, or when slowQueryMs needs them.
function queryBenchmark(settings) {
  return Boolean(settings.benchmark) || settings.slowQueryMs != null;
}

if (config.use_env_variable) {
  sequelize = new Sequelize(process.env[config.use_env_variable], {
    ...config,
    pool: { ...POOL_DEFAULTS, ...config.pool },
    logging: queryLogging(config, console.log, console.warn),
    benchmark: queryBenchmark(config),
  });
} else {
  sequelize = new Sequelize(config.database, config.username, config.password, {
    ...config,
    pool: { ...POOL_DEFAULTS, ...config.pool },
    logging: queryLogging(config, console.log, console.warn),
    benchmark: queryBenchmark(config),
  });
}

fs
  .readdirSync(__dirname)
  .filter(file => {
    return (
      file.indexOf('.') !== 0 &&
      file !== basename &&
      file.slice(-3) === '.js' &&
      file.indexOf('.test.js') === -1
    );
  })
  .forEach(file => {
    const model = require(path.join(__dirname, file))(sequelize, Sequelize.DataTypes);
    db[model.name] = model;
  });

Object.keys(db).forEach(modelName => {
  if (db[modelName].associate) {
    db[modelName].associate(db);
  }
});

db.sequelize = sequelize;
db.Sequelize = Sequelize;

module.exports = db;
