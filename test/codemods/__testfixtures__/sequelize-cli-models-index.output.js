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
// Connection pool made explicit by eslint-plugin-sequelize-pool's codemod
//   (docs/codemod.md).
// A lifecycle key left unset runs as Sequelize v6's default: max 5, min 0, idle 10000,
//   acquire 60000, evict 1000.
// 1 process × max 10 = 10 connections of the 97 PostgreSQL allows (100 − 3 reserved).
// max 10 is the default; pass --processes and --max-connections to size it to your
//   deployment.
// withPoolSettings() changes only what the options leave unset, then applies
//   DB_POOL_MAX, DB_POOL_MIN, DB_POOL_IDLE, DB_POOL_ACQUIRE and DB_POOL_EVICT;
//   DB_LOGGING, DB_BENCHMARK and DB_SLOW_QUERY_MS switch query logging (unset: as the
//   options say).
/** @typedef {{ pool: Record<string, number>, logging?: boolean, benchmark?: boolean, slowQueryMs?: number }} DatabaseSettings */

/**
 * @param {import('sequelize').Options | string | undefined} options
 * @returns {import('sequelize').Options}
 */
function withPoolSettings(options) {
  // A URL (new Sequelize(url)) or no options at all: nothing to fill in.
  if (typeof options === 'string' || options === undefined || options === null) return /** @type {any} */ (options);
  const given = /** @type {{ pool?: Record<string, unknown>, logging?: unknown, benchmark?: unknown }} */ (options);
  const defaults = { max: 10, min: 2, idle: 10000, acquire: 30000, evict: 10000 };
  const settings = databaseSettings();
  /** @type {Record<string, unknown>} */
  const pool = { ...given.pool };
  for (const [key, value] of Object.entries(defaults)) {
    if (pool[key] !== undefined) continue;
    // A min filled in here never exceeds the pool's max: sequelize-pool refuses min > max.
    pool[key] = key === 'min' && Number(pool.max) < value ? Number(pool.max) : value;
  }
  Object.assign(pool, settings.pool);
  if (Object.keys(settings.pool).length > 0 && Number(pool.min) > Number(pool.max)) pool.min = pool.max;
  /** @type {Record<string, unknown>} */
  const result = { ...given, pool };
  const slow = settings.slowQueryMs !== undefined;
  if (settings.logging !== undefined || slow) result.logging = queryLogging(settings, given.logging);
  if (settings.benchmark !== undefined || slow) result.benchmark = settings.benchmark === true || slow;
  return /** @type {import('sequelize').Options} */ (result);
}

/**
 * Query logging once config or the environment switches it: the options' own function stays the sink.
 * @param {DatabaseSettings} settings
 * @param {unknown} logging
 * @returns {false | ((...args: unknown[]) => void)}
 */
function queryLogging(settings, logging) {
  const sink = typeof logging === 'function' ? /** @type {(...args: unknown[]) => void} */ (logging) : console.log;
  const { slowQueryMs } = settings;
  if (slowQueryMs === undefined) return settings.logging === true ? sink : false;
  // With benchmark on, Sequelize passes the elapsed time (ms) as the second argument.
  return (...args) => {
    const [message, elapsedMs] = args;
    if (typeof elapsedMs !== 'number' || elapsedMs < slowQueryMs) return;
    if (sink === console.log) console.warn(`${String(message)} Elapsed time: ${elapsedMs}ms`);
    else sink(...args);
  };
}

/** @returns {DatabaseSettings} */
function databaseSettings() {
  /** @type {Record<string, number>} */
  const pool = {};
  /** @type {[string, string][]} */
  const variables = [
    ['max', 'DB_POOL_MAX'],
    ['min', 'DB_POOL_MIN'],
    ['idle', 'DB_POOL_IDLE'],
    ['acquire', 'DB_POOL_ACQUIRE'],
    ['evict', 'DB_POOL_EVICT'],
  ];
  for (const [key, name] of variables) {
    const value = envInteger(name, key === 'max' ? 1 : 0);
    if (value !== undefined) pool[key] = value;
  }
  return {
    pool,
    logging: envFlag('DB_LOGGING'),
    benchmark: envFlag('DB_BENCHMARK'),
    slowQueryMs: envInteger('DB_SLOW_QUERY_MS', 0),
  };
}

/**
 * An integer setting from the environment: unset or empty is undefined; anything else below `minimum` stops start-up.
 * @param {string} name
 * @param {number} minimum
 * @returns {number | undefined}
 */
function envInteger(name, minimum) {
  const raw = (process.env[name] ?? '').trim();
  if (raw === '') return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < minimum) {
    throw new Error(`${name} must be an integer ≥ ${minimum}, got ${JSON.stringify(process.env[name])}`);
  }
  return Number(raw);
}

/**
 * A switch from the environment: unset or empty is undefined (the options decide).
 * @param {string} name
 * @returns {boolean | undefined}
 */
function envFlag(name) {
  const raw = (process.env[name] ?? '').trim().toLowerCase();
  if (raw === '') return undefined;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new Error(`${name} must be true or false, got ${JSON.stringify(process.env[name])}`);
}

if (config.use_env_variable) {
  sequelize = new Sequelize(process.env[config.use_env_variable], withPoolSettings(config));
} else {
  sequelize = new Sequelize(config.database, config.username, config.password, withPoolSettings(config));
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
